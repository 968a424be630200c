"""Batch progress in Redis: one hash per batch, updated atomically by a Lua script.

The hash holds the number of documents in each state, per-stage outcome counts, pages
read and the timestamps a rate and an ETA are computed from. ``progress.lua`` applies each
document transition atomically and exactly once: it records every document's state and
ignores a transition whose old state is not the recorded one, so a redelivered task that
reports the same transition again changes nothing. Every applied transition is published
as a small JSON event on the batch's channel (for server-sent events).

Progress is a view, not the record: the database holds every document's state. When the
hash is gone (Redis restarted empty) :meth:`ProgressTracker.transition` answers
:attr:`TransitionResult.MISSING` and the caller rebuilds it with
:meth:`ProgressTracker.rebuild` from the figures the database returns.
"""

from __future__ import annotations

import enum
import functools
import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from itertools import islice
from typing import Any

import redis
from redis.typing import EncodableT, FieldT

from docbatch.models import TERMINAL_DOCUMENT_STATES, DocumentState, Stage
from docbatch.redis.client import as_text, execute_with_scripts, redis_errors
from docbatch.redis.keys import RedisKeys

__all__ = [
    "BatchProgress",
    "ProgressTracker",
    "RebuildFigures",
    "StageOutcome",
    "TransitionResult",
]

log = logging.getLogger(__name__)


class StageOutcome(enum.StrEnum):
    """What a transition that names a stage records for that stage."""

    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, kw_only=True)
class RebuildFigures:
    """What :meth:`ProgressTracker.rebuild` writes, as the database holds it (see there)."""

    total: int
    priority: str
    created_at: float | datetime
    state_counts: Mapping[str, int]
    stage_counts: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    doc_states: Mapping[str, str] = field(default_factory=dict)
    doc_stages: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    containers: Mapping[str, int] = field(default_factory=dict)
    pages: int = 0
    started_at: float | datetime | None = None
    last_terminal_at: float | datetime | None = None


class TransitionResult(enum.StrEnum):
    """What :meth:`ProgressTracker.transition` did."""

    #: The transition was counted.
    APPLIED = "applied"
    #: It had been counted already (a redelivered task); nothing changed.
    DUPLICATE = "duplicate"
    #: The recorded state is not the transition's old state; nothing changed. The
    #: database is authoritative: rebuild if the progress is suspected to be wrong.
    STALE = "stale"
    #: The batch has no progress hash (never initialised, expired or Redis restarted
    #: empty); nothing changed. Rebuild it from the database.
    MISSING = "missing"


_DOCS_PER_HSET = 10_000


def _epoch(value: float | datetime) -> float:
    """Seconds since the epoch for a timestamp given as a number or an aware datetime."""
    return value.timestamp() if isinstance(value, datetime) else float(value)


@functools.cache
def _script_source() -> str:
    """The text of progress.lua, shipped as package data next to this module."""
    return resources.files("docbatch.redis").joinpath("progress.lua").read_text("utf-8")


def _outcome(new_state: DocumentState) -> StageOutcome:
    if new_state is DocumentState.FAILED:
        return StageOutcome.FAILED
    if new_state is DocumentState.CANCELLED:
        return StageOutcome.CANCELLED
    return StageOutcome.DONE


@dataclass(frozen=True, slots=True)
class BatchProgress:
    """A snapshot of one batch's progress; timestamps are seconds since the epoch."""

    batch_id: str
    total: int
    priority: str
    created_at: float | None
    #: Documents per state; every :class:`DocumentState` is present.
    counts: Mapping[str, int]
    #: ``{stage: {outcome: documents}}`` for the stages that have outcomes.
    stages: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    pages: int = 0
    started_at: float | None = None
    first_terminal_at: float | None = None
    last_terminal_at: float | None = None
    finished_at: float | None = None

    @property
    def terminal(self) -> int:
        """Documents in a terminal state (completed, failed or cancelled)."""
        return sum(self.counts.get(state, 0) for state in TERMINAL_DOCUMENT_STATES)

    @property
    def finished(self) -> bool:
        """True when every document is in a terminal state."""
        return self.terminal >= self.total

    @property
    def percent(self) -> float:
        """Share of documents in a terminal state, 0-100 (100 for an empty batch)."""
        return self.terminal / self.total * 100.0 if self.total else 100.0

    @property
    def rate(self) -> float | None:
        """Documents reaching a terminal state per second since the batch started."""
        if self.terminal == 0 or self.started_at is None or self.last_terminal_at is None:
            return None
        elapsed = self.last_terminal_at - self.started_at
        return self.terminal / elapsed if elapsed > 0 else None

    @property
    def eta_seconds(self) -> float | None:
        """Seconds until every document is terminal at the current rate, if known."""
        if self.finished:
            return 0.0
        rate = self.rate
        return (self.total - self.terminal) / rate if rate else None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields plus the derived figures (for the API and the dashboard)."""
        return {
            "batch_id": self.batch_id,
            "total": self.total,
            "priority": self.priority,
            "created_at": self.created_at,
            "counts": dict(self.counts),
            "stages": {stage: dict(v) for stage, v in self.stages.items()},
            "pages": self.pages,
            "started_at": self.started_at,
            "first_terminal_at": self.first_terminal_at,
            "last_terminal_at": self.last_terminal_at,
            "finished_at": self.finished_at,
            "terminal": self.terminal,
            "finished": self.finished,
            "percent": self.percent,
            "rate": self.rate,
            "eta_seconds": self.eta_seconds,
        }

    @classmethod
    def from_hash(cls, batch_id: str, raw: Mapping[bytes | str, bytes | str]) -> BatchProgress:
        """Parse the progress hash as returned by HGETALL."""
        values = {as_text(k): as_text(v) for k, v in raw.items()}
        counts = {state.value: int(values.get(f"state:{state}", 0)) for state in DocumentState}
        stages: dict[str, dict[str, int]] = {}
        for name, value in values.items():
            kind, _, rest = name.partition(":")
            if kind == "stage":
                stage, _, outcome = rest.partition(":")
                stages.setdefault(stage, {})[outcome] = int(value)

        def when(name: str) -> float | None:
            return float(values[name]) if name in values else None

        return cls(
            batch_id=batch_id,
            total=int(values.get("total", 0)),
            priority=values.get("priority", ""),
            created_at=when("created_at"),
            counts=counts,
            stages=stages,
            pages=int(values.get("pages", 0)),
            started_at=when("started_at"),
            first_terminal_at=when("first_terminal_at"),
            last_terminal_at=when("last_terminal_at"),
            finished_at=when("finished_at"),
        )

    def to_hash(self) -> dict[str, str | int]:
        """The progress hash fields; the inverse of :meth:`from_hash`."""
        fields: dict[str, str | int] = {
            "total": self.total,
            "priority": self.priority,
            "pages": self.pages,
        }
        fields.update({f"state:{state}": count for state, count in self.counts.items()})
        for stage, outcomes in self.stages.items():
            fields.update({f"stage:{stage}:{o}": count for o, count in outcomes.items()})
        times = {
            "created_at": self.created_at,
            "started_at": self.started_at,
            "first_terminal_at": self.first_terminal_at,
            "last_terminal_at": self.last_terminal_at,
            "finished_at": self.finished_at,
        }
        # repr keeps every digit of a float, so a round trip returns the same value.
        fields.update({name: repr(value) for name, value in times.items() if value is not None})
        return fields


class ProgressTracker:
    """Batch progress hashes under ``{prefix}:progress:``, every key with a TTL.

    ``client`` should come from :func:`~docbatch.redis.client.redis_client`, ``prefix`` is
    ``settings.key_prefix`` and ``ttl_seconds`` ``settings.progress_ttl_seconds``. Every
    method raises :class:`~docbatch.errors.TransientError` when Redis is unreachable.
    """

    def __init__(self, client: redis.Redis, prefix: str, ttl_seconds: int) -> None:
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive: every progress key needs a TTL")
        self._client = client
        self._keys = RedisKeys(prefix)
        self._ttl = ttl_seconds
        source = _script_source()
        # register_script runs EVALSHA and loads the script again on NOSCRIPT (a restarted
        # or flushed server), so the source travels over the wire only when needed.
        self._script = client.register_script(source)

    def _run(self, batch_id: str, operation: str, *args: Any) -> Any:
        """Run one operation of progress.lua on the batch's two hashes."""
        keys = [self._keys.progress(batch_id), self._keys.progress_docs(batch_id)]
        return self._script(keys=keys, args=[operation, self._ttl, *args])

    def init_batch(
        self, batch_id: str, total: int, priority: str, created_at: float | datetime
    ) -> bool:
        """Start tracking a batch of ``total`` pending documents.

        Safe to repeat: an existing hash keeps its counts. Returns True if it was created.
        """
        if total < 0:
            raise ValueError("total must not be negative")
        with redis_errors(f"initialising progress of batch {batch_id}"):
            created = self._run(batch_id, "init", total, priority, repr(_epoch(created_at)))
        return bool(created)

    def add_documents(self, batch_id: str, container_id: str, count: int) -> bool:
        """Count ``count`` documents found in the container ``container_id`` as pending.

        Counted once per container however often it is reported; True if counted now.
        """
        if count < 0:
            raise ValueError("count must not be negative")
        with redis_errors(f"growing progress of batch {batch_id}"):
            added = self._run(batch_id, "grow", container_id, count)
        return bool(added)

    def transitions_many(
        self,
        items: Sequence[
            tuple[
                str,
                str,
                Sequence[tuple[DocumentState | str, DocumentState | str, Stage | str | None, int]],
            ]
        ],
        *,
        now: float | datetime | None = None,
    ) -> list[list[TransitionResult]]:
        """Count document transitions, each exactly once, in one round trip: for each
        ``(batch_id, document_id, steps)`` item (the documents of one task), its
        ``(old, new, stage, pages)`` steps in order; the result of each step.

        ``stage`` names the stage the document just finished (outcome ``done``), failed
        in (``failed``) or was cancelled in; ``old == new == processing`` with a stage
        records progress between stages. ``pages`` is added to the pages count when the
        transition is applied. ``now`` defaults to the current time.
        """
        at = repr(time.time() if now is None else _epoch(now))
        calls: list[tuple[list[str], list[EncodableT]]] = []
        for batch_id, document_id, steps in items:
            keys = [self._keys.progress(batch_id), self._keys.progress_docs(batch_id)]
            for old_state, new_state, stage, pages in steps:
                if pages < 0:
                    raise ValueError("pages must not be negative")
                new = DocumentState(new_state)
                calls.append((keys, [
                    "transition", self._ttl, self._keys.events(batch_id), batch_id, document_id,
                    DocumentState(old_state).value, new.value,
                    Stage(stage).value if stage is not None else "", _outcome(new).value, pages,
                    at,
                ]))  # fmt: skip
        if not calls:
            return [[] for _ in items]
        batches = ", ".join(sorted({batch_id for batch_id, _, _ in items}))
        with redis_errors(f"recording progress of batch {batches}"):
            results = iter(self._evalsha_all(calls))
        return [[TransitionResult(as_text(next(results))) for _ in steps] for _, _, steps in items]

    def _evalsha_all(self, calls: Sequence[tuple[list[str], list[EncodableT]]]) -> list[Any]:
        """Run the script once per ``(keys, arguments)``, in one pipeline."""

        def fill(pipe: Any) -> None:
            for keys, args in calls:
                pipe.evalsha(self._script.sha, len(keys), *keys, *args)

        return execute_with_scripts(self._client, [self._script], fill)

    def get_batch_progress(self, batch_id: str) -> BatchProgress | None:
        """The batch's progress, or None if Redis has no progress for it."""
        with redis_errors(f"reading progress of batch {batch_id}"):
            raw = self._client.hgetall(self._keys.progress(batch_id))
        return BatchProgress.from_hash(batch_id, raw) if raw else None

    def rebuild(
        self,
        batch_id: str,
        *,
        total: int,
        priority: str,
        created_at: float | datetime,
        state_counts: Mapping[str, int],
        stage_counts: Mapping[str, Mapping[str, int]] | None = None,
        doc_states: Mapping[str, str] | None = None,
        doc_stages: Mapping[str, Mapping[str, str]] | None = None,
        containers: Mapping[str, int] | None = None,
        pages: int = 0,
        started_at: float | datetime | None = None,
        last_terminal_at: float | datetime | None = None,
    ) -> BatchProgress:
        """Replace the batch's progress with figures read from the database.

        ``state_counts`` maps each state to its number of documents (absent states count
        zero; they must add up to ``total``); ``stage_counts`` is
        ``{stage: {outcome: documents}}``. ``doc_states`` (``{document: state}``) and
        ``doc_stages`` (``{document: {stage: outcome}}``) restore exactly-once counting:
        without them a transition counted in the database before the rebuild and reported
        again after it would count twice; ``containers`` (``{container: children}``), the
        containers whose children the database holds, does the same for a late
        :meth:`add_documents`. Runs in one MULTI/EXEC transaction and returns the progress
        it wrote.
        """
        figures = RebuildFigures(
            total=total,
            priority=priority,
            created_at=created_at,
            state_counts=state_counts,
            stage_counts=stage_counts or {},
            doc_states=doc_states or {},
            doc_stages=doc_stages or {},
            containers=containers or {},
            pages=pages,
            started_at=started_at,
            last_terminal_at=last_terminal_at,
        )
        return self.rebuild_from(batch_id, lambda: figures, attempts=1)

    def rebuild_from(
        self, batch_id: str, read: Callable[[], RebuildFigures], attempts: int = 3
    ) -> BatchProgress:
        """:meth:`rebuild` with the figures ``read()`` returns, read while the batch's
        hashes are watched.

        A worker commits a transition to the database, then reports it here. One that
        reports between the database read and the write would be overwritten by older
        figures and never counted, so a write after a change to the hashes is dropped and
        the figures read again, up to ``attempts`` times; the last attempt writes
        whatever happened meanwhile (the reconciler compares a finished batch's hash with
        the database and rebuilds it again if a transition was lost).
        """
        progress_key, docs_key = self._keys.progress(batch_id), self._keys.progress_docs(batch_id)
        with (
            redis_errors(f"rebuilding progress of batch {batch_id}"),
            self._client.pipeline(transaction=True) as pipe,
        ):
            for attempt in range(1, attempts + 1):
                if attempt < attempts:
                    pipe.watch(progress_key, docs_key)
                snapshot = self._queue_rebuild(pipe, batch_id, read())
                try:
                    pipe.execute()
                except redis.WatchError:
                    log.debug("progress of batch %s changed while rebuilt", batch_id)
                    continue
                return snapshot
        raise AssertionError("the last attempt writes unwatched")  # pragma: no cover

    def _queue_rebuild(
        self, pipe: redis.client.Pipeline, batch_id: str, figures: RebuildFigures
    ) -> BatchProgress:
        """Queue the commands that replace the batch's hashes with ``figures`` on ``pipe``
        (made transactional here); the snapshot they write."""
        snapshot = _snapshot(
            batch_id,
            figures.total,
            figures.priority,
            figures.created_at,
            figures.state_counts,
            figures.stage_counts,
            figures.pages,
            figures.started_at,
            figures.last_terminal_at,
        )
        docs = _doc_fields(figures.doc_states, figures.doc_stages, figures.containers)
        progress_key, docs_key = self._keys.progress(batch_id), self._keys.progress_docs(batch_id)
        pipe.multi()
        pipe.delete(progress_key, docs_key)
        pipe.hset(progress_key, mapping=_hash_mapping(snapshot.to_hash()))
        pipe.expire(progress_key, self._ttl)
        for chunk in _chunks(docs, _DOCS_PER_HSET):
            pipe.hset(docs_key, mapping=_hash_mapping(chunk))
        if docs:
            pipe.expire(docs_key, self._ttl)
        event = {"batch_id": batch_id, "rebuilt": True, "total": snapshot.total}
        pipe.publish(self._keys.events(batch_id), json.dumps(event))
        return snapshot


def _snapshot(
    batch_id: str,
    total: int,
    priority: str,
    created_at: float | datetime,
    state_counts: Mapping[str, int],
    stage_counts: Mapping[str, Mapping[str, int]],
    pages: int,
    started_at: float | datetime | None,
    last_terminal_at: float | datetime | None,
) -> BatchProgress:
    """Validate database figures for :meth:`ProgressTracker.rebuild` into a snapshot."""
    counts = {state.value: 0 for state in DocumentState}
    for state, count in state_counts.items():
        if count < 0:
            raise ValueError(f"negative count for state {state!r}")
        counts[DocumentState(state).value] += count
    if sum(counts.values()) != total:
        raise ValueError(f"state counts add up to {sum(counts.values())}, not {total}")
    stages = {
        Stage(stage).value: {StageOutcome(o).value: n for o, n in outcomes.items()}
        for stage, outcomes in stage_counts.items()
    }
    started = _epoch(started_at) if started_at is not None else None
    last = _epoch(last_terminal_at) if last_terminal_at is not None else None
    terminal = sum(counts[state] for state in TERMINAL_DOCUMENT_STATES)
    # The database knows when the last document ended only if the caller passed it; the
    # rebuild time is the best remaining guess for a finished batch.
    finished = (last if last is not None else time.time()) if terminal >= total else None
    return BatchProgress(
        batch_id=batch_id,
        total=total,
        priority=priority,
        created_at=_epoch(created_at),
        counts=counts,
        stages=stages,
        pages=pages,
        started_at=started,
        last_terminal_at=last,
        finished_at=finished,
    )


def _doc_fields(
    doc_states: Mapping[str, str],
    doc_stages: Mapping[str, Mapping[str, str]],
    containers: Mapping[str, int],
) -> dict[str, str]:
    """The document hash fields (see progress.lua) for the given states, outcomes and
    containers already grown."""
    fields = {f"s:{doc}": DocumentState(state).value for doc, state in doc_states.items()}
    for doc, outcomes in doc_stages.items():
        for stage, outcome in outcomes.items():
            fields[f"m:{Stage(stage)}:{doc}"] = StageOutcome(outcome).value
    fields.update((f"c:{container}", str(count)) for container, count in containers.items())
    return fields


def _hash_mapping(fields: Mapping[str, str | int]) -> dict[FieldT, EncodableT]:
    """Widen field names to redis-py's hash field type (its Mapping key is invariant)."""
    return dict(fields.items())


def _chunks(mapping: Mapping[str, str], size: int) -> Iterator[dict[str, str]]:
    """Split a mapping into dicts of at most ``size`` items (bounded HSET commands)."""
    items = iter(mapping.items())
    while chunk := dict(islice(items, size)):
        yield chunk
