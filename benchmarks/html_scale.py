"""The HTML report at scale: 200 parties x 500 issues, 1,000,000 statements.

Fills a SQLite database with seeded random statements (SQLAlchemy Core
executemany, in chunks), then times `tracker report --format html --output`
as a fresh process, prints the page's size, and opens the page in Chromium
(when it is installed) to check that a browser loads it whole.

    python benchmarks/html_scale.py [--statements 1000000] [--parties 200] [--issues 500] [--runs 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # for scripts.chromium when run as a file

from scripts.chromium import chromium, unavailable  # noqa: E402
from tracker.db import Database, resolve_url  # noqa: E402
from tracker.db.schema import ISSUE, PARTY, STATEMENT  # noqa: E402

CHUNK = 20_000
FIRST_DAY = dt.date(2024, 1, 1)
DAYS = 700
SOURCES = (
    "Reuters, https://example.org/news/{n}",
    "Press conference, transcript",
    "Draft text seen by the analyst",
)


def fill(url: str, parties: int, issues: int, statements: int, seed: int) -> dt.date:
    """The database at head with `statements` random statements; returns the latest date."""
    rng = random.Random(seed)
    database = Database(resolve_url(url))
    database.ensure_current()
    recorded = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    last = FIRST_DAY
    with database.engine.begin() as conn:
        conn.execute(
            PARTY.insert(),
            [{"slug": f"party-{n}", "name": f"Party {n}"} for n in range(1, parties + 1)],
        )
        conn.execute(
            ISSUE.insert(),
            [
                {
                    "slug": f"issue-{n}",
                    "title": f"Issue {n}",
                    "proposition": f"The parties agree to point {n} of the draft",
                }
                for n in range(1, issues + 1)
            ],
        )
        for start in range(0, statements, CHUNK):
            rows = []
            for n in range(start, min(start + CHUNK, statements)):
                day = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
                last = max(last, day)
                rows.append(
                    {
                        "party_id": rng.randrange(parties) + 1,
                        "issue_id": rng.randrange(issues) + 1,
                        "score": rng.randrange(-2, 3),
                        "stated_on": day,
                        "summary": f"Statement {n}: the delegation restated its position on "
                        "the point, with the usual reservations about sequencing.",
                        "speaker": f"Spokesperson {n % 997}",
                        "source": SOURCES[n % 3].format(n=n),
                        "basis": "stated",
                        "recorded_at": recorded + dt.timedelta(microseconds=n),
                        "recorded_by": "bench",
                        "fingerprint": f"{n:032x}",
                    }
                )
            conn.execute(STATEMENT.insert(), rows)
    database.dispose()
    return last


def open_in_browser(page: Path) -> tuple[float, float, float, int]:
    """Chromium on the page: seconds to its first contentful paint and to its
    load event, both as the page's own performance timeline reports them (from
    the start of navigation), the wall-clock seconds until the page is loaded
    and its cells counted, and the matrix cells it finds."""
    with chromium() as browser:
        tab = browser.new_page(viewport={"width": 1280, "height": 900})
        start = time.perf_counter()
        tab.goto(page.as_uri(), timeout=600_000, wait_until="load")
        cells = tab.evaluate("document.querySelectorAll('table.matrix td').length")
        seconds = time.perf_counter() - start
        paint, load = tab.evaluate(
            """() => [
                performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1000,
                performance.getEntriesByType('navigation')[0].loadEventStart,
            ]"""
        )
        tab.close()
    return paint / 1000, load / 1000, seconds, int(cells)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--parties", type=int, default=200)
    parser.add_argument("--issues", type=int, default=500)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--runs", type=int, default=1, help="render and open the page N times")
    parser.add_argument("--no-browser", action="store_true", help="skip opening the page")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        db = Path(scratch) / "bench.db"
        start = time.perf_counter()
        last = fill(str(db), args.parties, args.issues, args.statements, args.seed)
        filled = time.perf_counter() - start
        print(
            f"{args.parties} parties x {args.issues} issues, {args.statements:,} statements "
            f"(filled in {filled:.1f} s)"
        )
        page = Path(scratch) / "report.html"
        script = Path(sys.executable).with_name("tracker")
        tracker = [str(script)] if script.exists() else [sys.executable, "-m", "tracker"]
        command = [*tracker, "--db", str(db), "report", "--as-of", last.isoformat()]
        command += ["--format", "html", "--output", str(page)]
        reason = "--no-browser" if args.no_browser else unavailable()
        runs: list[tuple[float, ...]] = []
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run(command, check=True, env={**os.environ}, stderr=subprocess.DEVNULL)
            rendered = time.perf_counter() - start
            size = page.stat().st_size
            print(f"tracker report --format html --output: {rendered:.2f} s")
            print(f"page: {size:,} bytes ({size / 2**20:.1f} MiB)")
            if reason is not None:
                print(f"browser: not checked ({reason})")
                runs.append((rendered,))
                continue
            paint, load, seconds, cells = open_in_browser(page)
            print(f"browser: chromium loaded the page in {seconds:.2f} s, {cells:,} matrix cells")
            shown = f"{paint:.2f} s" if paint >= 0 else "not reported"
            print(f"browser: first contentful paint {shown}, load event {load:.2f} s")
            if cells == 0:
                print("browser: the page has no matrix", file=sys.stderr)
                return 1
            runs.append((rendered, paint, load, seconds))
        if args.runs > 1:
            names = ("render", "first paint", "load event", "loaded and counted")
            for name, values in zip(names, zip(*runs, strict=True), strict=False):
                ordered = sorted(values)
                print(
                    f"{name}: median {statistics.median(ordered):.2f} s "
                    f"({ordered[0]:.2f}-{ordered[-1]:.2f}) over {args.runs} runs"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
