"""tracker at scale: import, report, diff, add and export against their floors.

For each size N (default 10k, 100k and 1M statements) it writes the CSV with
`generate.py` (kept in --work between runs) and, on SQLite, measures in one run:

- import: `tracker import --create-missing FILE` into an empty database, against
  the floor (plain `csv` + `sqlite3.executemany` in chunks into the same schema,
  same indexes, same name-to-id lookups, in this process: no start-up) and
  against `sqlite-utils insert DB statements FILE --csv` when it is installed;
  peak memory (max RSS) of the tool's process;
- report: `tracker report --as-of D --format csv` (start-up included) against
  the floor query, one `GROUP BY party_id, issue_id` with `MAX(stated_on)`,
  run with `sqlite3` in this process; diff (`tracker diff FROM TO --format
  csv`) against the same floor; outlook and align (`tracker outlook|align
  --as-of D --format csv`, and align `--compare` a month back), in the same
  loop as the report, against it;
- add: `tracker add` into the full database against `python -c "import
  sqlalchemy.orm, click"`, interleaved;
- search: the first `tracker search` after the import (on SQLite it indexes
  the import's statements, in one pass), then a word, a phrase and a prefix;
- export: `tracker export --format csv --output FILE`, and its peak memory.

With --db postgresql://… the same runs go to a scratch database created on
that server (and dropped after); the floors use psycopg (COPY for the import,
as the tool does). Every figure is the median of --runs runs, with min and max.

    python benchmarks/scale.py [--sizes 10000,100000,1000000] [--runs 3]
        [--db postgresql://postgres@127.0.0.1:5432/postgres] [--results FILE.json]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # when run as a file

from benchmarks import generate

CHUNK = 5_000
AS_OF = "2025-12-31"  # after the generator's last date: every statement counts
# A month's diff (a briefing's usual span) and a year's (most pairs move).
DIFF_MONTH = "2025-12-01"
DIFF_YEAR = "2024-12-31"
# outlook and align, measured in the report's loop: each issue's class, and
# all pairs of the 200 parties (19,900), as of AS_OF and against a month back.
STANDING = (
    ("outlook", ("outlook", "--as-of", AS_OF)),
    ("align", ("align", "--as-of", AS_OF)),
    ("outlook_compare", ("outlook", "--as-of", AS_OF, "--compare", DIFF_MONTH)),
    ("align_compare", ("align", "--as-of", AS_OF, "--compare", DIFF_MONTH)),
)
SCORES = {"rejects": -2, "opposes": -1, "open": 0, "supports": 1, "demands": 2}
STATEMENT_INSERT = (
    "INSERT INTO statement (party_id, issue_id, score, stated_on, summary, quote, speaker,"
    " source, basis, conditions, recorded_at, recorded_by, fingerprint) VALUES ({})"
)


@dataclass
class Figure:
    """Seconds (or KiB for memory) over the runs."""

    runs: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    def text(self, unit: str = "s") -> str:
        if not self.runs:
            return "-"
        if unit == "MiB":
            return f"{self.median / 1024:.0f} MiB ({min(self.runs) / 1024:.0f}–{max(self.runs) / 1024:.0f})"
        return f"{self.median:.2f} s ({min(self.runs):.2f}–{max(self.runs):.2f})"


@dataclass
class Results:
    backend: str
    size: int
    figures: dict[str, Figure] = field(default_factory=dict)

    def figure(self, name: str) -> Figure:
        return self.figures.setdefault(name, Figure())


# --- running things ------------------------------------------------------------


def tracker_command() -> list[str]:
    script = Path(sys.executable).with_name("tracker")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tracker"]


def run(cmd: list[str], env: dict[str, str], stdout: Any = subprocess.DEVNULL) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one command, which must succeed."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr}")
    return elapsed, usage.ru_maxrss


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# --- databases -------------------------------------------------------------------


class Backend:
    """Where the databases live: SQLite files in a folder, or scratch databases
    on a server."""

    name = "sqlite"

    def __init__(self, work: Path) -> None:
        self.work = work

    @contextmanager
    def database(self, label: str) -> Iterator[str]:
        path = self.work / f"{label}.db"
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)
        yield str(path)

    def connect(self, url: str) -> Any:
        return sqlite3.connect(url, isolation_level=None)

    placeholder = "?"

    def floor_insert(self, conn: Any, rows: list[tuple[Any, ...]]) -> None:
        conn.executemany(STATEMENT_INSERT.format(", ".join("?" * 13)), rows)

    def begin(self, conn: Any) -> None:
        conn.execute("BEGIN IMMEDIATE")

    def commit(self, conn: Any) -> None:
        conn.execute("COMMIT")

    def returning_id(self, conn: Any, sql: str, args: tuple[Any, ...]) -> int:
        return int(conn.execute(sql.replace("%s", "?"), args).lastrowid)


class Postgres(Backend):
    name = "postgresql"

    def __init__(self, work: Path, url: str) -> None:
        super().__init__(work)
        import psycopg

        self.psycopg = psycopg
        self.url = url

    @contextmanager
    def database(self, label: str) -> Iterator[str]:
        name = f"tracker_bench_{uuid.uuid4().hex[:10]}"
        with self.psycopg.connect(self.url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield self.url.rsplit("/", 1)[0] + "/" + name
        finally:
            with self.psycopg.connect(self.url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def connect(self, url: str) -> Any:
        return self.psycopg.connect(url)

    def floor_insert(self, conn: Any, rows: list[tuple[Any, ...]]) -> None:
        columns = (
            "party_id, issue_id, score, stated_on, summary, quote, speaker, source, basis,"
            " conditions, recorded_at, recorded_by, fingerprint"
        )
        with conn.cursor() as cur, cur.copy(f"COPY statement ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def begin(self, conn: Any) -> None:
        pass  # psycopg opens a transaction on first use

    def commit(self, conn: Any) -> None:
        conn.commit()

    def returning_id(self, conn: Any, sql: str, args: tuple[Any, ...]) -> int:
        return int(conn.execute(sql + " RETURNING id", args).fetchone()[0])


# --- floors ----------------------------------------------------------------------


def floor_import(backend: Backend, url: str, path: Path) -> None:
    """What any importer must do: read the CSV, look parties and issues up by name
    (creating them on first sight), insert in chunks into the same schema. The
    fingerprint column is NOT NULL, so it is filled, with one hash of the row."""
    conn = backend.connect(url)
    backend.begin(conn)
    if backend.name == "sqlite":
        # As tracker's import does: the search index is filled later, in one
        # pass, not row by row through its trigger.
        conn.execute("DROP TRIGGER IF EXISTS statement_search_insert")
    ids: dict[tuple[str, str], int] = {}

    def id_of(table: str, name: str) -> int:
        found = ids.get((table, name))
        if found is None:
            column = "name" if table == "party" else "title"
            slug = "-".join(name.lower().split())
            sql = f"INSERT INTO {table} (slug, {column}) VALUES (%s, %s)"
            found = ids[(table, name)] = backend.returning_id(conn, sql, (slug, name))
        return found

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    recorded = now if isinstance(backend, Postgres) else now.isoformat(" ")
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream)
        next(reader)
        rows: list[tuple[Any, ...]] = []
        for fields in reader:
            party, issue, stance, day, summary, quote, speaker, source, basis, cond = fields
            fp = hashlib.blake2b("\0".join(fields).encode(), digest_size=16).hexdigest()
            rows.append(
                (
                    id_of("party", party),
                    id_of("issue", issue),
                    SCORES[stance],
                    day,
                    summary,
                    quote or None,
                    speaker or None,
                    source or None,
                    basis,
                    cond or None,
                    recorded,
                    "bench",
                    fp,
                )
            )
            if len(rows) >= CHUNK:
                backend.floor_insert(conn, rows)
                rows = []
        backend.floor_insert(conn, rows)
    backend.commit(conn)
    conn.close()


FLOOR_QUERY = (
    "SELECT party_id, issue_id, MAX(stated_on) FROM statement"
    " WHERE stated_on <= {p} GROUP BY party_id, issue_id"
)


def floor_report(backend: Backend, url: str) -> int:
    conn = backend.connect(url)
    placeholder = "?" if backend.name == "sqlite" else "%s"
    rows = conn.execute(FLOOR_QUERY.format(p=placeholder), (AS_OF,)).fetchall()
    conn.close()
    return len(rows)


# --- the benchmark -------------------------------------------------------------------


def schema(url: str, env: dict[str, str]) -> None:
    run([*tracker_command(), "--db", url, "db", "upgrade"], env)


def bench_size(
    backend: Backend, size: int, runs: int, add_runs: int, env: dict[str, str]
) -> Results:
    results = Results(backend.name, size)
    csv_path = backend.work / f"statements-{size}.csv"
    if not csv_path.exists():
        generate.write(csv_path, size)
    tracker = tracker_command()

    def say(text: str) -> None:
        print(f"  [{backend.name} {size:,}] {text}", flush=True)

    for n in range(runs):
        with backend.database(f"floor-{size}") as url:
            schema(url, env)
            results.figure("import_floor").runs.append(
                timed(lambda: floor_import(backend, url, csv_path))
            )
        say(f"floor import run {n + 1}: {results.figure('import_floor').runs[-1]:.2f} s")
        if backend.name == "sqlite" and shutil.which("sqlite-utils", path=_path(env)):
            with backend.database(f"sqlite-utils-{size}") as url:
                seconds, _ = run(
                    ["sqlite-utils", "insert", url, "statements", str(csv_path), "--csv"], env
                )
            results.figure("import_sqlite_utils").runs.append(seconds)
            say(f"sqlite-utils run {n + 1}: {seconds:.2f} s")

    with backend.database(f"tracker-{size}") as url:
        for n in range(runs):
            if n:
                _drop_everything(backend, url)
            schema(url, env)
            seconds, rss = run(
                [*tracker, "--db", url, "import", "--create-missing", str(csv_path)], env
            )
            results.figure("import").runs.append(seconds)
            results.figure("import_rss").runs.append(rss)
            say(f"tracker import run {n + 1}: {seconds:.2f} s, {rss / 1024:.0f} MiB")

        for _ in range(runs):
            results.figure("report_floor").runs.append(timed(lambda: floor_report(backend, url)))
            seconds, rss = run(
                [*tracker, "--db", url, "report", "--as-of", AS_OF, "--format", "csv"], env
            )
            results.figure("report").runs.append(seconds)
            results.figure("report_rss").runs.append(rss)
            for name, start in (("diff", DIFF_MONTH), ("diff_year", DIFF_YEAR)):
                seconds, rss = run(
                    [*tracker, "--db", url, "diff", start, AS_OF, "--format", "csv"], env
                )
                results.figure(name).runs.append(seconds)
                results.figure(f"{name}_rss").runs.append(rss)
            for name, args in STANDING:
                seconds, rss = run([*tracker, "--db", url, *args, "--format", "csv"], env)
                results.figure(name).runs.append(seconds)
                results.figure(f"{name}_rss").runs.append(rss)
        say(
            f"report {results.figure('report').median:.2f} s, diff {results.figure('diff').median:.2f} s,"
            f" outlook {results.figure('outlook').median:.2f} s,"
            f" align {results.figure('align').median:.2f} s,"
            f" floor {results.figure('report_floor').median:.2f} s"
        )
        bench_search(tracker, url, runs, env, results)
        say(
            f"first search {results.figure('search_first').median:.2f} s,"
            f" then {results.figure('search').median:.2f} s"
        )

        out = backend.work / f"export-{size}.csv"
        for _ in range(runs):
            seconds, rss = run(
                [*tracker, "--db", url, "export", "--format", "csv", "--output", str(out)], env
            )
            results.figure("export").runs.append(seconds)
            results.figure("export_rss").runs.append(rss)
        out.unlink(missing_ok=True)
        say(f"export {results.figure('export').median:.2f} s")

        party, issue = _first_pair(backend, url)
        floor_cmd = [sys.executable, "-c", "import sqlalchemy.orm, click"]
        add_cmd = [
            *tracker,
            "--db",
            url,
            "add",
            party,
            issue,
            "open",
            "--summary",
            "bench",
            "--date",
            "2025-11-30",
        ]
        run(floor_cmd, env)
        run(add_cmd, env)  # warm the file cache for both
        for _ in range(add_runs):
            results.figure("add_floor").runs.append(run(floor_cmd, env)[0])
            results.figure("add").runs.append(run(add_cmd, env)[0])
        say(f"add {results.figure('add').median * 1000:.0f} ms")
    return results


def _path(env: dict[str, str]) -> str:
    return os.pathsep.join((str(Path(sys.executable).parent), env.get("PATH", "")))


def _drop_everything(backend: Backend, url: str) -> None:
    """Every table tracker made, so the next import starts from nothing."""
    if backend.name == "sqlite":
        for name in (url, f"{url}-wal", f"{url}-shm"):
            Path(name).unlink(missing_ok=True)
        return
    conn = backend.connect(url)
    query = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    for (table,) in conn.execute(query).fetchall():
        # CASCADE: foreign keys and the ledger's triggers go with the table.
        conn.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
    conn.execute("DROP FUNCTION IF EXISTS statement_append_only()")
    conn.execute("DROP FUNCTION IF EXISTS record_merged_away()")
    conn.commit()
    conn.close()


def _first_pair(backend: Backend, url: str) -> tuple[str, str]:
    conn = backend.connect(url)
    party = conn.execute("SELECT slug FROM party ORDER BY id LIMIT 1").fetchone()[0]
    issue = conn.execute("SELECT slug FROM issue ORDER BY id LIMIT 1").fetchone()[0]
    conn.close()
    return str(party), str(issue)


# --- printing --------------------------------------------------------------------

# A common word, a phrase and a prefix of the generator's text.
SEARCHES = ("negotiation", '"red lines"', "accep*")


def bench_search(
    tracker: list[str], url: str, runs: int, env: dict[str, str], results: Results
) -> None:
    """The first search after the import (on SQLite it indexes what the import
    added, in one pass), then each of SEARCHES, start-up included."""
    search = [*tracker, "--db", url, "search", "--format", "csv"]
    results.figure("search_first").runs.append(run([*search, SEARCHES[0]], env)[0])
    for _ in range(runs):
        for query in SEARCHES:
            results.figure("search").runs.append(run([*search, query], env)[0])


ROWS = (
    # (figure, label, unit, compared with, ratio label)
    ("import", "import (`tracker import --create-missing`)", "s", "import_floor", "/ floor"),
    ("import_floor", "import floor (csv + executemany / COPY)", "s", None, ""),
    ("import_sqlite_utils", "`sqlite-utils insert --csv`", "s", "import", "/ tracker"),
    ("import_rss", "import peak memory", "MiB", None, ""),
    ("report", "`tracker report --format csv`", "s", "report_floor", "/ floor"),
    ("report_floor", "report floor (GROUP BY, MAX, in process)", "s", None, ""),
    ("diff", "`tracker diff` over a month", "s", "report_floor", "/ floor"),
    ("diff_year", "`tracker diff` over a year", "s", "report_floor", "/ floor"),
    ("search_first", "first `tracker search` after the import", "s", None, ""),
    ("search", "`tracker search` (a word, a phrase, a prefix)", "s", None, ""),
    ("outlook", "`tracker outlook --format csv`", "s", "report", "/ report"),
    ("align", "`tracker align --format csv`", "s", "report", "/ report"),
    ("outlook_compare", "`tracker outlook --compare` a month back", "s", "report", "/ report"),
    ("align_compare", "`tracker align --compare` a month back", "s", "report", "/ report"),
    ("report_rss", "report peak memory", "MiB", None, ""),
    ("align_rss", "align peak memory", "MiB", "report_rss", "/ report"),
    ("export", "`tracker export --format csv`", "s", "import", "/ import"),
    ("export_rss", "export peak memory", "MiB", None, ""),
    ("add", "`tracker add`", "ms", "add_floor", "/ floor"),
    ("add_floor", 'floor `python -c "import sqlalchemy.orm, click"`', "ms", None, ""),
)


def ratio(a: Figure, b: Figure) -> str:
    return f"{a.median / b.median:.2f}x" if a.runs and b.runs else ""


def value(figure: Figure, unit: str) -> str:
    if not figure.runs:
        return ""
    scale = {"s": 1.0, "ms": 1000.0, "MiB": 1 / 1024}[unit]
    digits = {"s": 2, "ms": 0, "MiB": 0}[unit]
    med, low, high = (x * scale for x in (figure.median, min(figure.runs), max(figure.runs)))
    return f"{med:.{digits}f} {unit} ({low:.{digits}f}–{high:.{digits}f})"


def table(all_results: list[Results]) -> str:
    """A markdown table: one column per backend and size, median (min–max), ratio."""
    head = ["measure"]
    for r in all_results:
        head.append(f"{r.backend} {r.size:,}")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, label, unit, against, how in ROWS:
        cells = [label]
        for r in all_results:
            figure = r.figures.get(name, Figure())
            text = value(figure, unit)
            if text and against and r.figures.get(against, Figure()).runs:
                text += f"; {ratio(figure, r.figures[against])} {how}"
            cells.append(text)
        if any(cells[1:]):
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def chart(all_results: list[Results], path: Path) -> None:
    """Seconds against statements, both on log scales, one line per measure."""
    series = [
        ("import", "tracker import", "#1b7837"),
        ("import_floor", "import floor", "#7fbf7b"),
        ("import_sqlite_utils", "sqlite-utils insert", "#b2182b"),
        ("export", "tracker export", "#2166ac"),
        ("diff", "tracker diff (month)", "#762a83"),
        ("report", "tracker report", "#e08214"),
        ("align", "tracker align", "#8c510a"),
        ("report_floor", "report floor", "#fdb863"),
    ]
    width, height, left, right, top, bottom = 720, 440, 70, 200, 30, 50
    points = [
        (r.size, f.median)
        for r in all_results
        for name, _, _ in series
        if (f := r.figures.get(name)) is not None and f.runs
    ]
    if not points:
        return
    import math

    xs = sorted({p[0] for p in points})
    y_low = 10 ** math.floor(math.log10(min(p[1] for p in points)))
    y_high = 10 ** math.ceil(math.log10(max(p[1] for p in points)))

    def x(n: float) -> float:
        span = math.log10(xs[-1]) - math.log10(xs[0]) or 1
        return left + (math.log10(n) - math.log10(xs[0])) / span * (width - left - right)

    def y(sec: float) -> float:
        span = math.log10(y_high) - math.log10(y_low)
        return top + (1 - (math.log10(sec) - math.log10(y_low)) / span) * (height - top - bottom)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    decade = y_low
    while decade <= y_high:
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(decade):.1f}" y2="{y(decade):.1f}" '
            'stroke="#dddddd"/>'
        )
        out.append(
            f'<text x="{left - 6}" y="{y(decade) + 4:.1f}" text-anchor="end">{decade:g} s</text>'
        )
        decade *= 10
    for n in xs:
        out.append(
            f'<text x="{x(n):.1f}" y="{height - bottom + 18}" text-anchor="middle">{n:,}</text>'
        )
    out.append(
        f'<text x="{(left + width - right) / 2}" y="{height - 12}" text-anchor="middle">'
        "statements (log scale)</text>"
    )
    for row, (name, label, colour) in enumerate(series):
        for backend, dash in (("sqlite", ""), ("postgresql", ' stroke-dasharray="6 4"')):
            line = [
                (r.size, r.figures[name].median)
                for r in all_results
                if r.backend == backend and name in r.figures and r.figures[name].runs
            ]
            if not line:
                continue
            path_d = " ".join(f"{x(n):.1f},{y(sec):.1f}" for n, sec in line)
            out.append(
                f'<polyline points="{path_d}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
            )
        ly = top + 16 * row
        out.append(
            f'<line x1="{width - right + 12}" x2="{width - right + 36}" y1="{ly}" y2="{ly}" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
        out.append(f'<text x="{width - right + 42}" y="{ly + 4}">{label}</text>')
    ly = top + 16 * len(series) + 10
    out.append(f'<text x="{width - right + 12}" y="{ly}">solid: SQLite</text>')
    out.append(f'<text x="{width - right + 12}" y="{ly + 16}">dashed: PostgreSQL</text>')
    out.append("</svg>")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "date": dt.date.today().isoformat(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated sizes")
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement (default 3)")
    parser.add_argument("--add-runs", type=int, default=11, help="runs of tracker add (default 11)")
    parser.add_argument("--db", help="also run on this PostgreSQL server (a URL), after SQLite")
    parser.add_argument("--no-sqlite", action="store_true", help="with --db: only PostgreSQL")
    parser.add_argument("--work", type=Path, help="folder for the CSV files (kept) and databases")
    parser.add_argument("--results", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--chart", type=Path, help="also draw them as an SVG chart here")
    args = parser.parse_args()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]

    scratch = None
    if args.work is None:
        scratch = tempfile.TemporaryDirectory(prefix="tracker-bench-")
        args.work = Path(scratch.name)
    args.work.mkdir(parents=True, exist_ok=True)
    backends: list[Backend] = [] if args.no_sqlite and args.db else [Backend(args.work)]
    if args.db:
        backends.append(Postgres(args.work, args.db))
    env = {**os.environ, "TRACKER_USER": "bench", "PATH": _path(dict(os.environ))}
    env.pop("TRACKER_DB", None)
    names = ", ".join(b.name for b in backends)
    print(f"{names}: sizes {', '.join(f'{s:,}' for s in sizes)}; {args.runs} runs each")
    try:
        results = [
            bench_size(backend, size, args.runs, args.add_runs, env)
            for backend in backends
            for size in sizes
        ]
    finally:
        if scratch is not None:
            scratch.cleanup()
    print()
    print(table(results))
    if args.results:
        payload = {
            "machine": machine(),
            "results": [
                {
                    "backend": r.backend,
                    "size": r.size,
                    "figures": {k: asdict(v) for k, v in r.figures.items()},
                }
                for r in results
            ],
        }
        args.results.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    if args.chart:
        chart(results, args.chart)
    return 0


if __name__ == "__main__":
    sys.exit(main())
