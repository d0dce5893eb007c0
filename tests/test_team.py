"""A shared team database, on every backend, with real processes: writers at
the same time lose nothing, a slug taken twice at once gives one clean
refusal, readers never see half an import, an import killed with SIGKILL
leaves the database as it was, a read-only login can run every read command,
and `db backup` copies a database while others write to it.

No assertion here depends on timing: the tests wait for what they need to
see (a writer inside its transaction, rows written) with generous timeouts,
and otherwise only compare counts and contents.
"""

from __future__ import annotations

import contextlib
import json
import signal
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from helpers import (
    TIMEOUT,
    Tracker,
    count,
    engine_for,
    reader_login,
    setup_pair,
    start,
    wait_for,
)
from tracker.db import Database, resolve_url

HEADER = "party,issue,stance,stated_on,summary"
pytestmark = pytest.mark.slow


def empty_wal(db: str, backend: str) -> None:
    """SQLite: checkpoint and truncate the WAL, so that a writer's uncommitted
    pages show as a growing WAL file."""
    if backend == "sqlite":
        with contextlib.closing(sqlite3.connect(db, isolation_level=None)) as conn:
            assert conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0


def writer_in_transaction(db: str, backend: str) -> bool:
    """Whether another connection is inside a transaction that has written
    rows it has not committed. SQLite: it holds the write lock and has spilled
    more than a MiB of pages into the WAL since `empty_wal`."""
    with engine_for(db) as engine, engine.connect() as conn:
        if backend == "postgresql":
            query = (
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
            )
        elif backend == "mysql":
            # innodb_trx is refreshed lazily; the process list shows an INSERT as it runs.
            # Both only for this test's database: another run may share the server.
            query = (
                "SELECT (SELECT count(*) FROM information_schema.innodb_trx t"
                "  JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id"
                "  WHERE t.trx_rows_modified > 0 AND p.db = DATABASE()"
                "  AND p.id <> CONNECTION_ID())"
                " + (SELECT count(*) FROM information_schema.processlist"
                "  WHERE db = DATABASE() AND id <> CONNECTION_ID()"
                "  AND info LIKE 'INSERT INTO statement%')"
            )
        else:
            wal = Path(f"{db}-wal")
            return _sqlite_write_locked(db) and wal.exists() and wal.stat().st_size > 2**20
        return bool(conn.execute(text(query)).scalar_one())


def _sqlite_write_locked(path: str) -> bool:
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as err:
        assert "locked" in str(err), err
        return True
    finally:
        probe.close()  # rolls back the probe's empty transaction
    return False


def big_csv(tmp_path: Path, rows: int, tag: str) -> Path:
    """`rows` statements on ukraine/donbas; the last one rejects, on a later day."""
    path = tmp_path / f"big-{tag}.csv"
    lines = [HEADER]
    lines += [f"ukraine,donbas,open,2025-11-20,{tag} row {n} {'x' * 120}" for n in range(rows - 1)]
    lines.append(f"ukraine,donbas,rejects,2025-11-25,{tag} last row")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- many writers at once --------------------------------------------------

# A worker process runs tracker commands one after another, each a complete
# invocation (its own engine, connection and transaction), and prints one JSON
# line per command. It says "ready" and then waits for the go file, so that
# all workers start at the same moment.
WORKER = r"""
import contextlib, io, json, sys, time
from pathlib import Path

import tracker.cli.parties, tracker.cli.issues, tracker.cli.statements  # loaded before the start
from tracker.cli import cli

go, db, jobs = Path(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
print("ready", flush=True)
while not go.exists():
    time.sleep(0.002)
for args in jobs:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            cli.main(["--db", db, *args], prog_name="tracker")
            code = 0
        except SystemExit as exit:
            code = exit.code
    result = {"args": args, "code": code, "stdout": out.getvalue(), "stderr": err.getvalue()}
    print(json.dumps(result), flush=True)
"""


def run_workers(
    db: str, tmp_path: Path, jobs: Sequence[Sequence[list[str]]]
) -> list[list[dict[str, Any]]]:
    """Runs each list of jobs in its own process, all started together."""
    go = tmp_path / f"go-{uuid.uuid4().hex}"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(go), db, json.dumps(list(job_list))],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for job_list in jobs
    ]
    for proc in procs:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "ready\n"
    go.touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=TIMEOUT)
        assert proc.returncode == 0 and "Error" not in err and "Traceback" not in err, err
        results.append([json.loads(line) for line in out.splitlines()])
    return results


def test_parallel_adds_lose_nothing(tracker: Tracker, db: str, tmp_path: Path) -> None:
    """4 processes x 25 `tracker add` on one database at once: all succeed,
    and all 100 statements are there, each once."""
    setup_pair(tracker)
    stances = ("rejects", "opposes", "open", "supports", "demands")
    jobs = [
        [
            ["add", "ukraine", "donbas", stances[n % 5], "-s", f"worker {w} statement {n}",
             "--date", "2025-11-30"]
            for n in range(25)
        ]
        for w in range(4)
    ]  # fmt: skip
    for results in run_workers(db, tmp_path, jobs):
        assert [r["code"] for r in results] == [0] * 25, results
        assert all(r["stderr"] == "" for r in results)
    assert count(db) == 100
    log = json.loads(tracker("log", "--limit", "0", "--format", "json").stdout)
    summaries = sorted(s["summary"] for s in log)
    assert summaries == sorted(f"worker {w} statement {n}" for w in range(4) for n in range(25))
    assert len({s["id"] for s in log}) == 100


def test_same_slug_at_once_one_wins(tracker: Tracker, db: str, tmp_path: Path) -> None:
    """Two processes add the same parties (and the same alias under two
    slugs) at the same moment, round after round: each time one wins, the
    other gets the clear refusal, exit 1, no traceback."""
    rounds = 15
    jobs = [
        [
            job
            for k in range(rounds)
            for job in (
                ["party", "add", f"race-{k}", "--name", f"Race {k}"],
                ["party", "add", f"alias-{k}-{side}", "--name", f"Side {side} {k}",
                 "--alias", f"Shared {k}"],
            )
        ]
        for side in ("a", "b")
    ]  # fmt: skip
    first, second = run_workers(db, tmp_path, jobs)
    for one, other in zip(first, second, strict=True):
        assert sorted([one["code"], other["code"]]) == [0, 1], (one, other)
        loser = one if one["code"] else other
        message = loser["stderr"]
        assert message.count("\n") == 1 and "Traceback" not in message, message
        if loser["args"][2].startswith("race-"):
            assert message == f"Error: party '{loser['args'][2]}' already exists\n"
        else:
            shared = loser["args"][-1]
            assert (
                f"alias {shared!r} already names party" in message
                or f"({shared}) now names another party" in message
            ), message
    assert count(db, "party") == 2 * rounds


def test_merges_while_others_add_statements_for_the_merged(
    tracker: Tracker, db: str, tmp_path: Path
) -> None:
    """Two processes add statements for parties (and issues) that a third
    merges into others meanwhile, round after round: every command succeeds
    (an add that named FROM when the merge took it is run again, and finds
    INTO), and every statement is there, under INTO."""
    setup_pair(tracker)
    rounds = 8
    for k in range(rounds):
        tracker("party", "add", f"dup-{k}", "--name", f"Duplicate {k}")
        tracker("issue", "add", f"twin-{k}", "--title", f"Twin {k}")
    adds = [
        [
            ["add", f"dup-{k}" if side == "a" else "ukraine",
             f"twin-{k}" if side == "b" else "donbas", "open", "-s",
             f"{side} {k} {n}", "--date", "2025-11-30"]
            for k in range(rounds)
            for n in range(6)
        ]
        for side in ("a", "b")
    ]  # fmt: skip
    merges = [
        job
        for k in range(rounds)
        for job in (["party", "merge", f"dup-{k}", "ukraine"], ["issue", "merge", f"twin-{k}", "donbas", "--force"])
    ]  # fmt: skip
    for results in run_workers(db, tmp_path, [*adds, merges]):
        for r in results:
            assert r["code"] == 0 and r["stderr"] == "", r
    log = json.loads(tracker("log", "--limit", "0", "--format", "json").stdout)
    assert len(log) == 2 * rounds * 6
    assert {(s["party"], s["issue"]) for s in log} == {("ukraine", "donbas")}


def test_negated_merges_while_others_add_under_the_merged_name(
    tracker: Tracker, db: str, tmp_path: Path
) -> None:
    """Two processes log `demands` under issues that a third merges, negated,
    into one asking the opposite question, round after round: every add
    succeeds, and every statement ends under INTO as `rejects`, negated,
    whether it was logged before the merge (which negated it) or after,
    under the merged name (which negates it): never both signs."""
    setup_pair(tracker)
    rounds = 6
    tracker("issue", "add", "join", "--title", "Join", "--proposition", "Ukraine may join NATO")
    for k in range(rounds):
        tracker("issue", "add", f"barred-{k}", "--title", f"Barred {k}",
                "--proposition", f"Ukraine is barred from NATO ({k})")  # fmt: skip
    adds = [
        [
            ["add", "ukraine", f"barred-{k}", "demands", "-s", f"{side} {k} {n}",
             "--date", "2025-11-30"]
            for k in range(rounds)
            for n in range(6)
        ]
        for side in ("a", "b")
    ]  # fmt: skip
    merges = [["issue", "merge", f"barred-{k}", "join", "--negate"] for k in range(rounds)]
    for results in run_workers(db, tmp_path, [*adds, merges]):
        for r in results:
            assert r["code"] == 0 and "Error" not in r["stderr"], r
    log = json.loads(tracker("log", "--limit", "0", "--format", "json").stdout)
    assert len(log) == 2 * rounds * 6
    assert {(s["issue"], s["stance"], s["negated"]) for s in log} == {("join", "rejects", True)}


def test_same_catalog_imported_at_once_both_succeed(
    tracker: Tracker, db: str, tmp_path: Path
) -> None:
    """Two processes import the same new parties, issue and person at the
    same moment, round after round: the one that finds them taken half way
    runs again (a Conflict, not a bad file) and finds them made, so both
    succeed and each record is there once."""
    rounds = 8
    files = []
    for k in range(rounds):
        catalog = {
            "parties": [
                {"slug": f"jr-{k}-a", "name": f"JR {k} A", "aliases": [f"Jay {k}"]},
                {"slug": f"jr-{k}-b", "name": f"JR {k} B"},
            ],
            "issues": [{"slug": f"jr-{k}-i", "title": f"JR {k} I", "aliases": [f"Eye {k}"]}],
            "people": [
                {"name": f"Person {k}", "affiliations": [{"party": f"jr-{k}-a", "role": "envoy"}]}
            ],
            "statements": [],
        }
        path = tmp_path / f"catalog-{k}.json"
        path.write_text(json.dumps(catalog), encoding="utf-8")
        files.append(["import", str(path)])
    first, second = run_workers(db, tmp_path, [files, files])
    for one, other in zip(first, second, strict=True):
        assert (one["code"], other["code"]) == (0, 0), (one, other)
        assert one["stderr"] == other["stderr"] == "", (one, other)
    assert count(db, "party") == 2 * rounds
    assert count(db, "issue") == count(db, "person") == count(db, "affiliation") == rounds


# --- readers and a big import ------------------------------------------------


def _report(tracker: Tracker) -> list[tuple[str, str, str, str]]:
    cells = json.loads(tracker("report", "--format", "json").stdout)["cells"]
    return [(c["party"], c["issue"], c["stance"], c["stated_on"]) for c in cells]


def test_readers_never_see_half_an_import(
    tracker: Tracker, db: str, backend: str, tmp_path: Path
) -> None:
    setup_pair(tracker)
    tracker("add", "ukraine", "donbas", "supports", "-s", "before", "--date", "2025-11-01")
    before = _report(tracker)
    after = [("ukraine", "donbas", "rejects", "2025-11-25")]
    expected = 1
    rows = 30_000
    for attempt in range(6):  # an import too quick to be caught writing: a bigger one
        path = big_csv(tmp_path, rows, f"attempt-{attempt}")
        empty_wal(db, backend)
        proc = start(db, "import", str(path))
        polls_inside = 0
        while proc.poll() is None:
            inside = writer_in_transaction(db, backend)
            n = count(db)
            assert n in (expected, expected + rows), f"a reader saw {n} statements"
            report = _report(tracker)
            assert report in (before, after), report
            if inside and n == expected and report == before:
                polls_inside += 1
        out, err = proc.communicate()
        assert proc.returncode == 0, err
        assert out == f"Added {rows:,} statements.\n"
        expected += rows
        assert count(db) == expected
        if polls_inside:
            break
        before, rows = after, rows * 2
    else:
        pytest.fail("no read happened while an import was writing")


# --- SIGKILL ------------------------------------------------------------------


@pytest.mark.parametrize("start_empty", [False, True], ids=["statements", "empty"])
def test_import_killed_midway_changes_nothing(
    tracker: Tracker, db: str, backend: str, tmp_path: Path, start_empty: bool
) -> None:
    """`tracker import` of a big file, killed with SIGKILL while it writes:
    the database is exactly as before, and the next import works. Into an
    empty table on SQLite the import has dropped the statement indexes to
    build them at the end: they must be back too."""
    setup_pair(tracker)
    if not start_empty:
        tracker("add", "ukraine", "donbas", "opposes", "-s", "already here", "--date", "2025-11-01")
    rows = 30_000
    for attempt in range(6):  # an import that finished before we saw it: try a bigger one
        before = tracker("export").stdout
        path = big_csv(tmp_path, rows, f"attempt-{attempt}")
        empty_wal(db, backend)
        proc = start(db, "import", str(path))

        def started(proc: subprocess.Popen[str] = proc) -> bool:
            return proc.poll() is not None or writer_in_transaction(db, backend)

        wait_for(started, "the import to start writing")
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
            break
        out, err = proc.communicate()
        assert out == f"Added {rows:,} statements.\n", err
        if start_empty:  # empty again, for the next try: the guard lifted, as an admin would
            tracker("db", "downgrade", "0003", "--yes")
            database = Database(resolve_url(db))
            with database.engine.begin() as conn:
                conn.execute(text("DELETE FROM statement"))
            database.dispose()
            tracker("db", "upgrade")
        rows *= 2
    else:
        pytest.fail("every import finished before it could be seen writing")
    assert proc.returncode == -signal.SIGKILL
    wait_for(lambda: not writer_in_transaction(db, backend), "the server to drop the transaction")
    assert tracker("export").stdout == before
    if backend == "sqlite":
        with contextlib.closing(sqlite3.connect(db)) as sqlite_conn:
            assert sqlite_conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            indexes = {
                name
                for (name,) in sqlite_conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'statement'"
                )
            }
        assert {"ix_statement_stance", "ix_statement_fingerprint"} <= indexes
    # Still usable: the same import, run to its end, adds every row.
    statements = count(db)
    assert tracker("import", str(path)).stdout == f"Added {rows:,} statements.\n"
    assert count(db) == statements + rows


# --- a read-only login --------------------------------------------------------


READ_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("report",),
    ("report", "--format", "csv"),
    ("diff", "2025-11-20", "2025-12-01"),
    ("history", "ukraine", "donbas"),
    ("log",),
    ("show", "1"),
    ("party", "list"),
    ("issue", "list"),
    ("export",),
    ("export", "--format", "csv"),
    ("db", "current"),
    ("db", "path"),
    # The first search after the seed's import indexes it (with the rights of
    # the function's owner on PostgreSQL).
    ("search", "sanctions"),
    ("outlook",),
    ("align",),
    ("person", "list"),
)


def test_read_only_login_reads_and_is_refused_writes(
    seeded: Tracker, db: str, backend: str, tmp_path: Path
) -> None:
    if backend == "sqlite":
        pytest.skip("logins and roles are a server's")
    with reader_login(db, backend) as url:
        reader = Tracker(url)
        for args in READ_COMMANDS:
            reader(*args)
        found = reader("search", "sanctions", "-f", "json").stdout
        assert (
            found.count('"id"') == 2 and found == seeded("search", "sanctions", "-f", "json").stdout
        )
        assert json.loads(reader("export").stdout) == json.loads(seeded("export").stdout)
        reader("db", "backup", str(tmp_path / "backup.json"))
        for args in (
            ("add", "ukraine", "donbas", "open", "-s", "x", "--date", "2025-11-30"),
            ("party", "add", "osce", "--name", "OSCE"),
            ("retract", "1", "--reason", "x"),
        ):
            message = reader.fails(*args)
            assert message.startswith("Error: database ") and message.count("\n") == 1
            assert "refused the request" in message and "denied" in message, message
    assert count(db) == 24


def test_a_search_that_cannot_index_still_searches(seeded: Tracker, db: str, backend: str) -> None:
    """A login that may not run the index's routines (MariaDB before the
    EXECUTE grant of docs/teams.md; on PostgreSQL, with EXECUTE revoked)
    searches what is indexed, with a warning, and leaves the rest to the
    next search that can index it."""
    if backend == "sqlite":
        pytest.skip("logins and roles are a server's")
    with reader_login(db, backend, execute=False) as url:
        done = Tracker(url)("search", "sanctions", "-f", "json")
    assert done.stderr.startswith("Indexing the statements added since the last search")
    assert "Warning: could not index them now (" in done.stderr, done.stderr
    assert done.stderr.count("\n") == 2, done.stderr
    assert json.loads(done.stdout)  # the statements on the issue named
    found = seeded("search", "sanctions", "-f", "json")
    assert found.stderr.startswith("Indexing") and json.loads(found.stdout)
    assert seeded("search", "sanctions").stderr == ""


# --- backups --------------------------------------------------------------------


def test_backup_while_another_process_writes(
    tracker: Tracker, db: str, backend: str, tmp_path: Path
) -> None:
    setup_pair(tracker)
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\nfrom pathlib import Path\nfrom tracker.cli import cli\n"
            "n = 0\nwhile not Path(sys.argv[2]).exists():\n"
            "    n += 1\n"
            "    try:\n"
            "        cli.main(['--db', sys.argv[1], 'add', 'ukraine', 'donbas', 'open',"
            " '-s', f'write {n}', '--date', '2025-11-30'])\n"
            "    except SystemExit as exit:\n"
            "        assert exit.code == 0, exit.code\n",
            db,
            str(stop),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    # SQLite: one more connection stays open, as another analyst's would, so
    # that closing the last connection never folds the WAL back into the file:
    # a copy that read the file alone would miss what the WAL holds.
    keeper = sqlite3.connect(db) if backend == "sqlite" else None
    try:
        if keeper is not None:
            keeper.execute("SELECT count(*) FROM statement").fetchone()
        wait_for(lambda: count(db) >= 5, "the writer to get going")
        counts = []
        for n in range(3):
            copy = tmp_path / f"backup-{n}"
            committed = count(db)  # a backup holds at least what was committed before it
            out = tracker("db", "backup", str(copy)).stdout
            assert out.startswith("Backed up ")
            if backend == "sqlite":  # a copy of the file: a database of its own
                with contextlib.closing(sqlite3.connect(copy)) as conn:
                    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                log = Tracker(str(copy))("log", "-n", "0", "--format", "json").stdout
                counts.append(len(json.loads(log)))
            else:  # the JSON export of one snapshot
                counts.append(len(json.loads(copy.read_text(encoding="utf-8"))["statements"]))
            assert f"({counts[-1]} statements, schema " in out
            assert committed <= counts[-1] <= count(db)
    finally:
        stop.touch()
        _, err = writer.communicate(timeout=TIMEOUT)
        if keeper is not None:
            keeper.close()
    assert writer.returncode == 0, err
    assert counts == sorted(counts) and counts[-1] <= count(db)


def test_backup_restores_to_the_same_export(seeded: Tracker, backend: str, tmp_path: Path) -> None:
    seeded("retract", "3", "--reason", "wrong issue")
    target = tmp_path / "backup.out"
    out = seeded("db", "backup", str(target)).stdout
    assert "(24 statements, schema " in out
    if backend == "sqlite":
        restored = Tracker(str(target))
    else:
        assert "as JSON" in out and "tracker import" in out
        restored = Tracker(str(tmp_path / "restored.db"))
        restored("import", str(target))
    assert restored("export").stdout == seeded("export").stdout


def test_backup_refusals(seeded: Tracker, backend: str, tmp_path: Path) -> None:
    target = tmp_path / "backup.out"
    seeded("db", "backup", str(target))
    message = seeded.fails("db", "backup", str(target))
    assert f"{target} exists: choose another file, or replace it with --force" in message
    seeded("db", "backup", str(target), "--force")
    assert "is a folder" in seeded.fails("db", "backup", str(tmp_path))
    missing = tmp_path / "nowhere" / "b.db"
    assert f"folder {missing.parent} does not exist" in seeded.fails("db", "backup", str(missing))
    if backend == "sqlite":
        message = seeded.fails("db", "backup", seeded.db, "--force")
        assert "is the database itself" in message
        nothing = tmp_path / "never-made.db"
        message = Tracker(str(nothing)).fails("db", "backup", str(tmp_path / "x.db"))
        assert "there is nothing to back up" in message and not nothing.exists()
    assert not list(tmp_path.glob(".*.partial"))
