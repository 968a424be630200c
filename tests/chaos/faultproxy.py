"""A small TCP fault proxy (latency, blackhole, reset), standing in for toxiproxy.

:class:`FaultProxy` listens on a loopback port and forwards every connection to a unix
socket (the chaos cluster's private Redis). While it runs, a test can:

- :meth:`~FaultProxy.set_latency`: delay every chunk of data, in both directions;
- :meth:`~FaultProxy.blackhole`: let no data through for a while, then reset every
  connection that was cut off (as toxiproxy's ``timeout`` toxic does). Clients see a
  silent peer until then: the half-open connection that a lost network leaves;
- :meth:`~FaultProxy.reset_all`: close every connection at once, as a dropped network
  path or a restarted load balancer does.

It runs its own asyncio loop in a daemon thread, so the test's threads and the worker
processes never block on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from pathlib import Path

__all__ = ["FaultProxy"]

_CHUNK = 65536


class FaultProxy:
    """Forwards ``127.0.0.1:port`` to the unix socket ``target``, with faults on demand."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.port = 0
        self.latency = 0.0
        #: Connections served so far (a reconnecting client opens new ones).
        self.accepted = 0
        self._blackholed = False
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.base_events.Server | None = None
        self._pairs: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    @property
    def url(self) -> str:
        """A Redis URL through the proxy."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> FaultProxy:
        """Listen on a free loopback port."""
        self._thread.start()
        self._server = self._call(asyncio.start_server(self._serve, "127.0.0.1", 0))
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    def stop(self) -> None:
        """Close the listener and every connection; stop the loop."""
        # closed on the loop's own thread: asyncio's Server is not thread-safe, and a
        # connection the loop detaches while another thread closes the server made both
        # wake its waiters ("'NoneType' object is not iterable" at teardown)
        self._call(self._close_server())
        self.reset_all()
        self._call(self._cancel_tasks())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    # -- faults ----------------------------------------------------------------------

    def set_latency(self, seconds: float) -> None:
        """Delay each chunk forwarded by ``seconds`` (0 for none)."""
        self.latency = seconds

    def blackhole(self, seconds: float) -> int:
        """Let nothing through for ``seconds``, then reset the connections that were cut
        off; returns how many there were. New connections are accepted and starved too."""
        self._blackholed = True
        try:
            time.sleep(seconds)
            return self.reset_all()  # before data flows again: what was held is dropped
        finally:
            self._blackholed = False

    def reset_all(self) -> int:
        """Close every proxied connection at once; returns how many there were."""
        return int(self._call(self._reset_all()))

    # -- the loop's side ---------------------------------------------------------------

    def _call(self, coroutine: object) -> object:
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)  # type: ignore[arg-type]
        return future.result(timeout=30)

    async def _close_server(self) -> None:
        if self._server is not None:
            self._server.close()

    async def _cancel_tasks(self) -> None:
        tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _reset_all(self) -> int:
        pairs, self._pairs = list(self._pairs), set()
        for client, server in pairs:
            for writer in (client, server):
                writer.transport.abort()
        return len(pairs)

    async def _serve(
        self, client_reader: asyncio.StreamReader, client: asyncio.StreamWriter
    ) -> None:
        self.accepted += 1
        try:
            server_reader, server = await asyncio.open_unix_connection(str(self.target))
        except OSError:
            client.transport.abort()
            return
        pair = (client, server)
        self._pairs.add(pair)
        try:
            await asyncio.gather(
                self._pump(client_reader, server), self._pump(server_reader, client)
            )
        except asyncio.CancelledError:
            pass  # stop(): ending quietly spares asyncio's "exception never retrieved" noise
        finally:
            self._pairs.discard(pair)
            for writer in pair:
                writer.transport.abort()

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await reader.read(_CHUNK):
                while self._blackholed:  # hold the data; the reset drops it
                    if writer.transport.is_closing():
                        return
                    await asyncio.sleep(0.05)
                if self.latency:
                    await asyncio.sleep(self.latency)
                if writer.transport.is_closing():
                    return
                writer.write(data)
                await writer.drain()
        writer.transport.abort()  # one side ended: so does the pair
