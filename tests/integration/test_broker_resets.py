"""The Redis broker connection as the workers configure it, behind a connection reset.

A reset that cuts an acknowledgement in flight used to make the ack fail: Celery only
logs "Couldn't ack", the message stayed in the transport's unacked hash until the
visibility timeout, and its prefetch slot stayed taken, so a consumer whose slots all
leaked that way fetched nothing more. :func:`docbatch.worker.acks.settle`, which
docbatch's task requests ack and reject with, sends it again on a new connection. The
chaos scenario ``test_redis_behind_a_slow_then_silent_then_resetting_network`` runs
the same fault under a whole batch.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import redis

from docbatch.local.embedded import PrivateRedis
from docbatch.settings import Settings
from docbatch.worker.acks import settle
from docbatch.worker.app import create_app
from tests.chaos.faultproxy import FaultProxy

pytestmark = pytest.mark.integration


@pytest.fixture
def proxied() -> Iterator[tuple[PrivateRedis, FaultProxy]]:
    """A private Redis and a fault proxy in front of it."""
    with PrivateRedis() as server:
        proxy = FaultProxy(server.socket).start()
        try:
            yield server, proxy
        finally:
            proxy.stop()


def _ack_cut_by_a_reset(
    proxy: FaultProxy, message: object, errors: tuple[type[BaseException], ...]
) -> None:
    """Acknowledge ``message`` while the proxy holds the command, and reset it then."""

    def reset() -> None:
        proxy.set_latency(0.0)
        proxy.reset_all()

    proxy.set_latency(1.0)  # the ack waits in the proxy ...
    resetter = threading.Timer(0.3, reset)  # ... and its connection is reset
    resetter.start()
    try:
        assert settle(message, errors), "the ack went through in the end"
    finally:
        resetter.join()


def test_an_ack_cut_by_a_connection_reset_still_acknowledges_and_frees_the_slot(
    settings: Settings, proxied: tuple[PrivateRedis, FaultProxy]
) -> None:
    server, proxy = proxied
    app = create_app(settings.model_copy(update={"broker_url": proxy.url}))
    unacked = f"{settings.key_prefix}:broker:unacked"
    raw = redis.Redis(unix_socket_path=str(server.socket), socket_timeout=10)
    with app.connection_for_read() as connection:
        probe = connection.SimpleQueue("probe")
        probe.consumer.qos(prefetch_count=1)  # one slot, as a busy worker has none spare
        probe.put({"n": 1})
        first = probe.get(timeout=5)
        assert raw.hlen(unacked) == 1
        resets_before = proxy.accepted
        _ack_cut_by_a_reset(proxy, first, connection.connection_errors)
        assert proxy.accepted > resets_before, "the ack went out again on a new connection"
        assert raw.hlen(unacked) == 0, "the message left the unacked hash"
        # The slot is free again. Taken, it would keep this consumer from sending BRPOP
        # ever again, and so from noticing that its own connection was reset as well:
        # Celery restarts a consumer only on an error it sees.
        assert probe.consumer.channel.qos.can_consume()
        probe.close()
