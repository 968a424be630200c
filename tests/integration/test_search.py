"""Full-text search, entity look-up and the citation graph, on SQLite and PostgreSQL.

A small batch of generated filings runs inline; the queries then go through the same
:class:`~docbatch.store.search.SearchIndex` the CLI and the API use.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from docbatch.client import Docbatch, Sources
from docbatch.errors import ConfigError
from docbatch.local.runner import run_inline
from docbatch.search_query import parse_query
from docbatch.settings import Settings
from docbatch.store.search import HIT_END, HIT_START, SearchFilters, SearchIndex

pytestmark = pytest.mark.integration

FILINGS = {
    "order.txt": (
        "UNITED STATES DISTRICT COURT\n\n"
        "Margaret Holloway, Plaintiff, v. Brightline Logistics, Inc., Defendant.\n\n"
        "Plaintiff Margaret Holloway opposes. The motion to dismiss is denied. "
        "Plaintiff states a claim under 42 U.S.C. § 1983. "
        "See Bell Atlantic Corp. v. Twombly, 550 U.S. 544, 570 (2007)."
    ),
    "brief.txt": (
        "The summary judgment standard is well settled. Bell Atlantic Corp. v. Twombly, "
        "550 U.S. 544 (2007). Id. at 556. Suppression of evidence is not at issue."
    ),
    "memo.txt": "Brightline Logistics, Inc. paid $12,500.00 on March 4, 2021. Habeas relief.",
}


@pytest.fixture
def indexed(
    settings: Settings, database_url: str, tmp_path: Path
) -> Iterator[tuple[Docbatch, str]]:
    folder = tmp_path / "filings"
    folder.mkdir()
    for name, text in FILINGS.items():
        (folder / name).write_text(text, encoding="utf-8")
    client = Docbatch(settings.model_copy(update={"database_url": database_url}))
    summary = run_inline(client, Sources.from_args([folder]))
    assert summary.completed == 3
    yield client, summary.batch_id
    client.close()


def names(hits) -> list[str]:
    return sorted(Path(h.path).name for h in hits)


def test_words_phrases_prefixes_and_operators(indexed):
    client, batch_id = indexed
    index = SearchIndex(client.database)
    every = SearchFilters(batch_id=batch_id)
    assert names(index.search(parse_query("motion dismiss"), every)) == ["order.txt"]
    assert names(index.search(parse_query('"summary judgment"'), every)) == ["brief.txt"]
    assert names(index.search(parse_query('"judgment summary"'), every)) == []
    assert names(index.search(parse_query("suppress*"), every)) == ["brief.txt"]
    assert names(index.search(parse_query("habeas OR dismiss"), every)) == ["memo.txt", "order.txt"]
    assert names(index.search(parse_query("Brightline NOT habeas"), every)) == ["order.txt"]
    assert names(index.search(parse_query("Brightline -habeas"), every)) == ["order.txt"]
    assert names(index.search(parse_query("twombly"), every)) == ["brief.txt", "order.txt"]


def test_hits_have_a_page_a_rank_and_a_highlighted_snippet(indexed):
    client, batch_id = indexed
    [hit] = SearchIndex(client.database).search(parse_query("dismiss"), SearchFilters(batch_id))
    assert hit.page == 1 and hit.rank > 0
    assert f"{HIT_START}dismiss{HIT_END}" in hit.snippet


def test_filters_narrow_the_documents(indexed):
    client, batch_id = indexed
    index = SearchIndex(client.database)
    assert index.search(parse_query("twombly"), SearchFilters(batch_id="no-such-batch")) == []
    assert index.search(parse_query("twombly"), SearchFilters(mime="application/pdf")) == []
    text_only = SearchFilters(batch_id=batch_id, mime="text/plain")
    assert len(index.search(parse_query("twombly"), text_only)) == 2


def test_rerunning_a_document_never_duplicates_its_index_entries(indexed):
    client, batch_id = indexed
    index = SearchIndex(client.database)
    before = index.search(parse_query("twombly"), SearchFilters())
    run_inline(client, Sources.from_args([Path(before[0].path).parent]))  # the same bytes again
    after = index.search(parse_query("twombly"), SearchFilters(batch_id=batch_id))
    assert names(after) == names(before)
    assert len(index.search(parse_query("twombly"), SearchFilters())) == 4  # two batches


def test_entities_are_found_by_name_with_their_roles(indexed):
    client, _ = indexed
    index = SearchIndex(client.database)
    project = client.repo.batches.ensure_project("default")
    [match, *_] = index.find_entities(project, "Margaret Holloway")
    assert match.name == "Margaret Holloway" and match.score == 100.0
    places = index.occurrences(project, match.id)
    assert {Path(w.path).name for w in places} == {"order.txt"}
    assert "plaintiff" in {w.role for w in places}
    fuzzy = index.find_entities(project, "Brightline Logistics")
    assert fuzzy and fuzzy[0].name.startswith("Brightline Logistics")


def test_the_citation_graph(indexed):
    client, batch_id = indexed
    index = SearchIndex(client.database)
    project = client.repo.batches.ensure_project("default")
    [case, *_] = index.find_entities(project, "550 U.S. 544")
    citing = index.citing(project, [case.id])
    assert sorted({Path(c.path).name for c in citing}) == ["brief.txt", "order.txt"]
    assert "570" in {c.pin_cite for c in citing}
    top = index.most_cited(project, batch_id=batch_id)
    assert top[0]["name"] == case.name and top[0]["documents"] == 2


@pytest.mark.parametrize("bad", ["", "   ", "AND motion", "motion OR", "-motion", '""'])
def test_bad_queries_are_refused_with_a_reason(bad):
    with pytest.raises(ConfigError):
        parse_query(bad)
