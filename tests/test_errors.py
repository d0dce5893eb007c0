"""Every error a user can cause: one line on stderr, the right exit code, no
traceback, and nothing changed in the database."""

from __future__ import annotations

import contextlib
import json
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from helpers import Tracker, close_database, one_line, setup_pair, statement_count, unprivileged

HEADER = "party,issue,stance,stated_on,summary"

# --- exit 2: the command line is wrong ----------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("add", "ukraine", "donbas", "maybe", "-s", "x"), "unknown stance 'maybe'"),
        (
            ("add", "ukraine", "donbas", "open", "-s", "x", "--date", "30/11/2025"),
            "bad date '30/11/2025': use YYYY-MM-DD",
        ),
        (
            ("add", "ukraine", "donbas", "open", "-s", "x", "--date", "2025-02-30"),
            "bad date '2025-02-30'",
        ),
        (
            ("add", "ukraine", "donbas", "open", "-s", "x", "--date", "1899-12-31"),
            "date 1899-12-31 is before 1900-01-01",
        ),
        (
            ("add", "ukraine", "donbas", "open", "-s", "x", "--date", "2999-01-01"),
            "more than a week in the future",
        ),
        (("add", "ukraine", "donbas", "open"), "Missing option '--summary'"),
        (
            ("add", "ukraine", "donbas", "open", "-s", "x", "--basis", "rumour"),
            "'rumour' is not one of 'stated', 'reported', 'inferred'",
        ),
        (("report", "--as-of", "soon"), "bad date 'soon'"),
        (("report", "--known-at", "2025-13-01"), "bad date-time '2025-13-01'"),
        (("report", "--tablefmt", "fancy"), "unknown table style 'fancy'"),
        (("diff", "2025-12-02", "2025-11-20"), "TO (2025-11-20) is before FROM (2025-12-02)"),
        (("party", "add", "Bad Slug", "--name", "x"), "bad slug 'Bad Slug'"),
        (("issue", "add", "x--y", "--title", "x"), "bad slug 'x--y'"),
        (("show", "abc"), "'abc' is not a valid integer"),
        (("log", "--format", "xml"), "'xml' is not one of"),
        (("nonsense",), "No such command 'nonsense'"),
        (
            ("add", "ukraine", "donbas", "open", "-s", "x", "--tablefmt", "grid"),
            "No such option '--tablefmt'",
        ),
        (("log", "--tablefmt", "bogus"), "unknown table style 'bogus'"),
        (
            ("log", "--since", "2025-12-01", "--until", "2025-11-01"),
            "Invalid value for '--until': 2025-11-01 is before --since 2025-12-01",
        ),
        (
            ("report", "--known-at", "9999-12-31T23:59:59-05:00"),
            "date-time '9999-12-31T23:59:59-05:00' is out of range",
        ),
        (("show", "99999999999999999999"), "99999999999999999999 is not in the range"),
        (("retract", "99999999999999999999", "-r", "x"), "99999999999999999999 is not in the"),
        (("log", "-n", "99999999999999999999"), "99999999999999999999 is not in the range"),
        (("export", "-o", ""), "must name a file"),
    ],
)
def test_bad_command_lines_exit_2(tracker: Tracker, args: tuple[str, ...], expected: str) -> None:
    setup_pair(tracker)
    message = tracker.fails(*args, code=2)
    assert expected in message
    assert statement_count(tracker) == 0


# --- exit 1: the request cannot be carried out --------------------------------


def test_unknown_names_suggest_the_closest(tracker: Tracker) -> None:
    setup_pair(tracker)
    tracker("party", "add", "russia", "--name", "Russia", "--alias", "Moscow")
    message = one_line(tracker.fails("add", "ukrain", "donbas", "open", "-s", "x"))
    assert "unknown party 'ukrain'; did you mean ukraine?" in message
    message = one_line(tracker.fails("add", "moskow", "donbas", "open", "-s", "x"))
    assert "did you mean russia?" in message
    message = one_line(tracker.fails("add", "ukraine", "donbass", "open", "-s", "x"))
    assert "unknown issue 'donbass'; did you mean donbas?" in message
    message = one_line(tracker.fails("history", "ukraine", "zzz"))
    assert "unknown issue 'zzz'" in message and "tracker issue list" in message
    message = one_line(tracker.fails("report", "--party", "atlantis"))
    assert "unknown party 'atlantis'" in message
    assert statement_count(tracker) == 0


def test_duplicates_are_refused(tracker: Tracker) -> None:
    setup_pair(tracker)
    assert "party 'ukraine' already exists" in one_line(
        tracker.fails("party", "add", "ukraine", "--name", "Again")
    )
    assert "alias 'KYIV' already names party 'ukraine'" in one_line(
        tracker.fails("party", "add", "kyiv-city", "--name", "City", "--alias", "KYIV")
    )
    assert "slug 'kyiv' is already a name of party 'ukraine'" in one_line(
        tracker.fails("party", "add", "kyiv", "--name", "City")
    )
    assert "name 'Ukraine' already names party 'ukraine'" in one_line(
        tracker.fails("party", "add", "ukraine-gov", "--name", "Ukraine")
    )
    assert "name 'Kyiv' already names party 'ukraine'" in one_line(
        tracker.fails("party", "add", "ua-gov", "--name", "Kyiv")
    )
    assert "issue 'donbas' already exists" in one_line(
        tracker.fails("issue", "add", "donbas", "--title", "Again")
    )
    parties = json.loads(tracker("party", "list", "--format", "json").stdout)
    assert [p["slug"] for p in parties] == ["ukraine"]


def test_retract_errors(tracker: Tracker) -> None:
    setup_pair(tracker)
    tracker("add", "ukraine", "donbas", "open", "-s", "x", "--date", "2025-11-01")
    tracker("retract", "1", "--reason", "wrong")
    message = one_line(tracker.fails("retract", "1", "--reason", "again"))
    assert "statement #1 was already retracted" in message and "(wrong)" in message
    assert "no statement #99" in one_line(tracker.fails("retract", "99", "--reason", "x"))
    assert "no statement #99" in one_line(tracker.fails("show", "99"))
    assert (
        json.loads(tracker("show", "1", "--format", "json").stdout)["retraction_reason"] == "wrong"
    )


def test_empty_text_is_a_bad_command_line(tracker: Tracker) -> None:
    setup_pair(tracker)
    message = tracker.fails("add", "ukraine", "donbas", "open", "-s", "   ", code=2)
    assert "Invalid value for '--summary' / '-s': must not be empty" in message
    tracker("add", "ukraine", "donbas", "open", "-s", "x", "--date", "2025-11-01")
    message = tracker.fails("retract", "1", "--reason", "", code=2)
    assert "Invalid value for '--reason' / '-r': must not be empty" in message
    assert statement_count(tracker) == 1


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("postgresql://analyst:s3cret-pw@127.0.0.1:1/tracker", "psycopg"),
        ("mysql://analyst:s3cret-pw@127.0.0.1:1/tracker", "pymysql"),
    ],
)
def test_unreachable_server_names_host_never_password(url: str, driver: str) -> None:
    pytest.importorskip(driver, reason=f"{driver} is not installed (the postgres/mysql extra)")
    message = one_line(Tracker(url).fails("party", "list"))
    assert "s3cret-pw" not in message
    assert "127.0.0.1" in message and "cannot use database" in message


def test_bad_url(tmp_path: Path) -> None:
    message = one_line(Tracker("nosuchdriver://x:pw@host/db").fails("party", "list"))
    assert "pw" not in message.replace("nosuchdriver", "")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://h:notaport/x", "bad database URL 'postgresql://h:notaport/x': the port"),
        ("mysql://u:pw@127.0.0.1:1/x?charset=bogus", "unknown charset 'bogus' in database URL"),
    ],
)
def test_bad_url_parts(url: str, expected: str) -> None:
    if url.startswith("mysql"):  # the charset is PyMySQL's to refuse
        pytest.importorskip("pymysql", reason="pymysql is not installed (the mysql extra)")
    message = one_line(Tracker(url).fails("party", "list"))
    assert expected in message and ":pw@" not in message


def test_largest_ids_and_limits_reach_the_database(tracker: Tracker) -> None:
    """The largest id and limit the command line takes are ones every backend takes."""
    setup_pair(tracker)
    assert "no statement" in tracker.fails("show", str(2**31 - 1))
    assert "no statement" in tracker.fails("retract", str(2**31 - 1), "-r", "x")
    tracker("log", "-n", str(2**63 - 2))


def test_downgrade_refuses_what_is_not_its_own(tmp_path: Path) -> None:
    """db downgrade on someone else's SQLite file, an empty one, or one from a
    newer tracker: one line, exit 1, and the file is untouched."""
    import sqlite3

    foreign = tmp_path / "theirs.db"
    with contextlib.closing(sqlite3.connect(foreign)) as conn:
        conn.execute("CREATE TABLE notes (text)")
        conn.commit()
    before = foreign.read_bytes()
    for args in (("db", "downgrade", "base", "--yes"), ("log",), ("db", "upgrade")):
        message = one_line(Tracker(str(foreign)).fails(*args))
        assert "is not a tracker database" in message
    assert foreign.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["theirs.db"]
    empty = tmp_path / "empty.db"
    assert "is empty: there is nothing to downgrade" in one_line(
        Tracker(str(empty)).fails("db", "downgrade", "0001", "--yes")
    )
    newer = tmp_path / "newer.db"
    Tracker(str(newer))("party", "list")
    with contextlib.closing(sqlite3.connect(newer)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
        conn.commit()
    message = one_line(Tracker(str(newer)).fails("db", "downgrade", "0001", "--yes"))
    assert "at schema revision 0099, which this tracker does not know" in message


def test_missing_folder(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "t.db"
    message = one_line(Tracker(str(missing)).fails("party", "list"))
    assert f"folder {missing.parent} does not exist" in message


def test_not_a_database_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 100)
    message = one_line(Tracker(str(path)).fails("party", "list"))
    assert "file is not a database" in message
    assert path.read_text().startswith("these are my notes")


def test_read_only_file(tmp_path_factory: pytest.TempPathFactory) -> None:
    """As root (CI), the command runs as `nobody`, to whom a file can be read-only."""
    import tempfile

    # A folder `nobody` can reach (pytest's own are root's alone) but not write.
    folder = Path(tempfile.mkdtemp(prefix="tracker-ro-"))
    try:
        folder.chmod(0o755)
        path = folder / "ro.db"
        Tracker(str(path))("party", "add", "x", "--name", "X")
        close_database(str(path))
        path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        with unprivileged():
            message = one_line(Tracker(str(path)).fails("party", "add", "y", "--name", "Y"))
        assert "readonly" in message or "read-only" in message
        close_database(str(path))
        assert Tracker(str(path))("party", "list", "--format", "json").stdout.count('"slug"') == 1
    finally:
        shutil.rmtree(folder)


def test_internal_errors_are_one_line(tracker: Tracker, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr("tracker.core.catalog.list_parties", boom)
    message = one_line(tracker.fails("party", "list"))
    assert "internal error: RuntimeError: kaboom" in message


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://postgres@127.0.0.1:1/x?password=s3cr3t-pw",
        "postgresql://postgres:s3cr3t-pw@127.0.0.1:1/x",
        "postgresql://postgres:s3cr3t@pw@127.0.0.1:1/x",
        "mysql://root:s3cr3t-pw@127.0.0.1:1/x",
    ],
)
def test_a_password_is_never_shown(url: str, tmp_path: Path) -> None:
    """Not in the password's place, not in the query, not when an unencoded
    '@' splits it, not by `db path`."""
    for args in (("party", "list"), ("db", "path")):
        result = Tracker(url)(*args, ok=False)
        shown = result.stdout + result.stderr
        assert "s3cr3t" not in shown and "pw@" not in shown, shown
        assert "Traceback" not in shown


def test_a_short_password_is_masked_where_it_stands_alone() -> None:
    """Masked inside words, a one-letter password would blank half of every
    message; alone, it is masked as any other."""
    from sqlalchemy import make_url

    from tracker.db.failures import scrub

    url = make_url("postgresql://u:t@h/x")
    assert scrub("permission denied for table party_alias", url) == (
        "permission denied for table party_alias"
    )
    assert scrub("password t was refused", url) == "password *** was refused"
    long = make_url("postgresql://u:hunter22@h/x")
    assert scrub("xxhunter22yy", long) == "xx***yy"


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_output_never_overwrites_the_database(sqlite_db: str, tmp_path: Path, suffix: str) -> None:
    """`-o` naming the database file, its -wal or -shm (or a link to one) is
    refused, for every command that writes a file; the database is intact."""
    tracker = Tracker(sqlite_db)
    tracker("party", "add", "x", "--name", "X")
    before = tracker("export").stdout
    target = f"{sqlite_db}{suffix}"
    link = tmp_path / "link"
    link.symlink_to(target)
    for name in (target, str(link)):
        for args in (
            ("report", "--format", "html", "-o", name),
            ("diff", "2025-11-01", "2025-12-01", "-o", name),
            ("export", "-o", name),
            ("export", "--format", "csv", "-o", name),
        ):
            message = one_line(tracker.fails(*args))
            assert f"{name} is the " in message and "write to another file" in message, message
    assert tracker("export").stdout == before
    assert tracker.fails("db", "backup", target, "--force").count("\n") == 1
    assert tracker("export").stdout == before


def test_output_must_name_a_file(tracker: Tracker) -> None:
    message = tracker.fails("export", "-o", "", code=2)
    assert "Invalid value for '--output' / '-o': must name a file" in message


# --- a transaction the server aborts: run again, a bounded number of times ------------


def _abort_first(
    monkeypatch: pytest.MonkeyPatch, backend: str, db: str, failures: int
) -> list[int]:
    """The server aborts the first `failures` write transactions as a
    deadlock (a real error of the real server, raised on purpose): SIGNAL
    on MariaDB, RAISE on PostgreSQL; on SQLite another connection holds the
    write lock past a short busy timeout. Returns the count of sessions."""
    import sqlite3

    from tracker.cli import TrackerGroup
    from tracker.db import Database, engine

    opened: list[int] = []
    session = Database.session
    monkeypatch.setattr(engine, "SQLITE_BUSY_TIMEOUT_S", 0.02)
    close_database(db)  # the next command connects anew, with that timeout

    @contextlib.contextmanager
    def aborting(self: Database, *, write: bool = False, commit: bool = True) -> Any:
        opened.append(1)
        fail = write and len(opened) <= failures
        blocker = (
            sqlite3.connect(db, isolation_level=None) if fail and backend == "sqlite" else None
        )
        if blocker is not None:
            blocker.execute("BEGIN IMMEDIATE")
        try:
            with session(self, write=write, commit=commit) as s:
                if fail and backend == "postgresql":
                    s.execute(
                        text(
                            "DO $$ BEGIN RAISE EXCEPTION 'deadlock detected' USING ERRCODE = '40P01'; END $$"
                        )
                    )
                elif fail and backend == "mysql":
                    s.execute(
                        text(
                            "SIGNAL SQLSTATE '40001' SET MYSQL_ERRNO = 1213, MESSAGE_TEXT = 'Deadlock found when trying to get lock'"
                        )
                    )
                yield s
        finally:
            if blocker is not None:
                blocker.close()

    monkeypatch.setattr(Database, "session", aborting)
    monkeypatch.setattr(TrackerGroup, "PAUSE", (0.0, 0.0))  # the pauses are not what is tested
    return opened


def test_an_aborted_transaction_is_run_again(
    tracker: Tracker, db: str, backend: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Aborted twice as a deadlock (or a busy database), the third try passes:
    one statement added, once. Aborted every time: one clear line after three
    tries, exit 1, nothing written."""
    setup_pair(tracker)
    opened = _abort_first(monkeypatch, backend, db, failures=2)
    out = tracker("add", "ukraine", "donbas", "open", "-s", "third time", "--date", "2025-11-30")
    assert out.stdout.startswith("Added statement #1 ") and len(opened) == 3
    assert statement_count(tracker) == 1
    monkeypatch.undo()
    opened = _abort_first(monkeypatch, backend, db, failures=99)
    message = one_line(tracker.fails("add", "ukraine", "donbas", "open", "-s", "never"))
    assert "aborted the transaction 3 times to let others go on" in message, message
    assert "nothing was changed: run the command again" in message
    csv_file = tmp_path / "one.csv"
    csv_file.write_text(f"{HEADER}\nukraine,donbas,open,2025-11-30,x\n", encoding="utf-8")
    tries = len(opened)
    tracker("import", str(csv_file), ok=False)
    assert len(opened) == tries + 3  # a file is read again
    piped = tracker("import", "-", input=csv_file.read_text("utf-8"), ok=False)
    assert piped.exit_code == 1 and len(opened) == tries + 4  # a pipe is not
    assert "read from a pipe, so it was not retried" in one_line(piped.stderr)
    monkeypatch.undo()
    assert statement_count(tracker) == 1
