"""The resolve stage's per-process entity index reads only what it needs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from docbatch.known_entities import KnownEntityIndex
from docbatch.models import EntityType, Mention, Resolution
from docbatch.pipeline.resolve import resolve
from docbatch.store import Repository
from docbatch.store.db import Database
from docbatch.store.records import NewDocument


def _mention(kind: EntityType, text: str) -> Mention:
    return Mention(kind, text, text, 0, len(text), 0, 1, 0.9, "test")


class CountingRepo:
    """Wraps a repository and records every project_entities call."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self.calls: list[dict[str, object]] = []

    def project_entities(self, project_id, types, keys=None, *, since=None):  # type: ignore[no-untyped-def]
        self.calls.append({"types": sorted(map(str, types)), "keys": keys, "since": since})
        return self.repo.project_entities(project_id, types, keys, since=since)


def _store(repo: Repository, project: int, mentions: list[Mention]) -> Resolution:
    doc = NewDocument(path="/x", sha256=None, size_bytes=1)
    batch = repo.create_batch(project, [doc])
    resolution = resolve(mentions, repo.project_entities(project, list(EntityType)))
    from docbatch.models import Chunk, ExtractedDocument, Page, Stage
    from docbatch.store.records import ExtractResult

    repo.claim(doc.id, Stage.EXTRACT, owner="t", max_attempts=3)
    extracted = ExtractedDocument("text/plain", (Page(1, "x"),))
    repo.complete_stage(
        doc.id, Stage.EXTRACT, ExtractResult(extracted, "0" * 64, 1), next_stage=Stage.CHUNK
    )
    repo.complete_stage(doc.id, Stage.CHUNK, [Chunk(0, "x", 0, 1, 1, 1)], next_stage=Stage.ENTITIES)
    repo.complete_stage(doc.id, Stage.ENTITIES, mentions, next_stage=Stage.RESOLVE)
    repo.complete_stage(doc.id, Stage.RESOLVE, resolution, next_stage=Stage.RELATE)
    assert batch.id
    return resolution


def test_exact_types_by_key_and_fuzzy_types_incrementally(database_url: str) -> None:
    database = Database.open(database_url)
    repo = Repository(database)
    project = repo.ensure_project("p")
    _store(
        repo,
        project,
        [_mention(EntityType.PERSON, "John Smith"), _mention(EntityType.CITATION, "550 U.S. 544")],
    )
    counting = CountingRepo(repo)
    clock = [datetime.now(UTC) + timedelta(seconds=1)]
    index = KnownEntityIndex(counting, clock=lambda: clock[0])

    mentions = [
        _mention(EntityType.PERSON, "Jon Smith"),
        _mention(EntityType.CITATION, "550 U.S. 544"),
    ]
    found = index.candidates(project, mentions)
    assert sorted(e.key for e in found) == ["550 u.s. 544", "john smith"]
    exact_call, fuzzy_call = counting.calls
    assert exact_call["keys"] == ["550 u.s. 544"]
    assert fuzzy_call["since"] is None  # the first look reads the whole fuzzy pool

    # the fuzzy match still happens against the cached pool
    resolution = resolve(mentions, found)
    assert resolution.assignments[0] == next(e.id for e in found if e.key == "john smith")

    # a new person created later is picked up by the next, incremental look
    _store(repo, project, [_mention(EntityType.PERSON, "Grace Hopper")])
    counting.calls.clear()
    again = index.candidates(project, [_mention(EntityType.PERSON, "Grace Hoper")])
    assert {e.key for e in again} == {"john smith", "grace hopper"}
    assert counting.calls[0]["since"] is not None
    database.dispose()
