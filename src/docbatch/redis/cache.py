"""Content-addressed stage cache in Redis.

A stage's output depends only on the document's bytes and on the options that shape the
stage, so it is cached under ``stage + sha256(bytes) + config version`` (see
:meth:`~docbatch.redis.keys.RedisKeys.cache`): the same bytes in another batch or project
skip the work. Values are JSON (never pickle, so a cache entry cannot run code), zlib
compressed above a size, with a one-byte header saying which (:mod:`docbatch.redis.codec`).

The cache is an optimisation: the database keeps every result. Reads and writes that fail
because Redis is unreachable degrade to a miss (or a skipped write) and log one warning
per outage; they never fail a task. Documents with identical bytes are computed once:
:meth:`StageCache.look_up_many` reads a group's entries and claims the computation of
each entry that missed in one round trip, and a worker that finds another's claim waits
with :meth:`StageCache.wait_for`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import redis

from docbatch.models import Stage
from docbatch.redis.client import (
    REDIS_OUTAGE_ERRORS,
    OutageLog,
    execute_with_scripts,
)
from docbatch.redis.codec import (
    decode_value,
    encode_json,
    encode_value,
)
from docbatch.redis.keys import RedisKeys

__all__ = [
    "CacheItem",
    "ClaimRequest",
    "HeldClaim",
    "Lookup",
    "StageCache",
]

logger = logging.getLogger(__name__)

# Reads one document's entries, refreshes the TTL of the hits, and may claim the
# computation of the first entry that missed: one round trip for a document's lookup.
# (Hits and misses are counted by the metrics recorder, per stage and per batch.)
# KEYS: the n entries, then (only when claiming) their n claim keys.
# ARGV: the TTL, n, the 1-based index of the first entry that may be claimed (0: claim
# nothing), the claim's owner, the claim's TTL.
# Returns {values, claimed}: claimed is i when the owner holds the claim on entry i (new,
# or its own from before), -i when another owner holds it, 0 when nothing was claimed.
_LOOKUP_LUA = """
local ttl = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local claim_from = tonumber(ARGV[3])
local values = {}
for i = 1, n do
  local value = redis.call('GET', KEYS[i])
  if value then
    redis.call('EXPIRE', KEYS[i], ttl)
    values[i] = value
  else
    values[i] = false
  end
end
local claimed = 0
if claim_from > 0 then
  for i = claim_from, n do
    if not values[i] then
      local claim = KEYS[n + i]
      if redis.call('SET', claim, ARGV[4], 'NX', 'EX', tonumber(ARGV[5]))
          or redis.call('GET', claim) == ARGV[4] then
        claimed = i
      else
        claimed = -i
      end
      break
    end
  end
end
return {values, claimed}
"""

# Deletes a claim only if the caller still owns it, so a worker whose claim expired and was
# taken over cannot release the new owner's claim.
_RELEASE_CLAIM_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class CacheItem(NamedTuple):
    """One value to write with :meth:`StageCache.put_many`.

    ``json_ready`` says the value is already JSON data (as :func:`to_dict` returns),
    so it is encoded without walking through it again.
    """

    stage: Stage
    sha256: str
    version: str
    value: Any
    json_ready: bool = False


class ClaimRequest(NamedTuple):
    """Asks :meth:`StageCache.look_up` to claim the computation of the first entry that
    misses, from stage ``first`` on, for ``owner`` during ``ttl`` seconds."""

    owner: str
    ttl: int
    first: Stage


class HeldClaim(NamedTuple):
    """A computation claim ``owner`` holds on one entry; released with
    :meth:`StageCache.put_many` or :meth:`StageCache.release_claim`."""

    stage: Stage
    sha256: str
    version: str
    owner: str


class Lookup(NamedTuple):
    """What :meth:`StageCache.look_up` found for one document.

    ``found`` maps the stages that hit to their decoded values. ``claimed`` is the claim
    the caller now holds (it computes that entry), ``contended`` the stage another owner
    is computing (the caller waits with :meth:`StageCache.wait_for`); both are None when
    nothing was claimed.
    """

    found: dict[Stage, Any]
    claimed: HeldClaim | None = None
    contended: Stage | None = None


class StageCache:
    """The stage cache: JSON values under content-addressed keys, every key with a TTL.

    ``client`` should come from :func:`~docbatch.redis.client.redis_client`; ``prefix`` is
    ``settings.key_prefix`` and ``ttl_seconds`` ``settings.cache_ttl_seconds``. A hit
    refreshes the entry's TTL, so content that keeps being reused stays cached.
    """

    def __init__(
        self,
        client: redis.Redis,
        prefix: str,
        ttl_seconds: int,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive: every cache key needs a TTL")
        self._client = client
        self._keys = RedisKeys(prefix)
        self._ttl = ttl_seconds
        self._sleep = sleep
        self._outage = OutageLog(logger, "stage cache")
        self._release_claim = client.register_script(_RELEASE_CLAIM_LUA)
        self._lookup = client.register_script(_LOOKUP_LUA)

    def key(self, stage: Stage, sha256: str, version: str) -> str:
        """The Redis key of one cache entry."""
        return self._keys.cache(stage, sha256, version)

    def get_many(self, sha256: str, versions: Mapping[Stage, str]) -> dict[Stage, Any]:
        """The cached outputs of the given stages for one document, in one round trip
        that also counts the hits and misses and refreshes the hits' TTL.

        ``versions`` maps each stage to look up to its configuration version. Stages
        missing from the result are misses; Redis being down makes them all misses.
        """
        return self.look_up(sha256, versions).found

    def look_up(
        self, sha256: str, versions: Mapping[Stage, str], claim: ClaimRequest | None = None
    ) -> Lookup:
        """:meth:`get_many`, and with ``claim`` the computation claim of the first entry
        that missed (at ``claim.first`` or after it, in the order of ``versions``), in
        the same round trip.

        The first owner to claim an entry holds it for ``claim.ttl`` seconds (SET NX
        EX); the same owner claiming again (a redelivered task) holds it again, another
        one is told the stage is contended and waits with :meth:`wait_for`. If Redis is
        unreachable, the caller gets the claim: everyone computes, nobody waits.
        """
        return self.look_up_many([(sha256, claim)], versions)[0]

    def look_up_many(
        self,
        requests: Sequence[tuple[str, ClaimRequest | None]],
        versions: Mapping[Stage, str],
    ) -> list[Lookup]:
        """:meth:`look_up` for several documents ``(sha256, claim)``, in one round trip."""
        stages = list(versions)
        if not stages or not requests:
            return [Lookup({}) for _ in requests]
        calls = []
        for sha256, claim in requests:
            keys = [self.key(stage, sha256, versions[stage]) for stage in stages]
            claim_from, owner, claim_ttl = 0, "", 0
            if claim is not None and claim.first in versions:
                claim_from, owner, claim_ttl = stages.index(claim.first) + 1, claim.owner, claim.ttl
                keys += [self._keys.claim(stage, sha256, versions[stage]) for stage in stages]
            args = [self._ttl, len(stages), claim_from, owner, claim_ttl]
            calls.append((keys, args))

        def fill(pipe: Any) -> None:
            for keys, args in calls:
                pipe.evalsha(self._lookup.sha, len(keys), *keys, *args)

        try:
            replies = execute_with_scripts(self._client, [self._lookup], fill)
        except REDIS_OUTAGE_ERRORS as exc:
            self._outage.failed(exc)
            return [self._outage_lookup(sha256, claim, versions) for sha256, claim in requests]
        self._outage.succeeded()
        return [
            self._lookup_result(sha256, claim.owner if claim else "", versions, raw, claimed)
            for (sha256, claim), (raw, claimed) in zip(requests, replies, strict=True)
        ]

    def _lookup_result(
        self, sha256: str, owner: str, versions: Mapping[Stage, str], raw: list[Any], claimed: int
    ) -> Lookup:
        stages = list(versions)
        found: dict[Stage, Any] = {}
        for stage, data in zip(stages, raw, strict=True):
            if data is None:
                continue
            try:
                found[stage] = decode_value(data)
            except ValueError as exc:
                # A corrupt entry is a miss; the next put overwrites it.
                key = self.key(stage, sha256, versions[stage])
                logger.warning("ignoring unreadable cache entry %s: %s", key, exc)
        if claimed > 0:
            stage = stages[claimed - 1]
            return Lookup(found, claimed=HeldClaim(stage, sha256, versions[stage], owner))
        if claimed < 0:
            return Lookup(found, contended=stages[-claimed - 1])
        return Lookup(found)

    @staticmethod
    def _outage_lookup(
        sha256: str, claim: ClaimRequest | None, versions: Mapping[Stage, str]
    ) -> Lookup:
        """A lookup while Redis is unreachable: all misses, and the claim to compute."""
        if claim is None or claim.first not in versions:
            return Lookup({})
        return Lookup({}, HeldClaim(claim.first, sha256, versions[claim.first], claim.owner))

    def put_many(
        self,
        items: Iterable[CacheItem | tuple[Stage, str, str, Any]],
        *,
        release: Iterable[HeldClaim] = (),
    ) -> bool:
        """Cache several stage outputs in one pipeline, each with the cache TTL.

        The computation claims in ``release`` are released in the same round trip (each
        only if its owner still holds it). Returns False if Redis was unreachable; the
        values are then simply not cached. Raises ValueError for a value that is None or
        not JSON-encodable.
        """
        encoded: list[tuple[str, bytes]] = []
        for item in items:
            stage, sha256, version, value, ready = CacheItem(*item)
            if value is None:
                raise ValueError("None cannot be cached: get() returns None for a miss")
            data = encode_json(value) if ready else encode_value(value)
            encoded.append((self.key(stage, sha256, version), data))
        claims = [(self._keys.claim(c.stage, c.sha256, c.version), c.owner) for c in release]
        if not encoded and not claims:
            return True

        def fill(pipe: Any) -> None:
            for key, data in encoded:
                pipe.set(key, data, ex=self._ttl)
            for claim, owner in claims:
                pipe.evalsha(self._release_claim.sha, 1, claim, owner)

        try:
            execute_with_scripts(self._client, [self._release_claim], fill)
        except REDIS_OUTAGE_ERRORS as exc:
            self._outage.failed(exc)
            return False
        self._outage.succeeded()
        return True

    def release_claim(self, stage: Stage, sha256: str, version: str, owner: str) -> bool:
        """Give up a claim (the computation failed) so waiters stop waiting at once.

        Only the owner's own claim is deleted. Returns True if a claim was deleted.
        """
        key = self._keys.claim(stage, sha256, version)
        try:
            return bool(self._release_claim(keys=[key], args=[owner]))
        except REDIS_OUTAGE_ERRORS as exc:
            self._outage.failed(exc)
            return False

    def wait_for(
        self,
        stage: Stage,
        sha256: str,
        version: str,
        timeout: float,
        *,
        initial_delay: float = 0.05,
        max_delay: float = 1.0,
    ) -> Any | None:
        """Wait for another worker's result of a claimed entry, polling with backoff.

        Returns the value once it is cached, or None when ``timeout`` passes, when the
        claim is released or expires without a value, or when Redis is unreachable; on
        None the caller computes the value itself, so no document waits forever.
        """
        key = self.key(stage, sha256, version)
        claim = self._keys.claim(stage, sha256, version)
        deadline = time.monotonic() + timeout
        delay = initial_delay
        while True:
            pipe = self._client.pipeline(transaction=False)
            pipe.get(key)
            pipe.exists(claim)
            try:
                data, claimed = pipe.execute()
            except REDIS_OUTAGE_ERRORS as exc:
                self._outage.failed(exc)
                return None
            if data is not None:
                try:
                    return decode_value(data)
                except ValueError as exc:
                    logger.warning("ignoring unreadable cache entry %s: %s", key, exc)
                    return None
            remaining = deadline - time.monotonic()
            if not claimed or remaining <= 0:
                return None
            self._sleep(min(delay, remaining))
            delay = min(delay * 2, max_delay)
