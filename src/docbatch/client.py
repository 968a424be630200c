"""The Python API: the operations the CLI and the HTTP API call, as plain methods.

>>> from docbatch.client import Docbatch
>>> db = Docbatch()                                  # settings from DOCBATCH_* variables
>>> batch = db.submit(["./filings"], priority="high")  # needs a broker and workers
>>> db.status(batch.id).percent

:class:`Docbatch` owns the per-process resources (database, Redis, Celery app) and builds
each lazily, so a command that only reads the database never connects to a broker.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docbatch.errors import ConfigError, NotFoundError
from docbatch.ingest import DocumentSource, collect_sources, load_manifest
from docbatch.priority import Priority
from docbatch.settings import Settings
from docbatch.store.records import BatchRecord, NewDocument

if TYPE_CHECKING:
    from celery import Celery
    from redis import Redis

    from docbatch.observe.status import BatchStatus, RedisProgressSink
    from docbatch.store.db import Database
    from docbatch.store.records import DocumentRecord
    from docbatch.store.repository import Repository
    from docbatch.store.search import SearchIndex

__all__ = ["Docbatch", "Sources"]


class Sources:
    """Documents to submit, with what a manifest may say about the batch."""

    def __init__(
        self,
        documents: list[DocumentSource],
        *,
        project: str | None = None,
        priority: str | None = None,
        name: str | None = None,
    ) -> None:
        self.documents = documents
        self.project = project
        self.priority = priority
        self.name = name

    @classmethod
    def from_args(
        cls,
        paths: Sequence[str | Path] = (),
        *,
        manifest: str | Path | None = None,
        allow_roots: Sequence[Path] = (),
    ) -> Sources:
        """Sources from a manifest, or from files and folders (not both)."""
        if manifest is not None:
            if paths:
                raise ConfigError("give either a manifest or paths, not both")
            parsed, docs = load_manifest(manifest, allow_roots)
            return cls(docs, project=parsed.project, priority=parsed.priority, name=parsed.name)
        return cls(collect_sources(paths, allow_roots))


class Docbatch:
    """Submit, watch, cancel and export batches; one instance per process is enough."""

    def __init__(self, settings: Settings | None = None, *, create: bool = True) -> None:
        """``create=False`` is for commands that only read what a run left: a SQLite
        database that does not exist is then reported (:class:`NotFoundError`) instead of
        created empty, so a misspelled state folder is not mistaken for an empty one."""
        self.settings = settings or Settings.from_env()
        self.create_database = create

    # -- resources --------------------------------------------------------------------

    @cached_property
    def database(self) -> Database:
        """The SQL database (migrated to the latest schema on first use)."""
        from docbatch.store.db import Database, SessionLimits

        url = self.settings.effective_database_url
        if not self.create_database:
            _require_sqlite_file(url)
        self.settings.state_dir.mkdir(parents=True, exist_ok=True)
        return Database.open(
            url, run_migrations=True, limits=SessionLimits.from_settings(self.settings)
        )

    @cached_property
    def repo(self) -> Repository:
        """The repository over :attr:`database`."""
        from docbatch.store.repository import Repository

        return Repository(self.database, lease_seconds=self.settings.lease_seconds)

    @cached_property
    def redis(self) -> Redis | None:
        """A Redis client, or None when no Redis is configured."""
        from docbatch.redis.client import redis_client, redis_url_for

        url = redis_url_for(self.settings)
        return redis_client(url) if url else None

    @cached_property
    def search_index(self) -> SearchIndex:
        """Full-text search, entity look-up and the citation graph over the database."""
        from docbatch.store.search import SearchIndex

        return SearchIndex(self.database)

    @cached_property
    def app(self) -> Celery:
        """The Celery app (needs a broker URL)."""
        from docbatch.worker.app import create_app

        return create_app(self.settings)

    @cached_property
    def progress(self) -> RedisProgressSink | None:
        """The Redis progress tracker, or None without Redis."""
        from docbatch.observe.status import RedisProgressSink

        if self.redis is None:
            return None
        return RedisProgressSink(self.redis, self.settings, self.repo)

    def close(self) -> None:
        """Release connections."""
        if "database" in self.__dict__:
            self.database.dispose()
        if "redis" in self.__dict__ and self.redis is not None:
            self.redis.close()

    # -- batches ----------------------------------------------------------------------

    def create(
        self,
        sources: Sources,
        *,
        project: str | None = None,
        priority: str | None = None,
        name: str | None = None,
        parent_batch_id: str | None = None,
    ) -> BatchRecord:
        """Commit a batch and all its documents (state pending); nothing is enqueued.

        The priority is ``priority``, else the manifest's, else high for a recovery batch
        (``parent_batch_id`` given), else the configured default.
        """
        fallback = Priority.HIGH if parent_batch_id else self.settings.default_priority
        level = Priority(priority or sources.priority or fallback)
        docs = [_new_document(source) for source in sources.documents]
        project_id = self.repo.batches.ensure_project(project or sources.project or "default")
        options = {"pipeline": _options_summary(self.settings)}
        batch: BatchRecord = self.repo.batches.create(
            project_id,
            docs,
            priority=level.value,
            options=options,
            name=name or sources.name,
            parent_batch_id=parent_batch_id,
        )
        return batch

    def enqueue(self, batch_id: str) -> int:
        """Send every pending document of the batch at its stage; idempotent.

        A new batch's documents are all at the first stage; a recovery batch's wait at the
        stage they failed at. A batch larger than ``settings.fanout_size`` is sent as
        fan-out messages that workers expand (:func:`~docbatch.worker.dispatch.send_fanout`).
        Returns the number of documents sent or covered by fan-out messages. The batch is
        marked enqueued afterwards, so a submitter killed in between leaves it for the
        reconciler to enqueue.
        """
        from docbatch.worker.dispatch import send_documents, send_fanout

        batch = self.repo.batches.get(batch_id)
        if self.progress is not None:
            self.progress.init(batch)
        size = self.settings.fanout_size
        if 0 < size < batch.total:
            slices = self.repo.documents.id_slices(batch_id, size)
            send_fanout(self.app, batch_id, slices, batch.priority)
            sent = batch.total
        else:
            pending = self.repo.documents.pending(batch_id)
            sent = send_documents(self.app, pending, per_task=self.settings.docs_per_task)
        self.repo.batches.mark_enqueued(batch_id)
        return sent

    def submit(self, sources: Sources | Sequence[str | Path], **kwargs: Any) -> BatchRecord:
        """Commit a batch, then enqueue it for the workers; returns the batch."""
        if not isinstance(sources, Sources):
            sources = Sources.from_args(sources)
        self.app  # noqa: B018 - a missing broker is reported before anything is committed
        batch = self.create(sources, **kwargs)
        self.enqueue(batch.id)
        return self.repo.batches.get(batch.id)

    def resume(self, batch_id: str) -> int:
        """Re-send every non-terminal document of a batch at its current step.

        A document handed to OCR is sent to OCR again (:attr:`DocumentRef.step
        <docbatch.store.records.DocumentRef.step>`), not to extract. A document a
        recovery batch re-opened is sent with that batch's priority, also when its
        original batch is the one resumed.
        """
        from docbatch.worker.dispatch import send_step

        batch_id = self.get_batch(batch_id).id
        refs = self.repo.documents.unfinished(batch_id)
        for ref in refs:
            self.repo.documents.release(ref.document_id, ref.stage, owner=None, reason="resumed")
            send_step(self.app, ref.step, [ref.document_id], ref.priority)
        self.repo.batches.mark_enqueued(batch_id)
        return len(refs)

    def recover(
        self,
        batch_id: str,
        categories: Sequence[str] | None = None,
        all_: bool = False,
        from_stage: str | None = None,
        priority: str = "high",
    ) -> BatchRecord:
        """Re-run a batch's failed documents in a new recovery batch linked to it.

        By default only retryable failures (transient, resource, rate_limit, timeout,
        worker_lost); ``all_`` adds data and permanent ones. Each document resumes at the
        stage it failed at (or ``from_stage``); see :mod:`docbatch.recovery`.
        """
        from docbatch.recovery import recover

        batch_id = self.get_batch(batch_id).id
        return recover(
            self, batch_id, categories=categories, all_=all_, from_stage=from_stage,
            priority=priority,
        )  # fmt: skip

    def warm(
        self,
        *,
        batch_id: str | None = None,
        manifest: str | Path | None = None,
        allow_roots: Sequence[Path] = (),
    ) -> dict[str, int]:
        """Preload the stage cache from the database, in this process (see
        :mod:`docbatch.redis.warming`), for a batch's documents or a manifest's files.

        Returns the report: ``documents``, ``matched``, ``entries``, ``missing``.
        """
        from docbatch.errors import ConfigError
        from docbatch.redis.cache import StageCache
        from docbatch.redis.warming import batch_sha256s, manifest_sha256s, warm

        if (batch_id is None) == (manifest is None):
            raise ValueError("warm needs a batch id or a manifest, not both")
        if self.redis is None:
            raise ConfigError("cache warming needs Redis: set DOCBATCH_REDIS_URL")
        settings = self.settings
        cache = StageCache(self.redis, settings.key_prefix, settings.cache_ttl_seconds)
        versions = settings.pipeline_options().versions()
        if batch_id is not None:
            digests = batch_sha256s(self.repo, self.get_batch(batch_id).id)
        else:
            roots = [*settings.allowed_roots, *allow_roots]
            digests = manifest_sha256s(manifest or "", roots)
        return warm(self.repo, cache, versions, digests).as_dict()

    def get_batch(self, batch_id: str) -> BatchRecord:
        """The batch whose id is ``batch_id`` or starts with it (the 8 characters the
        monitor shows will do); :class:`NotFoundError` naming the id when there is none,
        :class:`~docbatch.errors.AmbiguousIdError` when several match."""
        batch: BatchRecord | None = self.repo.batches.find(self.repo.batches.resolve_id(batch_id))
        if batch is None:  # deleted between the two reads
            raise NotFoundError(f"no batch with id {batch_id!r}")
        return batch

    def get_document(self, document_id: str) -> DocumentRecord:
        """The document whose id is ``document_id`` or starts with it
        (a :class:`~docbatch.store.records.DocumentRecord`)."""
        return self.repo.documents.get(self.repo.documents.resolve_id(document_id))

    def cancel(self, batch_id: str) -> BatchRecord:
        """Cancel every document not yet terminal; running steps finish but commit nothing.

        The batch's recovery batches still running are cancelled with it, and a recovery
        batch cancels the documents it re-opened (see
        :func:`docbatch.store.batches.cancel_batch`).
        """
        batch_id = self.get_batch(batch_id).id
        self.repo.batches.cancel(batch_id)
        batch = self.get_batch(batch_id)
        if self.progress is not None:
            for related in self.repo.batches.related(batch_id):
                self.progress.rebuild(related, self.repo)
        return batch

    def status(self, batch_id: str) -> BatchStatus:
        """Progress of a batch: from Redis when available, else from the database."""
        from docbatch.observe.status import batch_status

        return batch_status(self.get_batch(batch_id), self.repo, self.progress)


def _require_sqlite_file(url: str) -> None:
    """Raise :class:`NotFoundError` when ``url`` names a SQLite file that does not exist
    (a server database is the server's to report)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    path = Path(parsed.database)
    if not path.is_file():
        raise NotFoundError(
            f"nothing there: no docbatch database at {path} (check DOCBATCH_STATE_DIR or "
            "DOCBATCH_DATABASE_URL; docbatch run or submit creates one)"
        )


def _new_document(source: DocumentSource) -> NewDocument:
    try:
        size = source.path.stat().st_size
    except OSError:
        size = 0  # the extract step reports the file as missing, with a reason
    return NewDocument(
        path=str(source.path),
        sha256=None,
        size_bytes=size,
        external_id=source.external_id,
        metadata=source.metadata,
    )


def _options_summary(settings: Settings) -> dict[str, Any]:
    """What the batch was run with; ``versions`` lets cache warming reuse only results
    computed under the same options."""
    options = settings.pipeline_options()
    return {
        "versions": {stage.value: version for stage, version in options.versions().items()},
        "ocr_engine": options.extract.ocr_engine,
        "chunk_size": options.chunk.size,
        "chunk_overlap": options.chunk.overlap,
        "entity_extractor": options.entities.extractor,
    }
