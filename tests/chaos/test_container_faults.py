"""Chaos: workers killed while they expand containers lose and duplicate no child.

A container's children are stored by the commit of its extract step, with the batch's
total, so a worker killed before that commit leaves nothing (the step runs again and
stores them once) and one killed after it leaves pending children that the reconciler
sends. It runs with the parser sandbox off and on (expansion then runs in the sandbox
child, see docbatch.engine.expansion). Each ZIP here holds a whole generated corpus, so its
expansion (inflating, hashing, inserting rows and blobs) is long enough for the kills to
land inside it.
"""

from __future__ import annotations

import random
import time
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from docbatch.redis.progress import ProgressTracker
from tests.chaos.harness import ChaosCluster, Size

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CONTAINERS = 4


def _containers(cluster: ChaosCluster, size: Size, seed: int) -> tuple[Path, int]:
    """A folder of ZIP files, each holding every file of a corpus; and the member count."""
    corpus = cluster.corpus(size.small, seed)
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    folder = cluster.folder / f"zips-{seed}"
    folder.mkdir()
    for index in range(CONTAINERS):
        with zipfile.ZipFile(folder / f"production-{index}.zip", "w", zipfile.ZIP_DEFLATED) as zf:
            for path in files:
                zf.write(path, f"box-{index}/{path.relative_to(corpus)}")
    return folder, len(files)


def _expanding(cluster: ChaosCluster, batch_id: str) -> bool:
    """True while a container of the batch is claimed at its extract stage."""
    with cluster.client.database.engine.connect() as conn:
        return bool(
            conn.execute(
                sa.text(
                    "SELECT count(*) FROM documents WHERE batch_id = :b AND parent_id IS NULL "
                    "AND state = 'processing' AND stage = 'extract' AND lease_owner IS NOT NULL"
                ),
                {"b": batch_id},
            ).scalar_one()
        )


@pytest.mark.parametrize("sandbox", [False, True], ids=["in-process", "sandboxed"])
def test_killing_workers_while_they_expand_containers_loses_and_duplicates_no_child(
    cluster: ChaosCluster, size: Size, seed: int, sandbox: bool
) -> None:
    rng = random.Random(seed)
    # Sandboxed, the members come back from the parser child as files in a scratch
    # folder; the kills then also land while the child writes or the parent reads them.
    cluster.configure(sandbox=sandbox)
    folder, members = _containers(cluster, size, seed)
    cluster.start_workers()
    batch = cluster.submit(folder)
    deadline = time.monotonic() + 120
    kills = 0
    while kills < CONTAINERS and time.monotonic() < deadline:
        if _expanding(cluster, batch.id):
            time.sleep(rng.uniform(0.0, 0.2))
            kills += cluster.kill_children() > 0
            time.sleep(1.0)  # the pool restarts; the container's lease then expires
        elif cluster.client.get_batch(batch.id).state.terminal:
            break  # every container expanded: no kill can land inside one any more
        else:
            time.sleep(0.02)
    assert kills >= 1, "no kill landed while a container was being expanded"

    outcome = cluster.finish("sigkill while expanding containers", [batch.id])
    assert outcome.violations == []
    expected = CONTAINERS * (members + 1)
    final = cluster.client.get_batch(batch.id)
    assert (final.total, final.completed, final.failed) == (expected, expected, 0)
    with cluster.client.database.engine.connect() as conn:
        per_container = conn.execute(
            sa.text(
                "SELECT parent_id, count(*), count(DISTINCT container_path) FROM documents "
                "WHERE batch_id = :b AND parent_id IS NOT NULL GROUP BY parent_id"
            ),
            {"b": batch.id},
        ).all()
    assert (
        sorted((n, distinct) for _, n, distinct in per_container)
        == [(members, members)] * CONTAINERS
    )
    # The progress hash (a view) ends exact too: a total not grown by a killed worker is
    # rebuilt from the database by the reconciler.
    tracker = ProgressTracker(
        cluster.raw_redis, cluster.settings.key_prefix, cluster.settings.progress_ttl_seconds
    )
    for _ in range(50):
        progress = tracker.get_batch_progress(batch.id)
        if progress is not None and (progress.total, progress.terminal) == (expected, expected):
            break
        time.sleep(0.2)
    assert progress is not None and (progress.total, progress.terminal) == (expected, expected)
