"""The resolve stage's per-process entity index reads only what it needs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from docbatch.engine.known_entities import KnownEntityIndex
from docbatch.models import EntityType, Mention, Resolution
from docbatch.pipeline.resolve import resolve
from docbatch.store import Repository
from docbatch.store.db import Database
from docbatch.store.records import NewDocument
from tests.integration.test_store_support import claim_stage, complete_stage


def _mention(kind: EntityType, text: str) -> Mention:
    return Mention(kind, text, text, 0, len(text), 0, 1, 0.9, "test")


class CountingResults:
    """Wraps a repository's results and records every project_entities call."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self.calls: list[dict[str, object]] = []

    def project_entities(self, project_id, types, keys=None, *, since=None, ids=None):  # type: ignore[no-untyped-def]
        call = {"types": sorted(map(str, types)), "keys": keys, "since": since, "ids": ids}
        self.calls.append(call)
        return self.repo.results.project_entities(project_id, types, keys, since=since, ids=ids)

    def entity_alias_counts(self, project_id, types, since):  # type: ignore[no-untyped-def]
        self.calls.append({"counts_since": since})
        return self.repo.results.entity_alias_counts(project_id, types, since)


def _store(
    repo: Repository, project: int, mentions: list[Mention], *, known: bool = True
) -> Resolution:
    """Resolve ``mentions`` (against every stored entity, or none) and store a document."""
    doc = NewDocument(path="/x", sha256=None, size_bytes=1)
    batch = repo.batches.create(project, [doc])
    candidates = repo.results.project_entities(project, list(EntityType)) if known else []
    resolution = resolve(mentions, candidates)
    from docbatch.models import Chunk, ExtractedDocument, Page, Stage
    from docbatch.store.records import ExtractResult

    claim_stage(repo, doc.id, Stage.EXTRACT, owner="t", max_attempts=3)
    extracted = ExtractedDocument("text/plain", (Page(1, "x"),))
    complete_stage(
        repo, doc.id, Stage.EXTRACT, ExtractResult(extracted, "0" * 64, 1), next_stage=Stage.CHUNK
    )
    complete_stage(
        repo, doc.id, Stage.CHUNK, [Chunk(0, "x", 0, 1, 1, 1)], next_stage=Stage.ENTITIES
    )
    complete_stage(repo, doc.id, Stage.ENTITIES, mentions, next_stage=Stage.RESOLVE)
    complete_stage(repo, doc.id, Stage.RESOLVE, resolution, next_stage=Stage.RELATE)
    assert batch.id
    return resolution


def test_exact_types_unread_and_fuzzy_types_incrementally(database_url: str) -> None:
    database = Database.open(database_url)
    repo = Repository(database)
    project = repo.batches.ensure_project("p")
    _store(
        repo,
        project,
        [_mention(EntityType.PERSON, "John Smith"), _mention(EntityType.CITATION, "550 U.S. 544")],
    )
    counting = CountingResults(repo)
    clock = [datetime.now(UTC) + timedelta(seconds=1)]
    index = KnownEntityIndex(counting, clock=lambda: clock[0])

    mentions = [
        _mention(EntityType.PERSON, "Jon Smith"),
        _mention(EntityType.CITATION, "550 U.S. 544"),
    ]
    found = index.candidates(project, mentions)
    assert sorted(e.key for e in found) == ["john smith"]  # exact types are never read
    (fuzzy_call,) = counting.calls
    assert fuzzy_call["since"] is None  # the first look reads the whole fuzzy pool
    assert index.candidates(project, mentions[1:]) == []

    # the fuzzy match still happens against the cached pool
    resolution = resolve(mentions, found)
    assert resolution.assignments[0] == next(e.id for e in found if e.key == "john smith")

    # another process creates a person: within the refresh interval nothing is read ...
    _store(repo, project, [_mention(EntityType.PERSON, "Grace Hopper")])
    counting.calls.clear()
    soon = index.candidates(project, [_mention(EntityType.PERSON, "Grace Hoper")])
    assert {e.key for e in soon} == {"john smith"}
    assert counting.calls == []

    # ... and after it, the incremental look asks what changed and reads only that
    clock[0] += timedelta(seconds=index.refresh_seconds)
    again = index.candidates(project, [_mention(EntityType.PERSON, "Grace Hoper")])
    assert {e.key for e in again} == {"john smith", "grace hopper"}
    counts_call, read_call = counting.calls
    assert counts_call["counts_since"] is not None
    assert read_call["ids"] == [next(e.id for e in again if e.key == "grace hopper")]
    database.dispose()


def test_own_entities_are_remembered_and_new_aliases_reread(database_url: str) -> None:
    database = Database.open(database_url)
    repo = Repository(database)
    project = repo.batches.ensure_project("p")
    _store(repo, project, [_mention(EntityType.ORGANIZATION, "Acme Holdings, Inc.")])
    counting = CountingResults(repo)
    clock = [datetime.now(UTC) + timedelta(seconds=1)]
    index = KnownEntityIndex(counting, clock=lambda: clock[0])
    index.candidates(project, [_mention(EntityType.ORGANIZATION, "Acme")])  # loads the pool

    # this process commits a new person: it is a candidate at once, without a read
    mine = _store(repo, project, [_mention(EntityType.PERSON, "Ada Lovelace")])
    index.remember(project, mine.entities)
    counting.calls.clear()
    found = index.candidates(project, [_mention(EntityType.PERSON, "Ada Lovelace")])
    assert "ada lovelace" in {e.key for e in found}
    assert counting.calls == []

    # another document adds an alias to the organisation: the next look re-reads it
    _store(repo, project, [_mention(EntityType.ORGANIZATION, "ACME HOLDINGS INC")])
    clock[0] += timedelta(seconds=index.refresh_seconds)
    found = index.candidates(project, [_mention(EntityType.ORGANIZATION, "Acme")])
    acme = next(e for e in found if e.type is EntityType.ORGANIZATION)
    stored = repo.results.project_entities(project, [EntityType.ORGANIZATION], ids=[acme.id])
    assert acme.aliases == stored[0].aliases
    assert len(acme.aliases) >= 2
    database.dispose()


def test_resolving_exact_types_without_the_stored_entity_stores_the_same(
    database_url: str,
) -> None:
    """Why exact types need no lookup: same id, and the stored name and aliases stay."""
    database = Database.open(database_url)
    repo = Repository(database)
    project = repo.batches.ensure_project("p")
    first = _store(repo, project, [_mention(EntityType.STATUTE, "15 U.S.C. § 78j(b)")])
    second = _store(
        repo, project, [_mention(EntityType.STATUTE, "15 USC Sec. 78j(b)")], known=False
    )
    assert first.assignments == second.assignments
    (stored,) = repo.results.project_entities(project, [EntityType.STATUTE])
    assert stored.name == first.entities[0].name  # the first name stays
    assert set(stored.aliases) == {"15 U.S.C. § 78j(b)", "15 USC Sec. 78j(b)"}
    database.dispose()
