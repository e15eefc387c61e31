"""The socket `serve --workers N` shares: its connections get TCP_NODELAY from asyncio.

Without it, each keep-alive response waits for the client's delayed acknowledgement."""

from __future__ import annotations

import asyncio
import socket
from concurrent.futures import ThreadPoolExecutor

from purldesk.entrypoints.cli.serve import listening_socket


def test_connections_accepted_on_the_shared_socket_send_without_delay() -> None:
    assert _nodelay_of_accepted_connection(listening_socket("127.0.0.1", 0)) == 1


def test_a_socket_made_without_its_protocol_would_not() -> None:
    bare = socket.socket(socket.AF_INET)
    bare.bind(("127.0.0.1", 0))
    assert _nodelay_of_accepted_connection(bare) == 0


def _nodelay_of_accepted_connection(listening: socket.socket) -> int:
    async def serve_once() -> int:
        accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                conn = transport.get_extra_info("socket")
                accepted.set_result(conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Probe, sock=listening)
        port = listening.getsockname()[1]
        _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            return await asyncio.wait_for(accepted, timeout=10)
        finally:
            writer.close()
            server.close()

    # A loop of its own in a thread of its own: a browser test before this one in the same
    # worker leaves Playwright's loop running in the main thread.
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, serve_once()).result()
