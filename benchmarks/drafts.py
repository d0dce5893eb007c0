"""Drafts at scale: a 300-point text in 10 versions.

Fills a database (SQLite by default) with a catalog of 40 issues (each with
keywords the text names) and 30 parties' stances on them, then adds 10
versions of a generated 300-point text, each revising the one before (some
points reworded, some dropped, some added, the rest renumbered), and times
what a user waits for: adding a version, `draft show` and `draft diff`, in
the table format and as the HTML page (every version side by side). Then
the worst case of pairing, a version whose every point is reworded, and
every pair's similarity computed by rapidfuzz (as pairing does) and by
difflib, to compare (docs/architecture.md says why rapidfuzz).

    python benchmarks/drafts.py [--points 300] [--versions 10] [--db URL] [--runs 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tracker import render  # noqa: E402
from tracker.core import draft_views, drafts  # noqa: E402
from tracker.core.draft_pairing import pair  # noqa: E402
from tracker.core.draft_text import Point, split  # noqa: E402
from tracker.db import Database, resolve_url  # noqa: E402
from tracker.db.schema import ISSUE, KEYWORD, PARTY, STATEMENT  # noqa: E402


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


WORDS = _words(
    "parties agreement ceasefire monitoring mission border crossing withdrawal troops "
    "guarantee commission reconstruction fund elections referendum amnesty prisoners "
    "exchange humanitarian corridor energy grid nuclear plant ports shipping grain "
    "export sanctions relief assets compensation language church minorities education "
    "observers verification timetable phase stage review council chair mediator "
    "signatories ratification parliament implementation dispute arbitration tribunal"
)
FILLER = _words("the of and to in for on by with within after before under all each any")


def catalog(url: str, issues: int, parties: int, seed: int) -> None:
    rng = random.Random(seed)
    database = Database(resolve_url(url))
    database.ensure_current()
    recorded = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with database.engine.begin() as conn:
        conn.execute(
            PARTY.insert(), [{"slug": f"p{n}", "name": f"Party {n}"} for n in range(parties)]
        )
        conn.execute(
            ISSUE.insert(), [{"slug": f"issue-{n}", "title": f"Matter {n}"} for n in range(issues)]
        )
        conn.execute(
            KEYWORD.insert(),
            [
                {"issue_id": n + 1, "keyword": f"clause{n}", "key": f"clause{n}"}
                for n in range(issues)
            ],
        )
        conn.execute(
            STATEMENT.insert(),
            [
                _statement(p + 1, i + 1, rng.randint(-2, 2), recorded)
                for p in range(parties)
                for i in range(issues)
                if rng.random() < 0.3
            ],
        )
    database.dispose()


def _statement(party: int, issue: int, score: int, recorded: dt.datetime) -> dict[str, object]:
    return {
        "party_id": party, "issue_id": issue, "score": score, "stated_on": dt.date(2025, 11, 1),
        "summary": "s", "basis": "stated", "recorded_at": recorded, "recorded_by": "bench",
        "fingerprint": f"{party}-{issue}",
    }  # fmt: skip


def sentence(rng: random.Random, issues: int) -> str:
    words = [
        rng.choice(WORDS if rng.random() < 0.6 else FILLER) for _ in range(rng.randint(18, 40))
    ]
    if rng.random() < 0.5:
        words.insert(rng.randrange(len(words)), f"clause{rng.randrange(issues)}")
    return " ".join(words).capitalize() + "."


def revised(points: list[str], rng: random.Random, issues: int, reword: float) -> list[str]:
    """The next version: `reword` of the points reworded, 3% dropped, 3%
    added, a few moved (and so renumbered)."""
    out = []
    for text in points:
        roll = rng.random()
        if roll < 0.03:
            continue
        if roll < 0.03 + reword:
            words = text.split()
            for _ in range(max(1, len(words) // 8)):
                words[rng.randrange(len(words))] = rng.choice(WORDS)
            text = " ".join(words)
        out.append(text)
    for _ in range(max(1, len(points) * 3 // 100)):
        out.insert(rng.randrange(len(out) + 1), sentence(rng, issues))
    for _ in range(3):
        moved = out.pop(rng.randrange(len(out)))
        out.insert(rng.randrange(len(out) + 1), moved)
    return out


def text_of(points: list[str], n: int) -> str:
    head = f"A generated text, version {n}, for tracker's benchmark: not a real draft.\n\n"
    return head + "".join(f"{k}. {t}\n" for k, t in enumerate(points, start=1))


def timed(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=300)
    parser.add_argument("--versions", type=int, default=10)
    parser.add_argument("--issues", type=int, default=40)
    parser.add_argument("--parties", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", help="a database URL (default: a new SQLite file)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or str(Path(folder) / "drafts.db")
        catalog(url, args.issues, args.parties, args.seed)
        database = Database(resolve_url(url))
        with database.session(write=True) as session:
            drafts.add_draft(session, "bench", "A generated text")
        points = [sentence(rng, args.issues) for _ in range(args.points)]
        adds = []
        for n in range(1, args.versions + 1):
            if n > 1:
                points = revised(points, rng, args.issues, 0.10)
            body = text_of(points, n)
            start = time.perf_counter()
            with database.session(write=True) as session:
                drafts.add_version(session, "bench", body, f"v{n}", dt.date(2025, 11, n))
            adds.append(time.perf_counter() - start)

        def show(fmt: str) -> Callable[[], object]:
            def run() -> object:
                with database.session() as session:
                    found = draft_views.show(session, "bench", side_by_side=fmt == "html")
                return render.document("draft_show", found, fmt)

            return run

        def diff(fmt: str) -> Callable[[], object]:
            def run() -> object:
                with database.session() as session:
                    found = draft_views.diff(session, "bench", side_by_side=fmt == "html")
                return render.document("draft_diff", found, fmt)

            return run

        print(f"{args.points}-point text, {args.versions} versions, {args.issues} issues, "
              f"{database.engine.dialect.name}")  # fmt: skip
        print(f"  add a version      median {statistics.median(adds):.3f} s, max {max(adds):.3f} s")
        for name, work in (("show", show("table")), ("show --format html", show("html")),
                           ("diff", diff("table")), ("diff --format html", diff("html"))):  # fmt: skip
            print(f"  {name:<18} median {timed(work, args.runs):.3f} s")
        # As a user runs them: a fresh process each, start-up included (and,
        # to compare, a command that does next to nothing).
        for command in (("draft", "show", "bench"), ("draft", "diff", "bench"), ("party", "list")):
            run = [sys.executable, "-m", "tracker", "--db", url, *command]
            took = timed(partial(subprocess.run, run, check=True, capture_output=True), args.runs)
            print(f"  tracker {' '.join(command):<14} {took:.3f} s (a process, start-up included)")
        # The worst case of pairing: every point reworded.
        old = split(text_of(points, 0)).points
        new_points = revised(points, rng, args.issues, 0.97)
        new = split(text_of(new_points, 0)).points
        print(f"  pairing, every point reworded: {timed(lambda: pair(old, new), args.runs):.3f} s")
        _similarities(old, new, args.runs)
        database.dispose()


def _similarities(old: Sequence[Point], new: Sequence[Point], runs: int) -> None:
    """Every pair's similarity, as pairing ranks them (rapidfuzz), and by
    difflib's ratio, which pairing used first (docs/architecture.md)."""
    import difflib

    from rapidfuzz.distance import Indel

    from tracker.core.draft_text import words

    a = [words(p.text) for p in old]
    b = [words(p.text) for p in new]

    def by_difflib() -> None:
        for x in a:
            for y in b:
                difflib.SequenceMatcher(None, x, y, autojunk=False).ratio()

    def by_rapidfuzz() -> None:
        for x in a:
            for y in b:
                Indel.normalized_similarity(x, y)

    pairs = f"{len(a)}x{len(b)}"
    print(f"  all {pairs} similarities: rapidfuzz {timed(by_rapidfuzz, runs):.3f} s, "
          f"difflib {timed(by_difflib, 1):.3f} s")  # fmt: skip


if __name__ == "__main__":
    main()
