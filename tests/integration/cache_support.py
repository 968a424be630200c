"""One-entry conveniences over :class:`~docbatch.redis.cache.StageCache` for the tests.

The cache itself only has what the executor and warming use (lookups of a document's
stages, batched writes); these call exactly those methods with one entry.
"""

from __future__ import annotations

from typing import Any

from docbatch.models import Stage
from docbatch.redis.cache import CacheItem, ClaimRequest, StageCache


def put(cache: StageCache, stage: Stage, sha256: str, version: str, value: Any) -> bool:
    """Cache one stage output; False if Redis was unreachable."""
    return cache.put_many([CacheItem(stage, sha256, version, value)])


def get(cache: StageCache, stage: Stage, sha256: str, version: str) -> Any | None:
    """The cached output of one stage, or None on a miss (counted as a lookup)."""
    return cache.get_many(sha256, {stage: version}).get(stage)


def claim(cache: StageCache, stage: Stage, sha256: str, version: str, owner: str, ttl: int) -> bool:
    """Claim the computation of one entry that is not cached, the way a worker's lookup
    does; True when ``owner`` holds the claim (new, or its own from before)."""
    found = cache.look_up(sha256, {stage: version}, ClaimRequest(owner, ttl, stage))
    return found.claimed is not None
