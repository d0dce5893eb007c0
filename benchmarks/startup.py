"""Start-up cost of `tracker add`, against the floor of importing what it must.

The floor is `python -c "import sqlalchemy.orm, click"`: the two libraries any
command needs. `tracker add` logs one statement into a SQLite database that is
already at head. Both run as fresh processes, interleaved, on the same machine
in one run; the script prints the median, min and max of each and their ratio.

    python benchmarks/startup.py [--runs 21] [--statements 0]

--statements N first fills the database with N statements (through
`tracker import`), to show that the cost of `add` does not grow with it.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_RATIO = 1.3


def tracker_command() -> list[str]:
    script = Path(sys.executable).with_name("tracker")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tracker"]


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def prepare(db: Path, env: dict[str, str], statements: int) -> None:
    tracker = tracker_command()

    def run(*args: str) -> None:
        subprocess.run([*tracker, *args], env=env, check=True, stdout=subprocess.DEVNULL)

    run("party", "add", "ukraine", "--name", "Ukraine", "--alias", "Kyiv")
    run("issue", "add", "donbas", "--title", "Donbas territory")
    if statements:
        path = db.with_suffix(".csv")
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["party", "issue", "stance", "stated_on", "summary"])
            for n in range(statements):
                writer.writerow(
                    [
                        "ukraine",
                        "donbas",
                        ["open", "rejects"][n % 2],
                        f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
                        f"statement {n}",
                    ]
                )
        run("import", str(path))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs of each command (default 21)")
    parser.add_argument(
        "--statements",
        type=int,
        default=0,
        help="statements in the database before timing (default 0)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        db = Path(scratch) / "bench.db"
        env = {**os.environ, "TRACKER_DB": str(db), "TRACKER_USER": "bench"}
        prepare(db, env, args.statements)
        floor_cmd = [sys.executable, "-c", "import sqlalchemy.orm, click"]
        add_cmd = [
            *tracker_command(),
            "add",
            "kyiv",
            "donbas",
            "open",
            "--summary",
            "bench",
            "--date",
            "2025-11-30",
        ]
        timed(floor_cmd, env)  # warm the file cache for both
        timed(add_cmd, env)
        floor, add = [], []
        for _ in range(args.runs):
            floor.append(timed(floor_cmd, env))
            add.append(timed(add_cmd, env))

    def row(name: str, xs: list[float]) -> str:
        return (
            f"{name:<44} {statistics.median(xs) * 1000:8.1f} {min(xs) * 1000:8.1f}"
            f" {max(xs) * 1000:8.1f}"
        )

    ratio = statistics.median(add) / statistics.median(floor)
    print(f"runs: {args.runs}, statements in the database: {args.statements}")
    print(f"{'command':<44} {'median':>8} {'min':>8} {'max':>8}  (ms)")
    print(row('python -c "import sqlalchemy.orm, click"', floor))
    print(row("tracker add (SQLite, at head)", add))
    verdict = "within" if ratio <= TARGET_RATIO else "OVER"
    print(f"ratio: {ratio:.2f}x the floor ({verdict} the {TARGET_RATIO}x target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
