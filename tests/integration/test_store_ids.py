"""Batch and document ids given as a unique prefix, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from docbatch.errors import AmbiguousIdError, NotFoundError
from docbatch.store import Database, Repository

from .test_store_support import new_documents

pytestmark = pytest.mark.integration


@pytest.fixture
def repo(database_url: str) -> Iterator[Repository]:
    database = Database.open(database_url)
    yield Repository(database, lease_seconds=60)
    database.dispose()


def _batch(repo: Repository, batch_id: str, doc_ids: list[str]) -> None:
    docs = [
        replace(d, id=i)
        for d, i in zip(new_documents(len(doc_ids), batch_id), doc_ids, strict=True)
    ]
    repo.batches.create("acme", docs, options={}, batch_id=batch_id)


def test_a_unique_prefix_resolves_to_the_full_batch_and_document_id(repo: Repository) -> None:
    _batch(repo, "0fec37ee-1111-4000-8000-000000000001", ["d0c5a1b2-0000-4000-8000-00000000000a"])
    _batch(repo, "0fec37ff-2222-4000-8000-000000000002", ["d0c5a1c3-0000-4000-8000-00000000000b"])

    assert repo.batches.resolve_id("0fec37ee") == "0fec37ee-1111-4000-8000-000000000001"
    assert repo.batches.resolve_id("0fec37f") == "0fec37ff-2222-4000-8000-000000000002"
    full = "0fec37ee-1111-4000-8000-000000000001"
    assert repo.batches.resolve_id(full) == full
    assert repo.documents.resolve_id("d0c5a1c") == "d0c5a1c3-0000-4000-8000-00000000000b"


def test_an_ambiguous_prefix_names_the_candidates(repo: Repository) -> None:
    _batch(repo, "0fec37ee-1111-4000-8000-000000000001", [])
    _batch(repo, "0fec37ff-2222-4000-8000-000000000002", [])

    with pytest.raises(AmbiguousIdError) as caught:
        repo.batches.resolve_id("0fec37")
    message = str(caught.value)
    assert "ambiguous" in message
    assert "0fec37ee-1111-4000-8000-000000000001" in message
    assert "0fec37ff-2222-4000-8000-000000000002" in message


def test_unknown_short_and_wildcard_prefixes_are_not_found(repo: Repository) -> None:
    _batch(repo, "0fec37ee-1111-4000-8000-000000000001", [])

    with pytest.raises(NotFoundError, match="no batch with id 'abcdef12'"):
        repo.batches.resolve_id("abcdef12")
    with pytest.raises(NotFoundError, match="at least 6 characters"):
        repo.batches.resolve_id("0fec3")
    # LIKE wildcards in the input match only themselves.
    with pytest.raises(NotFoundError):
        repo.batches.resolve_id("0fec3_ee")
    with pytest.raises(NotFoundError):
        repo.batches.resolve_id("%%%%%%")
    with pytest.raises(NotFoundError, match="no document"):
        repo.documents.resolve_id("0fec37ee")
