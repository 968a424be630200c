"""The ``search``, ``entity`` and ``cites`` commands: find things in stored results.

They read the database a run left (a missing database is an error, not a new one) through
:class:`docbatch.store.search.SearchIndex`, the same queries the HTTP API serves.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from docbatch.models import EntityType
from docbatch.observe.terminal_text import clean, safe_markup, safe_text
from docbatch.search_query import parse_query

if TYPE_CHECKING:
    from docbatch.client import Docbatch

__all__ = ["highlighted", "register"]

out = Console()
err = Console(stderr=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]
ProjectOpt = Annotated[str, typer.Option("--project", metavar="NAME", help="Project to look in.")]
LimitOpt = Annotated[int, typer.Option("--limit", metavar="N", help="At most this many results.")]


def _reader(ctx: typer.Context) -> Docbatch:
    from docbatch.client import Docbatch

    return Docbatch(ctx.obj, create=False)


def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help='Words, "phrases", prefix*, AND/OR/NOT.')],
    batch: Annotated[
        str | None, typer.Option("--batch", metavar="BATCH_ID", help="Only this batch.")
    ] = None,
    project: Annotated[
        str | None, typer.Option("--project", metavar="NAME", help="Only this project.")
    ] = None,
    mime: Annotated[
        str | None,
        typer.Option("--type", metavar="MIME", help="Only this MIME type, e.g. application/pdf."),
    ] = None,
    since: Annotated[
        datetime | None, typer.Option("--since", metavar="DATE", help="Submitted on or after.")
    ] = None,
    until: Annotated[
        datetime | None, typer.Option("--until", metavar="DATE", help="Submitted before.")
    ] = None,
    limit: LimitOpt = 20,
    as_json: JsonOpt = False,
) -> None:
    """Full-text search over page text, best pages first, with highlighted snippets."""
    from docbatch.store.search import SearchFilters

    client = _reader(ctx)
    parsed = parse_query(query)
    filters = SearchFilters(
        batch_id=client.repo.batches.resolve_id(batch) if batch else None,
        project_id=client.search_index.project_id(project) if project else None,
        mime=mime,
        since=since,
        until=until,
    )
    hits = client.search_index.search(parsed, filters, limit=limit)
    if as_json:
        rows = [{**asdict(h), "snippet": plain(h.snippet)} for h in hits]
        out.print_json(json.dumps({"query": query, "hits": rows}))
        return
    if not hits:
        err.print(f"no page matches {safe_markup(query)}")
        return
    table = Table(title=f"{len(hits)} pages matching {safe_markup(query)}")
    table.add_column("document", overflow="fold")
    table.add_column("page", justify="right")
    table.add_column("rank", justify="right")
    table.add_column("snippet")
    for hit in hits:
        table.add_row(
            safe_text(Path(hit.path).name),
            str(hit.page),
            f"{hit.rank:.3g}",
            highlighted(hit.snippet),
        )
    out.print(table)


def entity(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A name, an alias or a citation.")],
    kind: Annotated[
        str | None,
        typer.Option("--type", metavar="TYPE", help="person, organization, citation, ..."),
    ] = None,
    project: ProjectOpt = "default",
    limit: LimitOpt = 5,
    as_json: JsonOpt = False,
) -> None:
    """Where an entity appears, as what, and its relationships."""
    client = _reader(ctx)
    index = client.search_index
    project_id = index.project_id(project)
    types = [EntityType(kind)] if kind else []
    found = []
    for match in index.find_entities(project_id, name, types, limit=limit):
        found.append(
            {
                **asdict(match),
                "type": match.type.value,
                "occurrences": [asdict(o) for o in index.occurrences(project_id, match.id)],
                "relationships": index.relationships(project_id, match.id),
            }
        )
    if as_json:
        out.print_json(json.dumps({"query": name, "entities": found}))
        return
    if not found:
        err.print(f"no entity matches {safe_markup(name)}")
        raise typer.Exit(1)
    for item in found:
        _print_entity(item)


def cites(
    ctx: typer.Context,
    citation: Annotated[
        str | None, typer.Argument(help="A case citation or statute, e.g. '550 U.S. 544'.")
    ] = None,
    document: Annotated[
        str | None,
        typer.Option("--document", metavar="DOC_ID", help="What this document cites instead."),
    ] = None,
    top: Annotated[
        int, typer.Option("--top", metavar="N", help="The N authorities cited most instead.")
    ] = 0,
    batch: Annotated[
        str | None, typer.Option("--batch", metavar="BATCH_ID", help="With --top: one batch.")
    ] = None,
    project: ProjectOpt = "default",
    as_json: JsonOpt = False,
) -> None:
    """The citation graph: who cites an authority, what a document cites, the most cited."""
    client = _reader(ctx)
    index = client.search_index
    project_id = index.project_id(project)
    if sum(bool(x) for x in (citation, document, top)) != 1:
        err.print("give a CITATION, or --document DOC_ID, or --top N")
        raise typer.Exit(2)
    if top:
        batch_id = client.repo.batches.resolve_id(batch) if batch else None
        rows = index.most_cited(project_id, batch_id=batch_id, limit=top)
        _print_rows(rows, ("name", "type", "documents", "mentions"), "most cited", as_json)
        return
    if document:
        found = index.cited_by_document(client.repo.documents.resolve_id(document))
    else:
        assert citation is not None
        matches = index.find_entities(project_id, citation, _AUTHORITY_TYPES, limit=3)
        exact = [m for m in matches if m.score == 100.0] or matches[:1]
        found = index.citing(project_id, [m.id for m in exact])
    rows = [asdict(c) for c in found]
    _print_rows(rows, ("path", "page", "entity_name", "pin_cite", "form"), "citations", as_json)


_AUTHORITY_TYPES = (
    EntityType.CITATION, EntityType.STATUTE, EntityType.REGULATION, EntityType.COURT_RULE
)  # fmt: skip


def plain(snippet: str) -> str:
    """A snippet with its hit markers as ``[`` and ``]``."""
    from docbatch.store.search import HIT_END, HIT_START

    return clean(snippet.replace(HIT_START, "[").replace(HIT_END, "]"))


def highlighted(snippet: str) -> Text:
    """A snippet as Rich text, its hits in bold yellow, everything else printed as is."""
    from docbatch.store.search import HIT_END, HIT_START

    text = Text()
    for index, part in enumerate(snippet.replace(HIT_END, HIT_START).split(HIT_START)):
        text.append(clean(part), style="bold yellow" if index % 2 else "")
    return text


def _print_entity(item: dict[str, Any]) -> None:
    aliases = ", ".join(item["aliases"][:5])
    title = f"{safe_markup(item['name'])} ({item['type']}, match {item['score']:.0f})"
    table = Table(title=title, caption=f"also: {safe_markup(aliases)}" if aliases else None)
    for column in ("document", "page", "text", "role", "times"):
        table.add_column(column, overflow="fold")
    for o in item["occurrences"]:
        table.add_row(
            safe_text(Path(o["path"]).name), str(o["page"]), safe_text(o["text"]),
            safe_text(o["role"] or "-"), str(o["count"]),
        )  # fmt: skip
    out.print(table)
    for edge in item["relationships"]:
        source, target = edge["source"]["name"], edge["target"]["name"]
        line = f"{source} --{edge['type']}--> {target} ({edge['documents']} documents)"
        out.print(safe_text(line))


def _print_rows(
    rows: list[dict[str, Any]], columns: tuple[str, ...], title: str, as_json: bool
) -> None:
    if as_json:
        out.print_json(json.dumps({title.replace(" ", "_"): rows}, default=str))
        return
    if not rows:
        err.print(f"no {title}")
        return
    table = Table(title=f"{len(rows)} {title}")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        values = [row[c] for c in columns]
        table.add_row(*(safe_text(Path(v).name if c == "path" else ("-" if v is None else v))
                        for c, v in zip(columns, values, strict=True)))  # fmt: skip
    out.print(table)


def register(app: typer.Typer) -> None:
    """Add ``search``, ``entity`` and ``cites`` to the root app."""
    app.command()(search)
    app.command()(entity)
    app.command()(cites)
