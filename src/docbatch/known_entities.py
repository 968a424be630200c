"""The resolve stage's view of a project's canonical entities, kept per process.

Resolution matches a document's mentions against the project's known entities. Loading
every known entity for every document costs time proportional to the project, once per
document: quadratic over a batch (the overhead benchmark found it the largest database
cost). Instead:

- exact types (citations, statutes, dates, money, ...) are looked up by the keys of the
  document's own mentions: their ids derive from the key, so nothing else can match;
- fuzzy types (people, organisations, courts) are kept in memory per project and topped
  up with the entities created since the last look (a watermark on ``created_at``, less
  a margin for clock skew between machines).

An entity created by another process in the instant before this one resolves may be
missed by the fuzzy match; the result is then a separate canonical entity, exactly as if
the two documents had been resolved in the other order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from docbatch.models import CanonicalEntity, Mention
from docbatch.pipeline.resolve import DEFAULT_THRESHOLDS, mention_key

__all__ = ["KnownEntityIndex"]

#: Types resolved by fuzzy matching; every other type matches by exact key only.
FUZZY_TYPES = tuple(sorted(DEFAULT_THRESHOLDS, key=str))
#: Entities created this long before the watermark are read again (clock skew).
SKEW = timedelta(seconds=30)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class KnownEntityIndex:
    """Candidates for :func:`docbatch.pipeline.resolve.resolve`, read incrementally."""

    def __init__(self, repo: Any, clock: Callable[[], datetime] = _utcnow) -> None:
        self.repo = repo
        self.clock = clock
        self._fuzzy: dict[int, dict[str, CanonicalEntity]] = {}
        self._watermark: dict[int, datetime] = {}

    def candidates(self, project_id: int, mentions: Sequence[Mention]) -> list[CanonicalEntity]:
        """Known entities the mentions may resolve to (exact keys plus fuzzy pools)."""
        exact_types = sorted({m.type for m in mentions if m.type not in FUZZY_TYPES}, key=str)
        keys = sorted({mention_key(m) for m in mentions if m.type not in FUZZY_TYPES})
        found: list[CanonicalEntity] = []
        if keys:
            found.extend(self.repo.project_entities(project_id, exact_types, keys))
        fuzzy_types = {m.type for m in mentions if m.type in FUZZY_TYPES}
        if fuzzy_types:
            pool = self._refresh(project_id)
            found.extend(e for e in pool.values() if e.type in fuzzy_types)
        return found

    def _refresh(self, project_id: int) -> dict[str, CanonicalEntity]:
        now = self.clock()
        since = self._watermark.get(project_id)
        new = self.repo.project_entities(
            project_id,
            list(FUZZY_TYPES),
            since=None if since is None else since - SKEW,
        )
        pool = self._fuzzy.setdefault(project_id, {})
        for entity in new:
            pool[entity.id] = entity
        self._watermark[project_id] = now
        return pool
