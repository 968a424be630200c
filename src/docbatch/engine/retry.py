"""Retry policies: whether, when and how often a failed step is tried again.

A failure's :class:`~docbatch.errors.ErrorCategory` picks a :class:`RetryRule`: retry
immediately, after an exponentially growing delay with jitter, after a linearly growing
delay, or never; each rule bounds the number of retries. The defaults:

=============  ===========  ==========================================  ========
category       kind         delay                                       retries
=============  ===========  ==========================================  ========
transient      exponential  2^n s, full jitter, at most 60 s            5
resource       linear       15 s * n, at most 120 s                     3
rate_limit     exponential  2^n * 5 s, full jitter, at most 300 s       6
worker_lost    never        (bounded by ``DOCBATCH_MAX_ATTEMPTS`` claims)
others         never
=============  ===========  ==========================================  ========

``DOCBATCH_RETRY_POLICY`` overrides rules with JSON, for example
``{"transient": {"kind": "linear", "base_seconds": 5, "max_retries": 3}}``; fields left
out keep the default's value.

How a delay is carried out is the executor's business (see
:mod:`docbatch.engine.executor`): a delay up to :data:`DIRECT_RETRY_MAX_SECONDS` is sent to
the broker with a short countdown; a longer one is recorded as ``documents.retry_at`` and
the reconciler sends the step once it is due, so no message waits for minutes inside a
broker (the Redis transport would redeliver it after its visibility timeout).
"""

from __future__ import annotations

import enum
import json
import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from docbatch.errors import ConfigError, ErrorCategory

__all__ = [
    "DEFAULT_RULES",
    "DIRECT_RETRY_MAX_SECONDS",
    "RetryDecision",
    "RetryKind",
    "RetryPolicy",
    "RetryRule",
]

#: Retries due within this many seconds are sent at once with a broker countdown.
DIRECT_RETRY_MAX_SECONDS = 2.0


class RetryKind(enum.StrEnum):
    """How the delay before the n-th retry grows."""

    IMMEDIATE = "immediate"
    EXPONENTIAL = "exponential"
    LINEAR = "linear"
    NEVER = "never"


@dataclass(frozen=True, slots=True)
class RetryRule:
    """One category's rule: the kind of delay, its scale and cap, and the retry budget.

    ``max_retries`` counts retries, so a rule with 5 allows 6 runs in all. ``jitter``
    draws the exponential delay uniformly from ``[delay/2, delay]`` so that documents
    failing together (a database restart) do not all come back in the same second.
    """

    kind: RetryKind
    max_retries: int = 0
    base_seconds: float = 1.0
    max_seconds: float = 60.0
    jitter: bool = True

    def delay(self, retry: int, rng: random.Random | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (1 for the first retry)."""
        n = max(1, retry)
        if self.kind is RetryKind.IMMEDIATE:
            return 0.0
        if self.kind is RetryKind.LINEAR:
            return min(self.max_seconds, self.base_seconds * n)
        raw = min(self.max_seconds, self.base_seconds * 2.0**n)
        if not self.jitter:
            return raw
        return (rng or random).uniform(raw / 2, raw)


@dataclass(frozen=True, slots=True)
class RetryDecision:
    """Whether to retry, and after how many seconds."""

    retry: bool
    delay: float = 0.0
    reason: str = ""

    @property
    def direct(self) -> bool:
        """True when the retry is short enough to send now with a broker countdown."""
        return self.delay <= DIRECT_RETRY_MAX_SECONDS


_NEVER = RetryRule(RetryKind.NEVER)

#: The default rule of every category (see the module docstring).
DEFAULT_RULES: Mapping[ErrorCategory, RetryRule] = {
    ErrorCategory.TRANSIENT: RetryRule(RetryKind.EXPONENTIAL, 5, 1.0, 60.0),
    ErrorCategory.RESOURCE: RetryRule(RetryKind.LINEAR, 3, 15.0, 120.0, jitter=False),
    ErrorCategory.RATE_LIMIT: RetryRule(RetryKind.EXPONENTIAL, 6, 5.0, 300.0),
    ErrorCategory.CONFIGURATION: _NEVER,
    ErrorCategory.DATA: _NEVER,
    ErrorCategory.PERMANENT: _NEVER,
    ErrorCategory.TIMEOUT: _NEVER,
    ErrorCategory.WORKER_LOST: _NEVER,
    ErrorCategory.QUARANTINED: _NEVER,
    ErrorCategory.CANCELLED: _NEVER,
}


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """The rule of every category; build it once per process from settings."""

    rules: Mapping[ErrorCategory, RetryRule] = field(default_factory=lambda: dict(DEFAULT_RULES))

    @classmethod
    def from_json(cls, text: str | None) -> RetryPolicy:
        """The defaults, overridden by a JSON object ``{category: {field: value}}``.

        Raises :class:`ConfigError` naming the bad category or field.
        """
        rules = dict(DEFAULT_RULES)
        if not text or not text.strip():
            return cls(rules)
        try:
            overrides = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"DOCBATCH_RETRY_POLICY is not valid JSON: {exc}") from exc
        if not isinstance(overrides, dict):
            raise ConfigError("DOCBATCH_RETRY_POLICY must be a JSON object keyed by category")
        for name, values in overrides.items():
            category = _category(name)
            rules[category] = _override(rules[category], name, values)
        return cls(rules)

    def rule(self, category: ErrorCategory | str) -> RetryRule:
        """The rule for ``category`` (never retry when it has none)."""
        return self.rules.get(ErrorCategory(category), _NEVER)

    def decide(
        self, category: ErrorCategory | str, retries_done: int, rng: random.Random | None = None
    ) -> RetryDecision:
        """Whether a step that failed with ``category`` after ``retries_done`` retries
        runs again, and after how long."""
        rule = self.rule(category)
        if rule.kind is RetryKind.NEVER:
            return RetryDecision(False, reason=f"{category} failures are not retried")
        if retries_done >= rule.max_retries:
            return RetryDecision(False, reason=f"gave up after {retries_done} retries")
        return RetryDecision(True, rule.delay(retries_done + 1, rng))


def _category(name: str) -> ErrorCategory:
    try:
        return ErrorCategory(name)
    except ValueError:
        known = ", ".join(c.value for c in ErrorCategory)
        raise ConfigError(
            f"DOCBATCH_RETRY_POLICY: unknown category {name!r} (one of {known})"
        ) from None


def _override(rule: RetryRule, name: str, values: Any) -> RetryRule:
    if not isinstance(values, dict):
        raise ConfigError(f"DOCBATCH_RETRY_POLICY[{name!r}] must be an object")
    allowed = {"kind", "max_retries", "base_seconds", "max_seconds", "jitter"}
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise ConfigError(f"DOCBATCH_RETRY_POLICY[{name!r}]: unknown fields {unknown}")
    try:
        changes: dict[str, Any] = dict(values)
        if "kind" in changes:
            changes["kind"] = RetryKind(changes["kind"])
        updated = replace(rule, **changes)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"DOCBATCH_RETRY_POLICY[{name!r}]: {exc}") from exc
    if updated.max_retries < 0 or updated.base_seconds < 0 or updated.max_seconds < 0:
        raise ConfigError(f"DOCBATCH_RETRY_POLICY[{name!r}]: values must not be negative")
    return updated
