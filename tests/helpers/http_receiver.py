"""A real HTTP server on 127.0.0.1 that receives webhook alerts in tests.

`HttpReceiver` runs `http.server` in a thread on a free port, keeps every JSON body it was
sent, and answers with the status codes it is given, in order (the last one repeats), so
a test can make a caregiver's server fail a few times and then recover.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


class HttpReceiver:
    """Context manager: `with HttpReceiver([500, 200]) as receiver: receiver.url ...`."""

    def __init__(self, statuses: Sequence[int] = (200,)) -> None:
        self.statuses = list(statuses) or [200]
        self.bodies: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/alert?token=secret"

    def __enter__(self) -> HttpReceiver:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def _next_status(self, body: dict[str, Any], headers: dict[str, str]) -> int:
        with self._lock:
            index = len(self.bodies)
            self.bodies.append(body)
            self.headers.append(headers)
            return self.statuses[min(index, len(self.statuses) - 1)]

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the http.server naming)
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length).decode("utf-8"))
                status = receiver._next_status(body, dict(self.headers.items()))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                return

        return Handler


def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (the port was taken, then released)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()
    return f"http://127.0.0.1:{port}/alert"
