"""Finding things in stored results: full-text search, entity look-up, the citation graph.

- :meth:`SearchIndex.search` ranks pages for a :class:`~docbatch.search_query.SearchQuery`
  with SQLite FTS5's bm25 or PostgreSQL's ``ts_rank``, with a highlighted snippet. The
  index is kept by the database (migration 0007), so it never lags the pages.
- :meth:`SearchIndex.find_entities` matches a name, alias or citation against a
  project's canonical entities (exact keys and aliases first, then rapidfuzz);
  :meth:`SearchIndex.occurrences` lists where an entity is mentioned, with the role a
  party has there, and :meth:`SearchIndex.relationships` its edges.
- :meth:`SearchIndex.citing` lists the documents citing an authority, with pin cites;
  :meth:`SearchIndex.cited_by_document` what a document cites; :meth:`SearchIndex.most_cited`
  the authorities cited by most documents of a batch or project.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from docbatch.errors import NotFoundError
from docbatch.models import EntityType
from docbatch.search_query import SearchQuery
from docbatch.store.db import Database
from docbatch.store.rows import DOCUMENTS
from docbatch.store.schema import Base

__all__ = [
    "HIT_END",
    "HIT_START",
    "Citation",
    "EntityMatch",
    "Occurrence",
    "SearchFilters",
    "SearchHit",
    "SearchIndex",
]

#: Marks the start and the end of a matched word in a snippet (control characters, so
#: they never occur in normalised page text; interfaces turn them into markup).
HIT_START, HIT_END = "\x02", "\x03"
_FUZZY_CUTOFF = 85.0
_T = Base.metadata.tables
PAGES, MENTIONS, ENTITIES, ALIASES, RELATIONSHIPS = (
    _T["pages"], _T["mentions"], _T["entities"], _T["entity_aliases"], _T["relationships"]
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Which documents a search looks at (every field optional)."""

    batch_id: str | None = None
    project_id: int | None = None
    mime: str | None = None
    #: Documents submitted at or after / before these times.
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One matching page: its document, rank (higher is better) and snippet."""

    document_id: str
    path: str
    batch_id: str
    page: int
    rank: float
    snippet: str


@dataclass(frozen=True, slots=True)
class EntityMatch:
    """A canonical entity that a looked-up name matches, and how well (0..100)."""

    id: str
    type: EntityType
    name: str
    score: float
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Occurrence:
    """Where an entity is mentioned: document, page, the text, and its role there."""

    document_id: str
    path: str
    page: int
    text: str
    role: str | None
    count: int


@dataclass(frozen=True, slots=True)
class Citation:
    """One citing mention: who cites, on which page, the pin cite and the form."""

    document_id: str
    path: str
    page: int
    text: str
    pin_cite: str | None
    form: str | None
    entity_id: str
    entity_name: str


class SearchIndex:
    """Read-only queries over one :class:`Database` (the same one the engine writes)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.database.engine.connect() as connection:
            yield connection

    def project_id(self, name: str) -> int:
        """The id of the project called ``name``; :class:`NotFoundError` if there is none."""
        projects = Base.metadata.tables["projects"]
        with self._read() as connection:
            found = connection.execute(
                sa.select(projects.c.id).where(projects.c.name == name)
            ).scalar_one_or_none()
        if found is None:
            raise NotFoundError(f"no project called {name!r}")
        return int(found)

    # -- full text --------------------------------------------------------------------

    def search(
        self, query: SearchQuery, filters: SearchFilters, *, limit: int = 20, offset: int = 0
    ) -> list[SearchHit]:
        """Pages matching ``query`` among the documents ``filters`` allow, best first."""
        if self.database.dialect == "sqlite":
            statement = _filtered(_sqlite_search(query), filters).limit(limit).offset(offset)
            with self._read() as connection:
                rows = connection.execute(statement).all()
            return [
                SearchHit(r.document_id, r.path, r.batch_id, r.number, float(r.rank), r.snippet)
                for r in rows
            ]
        ranked = _filtered(_postgres_search(query), filters).limit(limit).offset(offset)
        with self.database.engine.begin() as connection:
            # Right after a batch (before autovacuum's ANALYZE) the planner takes a batch
            # for one document and joins the matches to it in a nested loop that scans
            # the batch once per match: 1.3 s instead of 40 ms for a broad word. Hash
            # joins are right for this query whatever the statistics say.
            connection.exec_driver_sql("SET LOCAL enable_nestloop = off")
            rows = connection.execute(ranked).all()
            snippets = _postgres_snippets(
                connection, query, [(r.document_id, r.number) for r in rows]
            )
        return [
            SearchHit(
                r.document_id, r.path, r.batch_id, r.number, float(r.rank),
                snippets.get((r.document_id, r.number), ""),
            )
            for r in rows
        ]  # fmt: skip

    # -- entities ---------------------------------------------------------------------

    def find_entities(
        self, project_id: int, name: str, types: Sequence[EntityType] = (), *, limit: int = 10
    ) -> list[EntityMatch]:
        """Entities whose name, key or an alias matches ``name``, best first.

        Exact matches (ignoring case) score 100; other names are compared with
        rapidfuzz's ``WRatio`` and kept from a score of 85.
        """
        from rapidfuzz import fuzz, process, utils

        names = self._entity_names(project_id, types)
        wanted = name.strip().casefold()
        scores: dict[str, float] = {}
        for entity_id, forms in names.items():
            if any(form.casefold() == wanted for form in forms):
                scores[entity_id] = 100.0
        choices = {(eid, form): form for eid, forms in names.items() for form in forms}
        for _, score, (entity_id, _form) in process.extract(
            name, choices, scorer=fuzz.WRatio, processor=utils.default_process,
            score_cutoff=_FUZZY_CUTOFF, limit=limit * 5,
        ):  # fmt: skip
            scores[entity_id] = max(scores.get(entity_id, 0.0), float(score))
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
        entities = self._entities(project_id, [eid for eid, _ in ranked])
        return [
            EntityMatch(eid, entities[eid][0], entities[eid][1], round(score, 1), names[eid][1:])
            for eid, score in ranked
            if eid in entities
        ]

    def occurrences(self, project_id: int, entity_id: str, *, limit: int = 100) -> list[Occurrence]:
        """Where ``entity_id`` is mentioned: one row per document, page and role."""
        role = MENTIONS.c.attributes["role"].as_string()
        statement = (
            sa.select(
                MENTIONS.c.document_id,
                DOCUMENTS.c.path,
                MENTIONS.c.page,
                sa.func.min(MENTIONS.c.text).label("text"),
                role.label("role"),
                sa.func.count().label("count"),
            )
            .join(DOCUMENTS, DOCUMENTS.c.id == MENTIONS.c.document_id)
            .where(MENTIONS.c.entity_id == entity_id, DOCUMENTS.c.project_id == project_id)
            .group_by(MENTIONS.c.document_id, DOCUMENTS.c.path, MENTIONS.c.page, role)
            .order_by(DOCUMENTS.c.path, MENTIONS.c.page)
            .limit(limit)
        )
        with self._read() as connection:
            rows = connection.execute(statement).all()
        return [Occurrence(r.document_id, r.path, r.page, r.text, r.role, int(r[5])) for r in rows]

    def relationships(self, project_id: int, entity_id: str) -> list[dict[str, Any]]:
        """The edges that touch ``entity_id``, merged over documents, with both ends named."""
        statement = (
            sa.select(
                RELATIONSHIPS.c.type,
                RELATIONSHIPS.c.source,
                RELATIONSHIPS.c.target,
                sa.func.count(sa.distinct(RELATIONSHIPS.c.document_id)).label("documents"),
            )
            .join(DOCUMENTS, DOCUMENTS.c.id == RELATIONSHIPS.c.document_id)
            .where(
                DOCUMENTS.c.project_id == project_id,
                sa.or_(RELATIONSHIPS.c.source == entity_id, RELATIONSHIPS.c.target == entity_id),
            )
            .group_by(RELATIONSHIPS.c.type, RELATIONSHIPS.c.source, RELATIONSHIPS.c.target)
            .order_by(sa.desc("documents"), RELATIONSHIPS.c.type)
        )
        with self._read() as connection:
            rows = connection.execute(statement).all()
        ends = {end for r in rows for end in (r.source, r.target)}
        named = self.names(project_id, ends)
        return [
            {
                "type": r.type,
                "source": _end(r.source, named),
                "target": _end(r.target, named),
                "documents": r.documents,
            }
            for r in rows
        ]

    # -- the citation graph ------------------------------------------------------------

    def citing(self, project_id: int, entity_ids: Sequence[str]) -> list[Citation]:
        """Every mention citing one of ``entity_ids`` (short forms included), in order."""
        return self._citations(
            sa.and_(
                MENTIONS.c.entity_id.in_(list(entity_ids)), DOCUMENTS.c.project_id == project_id
            )
        )

    def cited_by_document(self, document_id: str) -> list[Citation]:
        """What one document cites, in the order it cites it."""
        return self._citations(MENTIONS.c.document_id == document_id)

    def most_cited(
        self, project_id: int, *, batch_id: str | None = None, limit: int = 10
    ) -> list[dict[str, Any]]:
        """The authorities (cases and statutes) cited by the most documents."""
        documents = sa.func.count(sa.distinct(MENTIONS.c.document_id))
        statement = (
            sa.select(ENTITIES.c.id, ENTITIES.c.type, ENTITIES.c.name,
                      documents.label("documents"), sa.func.count().label("mentions"))
            .join(DOCUMENTS, DOCUMENTS.c.id == MENTIONS.c.document_id)
            .join(ENTITIES, sa.and_(ENTITIES.c.id == MENTIONS.c.entity_id,
                                    ENTITIES.c.project_id == DOCUMENTS.c.project_id))
            .where(DOCUMENTS.c.project_id == project_id, MENTIONS.c.type.in_(_AUTHORITIES))
            .group_by(ENTITIES.c.id, ENTITIES.c.type, ENTITIES.c.name)
            .order_by(documents.desc(), sa.desc("mentions"), ENTITIES.c.name)
            .limit(limit)
        )  # fmt: skip
        if batch_id is not None:
            statement = statement.where(DOCUMENTS.c.batch_id == batch_id)
        with self._read() as connection:
            rows = connection.execute(statement).all()
        return [
            {"id": r.id, "type": r.type, "name": r.name, "documents": r.documents,
             "mentions": r.mentions}
            for r in rows
        ]  # fmt: skip

    # -- helpers ----------------------------------------------------------------------

    def _citations(self, where: sa.ColumnElement[bool]) -> list[Citation]:
        attributes = MENTIONS.c.attributes
        statement = (
            sa.select(
                MENTIONS.c.document_id,
                DOCUMENTS.c.path,
                MENTIONS.c.page,
                MENTIONS.c.text,
                attributes["pin_cite"].as_string().label("pin_cite"),
                attributes["form"].as_string().label("form"),
                MENTIONS.c.entity_id,
                ENTITIES.c.name,
            )
            .join(DOCUMENTS, DOCUMENTS.c.id == MENTIONS.c.document_id)
            .join(
                ENTITIES,
                sa.and_(
                    ENTITIES.c.id == MENTIONS.c.entity_id,
                    ENTITIES.c.project_id == DOCUMENTS.c.project_id,
                ),
            )
            .where(where, MENTIONS.c.type.in_(_AUTHORITIES))
            .order_by(DOCUMENTS.c.path, MENTIONS.c.char_start)
        )
        with self._read() as connection:
            rows = connection.execute(statement).all()
        return [
            Citation(r.document_id, r.path, r.page, r.text, r.pin_cite or None, r.form or None,
                     r.entity_id, r.name)
            for r in rows
        ]  # fmt: skip

    def _entity_names(
        self, project_id: int, types: Sequence[EntityType]
    ) -> dict[str, tuple[str, ...]]:
        """Entity id -> (name, key, aliases...) for a project's entities of ``types``."""
        entities = sa.select(ENTITIES.c.id, ENTITIES.c.name, ENTITIES.c.key).where(
            ENTITIES.c.project_id == project_id
        )
        if types:
            entities = entities.where(ENTITIES.c.type.in_([t.value for t in types]))
        aliases = sa.select(ALIASES.c.entity_id, ALIASES.c.alias).where(
            ALIASES.c.project_id == project_id
        )
        with self._read() as connection:
            names = {r.id: [r.name, r.key] for r in connection.execute(entities)}
            for row in connection.execute(aliases):
                if row.entity_id in names:
                    names[row.entity_id].append(row.alias)
        return {eid: tuple(dict.fromkeys(forms)) for eid, forms in names.items()}

    def names(self, project_id: int, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """``{id: (type, name)}`` of graph nodes: canonical entities of the project, and
        documents (type ``document``, named by their path). Unknown ids are left out."""
        wanted = sorted(set(ids))
        named = {
            key: (kind.value, name)
            for key, (kind, name) in self._entities(project_id, wanted).items()
        }
        return named | self._document_names([key for key in wanted if key not in named])

    def _entities(self, project_id: int, ids: Sequence[str]) -> dict[str, tuple[EntityType, str]]:
        if not ids:
            return {}
        statement = sa.select(ENTITIES.c.id, ENTITIES.c.type, ENTITIES.c.name).where(
            ENTITIES.c.project_id == project_id, ENTITIES.c.id.in_(list(ids))
        )
        with self._read() as connection:
            return {r.id: (EntityType(r.type), r.name) for r in connection.execute(statement)}

    def _document_names(self, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        if not ids:
            return {}
        statement = sa.select(DOCUMENTS.c.id, DOCUMENTS.c.path).where(DOCUMENTS.c.id.in_(list(ids)))
        with self._read() as connection:
            return {r.id: ("document", r.path) for r in connection.execute(statement)}


_AUTHORITIES = (
    EntityType.CITATION.value,
    EntityType.STATUTE.value,
    EntityType.REGULATION.value,
    EntityType.COURT_RULE.value,
)


def _end(node: str, named: dict[str, Any]) -> dict[str, str]:
    kind, name = named.get(node, ("unknown", node))
    return {"id": node, "type": str(kind), "name": name}


def _sqlite_search(query: SearchQuery) -> sa.Select[Any]:
    """The matching pages ranked by bm25, with their documents and snippets (FTS5 makes
    a snippet only for the rows the sort keeps; measured: no faster in two queries)."""
    fts = sa.table("pages_fts", sa.column("rowid"), sa.column("pages_fts"))
    rank = -sa.func.bm25(sa.literal_column("pages_fts"))  # bm25: lower is better
    snippet = sa.func.snippet(sa.literal_column("pages_fts"), 0, HIT_START, HIT_END, "…", 24)
    return (
        sa.select(
            PAGES.c.document_id,
            DOCUMENTS.c.path,
            DOCUMENTS.c.batch_id,
            PAGES.c.number,
            rank.label("rank"),
            snippet.label("snippet"),
        )
        .select_from(fts)
        .join(PAGES, sa.literal_column("pages.rowid") == fts.c.rowid)
        .join(DOCUMENTS, DOCUMENTS.c.id == PAGES.c.document_id)
        .where(sa.literal_column("pages_fts").op("MATCH")(query.fts5()))
        .order_by(sa.desc("rank"), DOCUMENTS.c.path, PAGES.c.number)
    )


def _postgres_search(query: SearchQuery) -> sa.Select[Any]:
    """The matching pages ranked, with their documents (filters are added to this).

    The text search runs first, once, in a materialised CTE: with the document filters
    in the same query, stale statistics (right after a batch, before autovacuum) made
    the planner probe the GIN index once per document of the batch (0.6 s instead of
    30 ms for a broad word on 10,000 pages).
    """
    tsquery = sa.func.to_tsquery("english", query.tsquery())
    search: sa.ColumnElement[Any] = sa.literal_column("pages.search")
    hits = (
        sa.select(
            PAGES.c.document_id,
            PAGES.c.number,
            sa.func.ts_rank(search, tsquery).label("rank"),
        )
        .where(search.op("@@")(tsquery))
        .cte("hits")
        .prefix_with("MATERIALIZED")
    )
    return (
        sa.select(
            hits.c.document_id,
            DOCUMENTS.c.path,
            DOCUMENTS.c.batch_id,
            hits.c.number,
            hits.c.rank,
        )
        .join(DOCUMENTS, DOCUMENTS.c.id == hits.c.document_id)
        .order_by(sa.desc(hits.c.rank), DOCUMENTS.c.path, hits.c.number)
    )


def _postgres_snippets(
    connection: Connection, query: SearchQuery, pages: Sequence[tuple[str, int]]
) -> dict[tuple[str, int], str]:
    """A highlighted snippet of each of ``pages``: ``ts_headline`` parses a page's whole
    text, so it runs for the returned pages only, found by their primary key."""
    if not pages:
        return {}
    tsquery = sa.func.to_tsquery("english", query.tsquery())
    options = f"StartSel={HIT_START}, StopSel={HIT_END}, MaxWords=35, MinWords=15, MaxFragments=2"
    statement = sa.select(
        PAGES.c.document_id,
        PAGES.c.number,
        sa.func.ts_headline("english", PAGES.c.text, tsquery, options).label("snippet"),
    ).where(sa.tuple_(PAGES.c.document_id, PAGES.c.number).in_(list(pages)))
    return {(r.document_id, r.number): r.snippet for r in connection.execute(statement)}


def _filtered(statement: sa.Select[Any], filters: SearchFilters) -> sa.Select[Any]:
    conditions = []
    if filters.batch_id is not None:
        conditions.append(DOCUMENTS.c.batch_id == filters.batch_id)
    if filters.project_id is not None:
        conditions.append(DOCUMENTS.c.project_id == filters.project_id)
    if filters.mime is not None:
        conditions.append(DOCUMENTS.c.mime == filters.mime)
    if filters.since is not None:
        conditions.append(DOCUMENTS.c.created_at >= filters.since)
    if filters.until is not None:
        conditions.append(DOCUMENTS.c.created_at < filters.until)
    return statement.where(*conditions) if conditions else statement
