"""Cache warming: bytes already processed are served from the cache on the next batch."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import redis
from typer.testing import CliRunner

from docbatch.cli.main import app
from docbatch.client import Docbatch, Sources
from docbatch.local.embedded import PrivateRedis
from docbatch.models import CACHED_STAGES, Stage
from docbatch.redis.cache import StageCache
from docbatch.settings import Settings
from docbatch.worker.warm import send_warm
from tests.integration.engine_support import (
    engine_settings,
    make_corpus,
    recorded_lookups,
    running_workers,
    wait_finished,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]
DOCS = 10


def _drop_cache(client: redis.Redis, prefix: str) -> int:
    """Delete the stage cache entries and hit counters (only under ``prefix``)."""
    keys = [*client.scan_iter(match=f"{prefix}:cache:*"), f"{prefix}:stats:cache"]
    return int(client.delete(*keys))


def _cache_keys(client: redis.Redis, prefix: str) -> int:
    return sum(1 for _ in client.scan_iter(match=f"{prefix}:cache:*"))


def test_warming_from_the_database_gives_full_cache_hits_on_resubmission(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = make_corpus(tmp_path / "corpus", DOCS)
    manifest = tmp_path / "manifest.json"
    files = sorted(str(p) for p in corpus.rglob("*") if p.is_file())
    manifest.write_text(json.dumps({"documents": [{"path": p} for p in files]}))
    with PrivateRedis() as server:
        local = engine_settings(settings, broker_url=server.broker_url, redis_url=server.url)
        client = Docbatch(local)
        raw = redis.Redis(unix_socket_path=str(server.socket))
        with running_workers(local):
            first = wait_finished(client, client.submit(Sources.from_args([corpus])).id)
            assert first.completed == DOCS

            # asynchronous: the docbatch.warm task on a worker fills the dropped cache
            assert _drop_cache(raw, local.key_prefix) > DOCS
            send_warm(client.app, batch_id=first.id)
            deadline = time.monotonic() + 60
            while _cache_keys(raw, local.key_prefix) < DOCS * 3 and time.monotonic() < deadline:
                time.sleep(0.2)
            assert _cache_keys(raw, local.key_prefix) == DOCS * len(CACHED_STAGES)

            # synchronous, from a manifest, through the CLI
            _drop_cache(raw, local.key_prefix)
            for key, value in {
                "DOCBATCH_BROKER_URL": server.broker_url,
                "DOCBATCH_REDIS_URL": server.url,
            }.items():
                monkeypatch.setenv(key, value)
            result = CliRunner().invoke(app, ["warm", str(manifest), "--sync", "--json"])
            assert result.exit_code == 0, result.output
            report = json.loads(result.stdout)
            assert report == {"documents": DOCS, "matched": DOCS, "entries": DOCS * 3, "missing": 0}

            second = wait_finished(client, client.submit(Sources.from_args([corpus])).id)
        lookups = recorded_lookups(client, second.id, DOCS * len(CACHED_STAGES))
        for stage in CACHED_STAGES:
            hits = lookups.get(f"{stage}:hit", 0), lookups.get(f"{stage}:miss", 0)
            assert hits == (DOCS, 0), (stage, lookups)
        assert second.completed == DOCS and second.finalized_count == 1
        assert client.repo.results.chunks(client.repo.documents.of_batch(second.id)[0].id)
        assert not any(name.startswith(f"{Stage.RESOLVE}:") for name in lookups)
        raw.close()
        client.close()


def test_warming_skips_results_computed_under_other_options(
    settings: Settings, tmp_path: Path
) -> None:
    from docbatch.redis.warming import batch_sha256s, warm

    corpus = make_corpus(tmp_path / "corpus", 3)
    with PrivateRedis() as server:
        local = engine_settings(settings, broker_url=server.broker_url, redis_url=server.url)
        client = Docbatch(local)
        from tests.integration.test_recovery import _run

        batch = client.create(Sources.from_args([corpus]))
        _run(client, batch.id)
        cache = StageCache(client.redis, local.key_prefix, local.cache_ttl_seconds)
        other = local.model_copy(update={"chunk_size": 700}).pipeline_options()
        versions = {stage: other.version(stage) for stage in CACHED_STAGES}
        report = warm(client.repo, cache, versions, batch_sha256s(client.repo, batch.id))
        # extract options are the same, so only the extract results are reusable
        assert (report.documents, report.matched, report.entries) == (3, 3, 3)
        client.close()
