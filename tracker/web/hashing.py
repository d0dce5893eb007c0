"""How many password checks one server process runs at once. argon2id takes
64 MiB and a few cores for a moment: a flood of log-ins, unbounded, would
take every core and the memory from every other request. A check runs in
a worker thread (the event loop goes on meanwhile), at most `slots` at
once; `waiting` more wait for one; the rest are refused at once."""

from __future__ import annotations

import threading
from typing import Final

from tracker.core import accounts

SLOTS: Final = 2  # password checks at once in one process
WAITING: Final = 16  # more that may wait for one of them
WAIT: Final = 10.0  # seconds a check waits for a slot


class Busy(Exception):
    pass


class Hashing:
    """At most `slots` password checks at once; `waiting` more wait (up to
    WAIT seconds) for one; the rest are refused at once, before the database
    is asked anything."""

    def __init__(self, slots: int = SLOTS, waiting: int = WAITING) -> None:
        self.slots = slots
        self._running = threading.BoundedSemaphore(slots)
        self._admitted = threading.BoundedSemaphore(slots + waiting)

    def admit(self) -> bool:
        return self._admitted.acquire(blocking=False)

    def leave(self) -> None:
        self._admitted.release()

    def matches(self, stored: str | None, password: str) -> bool:
        """In a worker thread: whether `password` is the one `stored` hashes."""
        if not self._running.acquire(timeout=WAIT):
            raise Busy
        try:
            return accounts.password_matches(stored, password)
        finally:
            self._running.release()
