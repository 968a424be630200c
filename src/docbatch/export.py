"""Writing results out: one record per document, or the project's entity graph.

Formats are JSON Lines (nested, complete) and CSV (flat, one row per record; a text cell
that a spreadsheet would run as a formula is prefixed with a single quote). Records are
read page by page from the database, so an export of a million documents runs in bounded
memory.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, TextIO

from docbatch.errors import ConfigError, public_reason
from docbatch.models import EntityType, Mention, Relationship, to_dict
from docbatch.store.records import BatchRecord, DocumentRecord

if TYPE_CHECKING:
    from docbatch.store.repository import Repository

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
    "relationships": (
        "type", "source_type", "source_name", "target_type", "target_name", "attributes",
        "weight", "evidence", "source", "target",
    ),
}  # fmt: skip


def _batches(repo: Repository, batch_id: str | None, project: str | None) -> list[BatchRecord]:
    if batch_id is not None:
        return [repo.batches.get(batch_id)]
    batches = repo.batches.newest(limit=1_000_000, project=project)
    return sorted(batches, key=lambda b: (b.created_at, b.id))


def _documents(repo: Repository, batches: list[BatchRecord]) -> Iterator[DocumentRecord]:
    for batch in batches:
        offset = 0
        while True:
            page = repo.documents.of_batch(batch.id, limit=_PAGE, offset=offset)
            yield from page
            if len(page) < _PAGE:
                break
            offset += _PAGE


def document_record(repo: Repository, doc: DocumentRecord) -> dict[str, Any]:
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
    for mention, entity_id in repo.results.mentions(doc.id):
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
        "pages": to_dict(repo.results.pages(doc.id)),
        "chunks": to_dict(repo.results.chunks(doc.id)),
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


def _entities(repo: Repository, project: str | None) -> Iterator[dict[str, Any]]:
    project_id = repo.batches.ensure_project(project or "default")
    for entity in repo.results.project_entities(project_id, list(EntityType)):
        item = to_dict(entity)
        item["aliases"] = list(entity.aliases)
        yield item


def _relationships(repo: Repository, batches: list[BatchRecord]) -> Iterator[dict[str, Any]]:
    """Edges merged over documents, each end with its type and name, weights summed.

    Each piece of evidence names the document (id and path), the chunk, its page and the
    sentence of the chunk where the edge's entity is mentioned, so a reader can check an
    edge without joining tables by hand.
    """
    from docbatch.store.search import SearchIndex

    index = SearchIndex(repo.database)
    merged: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for doc in _documents(repo, batches):
        relationships = repo.results.relationships(doc.id)
        if not relationships:
            continue
        names = index.names(
            doc.project_id, {e for r in relationships for e in (r.source, r.target)}
        )
        evidence = _Evidence(repo, doc)
        for rel in relationships:
            attrs = json.dumps(dict(rel.attributes), sort_keys=True)
            key = (rel.type.value, rel.source, rel.target, attrs)
            edge = merged.get(key)
            if edge is None:
                source_type, source_name = names.get(rel.source, ("", ""))
                target_type, target_name = names.get(rel.target, ("", ""))
                edge = merged[key] = {
                    "type": rel.type.value,
                    "source_type": source_type,
                    "source_name": source_name,
                    "target_type": target_type,
                    "target_name": target_name,
                    "attributes": dict(rel.attributes),
                    "weight": 0,
                    "evidence": [],
                    "source": rel.source,
                    "target": rel.target,
                }
            edge["weight"] += rel.weight
            edge["evidence"].extend(evidence.of(rel, chunk) for chunk in rel.evidence)
    for key in sorted(merged):
        yield merged[key]


#: The longest sentence an evidence item quotes (characters).
_SENTENCE_MAX = 300
#: A candidate sentence end: punctuation and a space before a capital, or a blank line.
_SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+(?=[A-Z(\"\u201c])|\n\s*\n")
_LAST_WORD = re.compile(r"(\S+)\s*$")
#: Words a legal text ends with a period without ending its sentence ("Corp. v. Twombly").
_ABBREVIATIONS = frozenset(
    [
        "v",
        "vs",
        "corp",
        "inc",
        "co",
        "ltd",
        "llc",
        "no",
        "nos",
        "fed",
        "civ",
        "crim",
        "app",
        "cir",
        "supp",
        "stat",
        "art",
        "sec",
        "ch",
        "id",
        "cf",
        "e.g",
        "i.e",
        "mr",
        "ms",
        "mrs",
        "dr",
        "jr",
        "sr",
        "st",
        "hon",
        "j",
        "jj",
        "ct",
        "dist",
        "rev",
        "ann",
        "gen",
        "amend",
        "cl",
        "para",
        "pt",
        "jan",
        "feb",
        "mar",
        "apr",
        "aug",
        "sept",
        "sep",
        "oct",
        "nov",
        "dec",
    ]
)


def _ends_sentence(text: str, boundary: re.Match[str]) -> bool:
    """False when the period before ``boundary`` closes an abbreviation or an initial."""
    if "\n" in boundary.group() and not boundary.group().strip(" \t"):
        return True
    found = _LAST_WORD.search(text, 0, boundary.start())
    word = found.group(1) if found else ""
    if not word.endswith("."):
        return True
    bare = word.rstrip(".").lstrip('("\u201c').lower()
    # "U.S." and "F.3d." hold periods inside; "J." is an initial.
    return not (bare in _ABBREVIATIONS or len(bare) <= 1 or "." in bare)


def _sentence_ends(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    return (m for m in _SENTENCE_END.finditer(text, start, end) if _ends_sentence(text, m))


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` holding ``text[start:end]``, cut to a readable length."""
    left = 0
    for match in _sentence_ends(text, 0, max(start, 0)):
        left = match.end()
    found = next(_sentence_ends(text, max(end, start), len(text)), None)
    right = found.start() if found else len(text)
    if right - left > _SENTENCE_MAX:  # no sentence break near: a window around the words
        half = max(0, (_SENTENCE_MAX - (end - start)) // 2)
        left, right = max(left, start - half), min(right, end + half)
    return " ".join(text[left:right].split())


class _Evidence:
    """The evidence items of one document's edges: chunk, page and the sentence quoted."""

    def __init__(self, repo: Repository, doc: DocumentRecord) -> None:
        self.doc = doc
        self.chunks = {chunk.index: chunk for chunk in repo.results.chunks(doc.id)}
        self.mentions: dict[tuple[str, int], Mention] = {}
        for mention, entity_id in repo.results.mentions(doc.id):
            if entity_id is not None:
                self.mentions.setdefault((entity_id, mention.chunk_index), mention)

    def of(self, rel: Relationship, chunk_index: int) -> dict[str, Any]:
        """The evidence item of ``rel`` in chunk ``chunk_index``."""
        item: dict[str, Any] = {
            "document_id": self.doc.id,
            "path": self.doc.path,
            "chunk": chunk_index,
        }
        chunk = self.chunks.get(chunk_index)
        mention = self.mentions.get((rel.source, chunk_index)) or self.mentions.get(
            (rel.target, chunk_index)
        )
        if chunk is None:
            return item
        if mention is None:  # an edge of the whole chunk: its first page
            return item | {"page": chunk.page_start}
        start = mention.char_start - chunk.char_start
        end = mention.char_end - chunk.char_start
        return item | {
            "page": mention.page,
            "mention": mention.text,
            "sentence": sentence_around(chunk.text, start, end),
        }


def export_records(
    repo: Repository,
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
