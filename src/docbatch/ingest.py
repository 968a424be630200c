"""What a batch is made of: paths, folders and JSON manifests turned into document sources.

Everything a user names is checked here, before anything is stored or enqueued: a path
must exist, be a regular file and lie inside an allowed root once symlinks are resolved;
a manifest is validated strictly (unknown fields, duplicate ids and missing files are
errors). Reading a document's bytes at the edge of a stage also lives here, with the size
limit applied before the bytes are read.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from docbatch.errors import (
    CorruptDocumentError,
    DocbatchError,
    DocumentTooLargeError,
    EmptyDocumentError,
    ManifestError,
    TransientError,
)

__all__ = [
    "DocumentSource",
    "Manifest",
    "ManifestDocument",
    "collect_sources",
    "load_manifest",
    "read_document",
]

MAX_NAME_BYTES = 255
MAX_PATH_BYTES = 4096


@dataclass(frozen=True, slots=True)
class DocumentSource:
    """One document to submit: a resolved path plus optional id and metadata."""

    path: Path
    external_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


class ManifestDocument(BaseModel):
    """One entry of a manifest's ``documents`` list."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str = Field(min_length=1)
    id: str | None = Field(default=None, min_length=1, max_length=255)
    metadata: dict[str, Any] = Field(default_factory=dict)

    @field_validator("path", "id")
    @classmethod
    def _no_nul(cls, value: str | None) -> str | None:
        if value is not None and "\x00" in value:
            raise ValueError("must not contain NUL bytes")
        return value


class Manifest(BaseModel):
    """A batch described as JSON: ``{"documents": [{"path": ...}, ...]}``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    documents: list[ManifestDocument] = Field(min_length=1)
    project: str | None = Field(default=None, min_length=1, max_length=200)
    priority: str | None = None
    name: str | None = Field(default=None, max_length=200)

    @field_validator("priority")
    @classmethod
    def _known_priority(cls, value: str | None) -> str | None:
        if value is not None and value not in {"high", "normal", "low"}:
            raise ValueError("must be one of high, normal, low")
        return value

    @field_validator("documents")
    @classmethod
    def _unique_ids(cls, documents: list[ManifestDocument]) -> list[ManifestDocument]:
        seen: dict[str, int] = {}
        for index, doc in enumerate(documents):
            if doc.id is None:
                continue
            if doc.id in seen:
                raise ValueError(
                    f"documents.{index}: duplicate document id {doc.id!r} "
                    f"(first used by documents.{seen[doc.id]})"
                )
            seen[doc.id] = index
        return documents


def _check_name(raw: str) -> None:
    if "\x00" in raw:
        raise ManifestError(f"path {raw!r} contains a NUL byte")
    try:
        encoded = os.fsencode(raw)
    except UnicodeEncodeError as exc:
        raise ManifestError(f"path {raw!r} cannot be encoded for this file system") from exc
    if len(encoded) > MAX_PATH_BYTES:
        raise ManifestError(f"path is longer than {MAX_PATH_BYTES} bytes: {raw[:80]!r}...")
    if any(len(part) > MAX_NAME_BYTES for part in encoded.split(b"/")):
        raise ManifestError(f"a name in the path is longer than {MAX_NAME_BYTES} bytes")


def _inside(path: Path, roots: Sequence[Path]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


class _PathChecker:
    """Resolves document paths and checks each is a regular file inside the roots.

    The same answers as ``Path.resolve(strict=True)`` and the checks, but each folder is
    resolved once: a manifest of 100,000 files in a few folders costs one ``lstat`` per
    file instead of one per component of every path. A file that is itself a symlink is
    resolved in full.
    """

    def __init__(self, base: Path, roots: Sequence[Path]) -> None:
        self.base = str(base)
        self.roots = roots
        self._prefixes = [(str(r), str(r).rstrip(os.sep) + os.sep) for r in roots]
        self._folders: dict[str, str] = {}

    def __call__(self, raw: str | Path) -> Path:
        _check_name(str(raw))
        candidate = os.path.join(self.base, os.fspath(raw))  # an absolute raw wins
        try:
            resolved, mode = self._resolve(candidate)
        except FileNotFoundError as exc:
            raise ManifestError(f"no such file: {candidate}") from exc
        except (OSError, RuntimeError) as exc:  # symlink loops, permission errors
            raise ManifestError(f"cannot resolve {candidate}: {exc}") from exc
        if not any(
            resolved == root or resolved.startswith(prefix) for root, prefix in self._prefixes
        ):
            allowed = ", ".join(str(r) for r in self.roots)
            raise ManifestError(f"{candidate} is outside the allowed roots ({allowed})")
        if not stat.S_ISREG(mode):
            raise ManifestError(f"not a regular file: {candidate}")
        return Path(resolved)

    def _resolve(self, candidate: str) -> tuple[str, int]:
        """The real path of ``candidate`` and its file mode; OSError when it is missing."""
        folder, name = os.path.split(candidate)
        if name in ("", ".", ".."):
            resolved = os.path.realpath(candidate, strict=True)
            return resolved, os.stat(resolved).st_mode
        real_folder = self._folders.get(folder)
        if real_folder is None:
            real_folder = self._folders[folder] = os.path.realpath(folder, strict=True)
        resolved = os.path.join(real_folder, name)
        mode = os.lstat(resolved).st_mode
        if stat.S_ISLNK(mode):
            resolved = os.path.realpath(resolved, strict=True)
            mode = os.stat(resolved).st_mode
        return resolved, mode


def _resolve_checked(raw: str | Path, base: Path, roots: Sequence[Path]) -> Path:
    """Resolve ``raw`` against ``base`` and check it is a regular file inside ``roots``."""
    return _PathChecker(base, roots)(raw)


def _walk(folder: Path, roots: Sequence[Path]) -> Iterator[Path]:
    """Regular files below ``folder`` in a stable order, hidden entries skipped."""
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            try:
                resolved = path.resolve(strict=True)
            except (OSError, RuntimeError):
                continue  # a dangling or looping symlink is not a document
            if resolved.is_file() and _inside(resolved, roots):
                yield resolved


def collect_sources(
    paths: Iterable[str | Path], allowed_roots: Sequence[Path] = ()
) -> list[DocumentSource]:
    """Turn files and folders (searched recursively) into document sources.

    Each path named is itself an allowed root, as are ``allowed_roots``; files reached
    through a symlink that leaves every root are skipped. Raises :class:`ManifestError`
    for a path that does not exist or when nothing is found.
    """
    sources: list[DocumentSource] = []
    seen: set[Path] = set()
    for raw in paths:
        _check_name(str(raw))
        path = Path(raw).expanduser()
        if not path.exists():
            raise ManifestError(f"no such file or folder: {path}")
        root = path.resolve()
        roots = [root, *(r.resolve() for r in allowed_roots)]
        found = _walk(root, roots) if root.is_dir() else [_resolve_checked(root, root, roots)]
        for file in found:
            if file not in seen:
                seen.add(file)
                sources.append(DocumentSource(path=file))
    if not sources:
        raise ManifestError("no documents found in the paths given")
    return sources


def load_manifest(
    path: str | Path, allowed_roots: Sequence[Path] = ()
) -> tuple[Manifest, list[DocumentSource]]:
    """Read and validate a JSON manifest; return it with its resolved document sources.

    Relative paths are resolved against the manifest's folder, which is an allowed root;
    ``allowed_roots`` adds more. Every error names what is wrong and where.
    """
    manifest_path = Path(path).expanduser().resolve()
    try:
        raw = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ManifestError(f"no such manifest: {manifest_path}") from exc
    except OSError as exc:  # a folder, a permission error, ...
        raise ManifestError(f"cannot read manifest {manifest_path}: {exc.strerror}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"{manifest_path} is not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise ManifestError(f"{manifest_path} nests too deeply to be a manifest") from exc
    try:
        manifest = Manifest.model_validate(raw)
    except RecursionError as exc:
        raise ManifestError(f"{manifest_path} nests too deeply to be a manifest") from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'manifest'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ManifestError(f"{manifest_path}: {problems}") from exc
    base = manifest_path.parent
    roots = [base, *(Path(r).expanduser().resolve() for r in allowed_roots)]
    check = _PathChecker(base, roots)
    sources = []
    for index, doc in enumerate(manifest.documents):
        try:
            resolved = check(doc.path)
        except ManifestError as exc:
            raise ManifestError(f"{manifest_path}: documents.{index}: {exc}") from exc
        sources.append(DocumentSource(resolved, doc.id, dict(doc.metadata)))
    return manifest, sources


def read_document(path: str | Path, max_bytes: int) -> tuple[bytes, str]:
    """Read a document's bytes and their sha256, refusing files over ``max_bytes``.

    ``path`` is the real path checked against the allowed roots at submission. The file
    is opened without following a symlink in its last component, and the opened file's
    own real path must still be ``path``: a link or folder swapped in after submission
    is refused (``changed_after_submission``), never read. A missing or unreadable file
    is a :class:`CorruptDocumentError` (it cannot get better by retrying) unless the
    error looks like a passing I/O fault.
    """
    file = Path(path)
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError as exc:
        raise CorruptDocumentError(f"file no longer exists: {file.name}") from exc
    except OSError as exc:
        raise _open_error(file, exc) from exc
    try:
        _check_opened(fd, file)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as handle:
        try:
            size = os.fstat(fd).st_size
            if size > max_bytes:
                raise DocumentTooLargeError(
                    f"file is {size:,} bytes, over the limit of {max_bytes:,} bytes"
                )
            if size == 0:
                raise EmptyDocumentError("file is empty (0 bytes)")
            data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise TransientError(f"I/O error reading {file.name}: {exc.strerror}") from exc
    if len(data) > max_bytes:
        raise DocumentTooLargeError(f"file grew over the limit of {max_bytes:,} bytes")
    return data, hashlib.sha256(data).hexdigest()


def _open_error(file: Path, exc: OSError) -> DocbatchError:
    """The document error for a failed ``open`` of ``file``."""
    if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a symlink
        return CorruptDocumentError(
            f"{file.name} became a symbolic link after submission; not read",
            code="changed_after_submission",
        )
    if isinstance(exc, (IsADirectoryError, PermissionError)):
        return CorruptDocumentError(f"cannot read {file.name}: {exc.strerror}")
    return TransientError(f"I/O error reading {file.name}: {exc.strerror}")


def _check_opened(fd: int, file: Path) -> None:
    """Refuse the open file unless it is a regular file whose real path is ``file``."""
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise CorruptDocumentError(f"cannot read {file.name}: not a regular file")
    if _real_path_of(fd, file) != os.path.abspath(file):
        raise CorruptDocumentError(
            f"{file.name} resolves outside the path allowed at submission; not read",
            code="changed_after_submission",
        )


def _real_path_of(fd: int, file: Path) -> str:
    """The real path of the open ``fd``: from ``/proc`` on Linux, else by resolving
    ``file`` and checking it names the same inode."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        pass
    real = os.path.realpath(file)
    opened, named = os.fstat(fd), os.stat(real)
    same = (opened.st_dev, opened.st_ino) == (named.st_dev, named.st_ino)
    return real if same else ""
