"""The invariant checker run after every chaos scenario.

After faults have been injected and the system has had its recovery time, the database
(the system of record) and the broker must show:

1. every submitted document in exactly one terminal state, and each batch's counters
   equal to its documents' states;
2. one result set per completed document (every stage committed exactly once, pages
   rows equal to its page count) and no final result for a failed one;
3. each batch finalised exactly once (``finalized_count`` and one ``batch_finalized``
   event);
4. the broker's queues and unacked set empty (nothing left in flight).

:func:`check` returns the violations as readable lines (empty when all hold) together
with the duplicate counts the README reports: steps executed more than once (claims
beyond the first, the price of at-least-once delivery) and steps written more than once
(must be 0: exactly-once effects).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa

T = TypeVar("T")


@dataclass
class Findings:
    """What :func:`check` found."""

    violations: list[str] = field(default_factory=list)
    documents: int = 0
    executed_duplicates: int = 0
    written_duplicates: int = 0


def patiently(call: Callable[[], T], attempts: int = 20) -> T:
    """Call ``call`` again while the database or Redis is briefly unreachable (chaos)."""
    for attempt in range(attempts):
        try:
            return call()
        except Exception:
            if attempt == attempts - 1:
                raise
            time.sleep(0.5)
    raise AssertionError("unreachable")


def _scalar_rows(client: Any, query: str, batch_ids: Sequence[str]) -> list[Any]:
    # Typed: an empty list (a submitter killed before it created its batch) renders as
    # an empty subquery that PostgreSQL rejects against a text column unless typed.
    statement = sa.text(query).bindparams(sa.bindparam("b", expanding=True, type_=sa.String))
    with client.database.engine.connect() as conn:
        return list(conn.execute(statement, {"b": list(batch_ids)}).all())


def _batch_violations(client: Any, batch_id: str) -> list[str]:
    found = []
    batch = client.get_batch(batch_id)
    counts = client.repo.batches.counts(batch_id)
    active = sum(n for state, n in counts.states.items() if not state.terminal)
    if active:
        found.append(f"batch {batch_id}: {active} documents not terminal ({batch.state.value})")
    if counts.total != batch.total:
        found.append(f"batch {batch_id}: {counts.total} documents stored, total says {batch.total}")
    by_state = {state.value: n for state, n in counts.states.items()}
    for name in ("completed", "failed", "cancelled"):
        if by_state.get(name, 0) != getattr(batch, name):
            found.append(f"batch {batch_id}: {name} counter {getattr(batch, name)} "
                         f"!= {by_state.get(name, 0)} documents")  # fmt: skip
    if batch.finalized_count != 1 or not batch.state.terminal:
        found.append(f"batch {batch_id}: finalised {batch.finalized_count} times ({batch.state})")
    return found


_STAGE_WRITES = """
SELECT e.document_id, e.stage, count(*) FROM events e JOIN documents d ON d.id = e.document_id
WHERE d.batch_id IN :b AND e.kind = 'stage_completed' GROUP BY e.document_id, e.stage
"""
_CLAIMS = """
SELECT count(*) - count(DISTINCT e.document_id || ':' || e.stage) FROM events e
JOIN documents d ON d.id = e.document_id WHERE d.batch_id IN :b AND e.kind = 'claimed'
"""
_PAGES = """
SELECT d.id FROM documents d LEFT JOIN pages p ON p.document_id = d.id
WHERE d.batch_id IN :b AND d.state = 'completed'
GROUP BY d.id, d.page_count HAVING count(p.number) <> coalesce(d.page_count, 0)
"""
_FAILED_RESULTS = """
SELECT DISTINCT d.id FROM documents d JOIN relationships r ON r.document_id = d.id
WHERE d.batch_id IN :b AND d.state <> 'completed'
"""


def _result_findings(client: Any, batch_ids: Sequence[str], findings: Findings) -> None:
    writes = _scalar_rows(client, _STAGE_WRITES, batch_ids)
    findings.written_duplicates = sum(max(0, int(n) - 1) for _, _, n in writes)
    if findings.written_duplicates:
        findings.violations.append(f"{findings.written_duplicates} stage results written twice")
    stages_done: dict[str, int] = {}
    for document_id, _, _ in writes:
        stages_done[document_id] = stages_done.get(document_id, 0) + 1
    completed = _scalar_rows(
        client, "SELECT id FROM documents WHERE batch_id IN :b AND state = 'completed'", batch_ids
    )
    short = [r[0] for r in completed if stages_done.get(r[0], 0) != 5]
    if short:
        findings.violations.append(f"{len(short)} completed documents lack a stage result")
    findings.executed_duplicates = int(_scalar_rows(client, _CLAIMS, batch_ids)[0][0] or 0)
    bad_pages = _scalar_rows(client, _PAGES, batch_ids)
    if bad_pages:
        findings.violations.append(f"{len(bad_pages)} completed documents with wrong page rows")
    partial = _scalar_rows(client, _FAILED_RESULTS, batch_ids)
    if partial:
        findings.violations.append(f"{len(partial)} unfinished documents have final results")


def broker_leftovers(redis_client: Any, prefix: str) -> dict[str, int]:
    """Messages still in the broker under ``prefix``: ``{key: count}`` of non-empty ones."""
    left: dict[str, int] = {}
    for key in redis_client.scan_iter(match=f"{prefix}:broker:*", count=500):
        name = key.decode() if isinstance(key, bytes) else key
        kind = redis_client.type(key)
        kind = kind.decode() if isinstance(kind, bytes) else kind
        if kind == "list":
            size = int(redis_client.llen(key))
        elif kind == "hash" and name.endswith("unacked"):
            size = int(redis_client.hlen(key))
        else:
            continue
        if size:
            left[name] = size
    return left


def orphaned_unacked_documents(redis_client: Any, prefix: str) -> list[str]:
    """Document ids named by unacked messages (held by a worker that no longer exists)."""
    ids: list[str] = []
    for raw in redis_client.hvals(f"{prefix}:broker:unacked"):
        message = json.loads(raw)[0]
        body = message.get("body")
        import base64

        payload = json.loads(base64.b64decode(body)) if isinstance(body, str) else body
        ids.extend(payload[1].get("document_ids", []))
    return ids


def check(
    client: Any,
    batch_ids: Sequence[str],
    *,
    redis_client: Any,
    prefix: str,
    allow_orphaned_unacked: bool = False,
) -> Findings:
    """Check every invariant over ``batch_ids``; see the module docstring."""
    findings = Findings()
    for batch_id in batch_ids:
        findings.violations.extend(_batch_violations(client, batch_id))
        findings.documents += client.get_batch(batch_id).total
    _result_findings(client, batch_ids, findings)
    left = broker_leftovers(redis_client, prefix)
    if allow_orphaned_unacked:
        # A worker killed with SIGKILL leaves its messages in the Redis transport's
        # unacked set until the visibility timeout; they are harmless when every document
        # they name is terminal (their redelivery is refused by the claim).
        left.pop(f"{prefix}:broker:unacked", None)
        for document_id in orphaned_unacked_documents(redis_client, prefix):
            if not client.repo.documents.get(document_id).state.terminal:
                findings.violations.append(f"unacked message holds active {document_id}")
    if left:
        findings.violations.append(f"broker not empty: {left}")
    return findings
