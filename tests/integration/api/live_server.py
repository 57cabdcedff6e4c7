"""The API served by uvicorn on a real loopback port, for tests that need what the in-process test
client cannot show: a body streamed in chunks, a request cut short, a client in another process."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn

from api.app import create_app
from api.settings import Settings
from graph.local_server import free_port


@dataclass(frozen=True)
class LiveApi:
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/graphql"


@contextmanager
def serving(settings: Settings) -> Iterator[LiveApi]:
    """uvicorn in a thread of this process (its own event loop), stopped on exit."""
    port = free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", loop="asyncio"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield LiveApi("127.0.0.1", port)
    finally:
        server.should_exit = True
        thread.join(30)


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes


def raw_exchange(api: LiveApi, head: bytes, parts: list[bytes], timeout: float = 10) -> RawResponse:
    """Sends a request head and body parts as given (nothing added, nothing completed), then
    reads one response. A server that waits for the rest of the body times out here."""
    with socket.create_connection((api.host, api.port), timeout=timeout) as sock:
        sock.sendall(head)
        for part in parts:
            try:
                sock.sendall(part)
            except OSError:  # the server answered and closed while the body was still coming
                break
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError(f"connection closed before a response: {received!r}")
            received += chunk
        header_block, _, body = received.partition(b"\r\n\r\n")
        status_line, *header_lines = header_block.decode("latin-1").split("\r\n")
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    return RawResponse(int(status_line.split()[1]), headers, body[:length])
