"""Retry policies and the failure taxonomy at the boundary."""

from __future__ import annotations

import random

import pytest

from docbatch.engine.retry import DIRECT_RETRY_MAX_SECONDS, RetryKind, RetryPolicy, RetryRule
from docbatch.errors import ConfigError, ErrorCategory, category_of


def test_default_policy_retries_transient_five_times_with_capped_jittered_backoff() -> None:
    policy = RetryPolicy()
    rng = random.Random(3)
    delays = []
    for done in range(5):
        decision = policy.decide(ErrorCategory.TRANSIENT, done, rng)
        assert decision.retry
        delays.append(decision.delay)
    assert not policy.decide(ErrorCategory.TRANSIENT, 5, rng).retry
    for n, delay in enumerate(delays, start=1):
        raw = min(60.0, 2.0**n)
        assert raw / 2 <= delay <= raw
    assert policy.decide(ErrorCategory.TRANSIENT, 0, rng).direct  # first retry: <= 2 s
    assert delays[-1] > DIRECT_RETRY_MAX_SECONDS  # later ones are parked in the database


@pytest.mark.parametrize("category", ["data", "permanent", "configuration", "timeout"])
def test_default_policy_never_retries_what_cannot_get_better(category: str) -> None:
    decision = RetryPolicy().decide(category, 0)
    assert (decision.retry, decision.delay) == (False, 0.0)


def test_linear_resource_rule_and_json_overrides() -> None:
    assert [RetryPolicy().rule("resource").delay(n) for n in (1, 2, 9)] == [15.0, 30.0, 120.0]
    policy = RetryPolicy.from_json('{"transient": {"kind": "linear", "base_seconds": 3}}')
    rule = policy.rule(ErrorCategory.TRANSIENT)
    assert rule == RetryRule(RetryKind.LINEAR, 5, 3.0, 60.0, True)
    assert policy.decide("transient", 1).delay == 6.0
    assert (
        RetryPolicy.from_json('{"data": {"kind": "immediate", "max_retries": 1}}')
        .decide("data", 0)
        .delay
        == 0.0
    )


@pytest.mark.parametrize(
    "text",
    ["not json", "[]", '{"nope": {}}', '{"transient": {"speed": 1}}', '{"data": {"kind": "x"}}'],
)
def test_bad_retry_policy_is_a_config_error(text: str) -> None:
    with pytest.raises(ConfigError, match="DOCBATCH_RETRY_POLICY"):
        RetryPolicy.from_json(text)


def test_vendor_errors_are_categorised_at_the_boundary() -> None:
    import redis
    import sqlalchemy.exc

    lost = sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("server closed"))
    assert category_of(lost) is ErrorCategory.TRANSIENT
    assert category_of(redis.exceptions.ConnectionError("gone")) is ErrorCategory.TRANSIENT
    assert category_of(MemoryError()) is ErrorCategory.RESOURCE
    assert category_of(OSError(28, "No space left on device")) is ErrorCategory.RESOURCE
    assert category_of(ValueError("bug")) is ErrorCategory.PERMANENT
    integrity = sqlalchemy.exc.IntegrityError("INSERT", {}, Exception("duplicate"))
    assert category_of(integrity) is ErrorCategory.PERMANENT
