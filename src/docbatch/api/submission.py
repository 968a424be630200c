"""Turning an API submission into document sources: server paths or uploaded files.

Server paths must lie inside :attr:`Settings.allowed_roots` (resolved, so ``..`` and
symlinks cannot leave them); path submission is disabled while that list is empty.
Uploads arrive as ``multipart/form-data`` (one or more ``files`` parts plus optional
``priority``, ``project`` and ``name`` fields), are capped at
:attr:`Settings.api_max_upload_bytes` while they stream to disk, and are saved under
``state_dir/uploads/<id>/``. The body is parsed with python-multipart in a worker
thread, never on the event loop and never held in memory.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO

from fastapi import HTTPException, Request, status
from starlette.concurrency import run_in_threadpool

from docbatch.settings import Settings

__all__ = ["MAX_FIELD_BYTES", "MAX_PARTS", "UploadForm", "check_paths", "read_upload", "save_parts"]

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


#: Caps on one upload's parts, besides its size: form fields are small and few.
MAX_PARTS = 10_000
MAX_FIELD_BYTES = 64 * 1024
_CHUNK = 1 << 16


async def read_upload(request: Request, settings: Settings) -> UploadForm:
    """Save the uploaded files of a multipart request; 400 when it carries none.

    The body is streamed to a spool file under ``state_dir`` with the size cap applied
    as it arrives (413 past it), then parsed in a worker thread, each file part written
    straight to its own file: memory stays flat whatever the upload's size and the event
    loop never parses.
    """
    limit = settings.api_max_upload_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"upload exceeds {limit} bytes")
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    folder = settings.state_dir / "uploads" / uuid.uuid4().hex
    spool: Path | None = None
    try:
        with tempfile.NamedTemporaryFile(
            dir=settings.state_dir, prefix=".upload-", delete=False
        ) as out:
            spool = Path(out.name)
            size = 0
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise HTTPException(413, f"upload exceeds {limit} bytes")
                await run_in_threadpool(out.write, chunk)
        content_type = request.headers.get("content-type", "")
        files, fields = await run_in_threadpool(save_parts, spool, content_type, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        if spool is not None:
            spool.unlink(missing_ok=True)
    if not files:
        shutil.rmtree(folder, ignore_errors=True)
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "no file in the upload (field 'files')")
    return UploadForm(folder, files, fields)


def save_parts(body: Path, content_type: str, folder: Path) -> tuple[list[Path], dict[str, str]]:
    """Parse the multipart ``body`` file: file parts saved in ``folder``, fields returned.

    Blocking; the API calls it in a worker thread.
    """
    from python_multipart.multipart import MultipartParseError, MultipartParser
    from python_multipart.multipart import parse_options_header as parse_header

    kind, params = parse_header(content_type)
    if kind != b"multipart/form-data" or not params.get(b"boundary"):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "expected multipart/form-data")
    writer = _PartWriter(folder)
    try:
        parser = MultipartParser(params[b"boundary"], callbacks=writer.callbacks())  # type: ignore[arg-type]
        with body.open("rb") as source:
            while chunk := source.read(_CHUNK):
                parser.write(chunk)
        parser.finalize()
    except MultipartParseError as exc:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, f"malformed multipart body: {exc}"
        ) from exc
    finally:
        writer.close()
    return writer.files, writer.fields


class _PartWriter:
    """python-multipart callbacks writing file parts to disk and collecting fields."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: list[Path] = []
        self.fields: dict[str, str] = {}
        self._header = [bytearray(), bytearray()]
        self._headers: dict[bytes, bytes] = {}
        self._name = ""
        self._value: bytearray | None = None
        self._file: IO[bytes] | None = None
        self._parts = 0

    def callbacks(self) -> dict[str, Callable[..., None]]:
        """The callbacks :class:`MultipartParser` calls."""
        return {
            "on_part_begin": self._begin,
            "on_header_field": lambda data, start, end: self._header[0].extend(data[start:end]),
            "on_header_value": lambda data, start, end: self._header[1].extend(data[start:end]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._data,
            "on_part_end": self._end,
        }

    def _begin(self) -> None:
        self._parts += 1
        if self._parts > MAX_PARTS:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, f"more than {MAX_PARTS} parts")
        self._headers, self._value, self._file = {}, None, None

    def _header_end(self) -> None:
        self._headers[bytes(self._header[0]).lower()] = bytes(self._header[1])
        self._header = [bytearray(), bytearray()]

    def _headers_finished(self) -> None:
        from python_multipart.multipart import parse_options_header as parse_header

        _, options = parse_header(self._headers.get(b"content-disposition", b""))
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        if filename is None:
            self._value = bytearray()
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        raw = Path(filename.decode("utf-8", "replace")).name
        safe = _SAFE_NAME.sub("_", raw).lstrip(".") or "upload"
        target = self.folder / f"{len(self.files):04d}-{safe}"
        self._file = target.open("wb")
        self.files.append(target)

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self._file is not None:
            self._file.write(data[start:end])
        elif self._value is not None:
            self._value.extend(data[start:end])
            if len(self._value) > MAX_FIELD_BYTES:
                raise HTTPException(status.HTTP_400_BAD_REQUEST, "a form field is too long")

    def _end(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        elif self._value is not None and self._name:
            self.fields[self._name] = self._value.decode("utf-8", errors="replace").strip()

    def close(self) -> None:
        """Close a file part left open by a body that ended early."""
        if self._file is not None:
            self._file.close()
