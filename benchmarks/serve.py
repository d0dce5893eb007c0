"""`tracker serve` under a team's load: 32 clients on the report page.

Fills a SQLite database with N statements (`html_scale.fill`: 200 parties x
500 issues, seeded), adds a reader, starts `tracker serve --workers W` as a
real process, signs 32 clients in (each its own session) and has each ask
for the report page (`/`, as of today, gzip accepted, as a browser asks)
over and over for D seconds. Prints requests, errors, throughput, and the
p50, p95 and p99 latency; then, with one client, the page right after a
write (drawn afresh) against the core calls behind it in this process,
and the page warm (from the cache) against the core report call warm.

    python benchmarks/serve.py [--statements 100000] [--clients 32] [--seconds 30] [--workers 2]

Only 127.0.0.1 is ever asked; the loops stop by themselves.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.html_scale import fill  # noqa: E402

PASSWORD = "benchmark password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tracker(db: str, *args: str, stdin: str | None = None) -> str:
    script = Path(sys.executable).with_name("tracker")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "tracker"]
    done = subprocess.run(
        [*command, "--db", db, *args], input=stdin, capture_output=True, text=True, check=True
    )
    return done.stdout


def signed_in(base: str, name: str) -> object:
    import httpx2

    client = httpx2.Client(base_url=base, timeout=120, headers={"Accept-Encoding": "gzip"})
    client.get("/login")
    token = client.cookies.get("tracker_login")
    sent = client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token})
    assert sent.status_code == 303, sent.text
    return client


def load(base: str, clients: int, seconds: float) -> tuple[list[float], int, float]:
    """Each client asks for `/` until time is up: the latencies, the errors,
    the wall time. The bodies are read whole (not decompressed: a browser's work)."""
    sessions = [signed_in(base, "reader") for _ in range(clients)]
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def run(client: object) -> None:
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                with client.stream("GET", "/") as response:  # type: ignore[attr-defined]
                    for _ in response.iter_raw():
                        pass
                    ok = response.status_code == 200
            except Exception:
                ok = False
            took = time.perf_counter() - start
            with lock:
                latencies.append(took)
                errors[0] += not ok

    threads = [threading.Thread(target=run, args=(c,)) for c in sessions]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    for c in sessions:
        c.close()  # type: ignore[attr-defined]
    return latencies, errors[0], wall


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _timed(db: str, as_of: str, work: Callable[[Any, dt.date], object], runs: int) -> list[float]:
    """`work(session, day)` run `runs` times in this process, each in a session
    of its own: how long each took."""
    from tracker.db import Database, resolve_url

    database = Database(resolve_url(db))
    day = dt.date.fromisoformat(as_of)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        with database.session() as session:
            work(session, day)
        times.append(time.perf_counter() - start)
    database.dispose()
    return times


def core_calls(db: str, as_of: str) -> float:
    """The report page's work in this process, as `tracker report --format
    html` does it: the core report, the briefing, the standing, the page."""
    from tracker.core import positions
    from tracker.core.agreement import standing
    from tracker.core.briefing import briefing
    from tracker.render import page

    def work(session: Any, day: dt.date) -> object:
        rep = positions.report(session, day, None, (), ())
        return page.report(briefing(session, rep), standing=standing(rep))

    return statistics.median(_timed(db, as_of, work, 3))


def report_call(db: str, as_of: str) -> float:
    """The core report call behind `tracker report`, warm: the median of three
    after one that warms the database's pages and the process."""
    from tracker.core import positions

    def work(session: Any, day: dt.date) -> object:
        return positions.report(session, day, None, (), ())

    return statistics.median(_timed(db, as_of, work, 4)[1:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db", help="use this database as it is (no fill)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        db = args.db or str(Path(scratch) / "serve.db")
        if not args.db:
            start = time.perf_counter()
            fill(db, 200, 500, args.statements, 6)
            print(f"200 parties x 500 issues, {args.statements:,} statements "
                  f"(filled in {time.perf_counter() - start:.1f} s)")  # fmt: skip
        tracker(db, "user", "add", "reader", "--role", "reader", "--password-stdin", stdin=PASSWORD)
        tracker(db, "user", "add", "writer", "--role", "writer", "--password-stdin", stdin=PASSWORD)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = open(Path(scratch) / "server.log", "w")  # noqa: SIM115
        script = Path(sys.executable).with_name("tracker")
        command = [str(script)] if script.exists() else [sys.executable, "-m", "tracker"]
        server = subprocess.Popen(
            [*command, "--db", db, "serve", "--port", str(port), "--workers", str(args.workers)],
            stdout=log, stderr=log, env={**os.environ},
        )  # fmt: skip
        try:
            import httpx2

            for _ in range(600):
                try:
                    if httpx2.get(f"{base}/login", timeout=5).status_code == 200:
                        break
                except httpx2.HTTPError:
                    time.sleep(0.2)
            warm = signed_in(base, "reader")
            start = time.perf_counter()
            first = warm.get("/")  # type: ignore[attr-defined]
            print(f"first draw of the page: {time.perf_counter() - start:.2f} s, "
                  f"{len(first.content):,} bytes ({first.headers.get('content-encoding')}), "
                  f"status {first.status_code}")  # fmt: skip
            for _ in range(args.workers * 4):  # new connections: every worker draws it once
                other = signed_in(base, "reader")
                other.get("/")  # type: ignore[attr-defined]
                other.close()  # type: ignore[attr-defined]
            latencies, errors, wall = load(base, args.clients, args.seconds)
            print(f"{args.clients} clients, {args.seconds:.0f} s, {args.workers} workers: "
                  f"{len(latencies):,} requests, {errors} errors, "
                  f"{len(latencies) / wall:.1f} requests/s")  # fmt: skip
            print(f"latency p50 {percentile(latencies, 50) * 1000:.0f} ms, "
                  f"p95 {percentile(latencies, 95) * 1000:.0f} ms, "
                  f"p99 {percentile(latencies, 99) * 1000:.0f} ms, "
                  f"max {max(latencies) * 1000:.0f} ms")  # fmt: skip
            # One client: a write, then the page drawn afresh, against the core calls.
            writer = signed_in(base, "writer")
            page = writer.get("/add")  # type: ignore[attr-defined]
            import re

            csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
            assert csrf is not None
            fresh = []
            for n in range(3):
                writer.post("/add", data={  # type: ignore[attr-defined]
                    "csrf_token": csrf.group(1), "party": "party-1", "issue": "issue-1",
                    "stance": "open", "summary": f"bench {n}"})  # fmt: skip
                start = time.perf_counter()
                assert warm.get("/").status_code == 200  # type: ignore[attr-defined]
                fresh.append(time.perf_counter() - start)
            cached = []
            for _ in range(5):
                start = time.perf_counter()
                warm.get("/")  # type: ignore[attr-defined]
                cached.append(time.perf_counter() - start)
            today = time.strftime("%Y-%m-%d")
            core = core_calls(db, today)
            report = report_call(db, today)
            print(f"one client, after a write: the page {statistics.median(fresh):.2f} s; "
                  f"the same page from the cache {statistics.median(cached) * 1000:.0f} ms; "
                  f"its core calls in process {core:.2f} s "
                  f"({statistics.median(fresh) / core:.2f}x)")  # fmt: skip
            print(f"both warm: the page {statistics.median(cached) * 1000:.0f} ms against "
                  f"the core report call {report * 1000:.0f} ms "
                  f"({statistics.median(cached) / report:.2f}x)")  # fmt: skip
        finally:
            server.terminate()
            server.wait(60)
            log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
