"""`tracker user ...` and `tracker serve`'s refusal to start with no one to
sign in: the command line of the accounts, on every backend."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from helpers import PASSWORD, Tracker, engine_for


def test_add_list_edit_remove(tracker: Tracker) -> None:
    done = tracker("user", "add", "Alice", "--role", "admin", "--password-stdin",
                   input=PASSWORD + "\n")  # fmt: skip
    assert done.stdout == "Added user alice (admin).\n"
    tracker("user", "add", "bob", "--role", "reader", "--password-stdin", input=PASSWORD)
    listed = json.loads(tracker("user", "list", "--format", "json").stdout)
    assert listed == [
        {"name": "alice", "role": "admin", "sessions": 0, "tokens": 0},
        {"name": "bob", "role": "reader", "sessions": 0, "tokens": 0},
    ]
    assert "argon2" not in tracker("user", "list", "--format", "csv").stdout
    with engine_for(tracker.db) as engine, engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM account")).scalars().all()
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in stored)
    first = tracker("user", "token", "bob").stdout.strip()
    second = tracker("user", "token", "bob").stdout.strip()
    assert first != second and first.startswith("trk_")
    with engine_for(tracker.db) as engine, engine.connect() as conn:
        kept = conn.execute(text("SELECT key_hash FROM account_token")).scalars().all()
    assert first not in kept and len(kept) == 2
    assert tracker("user", "edit", "bob", "--role", "writer").stdout == "User bob: role writer.\n"
    out = tracker("user", "edit", "bob", "--revoke").stdout
    assert out == "User bob: sessions and tokens ended.\n"
    assert json.loads(tracker("user", "list", "--format", "json").stdout)[1]["tokens"] == 0
    assert tracker("user", "remove", "bob").stdout.startswith("Removed user bob")
    assert "bob" not in tracker("user", "list").stdout


def test_user_mistakes(tracker: Tracker) -> None:
    add = ("user", "add", "carol", "--role", "writer")
    assert "at least 10 characters" in tracker.fails(*add, "--password-stdin", code=2)
    # No terminal to ask on, and no --password-stdin: a usage error.
    assert "--password-stdin" in tracker.fails(*add, code=2)
    assert "bad user name" in tracker.fails("user", "add", "c d", "--role", "reader", code=2)
    assert "Invalid value for '--role'" in tracker.fails(
        "user", "add", "carol", "--role", "boss", code=2
    )
    tracker(*add, "--password-stdin", input=PASSWORD)
    again = tracker(*add, "--password-stdin", input=PASSWORD, ok=False)
    assert (again.exit_code, again.stderr) == (1, "Error: user 'carol' already exists\n")
    assert "unknown user 'dave'" in tracker.fails("user", "token", "dave")
    assert "nothing to change" in tracker.fails("user", "edit", "carol", code=2)


def test_serve_needs_someone_to_sign_in(tracker: Tracker) -> None:
    message = tracker.fails("serve")
    assert "tracker user add" in message and message.count("\n") == 1


def test_account_writes_leave_the_data_version_alone(tracker: Tracker) -> None:
    from tracker.db import Database, resolve_url
    from tracker.db import version as data_version

    database = Database(resolve_url(tracker.db))
    with database.session() as session:
        before = data_version.current(session)
    tracker("user", "add", "dan", "--role", "reader", "--password-stdin", input=PASSWORD)
    tracker("user", "token", "dan")
    with database.session() as session:
        assert data_version.current(session) == before
    tracker("party", "add", "nato", "--name", "NATO")
    with database.session() as session:
        assert data_version.current(session) != before
    database.dispose()


def test_a_server_hashes_at_a_memory_hard_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    """The other tests hash at the least cost (conftest.py); a server does not:
    argon2id with at least the 19 MiB and 2 passes OWASP asks for."""
    monkeypatch.undo()
    from tracker.core import accounts

    stored = accounts.hash_password("a long enough password")
    variant, version, params, *_ = stored.split("$")[1:]
    cost = dict(p.split("=") for p in params.split(","))
    assert (variant, version) == ("argon2id", "v=19")
    assert int(cost["m"]) >= 19 * 1024 and int(cost["t"]) >= 2
    assert accounts.password_matches(stored, "a long enough password")
