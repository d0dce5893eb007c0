"""The bulk paths that make a million statements workable: the generator, the
chunked import (its chunks, its index rebuild on SQLite, its progress
bar) and small runs of the scale benchmark, so that none of it can rot."""

from __future__ import annotations

import csv
import json
import os
import pty
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect

from benchmarks import generate
from helpers import REPO, Tracker, statement_count
from tracker.core import transfer
from tracker.core.transfer.parse import Names, Parser
from tracker.core.transfer.rows import COLUMNS, RowError
from tracker.core.types import ImportResult
from tracker.core.values import TEXT_LIMIT
from tracker.db import Database, resolve_url
from tracker.db.schema import STANCE_INDEX
from tracker.errors import TrackerError

pytestmark = pytest.mark.slow


def test_generator_is_reproducible_and_realistic(tmp_path: Path) -> None:
    a = generate.write(tmp_path / "a.csv", 3_000, seed=7)
    b = generate.write(tmp_path / "b.csv", 3_000, seed=7)
    c = generate.write(tmp_path / "c.csv", 3_000, seed=8)
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()
    with a.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 3_000
    assert {r["stance"] for r in rows} == {"rejects", "opposes", "open", "supports", "demands"}
    assert len({r["party"] for r in rows}) == generate.PARTIES
    assert len({r["issue"] for r in rows}) > 450  # of 500, at 3,000 draws
    years = {r["stated_on"][:4] for r in rows}
    assert years == {"2021", "2022", "2023", "2024", "2025"}
    summaries = [len(r["summary"]) for r in rows]
    assert 40 < sum(summaries) / len(summaries) < 250
    assert 0.3 < sum(bool(r["quote"]) for r in rows) / len(rows) < 0.7


def test_many_chunks_import_whole(tracker: Tracker, tmp_path: Path) -> None:
    """More rows than a few chunks: every one arrives, names created once each."""
    path = generate.write(tmp_path / "s.csv", transfer.CHUNK * 3 + 17)
    out = tracker("import", "--create-missing", str(path)).stdout
    assert out.startswith(f"Added {transfer.CHUNK * 3 + 17:,} statements; created 200 parties (")
    assert "; created 500 issues (" in out and out.endswith(", …).\n")
    assert statement_count(tracker) == transfer.CHUNK * 3 + 17
    again = tracker("import", str(path)).stdout
    assert again.startswith(f"Added 0 statements; skipped {transfer.CHUNK * 3 + 17:,}")


def test_a_late_bad_row_writes_nothing(tracker: Tracker, tmp_path: Path) -> None:
    """Whole chunks are stored by the time a late row fails: all of
    it is rolled back, with the SQLite indexes it had dropped."""
    path = generate.write(tmp_path / "s.csv", transfer.CHUNK * 2 + 10)
    with path.open("a", encoding="utf-8") as out:
        out.write("Somewhere,Anything,maybe,2024-01-01,A summary,,,,stated,\n")
    message = tracker.fails("import", "--create-missing", str(path))
    assert f"line {transfer.CHUNK * 2 + 12}, column stance: unknown stance 'maybe'" in message
    assert statement_count(tracker) == 0
    assert tracker("party", "list", "--format", "json").stdout.strip() == "[]"
    _assert_stance_index(tracker.db)


def test_an_overlong_recorder_is_refused_by_line(tracker: Tracker, tmp_path: Path) -> None:
    path = generate.write(tmp_path / "s.csv", transfer.CHUNK + 5)
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    rows[0].append("recorded_by")
    for n, row in enumerate(rows[1:], start=1):
        row.append("x" * 300 if n == transfer.CHUNK + 3 else "analyst")
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\n").writerows(rows)
    message = tracker.fails("import", "--create-missing", str(path))
    assert f"line {transfer.CHUNK + 4}, column recorded_by: " in message
    assert "300 characters long; at most 200 are allowed" in message
    assert statement_count(tracker) == 0


def test_a_refusal_while_writing_is_one_clean_line(
    tracker: Tracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What only the database can refuse fails while a chunk is written (inside COPY
    on PostgreSQL): the user gets one line, and nothing is written. Here the
    parser's basis check is bypassed, so the table's CHECK constraint refuses."""
    path = generate.write(tmp_path / "s.csv", transfer.CHUNK + 5)
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    text[transfer.CHUNK + 3] = text[transfer.CHUNK + 3].replace(",stated,", ",rumour,")
    text[transfer.CHUNK + 3] = text[transfer.CHUNK + 3].replace(",reported,", ",rumour,")
    text[transfer.CHUNK + 3] = text[transfer.CHUNK + 3].replace(",inferred,", ",rumour,")
    path.write_text("".join(text), encoding="utf-8")
    monkeypatch.setattr("tracker.core.transfer.parse.basis_value", lambda value: value)
    message = tracker.fails("import", "--create-missing", str(path))
    assert message.startswith("Error: database ") and message.count("\n") == 1
    assert "refused the request" in message and "basis" in message
    assert statement_count(tracker) == 0


def test_import_into_an_empty_database_keeps_its_indexes(sqlite_db: str, tmp_path: Path) -> None:
    tracker = Tracker(sqlite_db)
    path = generate.write(tmp_path / "s.csv", 500)
    tracker("import", "--create-missing", "--dry-run", str(path))
    _assert_stance_index(sqlite_db)
    tracker("import", "--create-missing", str(path))
    _assert_stance_index(sqlite_db)
    database = Database(resolve_url(sqlite_db))
    with database.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        plan = conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM statement WHERE party_id = 1 AND issue_id = 1"
            " AND stated_on <= '2025-01-01' AND retracted_at IS NULL"
            " ORDER BY stated_on DESC, recorded_at DESC, id DESC LIMIT 1"
        ).all()
    database.dispose()
    assert "COVERING INDEX ix_statement_stance" in str(plan)


def _assert_stance_index(url: str) -> None:
    database = Database(resolve_url(url))
    indexes = {
        ix["name"]: ix["column_names"] for ix in inspect(database.engine).get_indexes("statement")
    }
    database.dispose()
    assert indexes["ix_statement_stance"] == list(STANCE_INDEX)
    assert indexes["ix_statement_fingerprint"] == ["fingerprint"]


def _import_under(sqlite_db: str, path: Path, terminal: bool) -> str:
    """Run `tracker import` with stderr on a pseudo-terminal (or a pipe); return stderr."""
    env = {**os.environ, "TRACKER_DB": sqlite_db}
    cmd = [sys.executable, "-m", "tracker", "import", "--create-missing", str(path)]
    if not terminal:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stderr
    leader, follower = pty.openpty()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:  # the other end closed
            break
        if not data:
            break
        chunks.append(data)
    assert proc.wait(timeout=120) == 0
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_only_on_a_terminal(sqlite_db: str, tmp_path: Path) -> None:
    path = generate.write(tmp_path / "s.csv", transfer.CHUNK * 2 + 17)  # a last short chunk
    assert _import_under(sqlite_db, path, terminal=False) == ""
    shown = _import_under(str(tmp_path / "other.db"), path, terminal=True)
    assert "Importing" in shown and "100%" in shown


@pytest.mark.parametrize("server", [None, "postgresql"])
def test_scale_benchmark_runs(server: str | None, tmp_path: Path) -> None:
    """A small run of benchmarks/scale.py: it must keep working (its figures
    are not checked; performance is measured, not asserted)."""
    cmd = [
        sys.executable, str(REPO / "benchmarks" / "scale.py"), "--sizes", "300", "--runs", "1",
        "--add-runs", "1", "--work", str(tmp_path), "--results", str(tmp_path / "r.json"),
        "--chart", str(tmp_path / "c.svg"),
    ]  # fmt: skip
    if server is not None:
        url = os.environ.get("TRACKER_TEST_POSTGRES_URL")
        if not url:
            pytest.skip("postgresql: set TRACKER_TEST_POSTGRES_URL to run the benchmark on it")
        cmd += ["--db", url]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr + done.stdout
    for row in (
        "| import (`tracker import --create-missing`) |",
        "| import floor",
        "| `tracker report --format csv` |",
        "| `tracker diff` over a month |",
        "| `tracker outlook --format csv` |",
        "| `tracker align --compare` a month back |",
        "| `tracker export --format csv` |",
        "| `tracker add` |",
    ):
        assert row in done.stdout
    results = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert {r["size"] for r in results["results"]} == {300}
    assert (tmp_path / "c.svg").read_text(encoding="utf-8").startswith("<svg")


def test_a_large_import_leaves_postgresql_vacuumed(
    tracker: Tracker, tmp_path: Path, backend: str
) -> None:
    """Reports right after a big import need the planner's statistics and the
    visibility map (index-only scans): the import runs VACUUM ANALYZE."""
    if backend != "postgresql":
        pytest.skip("VACUUM is PostgreSQL's")
    from sqlalchemy import text

    database = Database(resolve_url(tracker.db))

    def vacuums_and_analyzes() -> tuple[int, int]:
        # Counts, not times: the session's database is emptied between tests,
        # not dropped, so an earlier test's import has vacuumed it already.
        with database.engine.connect() as conn:
            vacuums, analyzes = conn.execute(
                text(
                    "SELECT vacuum_count, analyze_count"
                    " FROM pg_stat_user_tables"
                    " WHERE relname = 'statement' AND schemaname = current_schema()"
                )
            ).one()
        return int(vacuums), int(analyzes)

    before = vacuums_and_analyzes()
    tracker("import", "--create-missing", str(generate.write(tmp_path / "s.csv", transfer.CHUNK)))
    vacuumed = False
    for _ in range(50):  # the statistics may be published a moment later
        vacuums, analyzes = vacuums_and_analyzes()
        vacuumed = vacuums > before[0] and analyzes > before[1]
        if vacuumed:
            break
        time.sleep(0.2)
    database.dispose()
    assert vacuumed


def test_a_large_import_refreshes_mariadb_statistics(
    tracker: Tracker, tmp_path: Path, backend: str
) -> None:
    """MariaDB refreshes a table's statistics in the background, a while after
    the commit; until then it planned each report seek as a scan of the whole
    index. The import runs ANALYZE TABLE itself."""
    if backend != "mysql":
        pytest.skip("ANALYZE TABLE is MariaDB's and MySQL's")
    from sqlalchemy import text

    tracker("import", "--create-missing", str(generate.write(tmp_path / "s.csv", transfer.CHUNK)))
    database = Database(resolve_url(tracker.db))
    with database.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT n_rows FROM mysql.innodb_table_stats"
                " WHERE database_name = DATABASE() AND table_name = 'statement'"
            )
        ).scalar()
    database.dispose()
    assert rows is not None and rows > transfer.CHUNK // 2


def test_an_analyze_that_fails_is_reported(tracker: Tracker, backend: str) -> None:
    """MariaDB answers a failed ANALYZE TABLE with a row, not an exception:
    it is read, so the import can warn."""
    if backend != "mysql":
        pytest.skip("ANALYZE TABLE is MariaDB's and MySQL's")
    database = Database(resolve_url(tracker.db))
    with database.engine.begin() as conn:
        conn.exec_driver_sql("RENAME TABLE statement TO statement_away")
    try:
        with pytest.raises(TrackerError, match=r"ANALYZE TABLE statement: .*doesn't exist"):
            transfer.after_bulk_import(database.engine, transfer.CHUNK)
    finally:
        with database.engine.begin() as conn:
            conn.exec_driver_sql("RENAME TABLE statement_away TO statement")
        database.dispose()


@pytest.mark.parametrize("url", ["mysql+pymysql://", "mariadb+pymysql://"])
def test_the_mariadb_stance_seek_names_its_index(url: str) -> None:
    """Whatever the statistics say, MariaDB (either dialect) must seek the
    stance index."""
    import datetime as dt

    from sqlalchemy import create_mock_engine, select

    from tracker.core import positions
    from tracker.db.schema import STANCE_INDEX_NAME

    dialect = create_mock_engine(url, lambda *a, **k: None).dialect
    pairs = positions._pairs(None, None)
    columns, _ = positions._stance_at(pairs, dt.date(2025, 1, 1), None, False, "at0")
    sql = str(select(*columns).compile(dialect=dialect))
    assert f"FORCE INDEX ({STANCE_INDEX_NAME})" in sql


_TEXTS = st.one_of(
    st.sampled_from(["", " ", "\t", "'", "'=x", "''-1", "'\t", "=SUM(A1)", "a\x00b", "\ud800"]),
    st.sampled_from(["x" * TEXT_LIMIT, "y" * (TEXT_LIMIT + 1)]),
    st.text(alphabet="ab '=+-@\t\r\n\x00é", max_size=6),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    party=st.sampled_from(["ukraine", "Kyiv", " ukraine", "'ukraine", "", "  ", "nobody"]),
    issue=st.sampled_from(["donbas", "DONBAS", "'donbas", "", "elsewhere"]),
    stance=st.sampled_from(["open", "red-line", "maybe", "", " "]),
    day=st.sampled_from(["2025-11-30", "2025-13-01", "", "1800-01-01"]),
    basis=st.sampled_from(["", "stated", "Reported", "rumour"]),
    texts=st.tuples(_TEXTS, _TEXTS, _TEXTS, _TEXTS, _TEXTS),
    create=st.booleans(),
    unescape=st.booleans(),
)
def test_the_fast_and_the_general_csv_paths_agree(
    parser_db: Database,
    party: str,
    issue: str,
    stance: str,
    day: str,
    basis: str,
    texts: tuple[str, str, str, str, str],
    create: bool,
    unescape: bool,
) -> None:
    """The inlined path for plain CSV rows accepts and refuses exactly what the
    general one does, with the same row or the same column named."""
    summary, quote, speaker, source, conditions = texts
    values: tuple[str, ...] = (
        party, issue, stance, day, summary, quote, speaker, source, basis, conditions,
    )  # fmt: skip
    values += ("",) * (len(COLUMNS) - len(values))  # recorded_at ... negated: blank
    outcomes = []
    for way in ("fast", "general"):
        with parser_db.session(write=True, commit=False) as session:
            names = Names(session, create, ImportResult())
            parser = Parser(session, names, from_csv=True, unescape=unescape)
            try:
                if way == "fast":
                    got: object = parser._plain_csv_row(values)
                else:
                    got = parser._row(values, parser.text)
                if isinstance(got, tuple):  # but for the time the parser was made
                    got = got[:10] + got[11:]
                outcome: object = ("row", got, dict(names.parties.missing))
            except RowError as err:
                outcome = ("refused", err.column, err.why)
            except TrackerError as err:  # a name --create-missing cannot add, say
                outcome = ("failed", type(err).__name__, str(err))
        outcomes.append(outcome)
    assert outcomes[0] == outcomes[1]


@pytest.fixture(scope="module")
def parser_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A database with one party (alias Kyiv) and one issue, for the parser."""
    from tracker.core import catalog

    database = Database(resolve_url(str(tmp_path_factory.mktemp("parser") / "parser.db")))
    database.ensure_current()
    with database.session(write=True) as session:
        catalog.add_party(session, "ukraine", "Ukraine", None, ["Kyiv"], None)
        catalog.add_issue(session, "donbas", "Donbas", None, None)
    yield database
    database.dispose()
