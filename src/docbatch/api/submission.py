"""Turning an API submission into document sources: server paths or uploaded files.

Server paths must lie inside :attr:`Settings.allowed_roots` (resolved, so ``..`` and
symlinks cannot leave them); path submission is disabled while that list is empty.
Uploads arrive as ``multipart/form-data`` (one or more ``files`` parts plus optional
``priority``, ``project`` and ``name`` fields), are capped at
:attr:`Settings.api_max_upload_bytes` while they are read, and are saved under
``state_dir/uploads/<id>/``. The multipart body is parsed with the standard library's
email parser, so no extra dependency is needed.
"""

from __future__ import annotations

import re
import uuid
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request, status

from docbatch.settings import Settings

__all__ = ["UploadForm", "check_paths", "read_upload"]

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def check_paths(paths: list[str], roots: list[Path]) -> list[Path]:
    """The resolved paths, each inside one of ``roots``; 403/400 otherwise."""
    if not roots:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "path submission is disabled: set DOCBATCH_ALLOWED_ROOTS on the server",
        )
    resolved_roots = [root.expanduser().resolve() for root in roots]
    checked = []
    for raw in paths:
        if "\x00" in raw:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, f"path contains a NUL byte: {raw!r}")
        path = Path(raw)
        if not path.is_absolute():
            raise HTTPException(status.HTTP_400_BAD_REQUEST, f"path must be absolute: {raw}")
        real = path.resolve()
        if not any(real.is_relative_to(root) for root in resolved_roots):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, f"path is outside the allowed roots: {raw}"
            )
        if not real.exists():
            raise HTTPException(status.HTTP_400_BAD_REQUEST, f"no such file or folder: {raw}")
        checked.append(real)
    return checked


class UploadForm:
    """An upload saved to disk: its folder and the batch options sent with it."""

    def __init__(self, folder: Path, files: list[Path], fields: dict[str, str]) -> None:
        self.folder = folder
        self.files = files
        self.fields = fields


async def _read_capped(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"upload exceeds {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise HTTPException(413, f"upload exceeds {limit} bytes")
    return bytes(body)


def _parts(content_type: str, body: bytes) -> list[Any]:
    header = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=policy.HTTP).parsebytes(header + body)
    if not message.is_multipart():
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "expected multipart/form-data")
    return list(message.iter_parts())


async def read_upload(request: Request, settings: Settings) -> UploadForm:
    """Save the uploaded files of a multipart request; 400 when it carries none."""
    body = await _read_capped(request, settings.api_max_upload_bytes)
    folder = settings.state_dir / "uploads" / uuid.uuid4().hex
    files: list[Path] = []
    fields: dict[str, str] = {}
    for part in _parts(request.headers.get("content-type", ""), body):
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        payload = part.get_payload(decode=True) or b""
        if filename:
            folder.mkdir(parents=True, exist_ok=True)
            safe = _SAFE_NAME.sub("_", Path(filename).name).lstrip(".") or "upload"
            target = folder / f"{len(files):04d}-{safe}"
            target.write_bytes(payload)
            files.append(target)
        elif isinstance(name, str):
            fields[name] = payload.decode("utf-8", errors="replace").strip()
    if not files:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "no file in the upload (field 'files')")
    return UploadForm(folder, files, fields)
