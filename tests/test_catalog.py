"""Keeping the catalog right: show, edit, merge and remove parties and issues,
each change kept as a revision; one namespace; propositions and --force."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import PROPOSITION, Tracker, copy_of, one_line, setup_pair, statement_count


def _json(tracker: Tracker, *args: str) -> Any:
    return json.loads(tracker(*args, "--format", "json").stdout)


def test_a_typo_is_fixed_and_both_names_stay_in_the_history(tracker: Tracker) -> None:
    tracker("party", "add", "usa", "--name", "Untied States", "--kind", "state")
    out = tracker("party", "edit", "usa", "--name", "United States").stdout
    assert out == "Updated party usa: United States\n"
    page = _json(tracker, "party", "show", "usa", "--history")
    assert page["name"] == "United States"
    names = [(r["field"], r["old"], r["new"]) for r in page["history"]]
    assert ("name", None, "Untied States") in names
    assert names[-1] == ("name", "Untied States", "United States")
    assert all(r["recorded_by"] == "tester" for r in page["history"])
    text = tracker("party", "show", "usa", "--history").stdout
    assert "Untied States" in text and "United States" in text
    assert "history" not in _json(tracker, "party", "show", "usa")  # only when asked


def test_show_gives_what_the_ledger_holds(seeded: Tracker) -> None:
    page = _json(seeded, "party", "show", "Kyiv", "--as-of", "2025-12-01")
    assert set(page) == {
        "slug", "name", "kind", "aliases", "description", "people", "statements",
        "first_stated_on", "last_stated_on", "stances",
    }  # fmt: skip
    assert page["slug"] == "ukraine"
    assert page["people"] == [
        "Andrii Sybiha",
        "Andriy Yermak",
        "Rustem Umerov",
        "Volodymyr Zelensky",
    ]
    report = _json(seeded, "report", "--as-of", "2025-12-01", "-p", "ukraine")
    assert page["stances"] == [
        {"issue": c["issue"], "stance": c["stance"], "stated_on": c["stated_on"]}
        for c in report["cells"]
    ]
    log = _json(seeded, "log", "-p", "ukraine", "--limit", "0")
    assert page["statements"] == len(log)
    assert page["first_stated_on"] == min(s["stated_on"] for s in log)
    assert page["last_stated_on"] == max(s["stated_on"] for s in log)
    issue = _json(seeded, "issue", "show", "Donbas territory", "--as-of", "2025-12-01")
    assert issue["slug"] == "donbas" and "Donetsk" in issue["keywords"]
    assert {s["party"] for s in issue["stances"]} >= {"ukraine", "russia"}
    assert len(issue["wordings"]) == 1 and issue["wordings"][0]["until"] is None
    for fmt in ("table", "markdown", "csv"):
        assert "ukraine" in seeded("party", "show", "ukraine", "--format", fmt).stdout


def test_aliases_are_added_and_removed(tracker: Tracker) -> None:
    setup_pair(tracker)
    tracker("party", "edit", "ukraine", "--add-alias", "UA", "--add-alias", "Україна")
    tracker("party", "edit", "ukraine", "--remove-alias", "kyiv")
    assert _json(tracker, "party", "show", "ukraine")["aliases"] == ["UA", "Україна"]
    tracker("add", "UA", "donbas", "open", "-s", "via a new alias", "--date", "2025-11-30")
    assert "unknown party 'Kyiv'" in tracker.fails("add", "Kyiv", "donbas", "open", "-s", "x")
    message = tracker.fails("party", "edit", "ukraine", "--remove-alias", "nothing")
    assert "'nothing' is not an alias of 'ukraine'" in message


def test_a_name_it_already_has_is_said_and_changes_nothing(
    tracker: Tracker, tmp_path: Path, sqlite_head: str
) -> None:
    tracker("party", "add", "aosis", "--name", "Alliance of Small Island States",
            "--alias", "Small islands")  # fmt: skip
    tracker("person", "add", "Kaja Kallas", "--party", "aosis", "--alias", "Kallas")
    tracker("issue", "add", "finance", "--title", "Climate finance", "--keyword", "Loss and damage")
    history = _json(tracker, "party", "show", "aosis", "--history")["history"]
    for alias in ("AOSIS", "alliance of small island states", "SMALL  islands"):
        out = tracker("party", "edit", "aosis", "--add-alias", alias).stdout
        assert out == f"{alias!r} already names party aosis: nothing changed.\n"
    assert _json(tracker, "party", "show", "aosis", "--history")["history"] == history
    out = tracker("party", "edit", "aosis", "--add-alias", "aosis", "--kind", "bloc").stdout
    assert out == (
        "'aosis' already names party aosis.\n"
        "Updated party aosis: Alliance of Small Island States (also Small islands)\n"
    )
    out = tracker("person", "edit", "kallas", "--add-alias", "KAJA KALLAS").stdout
    assert out == "'KAJA KALLAS' already names person Kaja Kallas: nothing changed.\n"
    out = tracker("issue", "edit", "finance", "--add-keyword", "loss and damage").stdout
    assert out == "'loss and damage' is already a keyword of issue finance: nothing changed.\n"
    # An import counts the changes it makes to the catalog.
    colleague = Tracker(copy_of(sqlite_head, tmp_path / "colleague.db"))
    tracker("export", "--output", str(tmp_path / "a.json"))
    colleague("import", str(tmp_path / "a.json"))
    tracker("party", "edit", "aosis", "--add-alias", "Small island states")
    tracker("issue", "edit", "finance", "--add-keyword", "Adaptation")
    tracker("export", "--output", str(tmp_path / "b.json"))
    out = colleague("import", str(tmp_path / "b.json")).stdout
    assert out == "Added 0 statements; applied 2 changes to the catalog.\n"
    assert colleague("import", str(tmp_path / "b.json")).stdout == "Added 0 statements.\n"


def test_one_namespace_across_parties_issues_and_people(tracker: Tracker) -> None:
    setup_pair(tracker)
    tracker("party", "add", "russia", "--name", "Russia", "--alias", "Moscow")
    tracker("person", "add", "Kaja Kallas", "--party", "russia", "--alias", "Kallas")
    refused = {
        ("party", "edit", "ukraine", "--add-alias", "MOSCOW"): "alias 'MOSCOW' already names party 'russia'",
        ("party", "edit", "ukraine", "--add-alias", "donbas territory"): "already names issue 'donbas'",
        ("party", "edit", "ukraine", "--name", "kallas"): "name 'kallas' already names person 'Kaja Kallas'",
        ("issue", "add", "kyiv", "--title", "x"): "slug 'kyiv' is already a name of party 'ukraine'",
        ("issue", "edit", "donbas", "--title", "Russia"): "title 'Russia' already names party 'russia'",
        ("person", "add", "Donbas", "--party", "russia"): "already names issue 'donbas'",
        ("person", "edit", "kallas", "--add-alias", "ukraine"): "already names party 'ukraine'",
        ("party", "edit", "ukraine", "--rename", "russia"): "slug 'russia' is already a name of party 'russia'",
    }  # fmt: skip
    for args, expected in refused.items():
        assert expected in one_line(tracker.fails(*args)), args
    # A name of the record itself is not taken from it.
    tracker("party", "edit", "ukraine", "--name", "Kyiv")
    assert _json(tracker, "party", "show", "kyiv")["name"] == "Kyiv"


def test_rename_keeps_the_old_slug_as_a_name(tracker: Tracker, tmp_path: Path) -> None:
    setup_pair(tracker)
    tracker("add", "ukraine", "donbas", "rejects", "-s", "No", "--date", "2025-11-30")
    tracker("party", "edit", "ukraine", "--rename", "ua-gov")
    assert _json(tracker, "log")[0]["party"] == "ua-gov"
    assert _json(tracker, "party", "show", "ukraine")["slug"] == "ua-gov"
    tracker("issue", "edit", "donbas", "--rename", "donetsk")
    assert _json(tracker, "history", "ukraine", "donbas")[0]["issue"] == "donetsk"
    # The content fingerprint has no slug in it: a re-import finds the statement.
    path = tmp_path / "export.json"
    tracker("export", "--output", str(path))
    assert tracker("import", str(path)).stdout.startswith("Added 0 statements")


def test_a_record_renamed_onto_its_own_alias_restores_the_same(
    tracker: Tracker, tmp_path: Path, sqlite_head: str
) -> None:
    """docs/teams.md: a restore exports the same file, though the slug of a
    party (an issue) is now one of its aliases."""
    setup_pair(tracker)
    tracker("party", "edit", "ukraine", "--add-alias", "Ukraina")
    tracker("party", "edit", "ukraine", "--rename", "ukraina")
    tracker("issue", "add", "donbass", "--title", "Donbass", "--proposition", PROPOSITION)
    tracker("issue", "merge", "donbass", "donbas")  # donbas answers to Donbass now
    tracker("issue", "edit", "donbas", "--rename", "donbass")
    assert _json(tracker, "party", "show", "ukraina")["aliases"] == ["Kyiv", "Ukraina", "ukraine"]
    assert "Donbass" in _json(tracker, "issue", "show", "donbass")["aliases"]
    original = tracker("export").stdout
    restored = Tracker(copy_of(sqlite_head, tmp_path / "restored.db"))
    path = tmp_path / "backup.json"
    path.write_text(original, encoding="utf-8")
    restored("import", str(path))
    assert restored("export").stdout == original


def test_bad_edits_are_bad_command_lines(tracker: Tracker) -> None:
    setup_pair(tracker)
    assert "nothing to change" in tracker.fails("party", "edit", "ukraine", code=2)
    assert "nothing to change" in tracker.fails("issue", "edit", "donbas", code=2)
    assert "bad slug" in tracker.fails("party", "edit", "ukraine", "--rename", "Bad Slug", code=2)
    assert "unknown party 'atlantis'" in tracker.fails("party", "edit", "atlantis", "--kind", "x")


def test_a_proposition_in_use_changes_only_with_force(tracker: Tracker) -> None:
    setup_pair(tracker)
    tracker("issue", "edit", "donbas", "--proposition", "Ukraine withdraws from Donetsk")
    tracker("add", "ukraine", "donbas", "rejects", "-s", "No", "--date", "2025-11-30")
    tracker("add", "ukraine", "donbas", "rejects", "-s", "Never", "--date", "2025-12-01")
    message = one_line(
        tracker.fails("issue", "edit", "donbas", "--proposition", "Ukraine cedes Donetsk")
    )
    assert "2 statements were logged against the current proposition" in message
    assert "--force" in message
    assert (
        _json(tracker, "issue", "show", "donbas")["proposition"] == "Ukraine withdraws from Donetsk"
    )
    tracker("issue", "edit", "donbas", "--proposition", "Ukraine cedes Donetsk", "--force")
    page = _json(tracker, "issue", "show", "donbas")
    assert [w["proposition"] for w in page["wordings"]] == [
        PROPOSITION,
        "Ukraine withdraws from Donetsk",
        "Ukraine cedes Donetsk",
    ]
    assert page["wordings"][0]["until"] == page["wordings"][1]["from"]
    assert page["wordings"][-1]["until"] is None
    # A statement logged against an earlier wording says so wherever it is read.
    said = "was logged when the proposition read: Ukraine withdraws from Donetsk"
    assert f"#1 {said}" in tracker("history", "ukraine", "donbas").stdout
    assert "logged against" in tracker("show", "1").stdout
    assert f"#2 {said}" in tracker("report", "--detail").stdout
    page_html = tracker("report", "--format", "html").stdout
    assert "Logged against an earlier wording:" in page_html
    # Without statements since the change, another change needs no --force.
    tracker("add", "ukraine", "donbas", "rejects", "-s", "Still no", "--date", "2025-12-01")
    assert "1 statement was logged" in tracker.fails(
        "issue", "edit", "donbas", "--proposition", "x"
    )


def test_a_first_proposition_for_statements_needs_force(tracker: Tracker) -> None:
    tracker("party", "add", "ukraine", "--name", "Ukraine")
    out = tracker("issue", "add", "donbas", "--title", "Donbas").stdout
    assert "tracker issue edit donbas --proposition" in out
    tracker("add", "ukraine", "donbas", "open", "-s", "x", "--date", "2025-11-30")
    message = one_line(tracker.fails("issue", "edit", "donbas", "--proposition", "Ukraine cedes"))
    assert "1 statement was logged on issue 'donbas' while it had no proposition" in message
    tracker("issue", "edit", "donbas", "--proposition", "Ukraine cedes", "--force")


def test_merge_moves_everything_and_leaves_the_names(tracker: Tracker) -> None:
    tracker("party", "add", "usa", "--name", "USA", "--alias", "Washington")
    tracker("party", "add", "united-states", "--name", "United States")
    tracker("issue", "add", "donbas", "--title", "Donbas", "--keyword", "Donetsk")
    tracker("issue", "add", "donbass", "--title", "Donbass", "--keyword", "Luhansk")
    tracker("person", "add", "Marco Rubio", "--party", "usa")
    tracker("add", "usa", "donbas", "open", "-s", "a", "--date", "2025-11-20")
    tracker("add", "united-states", "donbass", "supports", "-s", "b", "--date", "2025-11-21")
    out = tracker("party", "merge", "usa", "united-states").stdout
    assert out == (
        "Merged party usa into united-states: 1 statement moved; "
        "it now also answers to USA, Washington.\n"
    )
    tracker("issue", "merge", "donbass", "donbas")
    assert [(s["party"], s["issue"]) for s in _json(tracker, "log")] == [
        ("united-states", "donbas"),
        ("united-states", "donbas"),
    ]
    page = _json(tracker, "party", "show", "washington", "--history")
    assert page["slug"] == "united-states"
    assert page["aliases"] == ["USA", "Washington"]  # its name; its slug, usa, is the same
    assert page["people"] == ["Marco Rubio"]
    assert ("merged", "usa", None) in [(r["field"], r["old"], r["new"]) for r in page["history"]]
    assert ("usa: name", None, "USA") in [(r["field"], r["old"], r["new"]) for r in page["history"]]
    issue = _json(tracker, "issue", "show", "donbass")
    assert issue["slug"] == "donbas" and issue["keywords"] == ["Donetsk", "Luhansk"]
    assert issue["aliases"] == ["Donbass"]  # its title; its slug, donbass, is the same name
    assert "unknown party 'usa2'" in tracker.fails("party", "merge", "usa2", "united-states")
    assert "the same party" in tracker.fails("party", "merge", "usa", "united-states")


JOINS, BARRED = "Ukraine may join NATO", "Ukraine is barred from NATO"


def _nato(tracker: Tracker) -> None:
    tracker("party", "add", "russia", "--name", "Russia")
    tracker("party", "add", "ukraine", "--name", "Ukraine")
    tracker("issue", "add", "join", "--title", "NATO membership", "--proposition", JOINS)
    tracker("issue", "add", "barred", "--title", "No NATO", "--proposition", BARRED)
    tracker("add", "russia", "barred", "demands", "-s", "Never in NATO", "--date", "2025-11-20")
    tracker("add", "ukraine", "barred", "rejects", "-s", "No veto", "--date", "2025-11-21")
    tracker("add", "ukraine", "join", "demands", "-s", "Membership", "--date", "2025-11-25")


def test_issues_asking_other_questions_merge_only_when_told_how(tracker: Tracker) -> None:
    """SPEC: issues whose propositions differ merge only with --force (the same
    question) or --negate (the opposite: FROM's scores change sign, and the
    history says so); without either, exit 1 naming both propositions."""
    _nato(tracker)
    before = tracker("export").stdout
    message = one_line(tracker.fails("issue", "merge", "barred", "join"))
    assert repr(BARRED) in message and repr(JOINS) in message, message
    assert "--force" in message and "--negate" in message
    assert "give --force or --negate" in tracker.fails(
        "issue", "merge", "barred", "join", "--force", "--negate", code=2
    )
    assert tracker("export").stdout == before
    # The same proposition, case and spacing aside, needs neither.
    tracker(
        "issue", "add", "join-2", "--title", "Joining", "--proposition", " ukraine MAY  join nato"
    )
    assert "0 statements moved" in tracker("issue", "merge", "join-2", "join").stdout
    out = tracker("issue", "merge", "barred", "join", "--negate").stdout
    assert out.startswith(
        "Merged issue barred into join: 2 statements moved, their stances negated"
    )
    logged = _json(tracker, "log")
    assert [(s["party"], s["issue"], s["stance"], s["score"], s["negated"]) for s in logged] == [
        ("ukraine", "join", "demands", 2, False),
        ("ukraine", "join", "demands", 2, True),  # rejected being barred
        ("russia", "join", "rejects", -2, True),  # demanded it
    ]
    cells = _json(tracker, "report", "--as-of", "2025-11-22")["cells"]
    assert [(c["party"], c["stance"]) for c in cells] == [
        ("russia", "rejects"),
        ("ukraine", "demands"),
    ]
    history = _json(tracker, "issue", "show", "join", "--history")["history"]
    assert ("merged", "barred", "negated") in [(r["field"], r["old"], r["new"]) for r in history]
    shown = tracker("show", "1").stdout.splitlines()
    assert "logged as    demands, on the opposite question" in shown[-1], shown
    said = tracker("history", "russia", "join").stdout
    assert "#1 was logged as demands, on the opposite question" in said, said


def test_remove_only_what_nothing_refers_to(tracker: Tracker) -> None:
    setup_pair(tracker)
    tracker("party", "add", "typo", "--name", "Tpyo")
    tracker("issue", "add", "spare", "--title", "Spare")
    assert tracker("party", "remove", "typo").stdout == "Removed party typo.\n"
    assert tracker("issue", "remove", "spare").stdout == "Removed issue spare.\n"
    tracker("add", "ukraine", "donbas", "rejects", "-s", "No", "--date", "2025-11-30")
    message = one_line(tracker.fails("party", "remove", "ukraine"))
    assert "party 'ukraine' has 1 statement" in message and "tracker party merge" in message
    message = one_line(tracker.fails("issue", "remove", "donbas"))
    assert "issue 'donbas' has 1 statement" in message and "tracker issue merge" in message
    tracker("party", "add", "spoken", "--name", "Spoken For")
    tracker("person", "add", "A Person", "--party", "spoken")
    assert "party of A Person" in tracker.fails("party", "remove", "spoken")
    assert statement_count(tracker) == 1


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json"])
def test_history_in_every_format(tracker: Tracker, fmt: str) -> None:
    setup_pair(tracker)
    tracker("issue", "edit", "donbas", "--add-keyword", "Donetsk", "--add-keyword", "Luhansk")
    tracker("issue", "edit", "donbas", "--remove-keyword", "luhansk")
    out = tracker("issue", "show", "donbas", "--history", "--format", fmt).stdout
    assert "Donetsk" in out and "Luhansk" in out  # the removal is in the history
    if fmt == "json":
        assert json.loads(out)["keywords"] == ["Donetsk"]


# --- a merge is invisible in every report and diff --------------------------

DAYS = ["2025-11-01", "2025-11-10", "2025-11-20", "2025-11-30"]


@pytest.mark.slow
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    said=st.lists(
        st.tuples(
            st.booleans(),  # under the duplicate (a) or under the party itself (b)
            st.sampled_from(["donbas", "nato"]),
            st.sampled_from(["rejects", "opposes", "open", "supports", "demands"]),
            st.sampled_from(DAYS),
            st.booleans(),  # retracted afterwards
        ),
        min_size=1,
        max_size=8,
    )
)
def test_a_merge_gives_what_logging_under_into_would_have(
    tmp_path: Path, sqlite_head: str, said: list[tuple[bool, str, str, str, bool]]
) -> None:
    import uuid

    folder = tmp_path / uuid.uuid4().hex
    folder.mkdir()
    merged = Tracker(copy_of(sqlite_head, folder / "merged.db"))
    direct = Tracker(copy_of(sqlite_head, folder / "direct.db"))
    for t in (merged, direct):
        t("party", "add", "b", "--name", "Party B")
        t("issue", "add", "donbas", "--title", "Donbas")
        t("issue", "add", "nato", "--title", "NATO")
    merged("party", "add", "a", "--name", "Party A")
    for n, (duplicate, issue, stance, day, _) in enumerate(said, start=1):
        merged("add", "a" if duplicate else "b", issue, stance, "-s", f"s{n}", "--date", day)
        direct("add", "b", issue, stance, "-s", f"s{n}", "--date", day)
    for n, (*_, retract) in enumerate(said, start=1):
        if retract:
            for t in (merged, direct):
                t("retract", str(n), "--reason", "r")
    merged("party", "merge", "a", "b")
    for day in DAYS:
        assert _json(merged, "report", "--as-of", day) == _json(direct, "report", "--as-of", day)
        for start in DAYS:
            if start <= day:
                args = ("diff", start, day, "--all")
                assert _json(merged, *args) == _json(direct, *args)

    def logged(t: Tracker) -> list[tuple[Any, ...]]:  # times differ: each logged its own
        return [
            (s["id"], s["party"], s["summary"], s["retraction_reason"]) for s in _json(t, "log")
        ]

    assert logged(merged) == logged(direct)


@pytest.mark.slow
@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    said=st.lists(
        st.tuples(
            st.booleans(),  # on the opposite question (barred) or on join itself
            st.sampled_from(["rejects", "opposes", "open", "supports", "demands"]),
            st.sampled_from(DAYS),
            st.booleans(),  # retracted afterwards
        ),
        min_size=1,
        max_size=8,
    )
)
def test_a_negated_merge_gives_what_logging_the_opposite_under_into_would_have(
    tmp_path: Path, said: list[tuple[bool, str, str, bool]]
) -> None:
    """After `issue merge barred join --negate`, every report, diff and history
    is what it would be had barred's statements been logged under join with
    the opposite stance; and a restore of the export exports the same."""
    import uuid

    from tracker.stance import label, parse_stance

    folder = tmp_path / uuid.uuid4().hex
    folder.mkdir()
    merged, direct = Tracker(str(folder / "merged.db")), Tracker(str(folder / "direct.db"))
    for t in (merged, direct):
        t("party", "add", "b", "--name", "Party B")
        t("issue", "add", "join", "--title", "NATO membership", "--proposition", JOINS)
    merged("issue", "add", "barred", "--title", "No NATO", "--proposition", BARRED)
    for n, (opposite, stance, day, _) in enumerate(said, start=1):
        merged("add", "b", "barred" if opposite else "join", stance, "-s", f"s{n}", "--date", day)
        flipped = label(-parse_stance(stance)) if opposite else stance
        direct("add", "b", "join", flipped, "-s", f"s{n}", "--date", day)
    for n, (*_, retract) in enumerate(said, start=1):
        if retract:
            for t in (merged, direct):
                t("retract", str(n), "--reason", "r")
    merged("issue", "merge", "barred", "join", "--negate")
    for day in DAYS:
        assert _json(merged, "report", "--as-of", day) == _json(direct, "report", "--as-of", day)
        for start in DAYS:
            if start <= day:
                args = ("diff", start, day, "--all")
                assert _json(merged, *args) == _json(direct, *args)

    def history(t: Tracker) -> list[str]:
        lines = t("history", "b", "join").stdout.splitlines()
        return [line for line in lines if "was logged as" not in line]

    assert history(merged) == history(direct)
    assert [
        (s["id"], s["stance"], s["negated"]) for s in _json(merged, "history", "b", "join")
    ] == [
        (n, label(-parse_stance(st_)) if opp else st_, opp)
        for n, (opp, st_, _, _) in sorted(enumerate(said, start=1), key=lambda x: (x[1][2], x[0]))
    ]
    exported = merged("export").stdout
    restored = Tracker(str(folder / "restored.db"))
    path = folder / "backup.json"
    path.write_text(exported, encoding="utf-8")
    restored("import", str(path))
    assert restored("export").stdout == exported
