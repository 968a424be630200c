"""The same bytes give the same entities and relationships, whatever the project holds.

Resolution is project-wide, so a document's entities may carry aliases other documents
gave them. Relationships must still come from the document's own text: before, a case
caption was matched against every alias the project had gathered so far, so a document
processed after another one got a ``party_of`` edge the same bytes did not get before.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from docbatch.client import Docbatch, Sources
from docbatch.local.runner import run_inline
from docbatch.settings import Settings

from .test_inline_storage import stored_document

pytestmark = pytest.mark.integration

#: Names "Acme Holdings, Inc." and cites a case captioned "Acme Holding, Inc. v. ...".
OPINION = (
    "Plaintiff Acme Holdings, Inc. brings this action against Defendant Wile Coyote.\n\n"
    "The claim fails. See Acme Holding, Inc. v. Roadrunner, 550 U.S. 544, 556 (2007).\n"
)
#: Gives the same organisation the alias "Acme Holding, Inc." (a fuzzy match).
LEASE = (
    "Acme Holdings, Inc. and its agent signed the lease. Acme Holdings, Inc. paid the "
    "deposit, and Acme Holding, Inc. paid the rent.\n"
)


@pytest.fixture
def client(settings: Settings, database_url: str) -> Iterator[Docbatch]:
    client = Docbatch(settings.model_copy(update={"database_url": database_url}))
    yield client
    client.close()


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def run(client: Docbatch, project: str, *paths: Path) -> dict[str, dict[str, Any]]:
    """Run ``paths`` as one batch of ``project``; stored results by file name."""
    sources = Sources.from_args(list(paths))
    summary = run_inline(client, sources, project=project)
    assert summary.completed == len(paths), summary
    documents = client.repo.documents.of_batch(summary.batch_id)
    return {Path(doc.path).name: results(client, doc.id) for doc in documents}


def results(client: Docbatch, document_id: str) -> dict[str, Any]:
    value = stored_document(client, document_id)
    return {"mentions": value["mentions"], "relationships": value["relationships"]}


def test_same_bytes_same_results_in_any_order(client: Docbatch, tmp_path: Path) -> None:
    opinion = write(tmp_path / "a", "opinion.txt", OPINION)
    copy = write(tmp_path / "b", "opinion-copy.txt", OPINION)
    lease = write(tmp_path / "c", "lease.txt", LEASE)

    first = run(client, "opinion-first", opinion)["opinion.txt"]
    run(client, "opinion-first", lease)
    run(client, "lease-first", lease)
    later = run(client, "lease-first", opinion, copy)

    assert later["opinion.txt"] == first
    assert later["opinion-copy.txt"] == first
    # The caption's "Acme Holding, Inc." is not in this document's own text.
    party_edges = [r for r in first["relationships"] if r["type"] == "party_of"]
    assert {r["target"] for r in party_edges} == {"<document>"}
    assert len(party_edges) == 2


def test_co_occurrence_edges_are_built_only_when_the_setting_asks(
    settings: Settings, database_url: str, tmp_path: Path
) -> None:
    opinion = write(tmp_path, "opinion.txt", OPINION)
    kinds = {}
    for co_occurs in (False, True):
        update = {"database_url": database_url, "relate_co_occurs": co_occurs}
        client = Docbatch(settings.model_copy(update=update))
        try:
            stored = run(client, f"co-occurs-{co_occurs}", opinion)["opinion.txt"]
        finally:
            client.close()
        kinds[co_occurs] = {r["type"] for r in stored["relationships"]}
    assert kinds[False] == {"cites", "party_of"}
    assert kinds[True] == {"cites", "party_of", "co_occurs"}
