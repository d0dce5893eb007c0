"""`tracker read URL` against servers that misbehave: local sockets on
127.0.0.1, started by each test, answering with bytes written for it. Every
failure is one line, `cannot fetch URL: reason`, exit 1, within the deadline."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from helpers import Tracker, one_line
from tracker.read import source

# What a server does with one connection, after reading the request.
Answer = Callable[[socket.socket, threading.Event], None]


@contextlib.contextmanager
def raw_server(answer: Answer) -> Iterator[tuple[str, list[bytes]]]:
    """A server on 127.0.0.1 that reads each request and calls `answer`.
    Yields its base URL and the requests it read (raw bytes)."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.02)
    stop = threading.Event()
    requests: list[bytes] = []

    def handle(conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            request = b""
            with contextlib.suppress(OSError):
                while b"\r\n\r\n" not in request and len(request) < 65536:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    request += chunk
            requests.append(request)
            with contextlib.suppress(OSError):
                answer(conn, stop)

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", requests
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def sends(data: bytes) -> Answer:
    def answer(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(data)

    return answer


def _fails(tracker: Tracker, url: str) -> str:
    message = one_line(tracker.fails("read", url, "-d", "2025-12-01"))
    assert message.startswith(f"Error: cannot fetch {url.splitlines()[0]}"), message
    assert "internal error" not in message and "Traceback" not in message, message
    return message


def drips(stop: threading.Event, conn: socket.socket) -> None:
    """Headers that never end, 14 bytes a second (for at most 10 seconds:
    a fetch without a deadline then fails otherwise, and does not hang)."""
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    start = time.monotonic()
    while not stop.is_set() and time.monotonic() - start < 10:
        conn.sendall(b"X-Slow: 123456\r\n")
        time.sleep(1)


def test_a_server_that_never_finishes_meets_the_deadline(
    sqlite_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The deadline is for the whole fetch, not for each read: a server that
    sends a few bytes a second is cut off when it ends."""
    monkeypatch.setattr(source, "DEADLINE", 0.5, raising=False)
    tracker = Tracker(sqlite_db)
    with raw_server(lambda conn, stop: drips(stop, conn)) as (base, _):
        message = _fails(tracker, f"{base}/slow")
    assert message.endswith(": no complete answer within 0.5 seconds\n"), message


MALFORMED = {
    "bad status line": b"HTTX/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello",
    "bad chunk size": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
    "chunk cut short": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n20\r\nhello",
    "100 KB header": b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\nhello",
    "200 headers": b"HTTP/1.1 200 OK\r\n"
    + b"".join(b"X-H%d: v\r\n" % n for n in range(200))
    + b"\r\nhello",
    "body cut short": b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\nhello",
    "nothing at all": b"",
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_answer_is_one_line(sqlite_db: str, case: str) -> None:
    tracker = Tracker(sqlite_db)
    with raw_server(sends(MALFORMED[case])) as (base, _):
        _fails(tracker, f"{base}/page")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/a page",
        "http://127.0.0.1:9/a\r\nX-Injected: 1",
        "http://127.0.0.1:9/a\x00b",
        "http://[::1",
        "http://",
        "http://127.0.0.1:99999/",
        "http://127.0.0.1:port/",
    ],
)
def test_a_malformed_url_is_one_line(sqlite_db: str, url: str) -> None:
    message = one_line(Tracker(sqlite_db).fails("read", url, "-d", "2025-12-01"))
    assert message.startswith("Error: cannot fetch "), message
    assert "internal error" not in message, message


def test_a_redirect_is_followed_only_to_http(sqlite_db: str) -> None:
    """A redirect to ftp:// (or file:, or anything but http and https) is
    refused, and nothing connects to where it points."""
    tracker = Tracker(sqlite_db)
    with raw_server(sends(b"")) as (elsewhere, reached):
        port = elsewhere.rsplit(":", 1)[1]
        for target in (f"ftp://127.0.0.1:{port}/file.txt", "file:///etc/passwd"):
            moved = b"HTTP/1.1 302 Found\r\nLocation: %s\r\nContent-Length: 0\r\n\r\n"
            with raw_server(sends(moved % target.encode())) as (base, _):
                message = _fails(tracker, f"{base}/moved")
            assert f"redirected to {target}" in message, message
            assert "only http and https" in message, message
        assert reached == []
        # A redirect to http is followed.
        page = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 33\r\n\r\n"
        with raw_server(sends(page + b"Russia demands a Donbas retreat.\n")) as (target, _):
            moved = b"HTTP/1.1 301 Moved\r\nLocation: %s/here\r\nContent-Length: 0\r\n\r\n"
            with raw_server(sends(moved % target.encode())) as (base, _):
                tracker("read", f"{base}/moved", "-d", "2025-12-01", "-f", "json")
