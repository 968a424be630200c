"""In-memory stand-ins for the services the stage executor talks to.

:class:`MemoryStageCache` behaves as :class:`docbatch.redis.cache.StageCache` does against
Redis (entries encoded as JSON and decoded on read, a claim per entry that misses, the
first owner wins until its claim is released or expires, the same owner wins again), and
:class:`MemoryProgress` records what a :class:`~docbatch.engine.step.ProgressSink` is told.
With them, and SQLite in a temporary folder, the executor's tests run with no server
(as dramatiq's ``StubBroker`` lets its users test without a broker).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from docbatch.engine.outcomes import StageReport
from docbatch.models import Stage
from docbatch.redis.cache import CacheItem, ClaimRequest, HeldClaim, Lookup
from docbatch.redis.codec import decode_value, encode_json, encode_value

_Key = tuple[Stage, str, str]


class MemoryStageCache:
    """The stage cache in a dict: what :class:`~docbatch.engine.step.CacheLike` needs."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.entries: dict[_Key, bytes] = {}
        #: entry -> (owner, expiry on ``clock``)
        self.claims: dict[_Key, tuple[str, float]] = {}
        self.hits: Counter[Stage] = Counter()
        self.misses: Counter[Stage] = Counter()
        self.writes: list[_Key] = []
        self._changed = threading.Condition()

    # -- what the executor calls --------------------------------------------------------

    def get_many(self, sha256: str, versions: Mapping[Stage, str]) -> dict[Stage, Any]:
        return self.look_up(sha256, versions).found

    def look_up(
        self, sha256: str, versions: Mapping[Stage, str], claim: ClaimRequest | None = None
    ) -> Lookup:
        return self.look_up_many([(sha256, claim)], versions)[0]

    def look_up_many(
        self, requests: Sequence[tuple[str, ClaimRequest | None]], versions: Mapping[Stage, str]
    ) -> list[Lookup]:
        with self._changed:
            return [self._look_up(sha256, claim, versions) for sha256, claim in requests]

    def put_many(self, items: Iterable[CacheItem], *, release: Iterable[HeldClaim] = ()) -> bool:
        with self._changed:
            for item in items:
                stage, sha256, version, value, ready = CacheItem(*item)
                if value is None:
                    raise ValueError("None cannot be cached: get() returns None for a miss")
                self.entries[stage, sha256, version] = (
                    encode_json(value) if ready else encode_value(value)
                )
                self.writes.append((stage, sha256, version))
            for held in release:
                self._release(held.stage, held.sha256, held.version, held.owner)
            self._changed.notify_all()
        return True

    def release_claim(self, stage: Stage, sha256: str, version: str, owner: str) -> bool:
        with self._changed:
            released = self._release(stage, sha256, version, owner)
            self._changed.notify_all()
            return released

    def wait_for(self, stage: Stage, sha256: str, version: str, timeout: float) -> Any | None:
        """The value once another owner caches it; None when its claim ends without one
        or ``timeout`` (seconds of real time) passes."""
        deadline = time.monotonic() + timeout
        key = (stage, sha256, version)
        with self._changed:
            while True:
                if key in self.entries:
                    return decode_value(self.entries[key])
                remaining = deadline - time.monotonic()
                if self._holder(key) is None or remaining <= 0:
                    return None
                self._changed.wait(min(remaining, 0.05))

    # -- what a test uses to play another worker ----------------------------------------

    def hold(self, stage: Stage, sha256: str, version: str, owner: str, ttl: float) -> None:
        """Take the computation claim of an entry as ``owner`` would."""
        with self._changed:
            self.claims[stage, sha256, version] = (owner, self.clock() + ttl)

    def holder(self, stage: Stage, sha256: str, version: str) -> str | None:
        with self._changed:
            return self._holder((stage, sha256, version))

    # -- internals ----------------------------------------------------------------------

    def _look_up(
        self, sha256: str, claim: ClaimRequest | None, versions: Mapping[Stage, str]
    ) -> Lookup:
        stages = list(versions)
        found: dict[Stage, Any] = {}
        for stage in stages:
            data = self.entries.get((stage, sha256, versions[stage]))
            if data is None:
                self.misses[stage] += 1
            else:
                self.hits[stage] += 1
                found[stage] = decode_value(data)
        if claim is None or claim.first not in versions:
            return Lookup(found)
        for stage in stages[stages.index(claim.first) :]:
            if stage in found:
                continue
            key = (stage, sha256, versions[stage])
            holder = self._holder(key)
            if holder is None or holder == claim.owner:
                self.claims[key] = (claim.owner, self.clock() + claim.ttl)
                return Lookup(found, claimed=HeldClaim(stage, sha256, versions[stage], claim.owner))
            return Lookup(found, contended=stage)
        return Lookup(found)

    def _holder(self, key: _Key) -> str | None:
        held = self.claims.get(key)
        if held is None:
            return None
        owner, expires = held
        if expires <= self.clock():
            del self.claims[key]
            return None
        return owner

    def _release(self, stage: Stage, sha256: str, version: str, owner: str) -> bool:
        key = (stage, sha256, version)
        if self._holder(key) != owner:
            return False
        del self.claims[key]
        return True


@dataclass
class MemoryProgress:
    """Records what the executor reports, in order: a :class:`ProgressSink` stand-in."""

    transitions: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    started: list[tuple[str, str]] = field(default_factory=list)
    reports: list[StageReport] = field(default_factory=list)
    finalized: list[str] = field(default_factory=list)

    def document_transition(
        self,
        batch_id: str,
        document_id: str,
        old: str,
        new: str,
        stage: str,
        pages: int,
        ocr_pages: int | None = None,
    ) -> None:
        self.transitions.append((batch_id, document_id, old, new, stage))

    def documents_started(self, documents: Sequence[tuple[str, str]]) -> None:
        self.started.extend(documents)

    def stages_finished_many(self, reports: Sequence[StageReport]) -> None:
        self.reports.extend(reports)

    def batch_finalized(self, batch_id: str) -> None:
        self.finalized.append(batch_id)

    def ends(self) -> Counter[str]:
        """How many documents reached each end, as reported: ``completed`` from the
        stage reports that completed a document, the others from transitions."""
        ends: Counter[str] = Counter(new for *_, new, _stage in self.transitions)
        ends["completed"] += sum(1 for r in self.reports if r.completed_pages is not None)
        return ends
