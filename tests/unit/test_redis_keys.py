"""Which Redis a deployment uses, and the keys every Redis user builds through RedisKeys."""

from __future__ import annotations

import pytest

from docbatch.errors import ConfigError
from docbatch.redis.client import is_redis_url, redis_py_url, redis_url_for
from docbatch.redis.keys import RedisKeys
from docbatch.settings import Settings


@pytest.mark.parametrize(
    ("redis_url", "broker_url", "expected"),
    [
        ("redis://cache:6379/1", "redis://broker:6379/0", "redis://cache:6379/1"),
        (None, "redis://broker:6379/0", "redis://broker:6379/0"),
        (None, "rediss://:pw@broker:6380/0", "rediss://:pw@broker:6380/0"),
        (None, "redis+socket:///tmp/r.sock", "unix:///tmp/r.sock"),
        (None, "unix:///tmp/r.sock", "unix:///tmp/r.sock"),
        ("redis+socket:///tmp/c.sock", None, "unix:///tmp/c.sock"),
        ("unix:///tmp/c.sock", "amqp://guest@rabbit//", "unix:///tmp/c.sock"),
        (None, "amqp://guest@rabbit//", None),
        (None, None, None),
    ],
)
def test_the_redis_to_use_is_the_setting_else_a_redis_broker(
    redis_url: str | None, broker_url: str | None, expected: str | None
) -> None:
    settings = Settings(redis_url=redis_url, broker_url=broker_url)
    assert redis_url_for(settings) == expected


def test_celery_socket_urls_are_spelled_for_redis_py() -> None:
    assert redis_py_url("redis+socket://:pw@/tmp/r.sock?virtual_host=2") == (
        "unix://:pw@/tmp/r.sock?virtual_host=2"
    )
    assert redis_py_url("redis://h:1/2") == "redis://h:1/2"
    assert [is_redis_url(u) for u in ("redis://h", "amqp://h", "sentinel://h")] == [
        True,
        False,
        False,
    ]


def test_every_key_is_under_the_prefix() -> None:
    keys = RedisKeys("dep")
    built = {
        keys.cache("extract", "ab", "v1"): "dep:cache:extract:ab:v1",
        keys.claim("extract", "ab", "v1"): "dep:claim:extract:ab:v1",
        keys.progress("b1"): "dep:progress:b1",
        keys.progress_docs("b1"): "dep:progress:b1:docs",
        keys.batch_cache("b1"): "dep:progress:b1:cache",
        keys.events("b1"): "dep:events:b1",
        keys.metrics("docs", 7): "dep:metrics:docs:7",
        keys.metrics_totals(): "dep:metrics:totals",
        keys.broker(): "dep:broker:",
        keys.window_mark("promoted", "d1", "chunk"): "dep:promoted:d1:chunk",
        keys.reconcile_lock(): "dep:lock:reconcile",
    }
    assert list(built) == list(built.values())


def test_a_prefix_with_glob_characters_is_refused() -> None:
    with pytest.raises(ConfigError, match="key_prefix"):
        RedisKeys("dep*")
