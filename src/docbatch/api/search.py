"""The search endpoints under ``/api``: full text, entities and the citation graph.

They serve the same :class:`~docbatch.store.search.SearchIndex` queries as the
``search``, ``entity`` and ``cites`` commands, under the same authentication as the rest
of ``/api`` (the router is mounted with the token guard).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from docbatch.models import EntityType
from docbatch.search_query import parse_query
from docbatch.store.search import HIT_END, HIT_START, Citation, Occurrence, SearchFilters

if TYPE_CHECKING:
    from docbatch.client import Docbatch

__all__ = ["search_router", "snippet_parts"]

search_router = APIRouter(prefix="/api", tags=["search"])
_AUTHORITIES = (
    EntityType.CITATION, EntityType.STATUTE, EntityType.REGULATION, EntityType.COURT_RULE
)  # fmt: skip


class SnippetPart(BaseModel):
    """A piece of a snippet; ``hit`` pieces are what the query matched."""

    text: str
    hit: bool


class HitOut(BaseModel):
    """One matching page."""

    document_id: str
    path: str
    batch_id: str
    page: int
    rank: float
    snippet: list[SnippetPart]


class SearchOut(BaseModel):
    """A page of search results, best first."""

    query: str
    hits: list[HitOut]


class EntityOut(BaseModel):
    """A canonical entity a name matched, its occurrences and relationships."""

    id: str
    type: str
    name: str
    score: float
    aliases: list[str]
    occurrences: list[Occurrence]
    relationships: list[dict[str, Any]]


def snippet_parts(snippet: str) -> list[SnippetPart]:
    """Split a snippet at its hit markers into plain and matched pieces."""
    pieces = snippet.replace(HIT_END, HIT_START).split(HIT_START)
    return [SnippetPart(text=p, hit=bool(i % 2)) for i, p in enumerate(pieces) if p]


def _client(request: Request) -> Docbatch:
    return request.app.state.client


@search_router.get("/search", response_model=SearchOut)
def search(
    request: Request,
    q: Annotated[str, Query(description='Words, "phrases", prefix*, AND/OR/NOT.')],
    batch: str | None = None,
    project: str | None = None,
    type: Annotated[str | None, Query(description="A MIME type.")] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> SearchOut:
    """Full-text search over page text, ranked, with highlighted snippets."""
    client = _client(request)
    index = client.search_index
    filters = SearchFilters(
        batch_id=client.repo.batches.resolve_id(batch) if batch else None,
        project_id=index.project_id(project) if project else None,
        mime=type,
        since=since,
        until=until,
    )
    hits = index.search(parse_query(q), filters, limit=limit, offset=offset)
    return SearchOut(
        query=q,
        hits=[HitOut(**{**asdict(h), "snippet": snippet_parts(h.snippet)}) for h in hits],
    )


@search_router.get("/entities", response_model=list[EntityOut])
def entities(
    request: Request,
    name: str,
    type: Annotated[str | None, Query(description="An entity type.")] = None,
    project: str = "default",
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> list[EntityOut]:
    """Entities matching a name, alias or citation, with where and as what they appear."""
    index = _client(request).search_index
    project_id = index.project_id(project)
    types = [EntityType(type)] if type else []
    return [
        EntityOut(
            id=m.id,
            type=m.type.value,
            name=m.name,
            score=m.score,
            aliases=list(m.aliases),
            occurrences=index.occurrences(project_id, m.id),
            relationships=index.relationships(project_id, m.id),
        )
        for m in index.find_entities(project_id, name, types, limit=limit)
    ]


@search_router.get("/citations", response_model=list[Citation])
def citing(request: Request, citation: str, project: str = "default") -> list[Citation]:
    """The mentions citing an authority (a case citation, statute, regulation or rule)."""
    index = _client(request).search_index
    project_id = index.project_id(project)
    matches = index.find_entities(project_id, citation, _AUTHORITIES, limit=3)
    exact = [m for m in matches if m.score == 100.0] or matches[:1]
    return index.citing(project_id, [m.id for m in exact])


@search_router.get("/citations/top", response_model=list[dict[str, Any]])
def most_cited(
    request: Request,
    project: str = "default",
    batch: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 10,
) -> list[dict[str, Any]]:
    """The authorities cited by the most documents of a project or batch."""
    client = _client(request)
    index = client.search_index
    batch_id = client.repo.batches.resolve_id(batch) if batch else None
    return index.most_cited(index.project_id(project), batch_id=batch_id, limit=limit)


@search_router.get("/documents/{document_id}/citations", response_model=list[Citation])
def document_citations(request: Request, document_id: str) -> list[Citation]:
    """What one document cites, in order."""
    client = _client(request)
    found = client.search_index.cited_by_document(client.repo.documents.resolve_id(document_id))
    return found
