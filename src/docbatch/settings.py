"""docbatch settings, read from ``DOCBATCH_*`` environment variables.

:class:`Settings` is built once per process (CLI root, Celery app factory, API factory)
and passed down as arguments; nothing below those edges reads the environment.
Secrets (database and broker passwords inside URLs, the API token, PDF passwords) come
only from the environment or from a file named by ``DOCBATCH_<NAME>_FILE``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from docbatch.pipeline.options import (
    ChunkOptions,
    ContainerOptions,
    EntityOptions,
    ExtractOptions,
    PipelineOptions,
    RelateOptions,
)

__all__ = ["Settings", "default_state_dir"]


def default_state_dir() -> Path:
    """Where docbatch keeps its SQLite file and runtime files when nothing is configured.

    ``$XDG_DATA_HOME/docbatch``, else ``~/.local/share/docbatch``.
    """
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "docbatch"


class Settings(BaseSettings):
    """Every setting of docbatch; see the README's configuration table."""

    model_config = SettingsConfigDict(
        env_prefix="DOCBATCH_", extra="ignore", secrets_dir=None, validate_default=True
    )

    state_dir: Path = Field(default_factory=default_state_dir)
    database_url: str | None = None
    broker_url: str | None = None
    redis_url: str | None = None
    key_prefix: str = "docbatch"
    #: Prepended to every broker queue name (isolates deployments sharing a vhost).
    queue_prefix: str = ""

    # pipeline
    ocr_engine: str = "auto"
    ocr_dpi: int = 200
    ocr_languages: str = "eng"
    #: OCR read with a lower mean confidence (0..1) marks its page ``low_confidence``.
    ocr_min_confidence: float = Field(default=0.6, ge=0.0, le=1.0)
    #: Leave low-confidence OCR pages out of entity extraction.
    entities_skip_low_confidence: bool = True
    #: A longer document text fails the entities stage as ``too_large``.
    entities_max_chars: int = Field(default=10_000_000, ge=1000)
    tessdata_dir: str | None = None
    chunk_size: int = 1500
    chunk_overlap: int = 200
    entity_extractor: str = "default"
    #: Build ``co_occurs`` edges (every two entities sharing a chunk); see RelateOptions.
    relate_co_occurs: bool = False
    max_file_bytes: int = 512 * 1024 * 1024
    max_pages: int = 5000
    max_image_pixels: int = 200_000_000
    pdf_passwords: SecretStr | None = None
    #: Containers (ZIP, e-mail, PDF attachments): nesting depth and caps (ContainerOptions).
    container_max_depth: int = Field(default=3, ge=0)
    container_max_members: int = Field(default=10_000, ge=0)
    container_max_bytes: int = Field(default=1024 * 1024 * 1024, ge=0)
    container_max_ratio: float = Field(default=200.0, gt=1.0)

    # batches and workers
    allowed_roots: list[Path] = Field(default_factory=list)
    default_priority: str = "normal"
    #: Share of finished documents reserved for normal and for low batches while they
    #: wait behind higher priorities (0 = strict priority); see README "Priorities".
    priority_min_share: float = Field(default=0.1, ge=0.0, le=0.5)
    #: The sliding window over which that share is measured.
    priority_share_window_seconds: float = Field(default=60.0, gt=0.0)
    cache_ttl_seconds: int = 7 * 24 * 3600
    progress_ttl_seconds: int = 30 * 24 * 3600
    #: How long a claim holds a document without a heartbeat. A running step renews
    #: its claims every third of this (docbatch.engine.leases), so a long OCR job keeps its
    #: documents; those of a worker that died are re-sent about a lease later.
    lease_seconds: int = Field(default=60, ge=1)
    max_attempts: int = 3
    reconcile_interval_seconds: float = 30.0
    #: A worker whose consumer received nothing for this long while messages waited in
    #: its queues and pool processes were free restarts its consumer
    #: (docbatch.worker.watchdog); 0 turns the watchdog off.
    consumer_stall_seconds: float = Field(default=30.0, ge=0.0)
    stage_soft_time_limit: int = 300
    stage_time_limit: int = 360
    ocr_soft_time_limit: int = 1800
    ocr_time_limit: int = 1900
    worker_memory_limit_mb: int = 4096
    docs_per_task: int = 8
    #: A scan with more pages to OCR than this is read in ranges of this many pages that
    #: every worker shares (docbatch.engine.ranged_ocr); 0 reads each scan in one go.
    ocr_range_pages: int = Field(default=16, ge=0)
    #: A batch of more documents than this is enqueued as fan-out messages of this many
    #: documents each, which workers expand into steps (docbatch.worker.dispatch.
    #: send_fanout): the submitter of 100,000 documents sends 100 messages, not 12,500.
    #: 0 always sends every step from the submitter.
    fanout_size: int = Field(default=1000, ge=0)
    #: Run a document's remaining text stages in the task that finished the previous
    #: one, committed together in one transaction; False sends one message per stage.
    fuse_stages: bool = True
    #: JSON overrides of the per-category retry rules (see docbatch.engine.retry), e.g.
    #: ``{"transient": {"kind": "linear", "base_seconds": 5, "max_retries": 3}}``.
    retry_policy: str | None = None
    #: Failures of the same bytes at the same stage with the same code that quarantine
    #: them (see docbatch.engine.quarantine); 0 turns quarantine off.
    quarantine_threshold: int = Field(default=3, ge=0)
    #: Acknowledge task messages after the task ran (the default, needed for at-least-once
    #: delivery). False is only for the chaos suite's negative control.
    task_acks_late: bool = True
    #: PostgreSQL only (docbatch.store.db.SessionLimits): the longest wait for a lock
    #: (a row another session holds, e.g. a frozen worker's) before the statement fails
    #: with a transient error that is retried; 0 waits forever.
    db_lock_timeout_ms: int = Field(default=10_000, ge=0)
    #: The server ends a session idle inside a transaction this long, which frees the
    #: locks of a worker frozen mid-transaction (SIGSTOP, a debugger); 0 never does.
    db_idle_in_transaction_timeout_ms: int = Field(default=60_000, ge=0)
    #: The longest single statement; 0 (the default) sets no limit.
    db_statement_timeout_ms: int = Field(default=0, ge=0)
    #: ``docbatch worker`` refuses to run as root unless this is set.
    allow_root_worker: bool = False
    #: Send Celery's task events (for Flower or ``celery events``): three more broker
    #: messages per task. docbatch's own monitoring does not need them.
    task_events: bool = False

    # parser sandbox (docbatch.engine.sandbox): extract and OCR parse in capped child processes
    sandbox: bool = True
    extract_memory_mb: int = Field(default=1024, ge=128)
    extract_time_limit: float = Field(default=120.0, gt=0)
    ocr_memory_mb: int = Field(default=2048, ge=256)
    #: Per OCR call; below ``ocr_soft_time_limit`` so the parser fails before Celery does.
    ocr_parser_time_limit: float = Field(default=1500.0, gt=0)

    # API
    api_token: SecretStr | None = None
    api_max_upload_bytes: int = 256 * 1024 * 1024
    #: ``terminal``: delete an uploaded file once its document is terminal; ``keep``: never.
    api_upload_retention: Literal["terminal", "keep"] = "terminal"
    #: Host names (besides the bound address) a request's ``Host`` header may carry.
    api_allowed_hosts: list[str] = Field(default_factory=list)

    @field_validator("state_dir")
    @classmethod
    def _expand_state_dir(cls, value: Path) -> Path:
        return value.expanduser()

    @classmethod
    def from_env(cls) -> Settings:
        """Build settings from the environment, reading ``*_FILE`` secrets if given."""
        overrides: dict[str, str] = {}
        for name in ("api_token", "pdf_passwords", "database_url", "broker_url", "redis_url"):
            path = os.environ.get(f"DOCBATCH_{name.upper()}_FILE")
            if path:
                overrides[name] = Path(path).read_text(encoding="utf-8").strip()
        return cls(**overrides)  # type: ignore[arg-type]

    @property
    def sqlite_path(self) -> Path:
        """The default SQLite database file inside the state folder."""
        return self.state_dir / "docbatch.db"

    @property
    def effective_database_url(self) -> str:
        """The configured database URL, or the SQLite file in the state folder."""
        return self.database_url or f"sqlite:///{self.sqlite_path}"

    def passwords(self) -> tuple[str, ...]:
        """PDF passwords to try (newline- or comma-separated in the setting)."""
        if self.pdf_passwords is None:
            return ()
        raw = self.pdf_passwords.get_secret_value().replace(",", "\n")
        return tuple(p for p in (line.strip() for line in raw.splitlines()) if p)

    def pipeline_options(self) -> PipelineOptions:
        """The pipeline options these settings describe."""
        return PipelineOptions(
            extract=ExtractOptions(
                ocr_engine=self.ocr_engine,
                ocr_dpi=self.ocr_dpi,
                ocr_languages=self.ocr_languages,
                ocr_min_confidence=self.ocr_min_confidence,
                tessdata_dir=self.tessdata_dir,
                max_file_bytes=self.max_file_bytes,
                max_pages=self.max_pages,
                max_image_pixels=self.max_image_pixels,
                passwords=self.passwords(),
            ),
            chunk=ChunkOptions(size=self.chunk_size, overlap=self.chunk_overlap),
            entities=EntityOptions(
                extractor=self.entity_extractor,
                skip_low_confidence=self.entities_skip_low_confidence,
                max_chars=self.entities_max_chars,
            ),
            relate=RelateOptions(co_occurs=self.relate_co_occurs),
            containers=ContainerOptions(
                max_depth=self.container_max_depth,
                max_members=self.container_max_members,
                max_total_bytes=self.container_max_bytes,
                max_ratio=self.container_max_ratio,
            ),
        )
