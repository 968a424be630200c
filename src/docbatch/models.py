"""Plain, immutable values passed between the pipeline stages.

Nothing here knows about Celery, SQL or Redis: a stage takes these values and returns
these values, so it can run in a test, in this process, or inside a worker alike.
Every value converts to and from JSON-ready dicts (:func:`to_dict`, ``from_dict``) so the
stage cache and the task messages carry JSON only. :class:`DocumentState` is here too:
the store, the Redis progress counters and the metrics all count documents in it.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CACHED_STAGES",
    "DOCUMENT_NODE",
    "PAGE_SEPARATOR",
    "TERMINAL_DOCUMENT_STATES",
    "CanonicalEntity",
    "Chunk",
    "DocumentState",
    "EntityType",
    "ExtractedDocument",
    "Mention",
    "Page",
    "RelationType",
    "Relationship",
    "Resolution",
    "Stage",
    "to_dict",
]

#: Placed between two pages when the pages are joined into the document text; all
#: character offsets (chunks, mentions) are offsets into that joined text.
PAGE_SEPARATOR = "\n\n"

#: Stands for "the document being processed" as the end of a relationship; the store
#: replaces it with the document's id.
DOCUMENT_NODE = "@document"


class Stage(enum.StrEnum):
    """The stages of the pipeline, in order."""

    EXTRACT = "extract"
    CHUNK = "chunk"
    ENTITIES = "entities"
    RESOLVE = "resolve"
    RELATE = "relate"

    @classmethod
    def ordered(cls) -> tuple[Stage, ...]:
        """All stages in execution order."""
        return tuple(cls)

    def next(self) -> Stage | None:
        """The stage after this one, or None for the last stage."""
        order = Stage.ordered()
        index = order.index(self)
        return order[index + 1] if index + 1 < len(order) else None


#: Stages whose output depends only on the document's bytes and the options, and so
#: can be served from the content-addressed cache.
CACHED_STAGES = (Stage.EXTRACT, Stage.CHUNK, Stage.ENTITIES)


class DocumentState(enum.StrEnum):
    """Where a document is in its life; the last three are terminal."""

    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def terminal(self) -> bool:
        """True once the document has reached its one terminal state."""
        return self not in (DocumentState.PENDING, DocumentState.PROCESSING)


#: The states a document does not leave on its own, in this order (completed, failed,
#: cancelled); a batch is finished when every document is in one of them.
TERMINAL_DOCUMENT_STATES: tuple[DocumentState, ...] = tuple(
    state for state in DocumentState if state.terminal
)


class EntityType(enum.StrEnum):
    """Kinds of entity mentions docbatch extracts."""

    CITATION = "citation"
    STATUTE = "statute"
    REGULATION = "regulation"
    COURT_RULE = "court_rule"
    COURT = "court"
    CASE_NUMBER = "case_number"
    DATE = "date"
    MONEY = "money"
    PERSON = "person"
    ORGANIZATION = "organization"


class RelationType(enum.StrEnum):
    """Kinds of relationship edges."""

    CO_OCCURS = "co_occurs"
    CITES = "cites"
    PARTY_OF = "party_of"
    #: An attorney or law firm -> the party it represents.
    COUNSEL_FOR = "counsel_for"
    #: A judge -> the document (the panel, the author, the judge below).
    JUDGE_OF = "judge_of"
    #: The document -> the court whose docket it is on.
    DECIDED_BY = "decided_by"
    #: The document -> the date it was filed, decided or signed.
    FILED_ON = "filed_on"


@dataclass(frozen=True, slots=True)
class Page:
    """The text of one page, and how it was obtained."""

    number: int
    text: str
    ocr: bool = False
    ocr_engine: str | None = None
    ocr_confidence: float | None = None
    #: OCR read this page with less than the configured confidence (a map, a photo, a
    #: bad scan): its text is kept, but entity extraction skips it by default.
    low_confidence: bool = False

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Page:
        """Build a page from :func:`to_dict` output."""
        return cls(**data)


@dataclass(frozen=True, slots=True)
class ExtractedDocument:
    """The output of the extract stage: the detected type and the text of every page.

    ``warnings`` are short codes for what a reader of the results should know although
    the document completed: ``no_text`` (every page is blank or unreadable),
    ``low_confidence_pages`` (some pages are kept out of entity extraction),
    ``pdf_repaired`` (pdfium read a copy rewritten by a second engine), ``pdf_truncated``
    (that file was cut short: pages at its end may be missing).
    """

    mime: str
    pages: tuple[Page, ...]
    metadata: Mapping[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The document text: every page's text joined by :data:`PAGE_SEPARATOR`."""
        return PAGE_SEPARATOR.join(page.text for page in self.pages)

    def entity_text(self, skip_low_confidence: bool = True) -> str:
        """:attr:`text` with every low-confidence page blanked out (same length).

        Each character of such a page becomes a space (line breaks stay), so offsets
        into this text are offsets into :attr:`text` and no entity is found there.
        """
        if not skip_low_confidence or not any(p.low_confidence for p in self.pages):
            return self.text
        return PAGE_SEPARATOR.join(
            _blank(page.text) if page.low_confidence else page.text for page in self.pages
        )

    def page_spans(self) -> list[tuple[int, int, int]]:
        """``(page number, start, end)`` of every page within :attr:`text`."""
        spans = []
        offset = 0
        for page in self.pages:
            end = offset + len(page.text)
            spans.append((page.number, offset, end))
            offset = end + len(PAGE_SEPARATOR)
        return spans

    @property
    def ocr_pages(self) -> int:
        """How many pages were read by OCR."""
        return sum(1 for page in self.pages if page.ocr)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ExtractedDocument:
        """Build an extracted document from :func:`to_dict` output."""
        return cls(
            mime=data["mime"],
            pages=tuple(Page.from_dict(p) for p in data["pages"]),
            metadata=dict(data.get("metadata") or {}),
            warnings=tuple(data.get("warnings") or ()),
        )


@dataclass(frozen=True, slots=True)
class Chunk:
    """A span of the document text, with the pages it lies on.

    ``text == document_text[char_start:char_end]`` always holds.
    """

    index: int
    text: str
    char_start: int
    char_end: int
    page_start: int
    page_end: int

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Chunk:
        """Build a chunk from :func:`to_dict` output."""
        return cls(**data)


@dataclass(frozen=True, slots=True)
class Mention:
    """One occurrence of an entity in the document text.

    ``normalized`` is the value in a canonical form (ISO date, "USD 1250.00",
    "550 U.S. 544", "15 U.S.C. § 78j(b)"); ``attributes`` holds typed details such as a
    citation's volume, reporter and page or a party's role.
    """

    type: EntityType
    text: str
    normalized: str
    char_start: int
    char_end: int
    chunk_index: int
    page: int
    confidence: float
    extractor: str
    attributes: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Mention:
        """Build a mention from :func:`to_dict` output."""
        values = dict(data)
        values["type"] = EntityType(values["type"])
        values["attributes"] = dict(values.get("attributes") or {})
        return cls(**values)


@dataclass(frozen=True, slots=True)
class CanonicalEntity:
    """A project-wide entity that many mentions refer to.

    ``id`` is derived from ``type`` and ``key`` only, so the same input always yields
    the same id.
    """

    id: str
    type: EntityType
    key: str
    name: str
    aliases: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CanonicalEntity:
        """Build a canonical entity from :func:`to_dict` output."""
        values = dict(data)
        values["type"] = EntityType(values["type"])
        values["aliases"] = tuple(values.get("aliases") or ())
        return cls(**values)


@dataclass(frozen=True, slots=True)
class Resolution:
    """The output of the resolve stage for one document.

    ``assignments[i]`` is the canonical entity id of the document's i-th mention;
    ``entities`` are the canonical entities those ids name (new or already known).
    """

    entities: tuple[CanonicalEntity, ...]
    assignments: tuple[str, ...]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Resolution:
        """Build a resolution from :func:`to_dict` output."""
        return cls(
            entities=tuple(CanonicalEntity.from_dict(e) for e in data["entities"]),
            assignments=tuple(data["assignments"]),
        )


@dataclass(frozen=True, slots=True)
class Relationship:
    """A typed edge between two canonical entities (or an entity and the document).

    ``evidence`` lists the indexes of the chunks that support the edge.
    """

    type: RelationType
    source: str
    target: str
    weight: int
    evidence: tuple[int, ...]
    attributes: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Relationship:
        """Build a relationship from :func:`to_dict` output."""
        values = dict(data)
        values["type"] = RelationType(values["type"])
        values["evidence"] = tuple(values.get("evidence") or ())
        values["attributes"] = dict(values.get("attributes") or {})
        return cls(**values)


def to_dict(value: Any) -> Any:
    """Convert a model (or a list/tuple of models) into JSON-ready data."""
    if isinstance(value, enum.Enum):
        return value.value
    if value is None or isinstance(value, (str, int, float)):
        return value  # the bulk of a document's values: checked early
    if isinstance(value, (list, tuple)):
        return [to_dict(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): to_dict(v) for k, v in value.items()}
    names = _field_names(type(value))
    if names is not None:
        # Most fields are plain values: kept without a call (a document has hundreds of
        # mentions, each with ten fields). Enums, bools and nested values go through
        # to_dict.
        return {
            name: field if type(field := getattr(value, name)) in _PLAIN else to_dict(field)
            for name in names
        }
    return value


#: Types :func:`to_dict` returns as they are (exact types: a str enum is not one).
_PLAIN = frozenset({str, int, float, type(None)})


_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def _field_names(cls: type) -> tuple[str, ...] | None:
    """The dataclass fields of ``cls`` (None for any other class), looked up once."""
    if cls not in _FIELD_NAMES:
        is_model = dataclasses.is_dataclass(cls)
        _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls)) if is_model else None
    return _FIELD_NAMES[cls]


def _blank(text: str) -> str:
    """``text`` with every character but line breaks replaced by a space."""
    return "".join("\n" if ch == "\n" else " " for ch in text)
