"""Writing results out: one record per document, or the project's entity graph.

Formats are JSON Lines (nested, complete) and CSV (flat, one row per record; a text cell
that a spreadsheet would run as a formula is prefixed with a single quote). Records are
read page by page from the database, so an export of a million documents runs in bounded
memory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any, TextIO

from docbatch.errors import ConfigError, public_reason
from docbatch.models import EntityType, to_dict
from docbatch.store.records import BatchRecord, DocumentRecord

__all__ = ["EXPORT_FORMATS", "EXPORT_KINDS", "export_records"]

EXPORT_FORMATS = ("jsonl", "csv")
EXPORT_KINDS = ("documents", "entities", "relationships")
_PAGE = 200
#: The CSV columns of each kind, written as the header even when no row follows.
_CSV_COLUMNS = {
    "documents": (
        "id", "batch_id", "external_id", "path", "sha256", "mime", "state",
        "error_category", "error_code", "error_reason", "warnings", "pages", "ocr_pages", "chunks",
        "mentions", "text",
        # Last, so that the columns before keep their places (a container's member).
        "parent_id", "container_path",
    ),
    "entities": ("id", "type", "key", "name", "aliases"),
    "relationships": ("type", "source", "target", "attributes", "weight", "evidence"),
}  # fmt: skip


def _batches(repo: Any, batch_id: str | None, project: str | None) -> list[BatchRecord]:
    if batch_id is not None:
        return [repo.get_batch(batch_id)]
    batches: list[BatchRecord] = repo.list_batches(limit=1_000_000, project=project)
    return sorted(batches, key=lambda b: (b.created_at, b.id))


def _documents(repo: Any, batches: list[BatchRecord]) -> Iterator[DocumentRecord]:
    for batch in batches:
        offset = 0
        while True:
            page = repo.batch_documents(batch.id, limit=_PAGE, offset=offset)
            yield from page
            if len(page) < _PAGE:
                break
            offset += _PAGE


def document_record(repo: Any, doc: DocumentRecord) -> dict[str, Any]:
    """Everything stored about one document, JSON-ready."""
    error = None
    if doc.error_category:
        error = {
            "category": doc.error_category,
            "code": doc.error_code,
            "stage": doc.error_stage,
            "reason": None if doc.error_reason is None else public_reason(doc.error_reason),
        }
    mentions = []
    for mention, entity_id in repo.document_mentions(doc.id):
        item = to_dict(mention)
        item["entity_id"] = entity_id
        mentions.append(item)
    return {
        "id": doc.id,
        "batch_id": doc.batch_id,
        "external_id": doc.external_id,
        "path": doc.path,
        # A container's member: the container's id and where the member sits inside it
        # (``production.zip!/folder/letter.docx``); None for a submitted file.
        "parent_id": doc.parent_id,
        "container_path": doc.container_path,
        "sha256": doc.sha256,
        "mime": doc.mime,
        "state": doc.state.value,
        "error": error,
        "metadata": dict(doc.metadata),
        "warnings": list(doc.warnings),
        "pages": to_dict(repo.document_pages(doc.id)),
        "chunks": to_dict(repo.document_chunks(doc.id)),
        "mentions": mentions,
    }


def _flat_document(record: dict[str, Any]) -> dict[str, Any]:
    error = record["error"] or {}
    return {
        "id": record["id"],
        "batch_id": record["batch_id"],
        "external_id": record["external_id"],
        "path": record["path"],
        "sha256": record["sha256"],
        "mime": record["mime"],
        "state": record["state"],
        "error_category": error.get("category"),
        "error_code": error.get("code"),
        "error_reason": error.get("reason"),
        "warnings": ";".join(record["warnings"]),
        "pages": len(record["pages"]),
        "ocr_pages": sum(1 for p in record["pages"] if p["ocr"]),
        "chunks": len(record["chunks"]),
        "mentions": len(record["mentions"]),
        "text": "\n\n".join(p["text"] for p in record["pages"]),
        "parent_id": record["parent_id"],
        "container_path": record["container_path"],
    }


def _entities(repo: Any, project: str | None) -> Iterator[dict[str, Any]]:
    project_id = repo.ensure_project(project or "default")
    for entity in repo.project_entities(project_id, list(EntityType)):
        item = to_dict(entity)
        item["aliases"] = list(entity.aliases)
        yield item


def _relationships(repo: Any, batches: list[BatchRecord]) -> Iterator[dict[str, Any]]:
    """Edges merged over documents: weights summed, evidence as (document, chunk)."""
    merged: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for doc in _documents(repo, batches):
        for rel in repo.document_relationships(doc.id):
            attrs = json.dumps(dict(rel.attributes), sort_keys=True)
            key = (rel.type.value, rel.source, rel.target, attrs)
            edge = merged.setdefault(
                key,
                {
                    "type": rel.type.value,
                    "source": rel.source,
                    "target": rel.target,
                    "attributes": dict(rel.attributes),
                    "weight": 0,
                    "evidence": [],
                },
            )
            edge["weight"] += rel.weight
            edge["evidence"].extend({"document_id": doc.id, "chunk": c} for c in rel.evidence)
    for key in sorted(merged):
        yield merged[key]


def export_records(
    repo: Any,
    handle: TextIO,
    *,
    what: str = "documents",
    fmt: str = "jsonl",
    batch_id: str | None = None,
    project: str | None = None,
) -> int:
    """Write ``what`` as ``fmt`` to ``handle``; returns the number of records."""
    if fmt not in EXPORT_FORMATS:
        raise ConfigError(f"unknown format {fmt!r}: use one of {', '.join(EXPORT_FORMATS)}")
    if what not in EXPORT_KINDS:
        raise ConfigError(f"unknown export {what!r}: use one of {', '.join(EXPORT_KINDS)}")
    records: Iterator[dict[str, Any]]
    if what == "documents":
        docs = _documents(repo, _batches(repo, batch_id, project))
        records = (document_record(repo, doc) for doc in docs)
        if fmt == "csv":
            records = (_flat_document(r) for r in records)
    elif what == "entities":
        records = _entities(repo, project)
    else:
        records = _relationships(repo, _batches(repo, batch_id, project))
    return _write(handle, records, fmt, _CSV_COLUMNS[what])


def _write(
    handle: TextIO, records: Iterator[dict[str, Any]], fmt: str, columns: tuple[str, ...]
) -> int:
    count = 0
    writer: csv.DictWriter[str] | None = None
    if fmt == "csv":
        # The header goes first whatever follows: an export with no rows is still a
        # table with its columns, not an empty file.
        writer = csv.DictWriter(handle, fieldnames=list(columns))
        writer.writeheader()
    for record in records:
        if writer is None:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            row = {k: _cell(v) for k, v in record.items()}
            writer.writerow(row)
        count += 1
    return count


#: What makes a spreadsheet read a cell as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        # A leading quote makes spreadsheets show the text instead of evaluating it.
        return "'" + value
    return value
