"""What the server has drawn, kept until the data changes: a page or a JSON
answer is drawn once per data version (and day, and question, and role),
and every reader asking the same question of the same data gets it again.

A page holds a few bytes that differ per reader (the form token, their
name): it is drawn with markers there, and kept as the shared runs between
them, each also compressed once (`tracker.web.gzip`), so a response costs
the markers' values and not the page. Many readers asking for a page not
drawn yet wait for the one that draws it (never N renders of one page).
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Final

from tracker.web import gzip

# Markers a page is drawn with where a reader's own values go: random per
# process, so no stored text can spell one.
_NONCE = secrets.token_hex(8)
CSRF: Final = f"tracker-{_NONCE}-csrf"
USER: Final = f"tracker-{_NONCE}-user"
_MARKS = re.compile(f"({re.escape(CSRF)}|{re.escape(USER)})")
SMALL = 1024  # bytes: a body smaller than this is sent as it is


@dataclass(slots=True)
class Drawn:
    """A drawn answer: its status, media type, and its text as the shared runs
    (`runs`) with a reader's value between each two (`slots`: CSRF or USER)."""

    status: int
    media_type: str
    runs: list[bytes]
    slots: list[str]
    _parts: list[gzip.Part] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def of(cls, text: str, status: int = 200, media_type: str = "text/html") -> Drawn:
        pieces = _MARKS.split(text)
        return cls(status, media_type, [p.encode() for p in pieces[::2]], pieces[1::2])

    @property
    def size(self) -> int:
        return sum(map(len, self.runs))

    def body(self, values: Mapping[str, str], compressed: bool) -> bytes:
        filled = [values.get(s, "").encode() for s in self.slots]
        if not compressed:
            out = [self.runs[0]]
            for value, run in zip(filled, self.runs[1:], strict=True):
                out += (value, run)
            return b"".join(out)
        parts = self._compressed()
        spliced = [parts[0]]
        for value, part in zip(filled, parts[1:], strict=True):
            spliced += (gzip.part(value), part)
        return gzip.splice(spliced)

    def compressible(self) -> bool:
        return self.size >= SMALL

    def _compressed(self) -> list[gzip.Part]:
        with self._lock:
            if self._parts is None:
                self._parts = [gzip.part(run) for run in self.runs]
            return self._parts


class Cache:
    """Drawn answers by key, the least recently used dropped past `limit`
    bytes. `get` draws what it lacks once, however many ask at once."""

    def __init__(self, limit: int = 512 * 2**20) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, Drawn] = OrderedDict()
        self._drawing: dict[Hashable, threading.Event] = {}
        self._size = 0
        self.draws = 0  # how many times something was drawn (for tests, benchmarks)

    def get(self, key: Hashable, draw: Callable[[], Drawn]) -> Drawn:
        while True:
            with self._lock:
                found = self._entries.get(key)
                if found is not None:
                    self._entries.move_to_end(key)
                    return found
                waiting = self._drawing.get(key)
                if waiting is None:
                    done = self._drawing[key] = threading.Event()
            if waiting is not None:
                waiting.wait()
                continue  # drawn (or failed: then this one draws it)
            try:
                drawn = draw()
            except BaseException:
                with self._lock:
                    del self._drawing[key]
                done.set()
                raise
            with self._lock:
                self._keep(key, drawn)
                del self._drawing[key]
            done.set()
            return drawn

    def _keep(self, key: Hashable, drawn: Drawn) -> None:
        """Under the lock."""
        self.draws += 1
        if drawn.size > self.limit:
            return
        self._entries[key] = drawn
        self._size += drawn.size
        while self._size > self.limit:
            _, old = self._entries.popitem(last=False)
            self._size -= old.size
