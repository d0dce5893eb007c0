"""A statement moves to another party or issue only in a real merge: on
PostgreSQL, MySQL and MariaDB only inside the database's own merge_record,
whoever asks, with whatever grants (docs/teams.md, "What the guard holds,
and for whom"); a writer merges through it, a reader not at all."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy import exc as sa_exc

from helpers import Tracker, reader_login, writer_login
from tracker.db import resolve_url


def _engine(url: str) -> Engine:
    return create_engine(resolve_url(url), isolation_level="AUTOCOMMIT")


def _export(tracker: Tracker) -> str:
    return tracker("export").stdout


def _refused(engine: Engine, sql: str, words: tuple[str, ...]) -> None:
    with engine.connect() as conn, pytest.raises(sa_exc.DBAPIError) as caught:
        conn.execute(text(sql))
    assert any(w in str(caught.value.orig) for w in words), caught.value.orig


# A move of one statement with no merge: FROM marked merged for a moment, the
# statement re-pointed, FROM unmarked, in one transaction (issue 1 to 2, or
# party); and an issue marked negating, for a stance turned around.
FORGED_MOVES = {
    "party": (
        "UPDATE party SET merged_into = {to} WHERE id = {of}",
        "UPDATE statement SET party_id = {to} WHERE id = {statement}",
        "UPDATE party SET merged_into = NULL WHERE id = {of}",
    ),
    "issue": (
        "UPDATE issue SET merged_into = {to}, merge_negates = TRUE WHERE id = {of}",
        "UPDATE statement SET issue_id = {to}, score = -score, negated = NOT negated "
        "WHERE id = {statement}",
        "UPDATE issue SET merged_into = NULL, merge_negates = NULL WHERE id = {of}",
    ),
}


def _forged_move(url: str, kind: str) -> str:
    """Tries a forged move of statement 1 in one transaction; the refusal."""
    engine = create_engine(resolve_url(url))
    try:
        with engine.connect() as conn:
            found = conn.execute(text(f"SELECT {kind}_id FROM statement WHERE id = 1")).scalar()
            other = conn.execute(
                text(f"SELECT min(id) FROM {kind} WHERE id <> :of"), {"of": found}
            ).scalar()
            conn.rollback()
            with pytest.raises(sa_exc.DBAPIError) as caught, conn.begin():
                for sql in FORGED_MOVES[kind]:
                    conn.execute(text(sql.format(to=other, of=found, statement=1)))
            return str(caught.value.orig)
    finally:
        engine.dispose()


def test_a_writer_moves_a_statement_only_by_a_merge(seeded: Tracker, db: str, backend: str) -> None:
    """A writer (docs/teams.md) cannot move one statement to another party or
    issue by marking its own merged for a moment: the database refuses the
    transaction; a real merge still moves them all."""
    if backend == "sqlite":
        pytest.skip("logins and roles are a server's")
    before = _export(seeded)
    with writer_login(db, backend) as url:
        for kind in ("party", "issue"):
            message = _forged_move(url, kind)
            assert any(w in message for w in ("merge", "denied")), message
        assert _export(seeded) == before
        writer = Tracker(url)
        writer("issue", "add", "opposite", "--title", "Opposite", "--proposition", "No")
        writer("add", "russia", "opposite", "demands", "-s", "x", "--date", "2025-11-30")
        writer("issue", "merge", "opposite", "donbas", "--negate")
        said = _json_log(writer, "russia", "donbas")[0]
        assert (said["summary"], said["stance"], said["negated"]) == ("x", "rejects", True)
        writer("party", "add", "dup", "--name", "Duplicate")
        writer("add", "dup", "sanctions", "open", "-s", "y", "--date", "2025-11-30")
        writer("party", "merge", "dup", "russia")
        assert _json_log(writer, "russia", "sanctions")[0]["summary"] == "y"


def test_a_reader_merges_nothing(seeded: Tracker, db: str, backend: str) -> None:
    """MariaDB and MySQL: a reader (docs/teams.md) may run the search index's
    procedures, not `merge_record`, which moves statements with its owner's
    rights; and a reader's search still indexes."""
    if backend != "mysql":
        pytest.skip("merge_record is MariaDB's and MySQL's")
    before = _export(seeded)
    with reader_login(db, backend) as url:
        engine = _engine(url)
        try:
            _refused(engine, "CALL merge_record('party', 1, 2, FALSE)", ("denied",))
        finally:
            engine.dispose()
        assert Tracker(url)("search", "sanctions", "-f", "json").stdout.startswith("[")
    assert _export(seeded) == before


def _json_log(tracker: Tracker, party: str, issue: str) -> list[dict[str, object]]:

    found: list[dict[str, object]] = json.loads(
        tracker("log", "-p", party, "-i", issue, "-f", "json").stdout
    )
    return found


def _ids(db: str, kind: str, *slugs: str) -> list[int]:
    engine = _engine(db)
    try:
        with engine.connect() as conn:
            return [
                conn.execute(text(f"SELECT id FROM {kind} WHERE slug = :s"), {"s": s}).scalar_one()
                for s in slugs
            ]
    finally:
        engine.dispose()


def _in_one_transaction(url: str, statements: list[str]) -> str:
    """Runs `statements` in one transaction, which must be refused: the refusal."""
    engine = create_engine(resolve_url(url))
    try:
        with engine.connect() as conn, pytest.raises(sa_exc.DBAPIError) as caught, conn.begin():
            for sql in statements:
                conn.execute(text(sql))
        return str(caught.value.orig)
    finally:
        engine.dispose()


def test_statements_move_only_inside_merge_record(seeded: Tracker, db: str, backend: str) -> None:
    """PostgreSQL, MariaDB: a merge made by hand, whole and in one transaction
    (FROM marked, every statement of it moved, FROM deleted), is refused even
    to the owner: a statement moves only inside merge_record."""
    if backend == "sqlite":
        pytest.skip("SQLite has no roles, and no merge_record")
    seeded("party", "add", "dup", "--name", "Duplicate")
    seeded("add", "dup", "sanctions", "open", "-s", "x", "--date", "2025-11-30")
    before = _export(seeded)
    of, into = _ids(db, "party", "dup", "russia")
    message = _in_one_transaction(db, [
        f"UPDATE party SET merged_into = {into} WHERE id = {of}",
        f"UPDATE statement SET party_id = {into} WHERE party_id = {of}",
        f"DELETE FROM party WHERE id = {of}",
    ])  # fmt: skip
    assert "never changed" in message, message
    assert _export(seeded) == before
    seeded("party", "merge", "dup", "russia")


def test_a_writer_with_update_on_every_column_moves_nothing(
    seeded: Tracker, db: str, backend: str
) -> None:
    """A writer who kept UPDATE on the whole of `statement` (docs/teams.md's
    grant before revision 0008) still cannot move one statement: not by
    marking its party merged for a moment (MariaDB has no check at commit),
    not with a temporary table `party` saying so (PostgreSQL searches the
    session's temporary tables first, unless told otherwise), not by
    writing the mark merge_record leaves while it moves statements."""
    if backend == "sqlite":
        pytest.skip("logins and roles are a server's")
    before = _export(seeded)
    engine = _engine(db)
    try:
        with engine.connect() as conn:
            of = conn.execute(text("SELECT party_id FROM statement WHERE id = 1")).scalar_one()
            into = conn.execute(text(f"SELECT min(id) FROM party WHERE id <> {of}")).scalar_one()
    finally:
        engine.dispose()
    with writer_login(db, backend) as url:
        role = resolve_url(url).username
        admin = _engine(db)
        try:
            with admin.connect() as conn:
                grantee = role if backend == "postgresql" else f"'{role}'@'%'"
                conn.execute(text(f"GRANT UPDATE ON statement TO {grantee}"))
        finally:
            admin.dispose()
        move = f"UPDATE statement SET party_id = {into} WHERE id = 1"
        tries = [[
            f"UPDATE party SET merged_into = {into} WHERE id = {of}", move,
            f"UPDATE party SET merged_into = NULL WHERE id = {of}",
        ]]  # fmt: skip
        if backend == "postgresql":
            tries.append([
                "CREATE TEMPORARY TABLE party (id integer, merged_into integer)",
                f"INSERT INTO party VALUES ({of}, {into})", move,
            ])  # fmt: skip
        mark = "pg_backend_pid()" if backend == "postgresql" else "CONNECTION_ID()"
        tries.append([f"INSERT INTO statement_move (connection_id) VALUES ({mark})", move])
        for statements in tries:
            message = _in_one_transaction(url, statements)
            assert any(w in message for w in ("never changed", "denied")), message
    assert _export(seeded) == before
