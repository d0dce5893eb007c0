"""`tracker search` on every backend's own full-text index."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from helpers import Tracker, setup_pair
from tracker.db import resolve_url


def _found(tracker: Tracker, *args: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(tracker("search", *args, "--format", "json").stdout)
    return found


def _texts(tracker: Tracker) -> None:
    setup_pair(tracker)
    tracker(
        "issue",
        "add",
        "assets",
        "--title",
        "Frozen Russian assets",
        "--keyword",
        "reparations loan",
    )
    said = [
        ("2025-11-20", "donbas", "open", "Talks on the line of contact continue"),
        ("2025-11-21", "assets", "supports", "The frozen assets should fund Ukraine"),
        ("2025-11-22", "assets", "supports", "Assets that are frozen stay frozen"),
        ("2025-11-23", "donbas", "rejects", "Sanctions stay until Russia withdraws"),
        ("2025-11-24", "donbas", "rejects", "New sanctioning rounds are ready"),
        ("2025-11-25", "assets", "open", "A loan backed by Russian money is on the table"),
    ]  # fmt: skip
    for day, issue, stance, summary in said:
        tracker("add", "ukraine", issue, stance, "-s", summary, "--date", day)


def test_words_phrases_and_prefixes(tracker: Tracker) -> None:
    _texts(tracker)
    phrase = _found(tracker, '"frozen assets"')
    assert [s["summary"] for s in phrase] == ["The frozen assets should fund Ukraine"]
    words = {s["summary"] for s in _found(tracker, "frozen assets")}
    assert words == {"The frozen assets should fund Ukraine", "Assets that are frozen stay frozen"}
    prefix = [s["summary"] for s in _found(tracker, "sanction*")]
    assert sorted(prefix) == [
        "New sanctioning rounds are ready",
        "Sanctions stay until Russia withdraws",
    ]
    assert _found(tracker, "SANCTIONS")[0]["summary"] == "Sanctions stay until Russia withdraws"
    assert _found(tracker, "nothing-like-this") == []
    assert "Nothing matches" in tracker("search", "zzzz").stdout


def test_best_first_then_newest(tracker: Tracker) -> None:
    setup_pair(tracker)
    for day in ("2025-11-20", "2025-11-22", "2025-11-21"):
        tracker("add", "ukraine", "donbas", "open", "-s", "Same words each day", "--date", day)
    tracker(
        "add",
        "ukraine",
        "donbas",
        "open",
        "-s",
        "words words words, so many words",
        "--date",
        "2025-11-01",
    )
    found = _found(tracker, "words")
    assert found[0]["summary"] == "words words words, so many words"  # the best match
    assert [s["stated_on"] for s in found[1:]] == ["2025-11-22", "2025-11-21", "2025-11-20"]


def test_filters_and_retracted(tracker: Tracker) -> None:
    _texts(tracker)
    assert len(_found(tracker, "frozen", "--issue", "assets")) == 2
    assert _found(tracker, "frozen", "--issue", "donbas") == []
    assert len(_found(tracker, "frozen", "--since", "2025-11-22")) == 1
    assert len(_found(tracker, "frozen", "--until", "2025-11-21")) == 1
    assert len(_found(tracker, "frozen", "--limit", "1")) == 1
    assert len(_found(tracker, "frozen", "--party", "kyiv")) == 2
    tracker("retract", "2", "--reason", "misread")
    assert [s["id"] for s in _found(tracker, "frozen")] == [3]
    assert {s["id"] for s in _found(tracker, "frozen", "--include-retracted")} == {2, 3}


def test_keywords_widen_a_search(tracker: Tracker) -> None:
    _texts(tracker)
    found = _found(tracker, '"reparations loan"')
    # No statement says it, but it is a keyword of the issue "assets".
    assert [s["issue"] for s in found] == ["assets", "assets", "assets"]
    assert [s["stated_on"] for s in found] == ["2025-11-25", "2025-11-22", "2025-11-21"]
    # Its words together name it too, quoted or not (the shell takes the quotes
    # of `tracker search "reparations loan"`); apart, or one of them, they do not.
    assert _found(tracker, "reparations loan") == found
    assert _found(tracker, 'reparations "loan"') == found
    assert _found(tracker, "loan reparations") == []
    loan = _found(tracker, "loan")
    assert [s["summary"] for s in loan] == ["A loan backed by Russian money is on the table"]


def test_matched_words_are_highlighted_on_a_terminal(
    tracker: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    _texts(tracker)
    with monkeypatch.context() as m:
        m.setattr("tracker.cli.options.use_colour", lambda: True)
        out = tracker("search", "sanction*", color=True).stdout
    assert "\x1b[1;4mSanctions\x1b[0m" in out and "\x1b[1;4msanctioning\x1b[0m" in out
    plain = tracker("search", "sanction*").stdout
    assert "\x1b" not in plain
    markdown = tracker("search", "frozen", "--format", "markdown").stdout
    assert "**frozen**" in markdown


def test_a_query_needs_a_word(tracker: Tracker) -> None:
    setup_pair(tracker)
    assert "is before --since" in tracker.fails(
        "search", "x", "--since", "2025-12-01", "--until", "2025-11-01", code=2
    )
    assert "nothing to search for" in tracker.fails("search", '""', code=2)
    assert "nothing to search for" in tracker.fails("search", "*", code=2)


def test_hostile_queries_are_text(tracker: Tracker) -> None:
    _texts(tracker)
    for query in ["frozen' OR 1=1 --", 'frozen" OR "x', "frozen) | (assets", "NEAR(frozen assets)"]:
        found = _found(tracker, query)
        assert all("frozen" in s["summary"].casefold() for s in found), query


def test_a_bulk_import_is_indexed_by_the_next_search(
    tracker: Tracker, backend: str, tmp_path: Path
) -> None:
    setup_pair(tracker)
    rows = "".join(
        f"ukraine,donbas,open,2025-11-{d:02d},bulk imported text {d}\n" for d in range(1, 21)
    )
    path = tmp_path / "bulk.csv"
    path.write_text("party,issue,stance,stated_on,summary\n" + rows, encoding="utf-8")
    tracker("import", str(path))
    if backend != "mysql":  # MariaDB's FULLTEXT index takes every row as it is written
        engine = create_engine(resolve_url(tracker.db))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT pending_from FROM search_state")).scalar() == 1
        engine.dispose()
    first = tracker("search", "bulk", "--limit", "0", "--format", "json")
    if backend != "mysql":
        assert first.stderr == "Indexing the statements an import added, for search (once)...\n"
    assert len(json.loads(first.stdout)) == 20
    assert tracker("search", "bulk").stderr == ""  # once
    tracker("add", "ukraine", "donbas", "open", "-s", "bulk added later", "--date", "2025-11-30")
    assert len(_found(tracker, "bulk", "--limit", "0")) == 21  # the trigger is back
    if backend != "mysql":
        engine = create_engine(resolve_url(tracker.db))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM search_state")).scalar() == 0
        engine.dispose()


def test_seed_search(seeded: Tracker) -> None:
    seeded("person", "edit", "Emmanuel Macron", "--add-alias", "Macron")
    seeded("add", "macron", "frozen-assets", "supports",
           "-s", "Macron wants the frozen assets used for Ukraine's reconstruction",
           "--date", "2025-12-01")  # fmt: skip
    found = _found(seeded, "frozen assets")
    assert found[0]["speaker"] == "Emmanuel Macron"


def test_an_upgrade_indexes_what_is_there(tracker: Tracker) -> None:
    """Down to the revision before PostgreSQL kept its own table of words
    (0005) and up again: the upgrade indexes every statement there."""
    setup_pair(tracker)
    tracker("add", "ukraine", "donbas", "open", "-s", "wombat diplomacy", "--date", "2025-11-30")
    tracker("db", "downgrade", "0004", "--yes")
    tracker("db", "upgrade")
    assert [s["summary"] for s in _found(tracker, "wombat")] == ["wombat diplomacy"]
    tracker("add", "ukraine", "donbas", "open", "-s", "wombat again", "--date", "2025-12-01")
    assert len(_found(tracker, "wombat")) == 2
