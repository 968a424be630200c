"""Helpers for the API and monitoring tests: settings, sample batches, inline processing."""

from __future__ import annotations

import shutil
from pathlib import Path

from docbatch.client import Docbatch, Sources
from docbatch.engine.executor import StageExecutor
from docbatch.redis.cache import StageCache
from docbatch.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
#: Text samples (fast) plus one truncated PDF that fails with a reason.
TEXT_SAMPLES = ("opinion.pdf", "memo.txt", "docket.html", "engagement-letter.docx", "broken.pdf")


def copy_samples(folder: Path, names: tuple[str, ...] = TEXT_SAMPLES) -> Path:
    """Copy sample documents into ``folder`` (created) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(SAMPLES / name, folder / name)
    return folder


def service_settings(
    base: Settings, *, database_url: str, redis_url: str, key_prefix: str, **more: object
) -> Settings:
    """Settings for real PostgreSQL and Redis (also the broker) under a test key prefix."""
    changes: dict[str, object] = {
        "database_url": database_url,
        "redis_url": redis_url,
        "broker_url": redis_url,
        "key_prefix": key_prefix,
    }
    changes.update(more)
    return base.model_copy(update=changes)


def process_inline(client: Docbatch, batch_id: str, limit: int | None = None) -> None:
    """Run the batch's unfinished documents (the first ``limit``) here, one stage per
    step, with the Redis progress sink and stage cache the workers use (so metrics are
    recorded)."""
    settings = client.settings
    client.progress.init(client.get_batch(batch_id))
    executor = StageExecutor(
        client.repo,
        settings.pipeline_options(),
        owner="api-test",
        lease_seconds=settings.lease_seconds,
        max_attempts=settings.max_attempts,
        cache=StageCache(client.redis, settings.key_prefix, settings.cache_ttl_seconds),
        progress=client.progress,
    )
    for ref in client.repo.documents.unfinished(batch_id)[:limit]:
        stage = ref.stage
        while True:
            outcome = executor.run(ref.document_id, stage, allow_ocr=True)
            if outcome.status == "advanced" and outcome.next_stage is not None:
                stage = outcome.next_stage
                continue
            break


def create_batch(client: Docbatch, folder: Path, **options: object) -> str:
    """Commit (without enqueueing) a batch of every file in ``folder``; returns its id."""
    return str(client.create(Sources.from_args([folder]), **options).id)
