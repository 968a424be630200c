"""Container expansion across the sandbox boundary: members travel as files, never by name.

A sandbox child answers with one JSON line, so a container's member bytes travel another
way. The parent makes a private scratch folder (:func:`scratch_folder`, inside the state
folder); the child expands the container into it (:func:`write_members`), under the
streaming caps of :func:`docbatch.pipeline.containers.expand`, writing each readable
member to a new file named by its position (``000000``, ``000001``, ...: a member's own
name is display text, never a path), and answers with each member's name, size and
sha256, or why it cannot be read. The parent reads the files back (:func:`read_members`),
checks them against the caps and the child's figures again, and the folder is removed
whatever happened (a failure, the child killed at its time limit).
"""

from __future__ import annotations

import errno
import hashlib
import os
import resource
import shutil
import signal
import socket
import stat
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil

from docbatch.errors import ResourceError
from docbatch.pipeline.containers import (
    SKIPPED_WARNING,
    TOO_MANY_WARNING,
    Expansion,
    Member,
    display_name,
    expand,
)
from docbatch.pipeline.options import ContainerOptions, ExtractOptions

__all__ = ["member_file", "read_members", "scratch_folder", "sweep_scratch", "write_members"]

#: The error codes a member may carry (anything else the child says is ``corrupt``).
_CODES = frozenset({"encrypted", "too_large", "unsupported_type", "corrupt"})
#: The warnings an expansion may give its container.
_WARNINGS = frozenset({SKIPPED_WARNING, TOO_MANY_WARNING})
_LOST = "the member's bytes did not come back from the sandbox intact"


def member_file(index: int) -> str:
    """The scratch file name of the ``index``-th member (its position, never its name)."""
    return f"{index:06d}"


# -- the child ----------------------------------------------------------------------------


def write_members(
    data: bytes,
    mime: str,
    options: ContainerOptions,
    extract: ExtractOptions,
    folder: Path,
    *,
    keep_bytes: bool = True,
) -> dict[str, Any]:
    """Expand the container ``data`` into ``folder``; the JSON answer for the parent.

    Runs in the sandbox child. Each readable member is written to
    ``folder / member_file(position)`` as soon as it is read and then dropped, so the
    child holds one member at a time; no file grows past the per-member cap (the
    file-size limit is set to it while expanding). ``keep_bytes=False`` writes nothing
    (a container at the depth cap only says whether it has members).
    """
    entries: list[dict[str, Any]] = []

    def keep(member: Member) -> Member:
        index = len(entries)
        entry: dict[str, Any] = {"name": member.name, "code": member.code}
        if member.code:
            entry["reason"] = member.reason
        elif member.data is not None and keep_bytes:
            try:
                _write_new(folder / member_file(index), member.data)
            except OSError as exc:
                if exc.errno != errno.EFBIG:
                    raise ResourceError(f"container members cannot be written: {exc}") from exc
                entry.update(code="too_large", reason="the member is larger than its cap")
            else:
                entry["size"] = len(member.data)
                entry["sha256"] = hashlib.sha256(member.data).hexdigest()
        entries.append(entry)
        return Member(member.name, None, entry["code"], entry.get("reason", ""))

    with _file_size_cap(min(extract.max_file_bytes, options.max_total_bytes)):
        expansion = expand(data, mime, options, extract, keep)
    return {"members": entries, "warnings": list(expansion.warnings)}


def _write_new(path: Path, data: bytes) -> None:
    """Write ``data`` to a file that must not exist yet (no symlink followed)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    with open(os.open(path, flags, 0o600), "wb") as handle:
        handle.write(data)


@contextmanager
def _file_size_cap(limit: int) -> Iterator[None]:
    """No file written meanwhile grows past ``limit`` bytes (a write past it fails with
    EFBIG instead of killing the process with SIGXFSZ)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    capped = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (capped, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


# -- the parent ---------------------------------------------------------------------------


def read_members(
    folder: Path,
    answer: Mapping[str, Any],
    options: ContainerOptions,
    extract: ExtractOptions,
    *,
    keep_bytes: bool = True,
) -> Expansion:
    """The members :func:`write_members` left in ``folder``, checked again.

    The child's answer is not trusted further than its own checks: names are cleaned
    again, unknown codes become ``corrupt``, each file is read by its position and must
    be a regular file of the size and sha256 the child gave, within the per-member and
    per-container caps, else that member fails alone. With ``keep_bytes=False`` (as
    given to :func:`write_members`) readable members come back without bytes.
    """
    entries = list(answer.get("members") or ())
    if len(entries) > options.max_members:
        return Expansion((), (TOO_MANY_WARNING,))
    warnings = [w for w in answer.get("warnings") or () if w in _WARNINGS]
    member_cap = min(extract.max_file_bytes, options.max_total_bytes)
    left = options.max_total_bytes
    members = []
    for index, entry in enumerate(entries):
        member = _member(folder, index, entry, min(member_cap, left), keep_bytes)
        left -= len(member.data or b"")
        members.append(member)
    if any(m.code for m in members) and SKIPPED_WARNING not in warnings:
        warnings.append(SKIPPED_WARNING)
    return Expansion(tuple(members), tuple(warnings))


def _member(
    folder: Path, index: int, entry: Mapping[str, Any], cap: int, keep_bytes: bool
) -> Member:
    name = display_name(str(entry.get("name") or f"member-{index + 1}"))
    code = str(entry.get("code") or "")
    if code:
        reason = str(entry.get("reason") or "the member cannot be read")[:2000]
        return Member(name, code=code if code in _CODES else "corrupt", reason=reason)
    if not keep_bytes:
        return Member(name)  # a container at the depth cap: only counted
    if "sha256" not in entry:
        return Member(name, code="corrupt", reason=_LOST)
    size = int(entry.get("size", -1))
    if size > cap:
        return Member(name, code="too_large", reason=f"the member is more than {cap} bytes")
    data = _read_file(folder / member_file(index), size)
    if data is None or hashlib.sha256(data).hexdigest() != entry["sha256"]:
        return Member(name, code="corrupt", reason=_LOST)
    return Member(name, data)


def _read_file(path: Path, size: int) -> bytes | None:
    """The bytes of the regular file ``path`` if it holds exactly ``size``; else None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    with open(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if size < 0 or not stat.S_ISREG(info.st_mode) or info.st_size != size:
            return None
        data = handle.read(size + 1)
    return data if len(data) == size else None


# -- the scratch folder ---------------------------------------------------------------------


@contextmanager
def scratch_folder(root: Path | None) -> Iterator[Path]:
    """A new private folder (mode 0700) under ``root``, removed on the way out.

    Its name starts with this host's name and this process's id, so that
    :func:`sweep_scratch` can tell the folders of dead processes. ``root=None`` uses the
    system's temporary folder.
    """
    try:
        if root is not None:
            root.mkdir(mode=0o700, parents=True, exist_ok=True)
        prefix = f"{socket.gethostname()}-{os.getpid()}-"
        folder = Path(tempfile.mkdtemp(prefix=prefix, dir=root))
    except OSError as exc:
        raise ResourceError(f"no scratch folder for a container's members: {exc}") from exc
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def sweep_scratch(root: Path) -> int:
    """Remove the scratch folders this host's dead processes left (a killed worker);
    returns how many. Folders of live processes and of other hosts are kept."""
    host = socket.gethostname()
    removed = 0
    try:
        names = os.listdir(root)
    except OSError:
        return 0
    for name in names:
        owner, _, rest = name.rpartition("-")
        found_host, _, pid = owner.rpartition("-")
        if found_host != host or not pid.isdigit() or not rest or psutil.pid_exists(int(pid)):
            continue
        shutil.rmtree(root / name, ignore_errors=True)
        removed += 1
    return removed
