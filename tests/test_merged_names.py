"""The names a merge leaves behind. After `issue merge barred join --negate`,
barred's names are join's, and they still ask barred's question: a stance
logged under one of them later (`add`, `import`, `read`) is negated under
join, as the merge negated those logged before it, so that every report is
what it would be had barred's statements been logged under join. And merges
travel: a chain of them is made again in order, and two databases that
merged the same issues differently hear about it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from helpers import Tracker, copy_of, one_line

JOINS, BARRED = "Ukraine may join NATO", "Ukraine is barred from NATO"


def _json(tracker: Tracker, *args: str) -> Any:
    return json.loads(tracker(*args, "--format", "json").stdout)


def _nato(tracker: Tracker, merge: bool = True) -> None:
    tracker("party", "add", "russia", "--name", "Russia")
    tracker("issue", "add", "join", "--title", "NATO membership", "--proposition", JOINS)
    tracker("issue", "add", "barred", "--title", "NATO barred", "--proposition", BARRED)
    tracker("add", "russia", "barred", "demands", "-s", "Never in NATO", "--date", "2025-11-20")
    if merge:
        tracker("issue", "merge", "barred", "join", "--negate")


def _logged(tracker: Tracker) -> list[tuple[str, str, str, bool]]:
    """(summary, issue, stance, negated), oldest first."""
    return [
        (s["summary"], s["issue"], s["stance"], s["negated"])
        for s in reversed(_json(tracker, "log"))
    ]


def test_a_stance_logged_under_a_negated_name_is_negated(tracker: Tracker) -> None:
    """`add russia barred demands` after the negated merge: what the merge would
    have made of it had it been logged before, `rejects` on join, negated;
    the history shows Russia reaffirming, not reversing; `add` says so."""
    _nato(tracker)
    out = tracker("add", "russia", "barred", "demands", "-s", "Still never", "--date", "2025-11-25")
    assert out.stdout.splitlines()[1:] == [
        "russia on join: rejects, reaffirmed",
        "Logged on join as rejects ('barred' asks the opposite question: merged into join "
        "with --negate).",
    ], out.stdout
    tracker("add", "russia", "NATO  BARRED", "opposes", "-s", "Softer", "--date", "2025-11-26")
    tracker("add", "russia", "join", "opposes", "-s", "On join", "--date", "2025-11-27")
    assert _logged(tracker) == [
        ("Never in NATO", "join", "rejects", True),
        ("Still never", "join", "rejects", True),
        ("Softer", "join", "supports", True),
        ("On join", "join", "opposes", False),
    ]
    said = tracker("history", "russia", "join").stdout.splitlines()
    changes = [line.split()[5] for line in said[3:7]]
    assert changes == ["new", "reaffirmed", "reversed", "reversed"], said
    shown = tracker("show", "2").stdout
    assert "logged as    demands, on the opposite question" in shown, shown


def test_the_names_of_a_negated_merge_are_marked_shown_and_kept(
    tracker: Tracker, tmp_path: Path, sqlite_head: str
) -> None:
    """`issue show` marks the names that ask the opposite question, JSON lists
    them (`negated_aliases`), and an export carries them to a restore, which
    negates under them too and exports the same file."""
    _nato(tracker)
    tracker("issue", "add", "join-2", "--title", "Joining", "--proposition", JOINS)
    tracker("issue", "merge", "join-2", "join")
    shown = tracker("issue", "show", "join").stdout
    assert "NATO barred (negated); barred (negated); Joining; join-2" in shown, shown
    view = _json(tracker, "issue", "show", "join")
    assert view["aliases"] == ["NATO barred", "barred", "Joining", "join-2"]
    assert view["negated_aliases"] == ["NATO barred", "barred"]
    exported = tracker("export").stdout
    path = tmp_path / "backup.json"
    path.write_text(exported, encoding="utf-8")
    restored = Tracker(copy_of(sqlite_head, tmp_path / "restored.db"))
    restored("import", str(path))
    assert restored("export").stdout == exported
    restored("add", "russia", "barred", "supports", "-s", "After", "--date", "2025-12-01")
    assert _logged(restored)[-1] == ("After", "join", "opposes", True)


def test_an_import_under_a_negated_name_is_negated(
    tracker: Tracker, tmp_path: Path, sqlite_head: str
) -> None:
    """A colleague's export written before the merge, and a CSV, name barred:
    what the database already holds is found (its content as logged), and
    what is new is negated under join, as the merge would have made it."""
    _nato(tracker, merge=False)
    colleague = Tracker(copy_of(sqlite_head, tmp_path / "colleague.db"))
    path = tmp_path / "before.json"
    path.write_text(tracker("export").stdout, encoding="utf-8")
    colleague("import", str(path))
    colleague("add", "russia", "barred", "supports", "-s", "Later", "--date", "2025-11-28")
    path.write_text(colleague("export").stdout, encoding="utf-8")
    tracker("issue", "merge", "barred", "join", "--negate")
    assert tracker("import", str(path)).stdout.startswith("Added 1 statement; skipped 1")
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "party,issue,stance,stated_on,summary\nrussia,NATO barred,rejects,2025-11-29,CSV\n",
        encoding="utf-8",
    )
    tracker("import", str(rows))
    assert _logged(tracker) == [
        ("Never in NATO", "join", "rejects", True),
        ("Later", "join", "opposes", True),
        ("CSV", "join", "demands", True),
    ]
    assert "Added 0 statements; skipped 1" in tracker("import", str(rows)).stdout


def test_read_proposes_under_the_negated_name_and_logs_it_negated(
    tracker: Tracker, tmp_path: Path
) -> None:
    """A sentence that names barred's question is proposed under that name,
    with the stance it says; accepted, it is logged negated under join, and
    read again it is already held. A filter on join keeps it."""
    _nato(tracker)
    article = tmp_path / "article.txt"
    article.write_text(
        "Moscow, 5 March 2025. Russia insists that Ukraine stay barred from NATO, the "
        "Kremlin said.\n",
        encoding="utf-8",
    )
    read = ("read", str(article), "--date", "2025-03-05")
    proposed = [
        (s["party"], s["issue"], s["stance"])
        for s in _json(tracker, *read, "--issue", "join")["statements"]
    ]
    assert proposed == [("russia", "barred", "demands")]
    said = tracker(*read, "--accept", "1").stdout
    assert "Logged on join as rejects ('barred' asks the opposite question" in said, said
    assert _logged(tracker)[-1][1:] == ("join", "rejects", True)
    assert "already in the database" in tracker(*read, "--accept", "1").stdout


def test_a_negated_name_filters_and_links_as_its_issue(tracker: Tracker) -> None:
    """Filters and a draft's links take no stance: a negated name names its
    issue there, and nothing is negated."""
    _nato(tracker)
    assert [s["summary"] for s in _json(tracker, "search", "NATO", "--issue", "barred")] == [
        "Never in NATO"
    ]
    tracker("draft", "add", "plan", "--title", "Plan")
    tracker("draft", "version", "plan", "-", "--label", "v1", "--date", "2025-11-30",
            input="1. Ukraine stays NATO barred.\n")  # fmt: skip
    points = _json(tracker, "draft", "show", "plan")["points"]
    assert [i["issue"] for i in points[0]["issues"]] == ["join"]


def test_a_negated_merge_of_one_question_is_refused(tracker: Tracker) -> None:
    """--negate where both propositions are one question (case and spacing
    aside) would turn every stance around: refused, naming both."""
    _nato(tracker, merge=False)
    tracker(
        "issue", "add", "join-2", "--title", "Joining", "--proposition", "ukraine MAY  join nato"
    )
    message = one_line(tracker.fails("issue", "merge", "join-2", "join", "--negate"))
    assert "ask the same question" in message
    assert repr("ukraine MAY  join nato") in message and repr(JOINS) in message, message


def test_a_merge_moving_one_statement_says_so_in_the_singular(tracker: Tracker) -> None:
    _nato(tracker, merge=False)
    out = tracker("issue", "merge", "barred", "join", "--negate").stdout
    assert out.startswith("Merged issue barred into join: 1 statement moved, its stance negated")


def _files(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_merges_made_differently_are_said_at_import(
    tracker: Tracker, tmp_path: Path, sqlite_head: str
) -> None:
    """Two databases merge barred into join, one with --negate, the other with
    --force: they can never agree on barred's stances, and each import of
    the other's export says so, one line naming the issue and both merges."""
    _nato(tracker, merge=False)
    other = Tracker(copy_of(sqlite_head, tmp_path / "other.db"))
    other("import", _files(tmp_path, "start.json", tracker("export").stdout))
    tracker("issue", "merge", "barred", "join", "--negate")
    other("issue", "merge", "barred", "join", "--force")
    theirs = other("import", _files(tmp_path, "mine.json", tracker("export").stdout))
    mine = tracker("import", _files(tmp_path, "theirs.json", other("export").stdout))
    for done in (mine, theirs):
        lines = done.stderr.splitlines()
        assert len(lines) == 1, done.stderr
        assert lines[0].startswith("Warning: issue 'join': 'barred' was merged into 'join' twice")
        assert "with --negate (by tester at " in lines[0]
        assert "and as the same question (by tester at " in lines[0]


def test_a_chain_of_merges_is_made_again_in_order(
    tracker: Tracker, tmp_path: Path, sqlite_head: str
) -> None:
    """barred into join --negate, then join into out --negate; pa into pb,
    then pb into pc: a database that still holds all five records makes the
    chain again, each merge as it was made, and ends as the first did."""
    _nato(tracker, merge=False)
    tracker("issue", "add", "out", "--title", "Outside NATO", "--proposition", "Ukraine stays out")
    for slug in ("pa", "pb", "pc"):
        tracker("party", "add", slug, "--name", f"Party {slug}")
        tracker("add", slug, "join", "supports", "-s", f"{slug} on join", "--date", "2025-11-21")
    tracker("add", "pa", "out", "demands", "-s", "pa on out", "--date", "2025-11-22")
    before = _files(tmp_path, "before.json", tracker("export").stdout)
    other = Tracker(copy_of(sqlite_head, tmp_path / "other.db"))
    other("import", before)
    tracker("issue", "merge", "barred", "join", "--negate")
    tracker("issue", "merge", "join", "out", "--negate")
    tracker("party", "merge", "pa", "pb")
    tracker("party", "merge", "pb", "pc")
    other("import", _files(tmp_path, "after.json", tracker("export").stdout))

    def stances(t: Tracker) -> list[tuple[str, str, str, str, bool]]:
        return sorted(
            (s["summary"], s["party"], s["issue"], s["stance"], s["negated"])
            for s in _json(t, "log")
        )

    assert stances(other) == stances(tracker)
    assert ("Never in NATO", "russia", "out", "demands", False) in stances(other)
    assert [i["slug"] for i in _json(other, "issue", "list")] == ["out"]
    assert [p["slug"] for p in _json(other, "party", "list")] == ["pc", "russia"]
    shown = _json(other, "issue", "show", "out")
    assert shown["negated_aliases"] == _json(tracker, "issue", "show", "out")["negated_aliases"]
    assert "barred" not in shown["negated_aliases"] and "join" in shown["negated_aliases"]
    other("add", "russia", "barred", "demands", "-s", "Twice turned", "--date", "2025-12-01")
    assert ("Twice turned", "russia", "out", "demands", False) in stances(other)


def test_a_merged_record_was_created_once(
    tracker: Tracker, tmp_path: Path, sqlite_head: str
) -> None:
    """A database that made barred on its own imports the export of one that
    merged its own barred into join: the merge is made here too, and join's
    history records barred's making once."""
    _nato(tracker, merge=False)
    other = Tracker(copy_of(sqlite_head, tmp_path / "other.db"))
    other("party", "add", "russia", "--name", "Russia")
    other("issue", "add", "join", "--title", "NATO membership", "--proposition", JOINS)
    other("issue", "add", "barred", "--title", "NATO barred", "--proposition", BARRED)
    tracker("issue", "merge", "barred", "join", "--negate")
    other("import", _files(tmp_path, "merged.json", tracker("export").stdout))
    history = _json(other, "issue", "show", "join", "--history")["history"]
    fields = [r["field"] for r in history]
    assert fields.count("created") == 1 and fields.count("barred: created") == 1, fields
