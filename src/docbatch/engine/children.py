"""Containers as documents: a container's members become child documents of its batch.

The extract step of a ZIP file, an e-mail or a PDF calls :func:`children_of` with the
bytes it read: the members, read by the step's :class:`~docbatch.engine.extractors.Extractor`
(in the sandbox child for workers, see :mod:`docbatch.engine.expansion`), become
:class:`~docbatch.store.records.ChildDocument` values that the step's commit stores with
the container's own result (:mod:`docbatch.store.children`). A child's extract step reads
its bytes back with :func:`read_member`, from the database by their sha256: a member's
name is display text (``production.zip!/folder/letter.docx``), never a file-system path.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import replace
from pathlib import PurePath
from typing import TYPE_CHECKING

from docbatch.engine.extractors import Extractor, InProcessExtractor
from docbatch.errors import (
    CorruptDocumentError,
    DocumentTooLargeError,
    EncryptedDocumentError,
    InputError,
    UnsupportedTypeError,
)
from docbatch.models import ExtractedDocument
from docbatch.pipeline.containers import CONTAINER_TYPES, DEPTH_WARNING
from docbatch.pipeline.extract_pdf import ATTACHMENTS_KEY
from docbatch.pipeline.options import PipelineOptions
from docbatch.pipeline.sniff import PDF
from docbatch.store.records import ChildDocument, DocumentRecord

if TYPE_CHECKING:
    from docbatch.store.repository import Repository

__all__ = ["child_id", "children_of", "read_member"]

#: Child ids are uuid5 names under this namespace: the container's id and the member's place.
_CHILD_NAMESPACE = uuid.UUID("5d0c7a3e-6f1b-4b7e-9a51-2c0de0c0ffee")
_ERRORS: dict[str, type[InputError]] = {
    "encrypted": EncryptedDocumentError,
    "too_large": DocumentTooLargeError,
    "unsupported_type": UnsupportedTypeError,
    "corrupt": CorruptDocumentError,
}


def child_id(container_id: str, index: int) -> str:
    """The id of the ``index``-th member of a container: the same on every expansion."""
    return str(uuid.uuid5(_CHILD_NAMESPACE, f"{container_id}/{index}"))


def children_of(
    document: DocumentRecord,
    data: bytes,
    extracted: ExtractedDocument,
    options: PipelineOptions,
    extractor: Extractor | None = None,
) -> tuple[ExtractedDocument, tuple[ChildDocument, ...]]:
    """The container's extract output with its warnings, and its members as children.

    The members are read by ``extractor`` (in this process when None). A document that
    is no container has none, and costs no call: a PDF is opened for members only when
    pdfium counted an embedded file. A container at the configured depth is not expanded
    and gets the warning ``container_too_deep``.
    """
    if extracted.mime not in CONTAINER_TYPES:
        return extracted, ()
    if extracted.mime == PDF and ATTACHMENTS_KEY not in extracted.metadata:
        return extracted, ()  # pdfium, which read the text, found no embedded file
    limits = options.containers
    too_deep = document.depth >= limits.max_depth
    expansion = (extractor or InProcessExtractor()).expand(
        data, extracted.mime, limits, options.extract, keep_bytes=not too_deep
    )
    warnings = list(expansion.warnings)
    members = expansion.members
    if members and too_deep:
        members, warnings = (), [*warnings, DEPTH_WARNING]
    if warnings:
        kept = [w for w in extracted.warnings if w not in warnings]
        extracted = replace(extracted, warnings=(*kept, *warnings))
    base = document.container_path or PurePath(document.path).name or document.id
    children = tuple(
        ChildDocument(
            id=child_id(document.id, index),
            container_path=f"{base}!/{member.name}",
            depth=document.depth + 1,
            sha256=hashlib.sha256(member.data).hexdigest() if member.data is not None else None,
            size_bytes=len(member.data) if member.data is not None else 0,
            data=member.data,
            code=member.code,
            reason=member.reason,
        )
        for index, member in enumerate(members)
    )
    return extracted, children


def read_member(repo: Repository, document: DocumentRecord, max_bytes: int) -> tuple[bytes, str]:
    """A child document's bytes and their sha256, read back from the database.

    A member the container could not give (encrypted, over a cap, corrupt) raises its
    error here, so the child fails with it at its own extract stage.
    """
    error = dict(document.metadata.get("member_error") or {})
    if error:
        kind = _ERRORS.get(str(error.get("code")), CorruptDocumentError)
        raise kind(str(error.get("reason") or "the member cannot be read"))
    if not document.sha256:
        raise CorruptDocumentError("the member's bytes were not stored")
    if document.size_bytes > max_bytes:
        raise DocumentTooLargeError(
            f"member is {document.size_bytes} bytes, more than the limit of {max_bytes}"
        )
    data: bytes = repo.results.blob(document.sha256)
    return data, document.sha256
