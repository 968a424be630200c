"""Cache warming: preload the stage cache from the database before a batch runs.

Results the database already holds for the same bytes are written into the Redis stage
cache, so the batch that follows is served from the cache for every cached stage
(extract, chunk, entities). A document's bytes are matched by sha256 against completed
documents whose batch ran with the same stage versions as the current settings (stage by
stage: a batch run with another chunk size still provides the extract result). Values
are written with :meth:`~docbatch.redis.cache.StageCache.put_many`, one pipeline per slice.

The target is a batch (its documents' stored sha256s, or the files hashed when a
document has not been read yet) or a manifest (every file hashed). :func:`warm` does the
work in the calling process; the Celery task ``docbatch.warm`` (see
:mod:`docbatch.worker.warm`) calls the same function on a worker and never waits on
another task.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docbatch.models import Stage
from docbatch.redis.cache import CacheItem, StageCache
from docbatch.redis.codec import pack_stage

if TYPE_CHECKING:
    from docbatch.store.repository import Repository

__all__ = ["WarmReport", "batch_sha256s", "file_sha256", "manifest_sha256s", "warm"]

#: Documents whose results are read and written per pipeline.
_SLICE = 50


@dataclass(frozen=True, slots=True)
class WarmReport:
    """What a warming pass did."""

    #: Distinct sha256s asked for.
    documents: int
    #: Of those, how many had a completed document with reusable results.
    matched: int
    #: Cache entries written (documents x stages).
    entries: int

    @property
    def missing(self) -> int:
        """Documents with nothing reusable in the database."""
        return self.documents - self.matched

    def as_dict(self) -> dict[str, int]:
        """The report as plain JSON-ready values."""
        return asdict(self) | {"missing": self.missing}


def file_sha256(path: str | Path) -> str | None:
    """The sha256 of a file's bytes, or None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with Path(path).open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def batch_sha256s(repo: Repository, batch_id: str) -> list[str]:
    """The sha256 of every document of a batch: stored, or computed from the file."""
    found: list[str] = []
    offset = 0
    while True:
        docs = repo.documents.of_batch(batch_id, limit=1000, offset=offset)
        if not docs:
            break
        for doc in docs:
            digest = doc.sha256 or file_sha256(doc.path)
            if digest:
                found.append(digest)
        offset += len(docs)
    return found


def manifest_sha256s(manifest: str | Path, allow_roots: Sequence[Path] = ()) -> list[str]:
    """The sha256 of every file a manifest names (unreadable files are left out)."""
    from docbatch.ingest import load_manifest

    _, sources = load_manifest(manifest, allow_roots)
    return [d for d in (file_sha256(s.path) for s in sources) if d]


def warm(
    repo: Repository, cache: StageCache, versions: Mapping[Stage, str], sha256s: Iterable[str]
) -> WarmReport:
    """Write the stored results of ``sha256s`` into ``cache`` for the current ``versions``.

    ``repo`` is a :class:`~docbatch.store.repository.Repository`, ``cache`` a
    :class:`~docbatch.redis.cache.StageCache` and ``versions`` the executor's
    ``{stage: options version}`` of the cached stages.
    """
    wanted = sorted(set(sha256s))
    sources = _pick_sources(repo.warming.completed_by_sha256(wanted), versions)
    entries = 0
    picked = sorted(sources.items())
    for start in range(0, len(picked), _SLICE):
        items: list[CacheItem] = []
        for sha256, (document_id, stages) in picked[start : start + _SLICE]:
            items.extend(_items(repo, sha256, document_id, stages, versions))
        if items and cache.put_many(items):
            entries += len(items)
    return WarmReport(documents=len(wanted), matched=len(sources), entries=entries)


def _pick_sources(
    candidates: Iterable[tuple[str, str, dict[str, str]]], versions: Mapping[Stage, str]
) -> dict[str, tuple[str, tuple[Stage, ...]]]:
    """Per sha256, the document whose batch matches the most stage versions."""
    best: dict[str, tuple[str, tuple[Stage, ...]]] = {}
    for sha256, document_id, recorded in candidates:
        stages = _usable_stages(recorded, versions)
        if stages and len(stages) > len(best.get(sha256, ("", ()))[1]):
            best[sha256] = (document_id, stages)
    return best


def _usable_stages(recorded: Mapping[str, str], versions: Mapping[Stage, str]) -> tuple[Stage, ...]:
    """The stages whose results are valid now: a prefix of the pipeline, since a stage's
    output is only reusable when what it read (the stage before) is reusable too."""
    usable: list[Stage] = []
    for stage in Stage.ordered():
        if stage not in versions or recorded.get(stage.value) != versions[stage]:
            break
        usable.append(stage)
    return tuple(usable)


def _items(
    repo: Repository,
    sha256: str,
    document_id: str,
    stages: Sequence[Stage],
    versions: Mapping[Stage, str],
) -> list[CacheItem]:
    values: dict[Stage, Any] = {}
    if Stage.EXTRACT in stages:
        values[Stage.EXTRACT] = repo.results.load_extracted(document_id)
    if Stage.CHUNK in stages:
        values[Stage.CHUNK] = repo.results.load_chunks(document_id)
    if Stage.ENTITIES in stages:
        values[Stage.ENTITIES] = repo.results.load_mentions(document_id)
    return [
        CacheItem(stage, sha256, versions[stage], pack_stage(stage, value), json_ready=True)
        for stage, value in values.items()
    ]
