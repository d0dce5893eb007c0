"""The first steps of a new user, on every backend."""

from __future__ import annotations

import json

from helpers import PROPOSITION, Tracker, setup_pair


def test_new_user_flow(tracker: Tracker) -> None:
    setup_pair(tracker)
    out = tracker(
        "add", "kyiv", "donbas", "red-line", "--summary", "No withdrawal", "--date", "2025-11-30"
    ).stdout
    assert out == "Added statement #1 (2025-11-30).\nukraine on donbas: rejects (new)\n"
    history = json.loads(tracker("history", "ukraine", "donbas", "--format", "json").stdout)
    assert len(history) == 1
    entry = history[0]
    assert set(entry) == {
        "id",
        "party",
        "issue",
        "stance",
        "score",
        "stated_on",
        "summary",
        "quote",
        "speaker",
        "source",
        "basis",
        "conditions",
        "recorded_at",
        "recorded_by",
        "retracted_at",
        "retraction_reason",
        "negated",  # SPEC's keys, and one more
    }
    assert entry["party"] == "ukraine" and entry["issue"] == "donbas"
    assert entry["stance"] == "rejects" and entry["score"] == -2
    assert entry["stated_on"] == "2025-11-30" and entry["basis"] == "stated"
    assert entry["recorded_by"] == "tester" and entry["retracted_at"] is None
    assert entry["quote"] is None


def test_add_echoes_the_change(tracker: Tracker) -> None:
    setup_pair(tracker)
    tracker("add", "ukraine", "donbas", "opposes", "-s", "Against", "--date", "2025-11-20")
    out = tracker(
        "add", "UKRAINE", "Donbas Territory", "rejects", "-s", "Red line", "--date", "2025-11-30"
    ).stdout
    assert "ukraine on donbas: opposes -> rejects, hardened" in out
    out = tracker(
        "add", "ukraine", "donbas", "rejects", "-s", "Again", "--date", "2025-12-01"
    ).stdout
    assert "ukraine on donbas: rejects, reaffirmed" in out
    out = tracker(
        "add", "ukraine", "donbas", "supports", "-s", "Flip", "--date", "2025-12-02"
    ).stdout
    assert "ukraine on donbas: rejects -> supports, reversed" in out
    # Back-dated: it changes the past, not the current stance.
    out = tracker(
        "add", "ukraine", "donbas", "open", "-s", "Earlier", "--date", "2025-11-25"
    ).stdout
    assert "ukraine on donbas: opposes -> open, softened" in out
    assert "current stance is still supports" in out


def test_add_json_prints_the_record(tracker: Tracker) -> None:
    setup_pair(tracker)
    out = tracker(
        "add",
        "ukraine",
        "donbas",
        "for",
        "-s",
        "Yes",
        "--date",
        "2025-11-30",
        "--quote",
        "We agree",
        "--speaker",
        "Zelensky",
        "--source",
        "https://x.test/a",
        "--basis",
        "reported",
        "--conditions",
        "with guarantees",
        "--format",
        "json",
    )
    record = json.loads(out.stdout)
    assert record["stance"] == "supports" and record["score"] == 1
    assert record["quote"] == "We agree" and record["basis"] == "reported"
    assert record["conditions"] == "with guarantees"
    assert record["recorded_at"].endswith("Z")


def test_party_and_issue_lists(tracker: Tracker) -> None:
    setup_pair(tracker)
    tracker("party", "add", "russia", "--name", "Russia", "--alias", "Moscow", "--alias", "Россия")
    parties = json.loads(tracker("party", "list", "--format", "json").stdout)
    assert parties == [
        {
            "slug": "ukraine",
            "name": "Ukraine",
            "kind": "state",
            "aliases": ["Kyiv"],
            "description": None,
        },
        {
            "slug": "russia",
            "name": "Russia",
            "kind": None,
            "aliases": ["Moscow", "Россия"],
            "description": None,
        },
    ]
    issues = json.loads(tracker("issue", "list", "--format", "json").stdout)
    assert issues == [
        {
            "slug": "donbas",
            "title": "Donbas territory",
            "proposition": PROPOSITION,
            "description": None,
            "keywords": [],
            "aliases": [],
            "negated_aliases": [],
        }
    ]
    table = tracker("party", "list").stdout
    assert "Россия" in table and "ukraine" in table
    csv_out = tracker("issue", "list", "--format", "csv").stdout
    assert csv_out.splitlines()[0] == "slug,title,proposition,keywords,description"
    md = tracker("party", "list", "--format", "markdown").stdout
    assert md.splitlines()[0].startswith("| slug")


def test_names_resolve_by_alias_and_name(tracker: Tracker) -> None:
    setup_pair(tracker)
    tracker("party", "add", "russia", "--name", "Russian Federation", "--alias", "Россия")
    for name in ("russia", "RUSSIA", "russian federation", "россия", "РОССИЯ"):
        tracker("add", name, "DONBAS", "demands", "-s", f"as {name}", "--date", "2025-11-27")
    log = json.loads(tracker("log", "--party", "Россия", "--format", "json").stdout)
    assert {s["party"] for s in log} == {"russia"} and len(log) == 5


def test_log_filters_order_and_limit(tracker: Tracker) -> None:
    setup_pair(tracker)
    for day in ("2025-11-01", "2025-11-03", "2025-11-02", "2025-11-03"):
        tracker("add", "ukraine", "donbas", "open", "-s", day, "--date", day)
    log = json.loads(tracker("log", "--format", "json").stdout)
    # Newest first: stated_on, then recorded_at, then id.
    assert [s["id"] for s in log] == [4, 2, 3, 1]
    window = json.loads(
        tracker("log", "--since", "2025-11-02", "--until", "2025-11-02", "--format", "json").stdout
    )
    assert [s["id"] for s in window] == [3]
    limited = tracker("log", "--limit", "2", "--format", "json")
    assert [s["id"] for s in json.loads(limited.stdout)] == [4, 2]
    assert "--limit 0 shows all" in limited.stderr
    everything = tracker("log", "--limit", "0", "--format", "json")
    assert len(json.loads(everything.stdout)) == 4 and everything.stderr == ""
    mine = json.loads(tracker("log", "--recorded-by", "tester", "--format", "json").stdout)
    assert len(mine) == 4
    assert json.loads(tracker("log", "--recorded-by", "else", "--format", "json").stdout) == []
    # Exact means exact on every backend (MariaDB's PAD SPACE collation too).
    for near in ("tester ", "tester  ", "Tester"):
        assert json.loads(tracker("log", "--recorded-by", near, "--format", "json").stdout) == []


def test_show_and_retract(tracker: Tracker) -> None:
    setup_pair(tracker)
    tracker("add", "ukraine", "donbas", "opposes", "-s", "First", "--date", "2025-11-20")
    tracker("add", "ukraine", "donbas", "rejects", "-s", "Wrong one", "--date", "2025-11-30")
    shown = tracker("show", "2").stdout
    assert "summary" in shown and "Wrong one" in shown
    out = tracker("retract", "2", "--reason", "misattributed").stdout
    assert "Retracted statement #2" in out
    assert "ukraine on donbas now: opposes (#1, 2025-11-20)" in out
    record = json.loads(tracker("show", "2", "--format", "json").stdout)
    assert record["retraction_reason"] == "misattributed" and record["retracted_at"]
    history = tracker("history", "ukraine", "donbas").stdout
    assert "rejects (retracted)" in history
    # Retracted statements stay in the log.
    assert len(json.loads(tracker("log", "--format", "json").stdout)) == 2


def test_date_words(tracker: Tracker) -> None:
    import datetime as dt

    setup_pair(tracker)
    tracker("add", "ukraine", "donbas", "open", "-s", "today")
    tracker("add", "ukraine", "donbas", "open", "-s", "yesterday", "--date", "yesterday")
    log = json.loads(tracker("log", "--format", "json").stdout)
    today = dt.date.today()
    assert [s["stated_on"] for s in log] == [
        today.isoformat(),
        (today - dt.timedelta(days=1)).isoformat(),
    ]


def test_recorded_at_keeps_microseconds(tracker: Tracker) -> None:
    setup_pair(tracker)
    record = json.loads(
        tracker(
            "add",
            "ukraine",
            "donbas",
            "open",
            "-s",
            "x",
            "--date",
            "2025-11-01",
            "--format",
            "json",
        ).stdout
    )
    again = json.loads(tracker("show", str(record["id"]), "--format", "json").stdout)
    assert again["recorded_at"] == record["recorded_at"]
    assert len(record["recorded_at"]) == len("2025-11-01T00:00:00.000000Z")
