"""A real threaded HTTP/1.1 server on 127.0.0.1 for tests (and the fetch benchmark).

    with TestServer() as srv:               # TestServer(tls=ssl_context): https instead
        srv.add("/feed.xml", body, content_type="application/rss+xml")
        srv.route("/weird", lambda h: ...)     # full control: write to h.wfile yourself
        srv.url("/feed.xml")                    # http://127.0.0.1:PORT/feed.xml
        srv.requests                            # [(path, {header: value}), ...]

Handlers that stall (drip, endless bodies) stop by themselves after `max_handler_seconds` or
as soon as the client goes away, so a test can never leave a thread running for long.
"""

from __future__ import annotations

import ssl
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Handler = Callable[["RequestHandler"], None]


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    time: float = field(default_factory=time.monotonic)


class RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        path = self.path.split("?", 1)[0]
        owner = self.server.owner
        with owner.lock:
            owner.requests.append(Recorded(self.path, {k: v for k, v in self.headers.items()}))
        handler = owner.routes.get(path)
        if handler is None:
            self.respond(404, b"not found", content_type="text/plain")
            return
        try:
            handler(self)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True

    def respond(
        self,
        status: int,
        body: bytes = b"",
        *,
        content_type: str | None = "text/plain",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if not headers or "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def deadline(self) -> float:
        return time.monotonic() + self.server.owner.max_handler_seconds

    def stopping(self) -> bool:
        return self.server.owner.stopped.is_set()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    owner: TestServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ssl.SSLError):
            return  # a client refusing our test certificate: what the TLS tests expect
        super().handle_error(request, client_address)


class TestServer:
    __test__ = False  # not a pytest test class

    def __init__(
        self,
        host: str = "127.0.0.1",
        max_handler_seconds: float = 20.0,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[Recorded] = []
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.max_handler_seconds = max_handler_seconds
        self.httpd = _Server((host, 0), RequestHandler)
        self.httpd.owner = self
        self.host = host
        self.port = self.httpd.server_address[1]
        self.scheme = "http"
        if tls is not None:  # the handshake runs in the request's thread, not in accept()
            self.httpd.socket = tls.wrap_socket(
                self.httpd.socket, server_side=True, do_handshake_on_connect=False
            )
            self.scheme = "https"
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> TestServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> TestServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def url(self, path: str, host: str | None = None) -> str:
        return f"{self.scheme}://{host or self.host}:{self.port}{path}"

    def route(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def add(
        self,
        path: str,
        body: bytes | str,
        *,
        status: int = 200,
        content_type: str = "application/rss+xml",
        headers: Mapping[str, str] | None = None,
    ) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body

        def handler(h: RequestHandler) -> None:
            h.respond(status, data, content_type=content_type, headers=headers)

        return self.route(path, handler)

    def hits(self, path: str) -> list[Recorded]:
        with self.lock:
            return [r for r in self.requests if r.path.split("?", 1)[0] == path]
