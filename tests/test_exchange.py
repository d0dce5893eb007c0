"""Two analysts who exchange exports end up agreeing: statements,
retractions, catalog changes (names, aliases, keywords, propositions,
people, affiliations, merges) and their histories all travel.

What may still differ between the two exports is what SPEC leaves to each
database: the statement ids (each numbers its statements in the order it
recorded them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers import Tracker, copy_of, golden_seed, one_line, server_database

BACKENDS = ["sqlite", "postgresql", "mysql"]


def _database(backend: str, tmp_path: Path, name: str, stack: Any, head: str) -> Tracker:
    if backend == "sqlite":
        return Tracker(copy_of(head, tmp_path / f"{name}.db"))
    return Tracker(stack.enter_context(server_database(backend)))


def _export(tracker: Tracker, path: Path) -> Path:
    tracker("export", "--output", str(path))
    return path


def _without_ids(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    for statement in doc["statements"]:
        del statement["id"]
    return doc


def _team_file(tmp_path: Path, head: str) -> Path:
    """What both analysts start from: the seed, with one duplicate party (us-gov)
    that one of them will merge, as an export (histories included)."""
    start = Tracker(copy_of(head, tmp_path / "start.db"))
    start("import", str(golden_seed(tmp_path)))
    start("party", "add", "us-gov", "--name", "US government (duplicate)")
    start(
        "add",
        "us-gov",
        "sanctions",
        "supports",
        "-s",
        "Logged under the duplicate",
        "--date",
        "2025-11-21",
    )
    return _export(start, tmp_path / "team.json")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("a_backend", "b_backend"), [("sqlite", "sqlite"), ("postgresql", "mysql")]
)
def test_two_databases_agree_after_exchanging_exports(
    tmp_path: Path, a_backend: str, b_backend: str, sqlite_head: str
) -> None:
    import contextlib

    team = _team_file(tmp_path, sqlite_head)
    with contextlib.ExitStack() as stack:
        a = _database(a_backend, tmp_path, "a", stack, sqlite_head)
        b = _database(b_backend, tmp_path, "b", stack, sqlite_head)
        for analyst in (a, b):
            analyst("import", str(team))
        # Alice's week.
        a(
            "add",
            "ukraine",
            "donbas",
            "rejects",
            "-s",
            "Alice: still no withdrawal",
            "--date",
            "2025-12-01",
        )
        a("retract", "3", "--reason", "Alice: misdated")
        a("party", "edit", "russia", "--name", "Russian Federation", "--add-alias", "RF")
        a("person", "add", "Olga Stefanishyna", "--party", "ukraine", "--from", "2024-01-01")
        a("person", "affiliate", "Olga Stefanishyna", "--party", "ukraine", "--from", "2025-05-01",
          "--role", "ambassador to the United States")  # fmt: skip
        a("issue", "edit", "donbas", "--proposition", "Ukraine cedes Donetsk", "--force")
        a("party", "merge", "us-gov", "united-states")
        # Bob's week, on his own copy.
        b("add", "russia", "donbas", "demands", "-s", "Bob: Moscow insists", "--date", "2025-12-02")
        b("retract", "7", "--reason", "Bob: duplicate")
        b(
            "issue",
            "edit",
            "frozen-assets",
            "--add-keyword",
            "Bob's keyword",
            "--description",
            "Bob's words",
        )
        b("person", "add", "Oleksandr Bevz", "--party", "ukraine", "--role", "adviser")
        b("party", "edit", "us-gov", "--add-alias", "Uncle Sam")
        # They swap files, and each imports the other's.
        from_a, from_b = _export(a, tmp_path / "a.json"), _export(b, tmp_path / "b.json")
        b_out = b("import", str(from_a)).stdout
        assert "retracted 1 of them as the file does" in b_out
        a("import", str(from_b))
        after_a, after_b = _export(a, tmp_path / "a2.json"), _export(b, tmp_path / "b2.json")
        assert _without_ids(after_a) == _without_ids(after_b)
        # And again: nothing more to do, the same files.
        again = b("import", str(after_a)).stdout
        assert again.startswith("Added 0 statements;") and "retracted" not in again
        assert _without_ids(_export(b, tmp_path / "b3.json")) == _without_ids(after_b)
    doc = _without_ids(after_a)
    parties = {p["slug"]: p for p in doc["parties"]}
    assert "us-gov" not in parties and "Uncle Sam" in parties["united-states"]["aliases"]
    assert parties["russia"]["name"] == "Russian Federation"
    assert "RF" in parties["russia"]["aliases"]
    names = [p["name"] for p in doc["people"]]
    assert {"Olga Stefanishyna", "Oleksandr Bevz", "Kaja Kallas"} <= set(names)
    assert names == sorted(names, key=str.casefold)
    issues = {i["slug"]: i for i in doc["issues"]}
    assert issues["donbas"]["proposition"] == "Ukraine cedes Donetsk"
    assert issues["frozen-assets"]["keywords"][-1] == "Bob's keyword"
    retracted = [s["retraction_reason"] for s in doc["statements"] if s["retracted_at"]]
    assert sorted(retracted) == [
        "Alice: misdated",
        "Bob: duplicate",
        "logged against the wrong issue",
    ]
    assert {s["party"] for s in doc["statements"]} >= {"united-states"}
    assert "us-gov" not in {s["party"] for s in doc["statements"]}


def test_a_retraction_travels_once(tracker: Tracker, tmp_path: Path, sqlite_head: str) -> None:
    """The same statement in two databases: her retraction of it, imported,
    retracts it here, with her time and reason; a second import does nothing."""
    team = Tracker(copy_of(sqlite_head, tmp_path / "team.db"))
    team("import", str(golden_seed(tmp_path)))
    shared = _export(team, tmp_path / "shared.json")
    tracker("import", str(shared))
    team("retract", "2", "--reason", "her reason")
    theirs = _export(team, tmp_path / "theirs.json")
    out = tracker("import", str(theirs)).stdout
    assert (
        out
        == "Added 0 statements; skipped 24 already present; retracted 1 of them as the file does.\n"
    )
    mine = json.loads(tracker("show", "2", "--format", "json").stdout)
    hers = json.loads(team("show", "2", "--format", "json").stdout)
    assert mine["retraction_reason"] == "her reason"
    assert mine["retracted_at"] == hers["retracted_at"]
    assert (
        tracker("import", str(theirs)).stdout == "Added 0 statements; skipped 24 already present.\n"
    )


def test_no_import_retracts_a_statement_before_it_was_recorded(
    tracker: Tracker, tmp_path: Path
) -> None:
    """A retraction dated before its statement was recorded is a bad row, named
    by its place in the file, whether the statement is new or held here: what
    a report as known at a past moment said never changes."""
    from helpers import setup_pair

    setup_pair(tracker)
    tracker("add", "ukraine", "donbas", "rejects", "-s", "No", "--date", "2025-11-30")
    recorded = json.loads(tracker("show", "1", "-f", "json").stdout)["recorded_at"]
    known = ("report", "--known-at", recorded, "--as-of", "2025-12-01", "-f", "json")
    past = tracker(*known).stdout
    assert '"stance": "rejects"' in past
    doc = json.loads(tracker("export").stdout)
    held = doc["statements"][0]
    new = dict(held, summary="A new one", recorded_at="2025-12-01T10:00:00Z")
    for n, (row, recorded_at) in enumerate(((new, "2025-12-01T10:00:00Z"), (held, recorded))):
        # The file gives the statement's own recording time, or none at all.
        for given in (recorded_at, None):
            row = dict(row, recorded_at=given, retracted_at="1901-01-01T00:00:00Z",
                       retraction_reason="forged")  # fmt: skip
            path = tmp_path / f"early-{n}-{given is None}.json"
            path.write_text(json.dumps(dict(doc, statements=[row])), encoding="utf-8")
            message = one_line(tracker.fails("import", str(path)))
            assert message.startswith("Error: statements[0], column retracted_at: "), message
            assert "1901-01-01" in message and "before" in message, message
    assert tracker(*known).stdout == past
    assert json.loads(tracker("show", "1", "-f", "json").stdout)["retracted_at"] is None
    # A csv row too, named by its line.
    path = tmp_path / "early.csv"
    path.write_text(
        "party,issue,stance,stated_on,summary,recorded_at,retracted_at,retraction_reason\n"
        "ukraine,donbas,open,2025-11-30,fine,,,\n"
        "ukraine,donbas,open,2025-11-30,x,2025-12-01T10:00:00Z,2025-11-01T00:00:00Z,early\n",
        encoding="utf-8",
    )
    assert "Error: line 3, column retracted_at: " in one_line(tracker.fails("import", str(path)))
    assert tracker(*known).stdout == past
    # Nor does `retract` on a computer whose clock is behind the one that logged it.
    path.write_text(
        "party,issue,stance,stated_on,summary,recorded_at\n"
        "ukraine,donbas,open,2025-11-30,from a clock ahead,2099-01-01T00:00:00Z\n",
        encoding="utf-8",
    )
    tracker("import", str(path))
    tracker("retract", "2", "--reason", "wrong")
    assert json.loads(tracker("show", "2", "-f", "json").stdout)["retracted_at"] == (
        "2099-01-01T00:00:00.000000Z"
    )


def test_identical_statements_are_told_apart_by_count(tracker: Tracker, tmp_path: Path) -> None:
    """Two statements of the same content: one retraction in the file retracts
    one of them here, not both; and none if one is retracted here already."""
    from helpers import setup_pair

    setup_pair(tracker)
    for _ in range(2):
        tracker(
            "add", "ukraine", "donbas", "rejects", "-s", "Twice the same", "--date", "2025-11-30"
        )
    doc = json.loads(tracker("export").stdout)
    doc["statements"][1]["retracted_at"] = doc["statements"][1]["recorded_at"]
    doc["statements"][1]["retraction_reason"] = "a duplicate"
    path = tmp_path / "one-retracted.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert "retracted 1 of them" in tracker("import", str(path)).stdout
    states = [
        s["retracted_at"] is not None for s in json.loads(tracker("export").stdout)["statements"]
    ]
    assert sorted(states) == [False, True]
    assert "retracted" not in tracker("import", str(path)).stdout


def _pages(tracker: Tracker, kind: str, slug: str) -> dict[str, Any]:
    page: dict[str, Any] = json.loads(tracker(kind, "show", slug, "--format", "json").stdout)
    return page


def test_a_merged_records_history_is_never_read_as_the_survivors(
    tracker: Tracker, tmp_path: Path, sqlite_head: str
) -> None:
    """Merging `truce` (made later, its own title and proposition) into
    `ceasefire` keeps truce's history but leaves ceasefire's fields and
    wordings as they were, here and in a colleague's database that replays it."""
    colleague = Tracker(copy_of(sqlite_head, tmp_path / "colleague.db"))
    for t in (tracker, colleague):
        t("party", "add", "poland", "--name", "Poland")
        t("party", "add", "pl", "--name", "Polska")
        t("issue", "add", "ceasefire", "--title", "Ceasefire", "--proposition", "A ceasefire first")
        t("issue", "add", "truce", "--title", "Truce", "--proposition", "A truce comes first")
    shared = _export(tracker, tmp_path / "shared.json")
    colleague("import", str(shared))  # the same records, by slug, in both
    tracker("party", "merge", "pl", "poland")
    tracker("issue", "merge", "truce", "ceasefire", "--force")
    page = _pages(tracker, "issue", "ceasefire")
    assert page["title"] == "Ceasefire" and page["proposition"] == "A ceasefire first"
    assert [w["proposition"] for w in page["wordings"]] == ["A ceasefire first"]
    history = json.loads(tracker("issue", "show", "ceasefire", "--history", "-f", "json").stdout)
    assert ("truce: proposition", None, "A truce comes first") in [
        (r["field"], r["old"], r["new"]) for r in history["history"]
    ]
    tracker("party", "add", "x", "--name", "X")
    tracker("add", "x", "ceasefire", "open", "-s", "logged after the merge")
    assert "was logged when" not in tracker("history", "x", "ceasefire").stdout
    colleague("import", str(_export(tracker, tmp_path / "merged.json")))
    assert _pages(colleague, "party", "poland")["name"] == "Poland"
    assert "Polska" in _pages(colleague, "party", "poland")["aliases"]
    theirs = _pages(colleague, "issue", "ceasefire")
    assert (theirs["title"], theirs["proposition"]) == ("Ceasefire", "A ceasefire first")
    assert "truce" not in {
        i["slug"] for i in json.loads(colleague("issue", "list", "-f", "json").stdout)
    }


def test_a_negated_merge_travels(tracker: Tracker, tmp_path: Path, sqlite_head: str) -> None:
    """I merge an issue asking the opposite question into another, negated; a
    colleague who holds both as they were imports my export: she makes the
    same merge, negated, holds each statement once, and exports what I do."""
    colleague = Tracker(copy_of(sqlite_head, tmp_path / "colleague.db"))
    for t in (tracker, colleague):
        t("party", "add", "russia", "--name", "Russia")
        t("issue", "add", "join", "--title", "Joining", "--proposition", "Ukraine may join NATO")
        t("issue", "add", "barred", "--title", "Barred", "--proposition", "Ukraine is barred")
    tracker("add", "russia", "barred", "demands", "-s", "Never in NATO", "--date", "2025-11-20")
    colleague("import", str(_export(tracker, tmp_path / "before.json")))
    tracker("issue", "merge", "barred", "join", "--negate")
    mine = _export(tracker, tmp_path / "mine.json")
    out = colleague("import", str(mine)).stdout
    assert (
        out == "Added 0 statements; skipped 1 already present; applied 1 change to the catalog.\n"
    )
    theirs = _export(colleague, tmp_path / "theirs.json")
    assert _without_ids(theirs) == _without_ids(mine)
    said = json.loads(colleague("log", "-f", "json").stdout)
    assert [(s["issue"], s["stance"], s["negated"]) for s in said] == [("join", "rejects", True)]
    assert (
        colleague("import", str(mine)).stdout == "Added 0 statements; skipped 1 already present.\n"
    )


def test_a_later_making_of_the_same_record_changes_nothing(
    tracker: Tracker, tmp_path: Path, sqlite_head: str
) -> None:
    """I import the seed and reword donbas; a colleague imports the seed later
    (its records made again, at her time). Her export, imported here, must not
    undo my rewording, nor add a wording; and we end with one history."""
    from tracker.resources import seed_file

    tracker("import", str(seed_file()))
    tracker("issue", "edit", "donbas", "--proposition", "Ukraine cedes Donetsk", "--force")
    colleague = Tracker(copy_of(sqlite_head, tmp_path / "colleague.db"))
    colleague("import", str(seed_file()))
    tracker("import", str(_export(colleague, tmp_path / "hers.json")))
    page = _pages(tracker, "issue", "donbas")
    assert page["proposition"] == "Ukraine cedes Donetsk"
    assert len(page["wordings"]) == 2
    sanctions = _pages(tracker, "issue", "sanctions")
    assert len(sanctions["wordings"]) == 1
    assert "--force" in tracker.fails("issue", "edit", "sanctions", "--proposition", "x")
    colleague("import", str(_export(tracker, tmp_path / "mine.json")))
    assert (
        _without_ids(_export(tracker, tmp_path / "a.json"))["issues"]
        == _without_ids(_export(colleague, tmp_path / "b.json"))["issues"]
    )


def test_retracted_rows_stand_for_retracted_statements_wherever_they_sit(
    tracker: Tracker, tmp_path: Path
) -> None:
    """The database holds W open and W retracted; a file holds W three times,
    one of them retracted. By SPEC's count the file stands for both here and
    adds one: the retracted row stands for the retracted statement, so one
    open W is added, and one W is retracted, wherever the row sits."""
    from helpers import setup_pair

    setup_pair(tracker)
    orders = ((0, 0, 1), (1, 0, 0), (0, 1, 0))  # 1: the retracted row
    for n in range(len(orders)):
        tracker("party", "add", f"p{n}", "--name", f"Party {n}")
        for _ in range(2):
            tracker("add", f"p{n}", "donbas", "rejects", "-s", "W", "--date", "2025-11-30")
        tracker("retract", str(2 * n + 2), "--reason", "said twice")
    row = json.loads(tracker("export").stdout)["statements"][0]
    del row["id"]
    retracted = dict(row, retracted_at=row["recorded_at"], retraction_reason="theirs")
    said = []
    for n, order in enumerate(orders):
        rows = [dict(retracted if r else row, party=f"p{n}") for r in order]
        path = tmp_path / f"order-{n}.json"
        path.write_text(json.dumps({"statements": rows}), encoding="utf-8")
        said.append(tracker("import", str(path)).stdout)
    assert said == ["Added 1 statement; skipped 2 already present.\n"] * 3
    states = [
        sorted(s["retracted_at"] is not None for s in json.loads(tracker("log", "--party", f"p{n}",
               "--format", "json").stdout))
        for n in range(len(orders))
    ]  # fmt: skip
    assert states == [[False, False, True]] * 3


def test_a_retraction_made_meanwhile_is_a_conflict(tracker: Tracker) -> None:
    """The import read W open, and another command retracted it before the
    import's own retraction: a conflict (the command runs again, and finds
    it retracted), not a retraction "before the statement's recorded_at"."""
    import datetime as dt

    from sqlalchemy import create_engine, text

    from helpers import setup_pair
    from tracker.core.transfer.retractions import Retractions
    from tracker.db import resolve_url
    from tracker.errors import Conflict

    setup_pair(tracker)
    tracker("add", "ukraine", "donbas", "rejects", "-s", "W", "--date", "2025-11-30")
    statement_id = json.loads(tracker("export").stdout)["statements"][0]["id"]
    engine = create_engine(resolve_url(tracker.db))
    with engine.begin() as conn:
        party, issue, fp = conn.execute(
            text("SELECT party_id, issue_id, fingerprint FROM statement")
        ).one()
        pending = Retractions(conn)
        pending.known([(statement_id, party, issue, fp, False)])  # read open
        conn.execute(
            text("UPDATE statement SET retracted_at = recorded_at, retraction_reason = 'other'")
        )
        row = (party, issue, fp, dt.datetime(2030, 1, 1), "mine")
        with pytest.raises(Conflict, match="retracted by another command while the import ran"):
            pending.apply(row, 7, 3, 4, 2)
    engine.dispose()
