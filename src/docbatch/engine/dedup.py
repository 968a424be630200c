"""Identical bytes computed once: the stage cache's lookups and computation claims.

Documents with identical bytes (in one batch, or across batches running at once) would
compute the same stage outputs. The first step to look their content up claims the
computation of the first stage it needs and the cache lacks; a twin that finds the claim
held waits for the cached value (:meth:`CacheDedup.compute_once`). A claim released or
expired without a value (its worker died, or the document went to OCR) lets the waiter
compute for itself, so nobody waits forever. Without a cache every step computes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from docbatch.engine.step import CacheLike, DocumentStep
from docbatch.models import Stage
from docbatch.redis.cache import CacheItem, ClaimRequest, Lookup
from docbatch.redis.codec import pack_stage, unpack_stage

__all__ = ["GROUP_READ_BYTES", "CacheDedup"]

log = logging.getLogger(__name__)

#: A group's documents are read before the first is computed, while their bytes add up
#: to no more than this, so that the whole group is looked up in the cache in one round
#: trip; the others are read and looked up in their turn.
GROUP_READ_BYTES = 64 * 1024 * 1024


class CacheDedup:
    """Looks steps up in ``cache`` under the stage ``versions``; claims last a lease."""

    def __init__(
        self, cache: CacheLike | None, versions: dict[Stage, str], lease_seconds: int
    ) -> None:
        self.cache = cache
        self.versions = versions
        self.lease_seconds = lease_seconds

    def look_up_group(
        self,
        works: Sequence[DocumentStep],
        stage: Stage,
        owner: str,
        read_bytes: Callable[[DocumentStep, int], bytes],
        max_file_bytes: int,
    ) -> None:
        """Look a group's documents up in one round trip (see :meth:`look_up`), reading
        their bytes first (``read_bytes``) when the step starts at extract.

        Documents that cannot be read now (too large for :data:`GROUP_READ_BYTES`, or
        any error, which their own step meets and records) are looked up in their turn.
        The claims taken here are held until the group's commit, so a worker computing
        a twin elsewhere waits for this group's value rather than computing it too.
        """
        if self.cache is None or stage not in self.versions or len(works) < 2:
            return
        budget = GROUP_READ_BYTES
        ready: list[DocumentStep] = []
        for work in works:
            if stage is Stage.EXTRACT:
                limit = min(max_file_bytes, budget)
                try:
                    budget -= len(read_bytes(work, limit))
                except Exception as exc:  # the document's own step meets it again
                    log.debug("%s is read in its turn: %s", work.document.id, exc)
                    continue
            if work.sha256:
                ready.append(work)
        if not ready:
            return
        claim = ClaimRequest(owner, self.lease_seconds, stage)
        found = self.cache.look_up_many([(work.sha256, claim) for work in ready], self.versions)
        for work, lookup in zip(ready, found, strict=True):
            self._found(work, lookup)

    def look_up(self, work: DocumentStep) -> None:
        """Read the cached stages of the document's content (once per step), and claim
        the computation of the first one this step needs and the cache lacks; then add
        the outputs that twins computed earlier in the group."""
        if not work.looked_up and self.cache is not None:
            first = work.stage if work.stage in self.versions else None
            claim = ClaimRequest(work.owner, self.lease_seconds, first) if first else None
            self._found(work, self.cache.look_up(work.sha256, self.versions, claim))
        work.looked_up = True
        work.cached.update(work.group.fresh.get(work.sha256, {}))

    def cached_or(
        self, work: DocumentStep, stage: Stage, compute: Callable[[], Any]
    ) -> tuple[Any, bool]:
        """The stage's output from the cache (or a twin), else computed once; and
        whether it was not computed here."""
        if work.sha256:
            self.look_up(work)  # a step that starts after extract
        value = work.cached.get(stage)
        if value is not None:
            return value, True
        return self.compute_once(work, stage, compute)

    def compute_once(
        self, work: DocumentStep, stage: Stage, compute: Callable[[], Any]
    ) -> tuple[Any, bool]:
        """Compute a cacheable stage once per content and options (see the module's
        docstring); the value, and whether it came from a twin. ``compute`` returning
        None (the document went to OCR) releases the claim."""
        cache = self.cache
        if cache is None or not work.sha256:
            return compute(), False
        version = self.versions[stage]
        if work.contended is stage:
            work.contended = None
            shared = cache.wait_for(stage, work.sha256, version, timeout=self.lease_seconds)
            if shared is not None:
                try:
                    value = unpack_stage(stage, shared)
                except ValueError as exc:
                    log.warning("ignoring a cached %s output: %s", stage, exc)
                else:
                    # The twin cached its later stages with this one: read them too.
                    found = cache.get_many(work.sha256, self.versions)
                    work.cached.update(_unpacked(found))
                    return value, True
        value = compute()
        if value is None:  # handed to OCR: another task computes it
            self.release(work)
        else:
            # Cached, and the claim released, with the step's commit: one round trip.
            packed = pack_stage(stage, value)
            work.cache_writes.append(CacheItem(stage, work.sha256, version, packed, True))
            work.group.fresh.setdefault(work.sha256, {})[stage] = value
        return value, False

    def release(self, work: DocumentStep) -> None:
        """Release the step's computation claim, if it holds one."""
        if self.cache is not None and work.claim is not None:
            self.cache.release_claim(*work.claim)
        work.claim = None

    def flush(self, works: Sequence[DocumentStep]) -> None:
        """Cache what the steps computed and release their claims, in one round trip
        (just before their commit)."""
        if self.cache is None:
            return
        writes = [write for work in works for write in work.cache_writes]
        claims = [work.claim for work in works if work.claim is not None]
        if writes or claims:
            self.cache.put_many(writes, release=claims)
        for work in works:
            work.cache_writes = []
            work.claim = None

    def _found(self, work: DocumentStep, lookup: Lookup) -> None:
        """Keep what a cache lookup found for the document, and the claim it took."""
        work.looked_up = True
        work.cached = _unpacked(lookup.found)
        work.claim, work.contended = lookup.claimed, lookup.contended


def _unpacked(found: dict[Stage, Any]) -> dict[Stage, Any]:
    """The stage outputs in cache entries; an entry of an unknown shape is a miss."""
    outputs: dict[Stage, Any] = {}
    for stage, data in found.items():
        try:
            outputs[stage] = unpack_stage(stage, data)
        except ValueError as exc:
            log.warning("ignoring a cached %s output: %s", stage, exc)
    return outputs
