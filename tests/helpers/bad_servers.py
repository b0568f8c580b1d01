"""Servers on 127.0.0.1 that misbehave as a caregiver's webhook can: one that accepts and
never answers, one that trickles a header line every second, one that is not HTTP at all.

Each runs in a daemon thread on a free port and is a context manager; leaving it closes
every connection, so a test never leaves a thread waiting.
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType


class BadServer:
    """Context manager: `with BadServer("hang") as server: server.url ...`.

    `behaviour` is "hang" (read the request, answer nothing), "trickle" (a status line,
    then one header line a second, never the end of the headers) or "garbage" (bytes
    that are not HTTP, then close)."""

    def __init__(self, behaviour: str) -> None:
        if behaviour not in ("hang", "trickle", "garbage"):
            raise ValueError(f"unknown behaviour {behaviour!r}")
        self.behaviour = behaviour
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._stop = threading.Event()
        self._connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self.requests = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/alert"

    def __enter__(self) -> BadServer:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._stop.set()
        self._listener.close()
        for connection in list(self._connections):
            connection.close()
        self._thread.join(5)

    def _serve(self) -> None:
        self._listener.settimeout(0.1)
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            self.requests += 1
            self._connections.append(connection)
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        try:
            connection.recv(65536)
            if self.behaviour == "garbage":
                connection.sendall(b"\x00\xffSSH-2.0-not-a-web-server\r\n\r\n")
                connection.close()
            elif self.behaviour == "trickle":
                connection.sendall(b"HTTP/1.1 200 OK\r\n")
                line = 0
                while not self._stop.wait(1.0):
                    line += 1
                    connection.sendall(f"X-Slow-{line}: still coming\r\n".encode())
            else:
                self._stop.wait()
        except OSError:  # the client gave up and closed: what the test wants
            pass
