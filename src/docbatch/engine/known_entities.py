"""The resolve stage's view of a project's canonical entities, kept per process.

Resolution matches a document's mentions against the project's known entities. Loading
every known entity for every document costs time proportional to the project, once per
document: quadratic over a batch (the overhead benchmark found it the largest database
cost). Instead:

- exact types (citations, statutes, dates, money, ...) are not looked up at all. Their
  id derives from the type and key alone, so resolving without the stored entity gives
  the same id, and storing the result changes nothing the stored entity has: its row
  is inserted with ``ON CONFLICT DO NOTHING`` (the first name stays) and its aliases
  are added. The only difference is in memory: the document's own :class:`Resolution`
  names such an entity after this document's forms;
- fuzzy types (people, organisations, courts) are kept in memory per project. The
  entities this process resolves are added as it commits them; those of other processes
  are picked up at most every :data:`REFRESH_SECONDS`, by asking which entities were
  created since the last look (a watermark on ``created_at``, less a margin for clock
  skew and commit delay) and how many aliases each has, then reading only the new or
  changed ones.

An entity created by another process in the instant before this one resolves may be
missed by the fuzzy match; the result is then a separate canonical entity, exactly as if
the two documents had been resolved in the other order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from docbatch.models import CanonicalEntity, Mention
from docbatch.pipeline.resolve import DEFAULT_THRESHOLDS

if TYPE_CHECKING:
    from docbatch.store.results import ResultStore

__all__ = ["KnownEntityIndex"]

#: Types resolved by fuzzy matching; every other type matches by exact key only.
FUZZY_TYPES = tuple(sorted(DEFAULT_THRESHOLDS, key=str))
#: Entities created this long before the watermark are looked at again (clock skew
#: between machines, and transactions that commit a while after they stamp a row).
SKEW = timedelta(seconds=30)
#: Other processes' new entities are looked for at most this often.
REFRESH_SECONDS = 1.0


def _utcnow() -> datetime:
    return datetime.now(UTC)


class KnownEntityIndex:
    """Candidates for :func:`docbatch.pipeline.resolve.resolve`, read incrementally."""

    def __init__(
        self,
        results: ResultStore,
        clock: Callable[[], datetime] = _utcnow,
        refresh_seconds: float = REFRESH_SECONDS,
    ) -> None:
        self.results = results
        self.clock = clock
        self.refresh_seconds = refresh_seconds
        self._fuzzy: dict[int, dict[str, CanonicalEntity]] = {}
        self._watermark: dict[int, datetime] = {}

    def candidates(self, project_id: int, mentions: Sequence[Mention]) -> list[CanonicalEntity]:
        """Known entities the mentions may resolve to: the fuzzy pools of their types."""
        fuzzy_types = {m.type for m in mentions if m.type in FUZZY_TYPES}
        if not fuzzy_types:
            return []
        pool = self._refresh(project_id)
        return [e for e in pool.values() if e.type in fuzzy_types]

    def remember(self, project_id: int, entities: Iterable[CanonicalEntity]) -> None:
        """Add entities this process has just committed to the project's fuzzy pool.

        Aliases merge with those of an entity the pool already holds, as they do in the
        database.
        """
        pool = self._fuzzy.get(project_id)
        if pool is None:
            return  # not loaded yet: the first look reads everything
        for entity in entities:
            if entity.type not in FUZZY_TYPES:
                continue
            known = pool.get(entity.id)
            if known is not None:
                aliases = tuple(sorted({*known.aliases, *entity.aliases}))
                entity = CanonicalEntity(known.id, known.type, known.key, known.name, aliases)
            pool[entity.id] = entity

    def _refresh(self, project_id: int) -> dict[str, CanonicalEntity]:
        now = self.clock()
        since = self._watermark.get(project_id)
        pool = self._fuzzy.get(project_id)
        if pool is not None and since is not None:
            if (now - since).total_seconds() < self.refresh_seconds:
                return pool
            counts = self.results.entity_alias_counts(project_id, list(FUZZY_TYPES), since - SKEW)
            changed = [
                entity_id
                for entity_id, count in counts.items()
                if entity_id not in pool or len(pool[entity_id].aliases) != count
            ]
            new = self.results.project_entities(project_id, list(FUZZY_TYPES), ids=changed)
        else:
            pool = self._fuzzy.setdefault(project_id, {})
            new = self.results.project_entities(project_id, list(FUZZY_TYPES))
        for entity in new:
            pool[entity.id] = entity
        self._watermark[project_id] = now
        return pool
