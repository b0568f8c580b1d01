"""One webhook POST whose whole exchange, from connecting to the status line, fits a deadline.

`urlopen`'s timeout bounds each socket operation, not the exchange: a server that trickles
one header line a second holds it for minutes. Here every read and write is given only the
time left before one overall deadline, so the attempt ends when the deadline does, whatever
the server sends. Anything the exchange raises (refused, reset, not HTTP, a bad certificate)
becomes an `AlertError` with one line saying what went wrong.
"""

from __future__ import annotations

import http.client
import io
import socket
import ssl
import time
from typing import Any, cast
from urllib.parse import urlsplit

from assistant.core.errors import AlertError


class _DeadlineReader(io.RawIOBase):
    """Reads from a socket, each read given only the time left before the deadline."""

    def __init__(self, sock: socket.socket, deadline_s: float) -> None:
        super().__init__()
        self._sock, self._deadline_s = sock, deadline_s

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        self._sock.settimeout(_time_left_s(self._deadline_s))
        return self._sock.recv_into(buffer)


class _DeadlineSocket:
    """The part of a socket that `http.client` uses, every operation within one deadline."""

    def __init__(self, sock: socket.socket, deadline_s: float) -> None:
        self._sock, self._deadline_s = sock, deadline_s

    def sendall(self, data: bytes) -> None:
        # Since Python 3.5 the timeout bounds the whole sendall, not each piece.
        self._sock.settimeout(_time_left_s(self._deadline_s))
        self._sock.sendall(data)

    def makefile(self, mode: str = "rb", *args: object, **kwargs: object) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline_s))

    def close(self) -> None:
        self._sock.close()


class _DeadlineConnection(http.client.HTTPConnection):
    """An HTTP(S) connection that connects, sends and reads within one overall deadline."""

    def __init__(self, host: str, port: int | None, deadline_s: float,
                 tls: ssl.SSLContext | None) -> None:
        default_port = 443 if tls is not None else 80
        super().__init__(host, port or default_port, timeout=_time_left_s(deadline_s))
        self._deadline_s, self._tls = deadline_s, tls

    def connect(self) -> None:
        # Name resolution is bounded by the system resolver, not by this deadline: the
        # delivery worker's supervisor abandons an attempt stuck past its deadline.
        raw = socket.create_connection((self.host, self.port), _time_left_s(self._deadline_s))
        if self._tls is not None:
            raw.settimeout(_time_left_s(self._deadline_s))
            raw = self._tls.wrap_socket(raw, server_hostname=self.host)
        self.sock = cast(Any, _DeadlineSocket(raw, self._deadline_s))


def _time_left_s(deadline_s: float) -> float:
    left_s = deadline_s - time.monotonic()
    if left_s <= 0:
        raise TimeoutError("the deadline passed")
    return left_s


def post_json(url: str, payload_json: str, deadline_s: float) -> int:
    """POST `payload_json` to `url`; the HTTP status, once the status line has been read.

    Raises AlertError on any failure; returns by `deadline_s` (on `time.monotonic()`)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AlertError("webhook url must start with http:// or https:// and name a host")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        tls = ssl.create_default_context() if parts.scheme == "https" else None
        connection = _DeadlineConnection(parts.hostname, parts.port, deadline_s, tls)
        try:
            connection.request("POST", path, body=payload_json.encode("utf-8"), headers={
                "Content-Type": "application/json; charset=utf-8", "Connection": "close"})
            return int(connection.getresponse().status)
        finally:
            connection.close()
    except TimeoutError as err:
        raise AlertError("webhook did not answer in time") from err
    except http.client.InvalidURL as err:
        raise AlertError(f"webhook url cannot be used: {_name(err)}") from err
    except http.client.HTTPException as err:
        raise AlertError(f"webhook did not answer as an HTTP server ({_name(err)})") from err
    except (OSError, ValueError) as err:
        raise AlertError(f"webhook could not be reached: {_name(err)}") from err


def _name(err: BaseException) -> str:
    """A foreign error in one short printable line: its class and, if any, its message.

    The message may quote what a stranger's server sent: control bytes must not reach a
    terminal or the log as they are."""
    text = str(err).strip().splitlines()[0][:120] if str(err).strip() else ""
    text = "".join(char if char.isprintable() else "?" for char in text).strip()
    return f"{type(err).__name__}: {text}" if text else type(err).__name__
