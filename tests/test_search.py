"""`tracker search` on every backend's own full-text index."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from helpers import Tracker, setup_pair
from tracker import tokens
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
    # The words found as search reads them: folded, and split where the text is.
    tracker("add", "ukraine", "donbas", "open", "-s", "The Außenminister set 2025-12-01",
            "--date", "2025-11-30")  # fmt: skip
    markdown = tracker("search", "AUSSENMINISTER 2025-12-01", "--format", "markdown").stdout
    assert "**Außenminister** set **2025**-**12**-**01**" in markdown


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


def _marks(tracker: Tracker) -> list[int]:
    engine = create_engine(resolve_url(tracker.db))
    try:
        with engine.connect() as conn:
            query = text("SELECT pending_from FROM search_state ORDER BY pending_from")
            return list(conn.execute(query).scalars())
    finally:
        engine.dispose()


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
    # One mark where the import's statements begin (MariaDB: one per statement).
    assert _marks(tracker) == ([1] if backend != "mysql" else list(range(1, 21)))
    first = tracker("search", "bulk", "--limit", "0", "--format", "json")
    assert first.stderr == (
        "Indexing the statements added since the last search, for search (once)...\n"
    )
    assert len(json.loads(first.stdout)) == 20
    assert tracker("search", "bulk").stderr == ""  # once
    assert _marks(tracker) == []
    tracker("add", "ukraine", "donbas", "open", "-s", "bulk added later", "--date", "2025-11-30")
    assert _marks(tracker) == []  # `add` indexes its statement itself
    assert len(_found(tracker, "bulk", "--limit", "0")) == 21


def test_a_statement_inserted_by_hand_is_found(tracker: Tracker) -> None:
    """A row inserted with SQL, not by tracker, leaves its mark: the next
    search indexes it."""
    setup_pair(tracker)
    tracker("add", "ukraine", "donbas", "open", "-s", "one by tracker", "--date", "2025-11-29")
    engine = create_engine(resolve_url(tracker.db))
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO statement (party_id, issue_id, score, stated_on, summary, "
                    "basis, recorded_at, recorded_by, fingerprint) SELECT party_id, issue_id, "
                    "0, '2025-11-30', 'one by hand', 'stated', '2025-11-30 10:00:00', 'x', 'x' "
                    "FROM statement WHERE id = 1"
                )
            )
    finally:
        engine.dispose()
    assert _marks(tracker) == [2]
    assert {s["summary"] for s in _found(tracker, "one")} == {"one by tracker", "one by hand"}
    assert _marks(tracker) == []


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


# --- one tokenisation on every backend (docs/data-model.md, "How text becomes words") ---

LONG_WORD = "Rindfleischetikettierungsueberwachungsaufgabenuebertragungsgesetz" + "ergaenzungen" * 2
# (summary, quote): statement n is the n-th row.
WORDING = [
    ("The Außenminister spoke on the Straße", None),  # 1
    ("ﬁnance ministers met in İstanbul", None),  # 2
    ("The deadline is 2025-12-01 for all", None),  # 3
    ("Pi is 3.14 and v1.2.3 shipped", None),  # 4
    ("The foo_bar handler", None),  # 5
    ("They hold the line of contact", None),  # 6
    ("The line and the contact", None),  # 7
    (f"A {LONG_WORD} passed", None),  # 8
    ("EU and UN at a G7 meeting", None),  # 9
    ("Kyív said no", None),  # 10
    ("Talks about the war", None),  # 11
    ("한국 외교부 장관", None),  # 12
    ("Ο Τσίπρας μίλησε", None),  # 13
    ("They hold the line", "contact was lost"),  # 14
]
# query -> the statements it finds, on every backend.
QUERIES: dict[str, set[int]] = {
    "Außenminister": {1},
    "aussenminister": {1},
    "AUSSENMINISTER": {1},
    "straße": {1},
    "STRASSE": {1},
    "ﬁnance": {2},
    "finance": {2},
    "fin*": {2},
    "İstanbul": {2},
    "istanbul": {2},
    "2025-12-01": {3},
    "2025-12-02": set(),
    "3.14": {4},
    "v1.2.3": {4},
    "v1.2*": {4},
    "1.2": set(),
    "foo_bar": {5},
    "foo": {5},
    "bar": {5},
    '"line of contact"': {6},
    '"line of con*"': {6},
    "line of con*": {6},
    "line contact": {6, 7, 14},
    '"line contact"': set(),  # not across two fields
    LONG_WORD: {8},
    LONG_WORD.upper(): {8},
    LONG_WORD[:30] + "*": {8},
    "EU": {9},
    "un": {9},
    "g7": {9},
    "kyiv": {10},
    "Kyív": {10},
    "about": {11},
    "the war": {11},
    "외교부": {12},
    "외교*": {12},
    "τσιπρας": {13},
    "ΤΣΊΠΡΑΣ": {13},
}


def test_one_query_table_on_every_backend(tracker: Tracker, backend: str, tmp_path: Path) -> None:
    """The same statements and the same queries find the same statements on
    SQLite, PostgreSQL and MariaDB: folded case (ß, ligatures, dotted İ),
    accents, numbers and dates, short words and stop words, long words,
    phrases and prefixes."""
    setup_pair(tracker)
    path = tmp_path / "wording.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["party", "issue", "stance", "stated_on", "summary", "quote"])
        for n, (summary, quote) in enumerate(WORDING[:-1], 1):
            out.writerow(["ukraine", "donbas", "open", f"2025-11-{n:02d}", summary, quote or ""])
    tracker("import", str(path))
    summary, quote = WORDING[-1]
    tracker(
        "add", "ukraine", "donbas", "open", "-s", summary, "-q", quote or "", "--date", "2025-11-30"
    )
    found = {query: {s["id"] for s in _found(tracker, query, "--limit", "0")} for query in QUERIES}
    wrong = {q: (found[q], want) for q, want in QUERIES.items() if found[q] != want}
    assert wrong == {}, backend


@given(st.text())
def test_words_are_what_every_index_keeps_as_they_are(text: str) -> None:
    """The words of any text, joined by spaces and read again, are the same
    words; none holds an ASCII character but a letter or a digit, which
    SQLite's ascii tokenizer, PostgreSQL's tsvector and InnoDB all keep
    inside a word; none is empty or over 60 characters."""
    found = tokens.words(text)
    assert tokens.words(" ".join(found)) == found
    for word in found:
        assert 0 < len(word) <= tokens.MAX_WORD
        assert all(c in "abcdefghijklmnopqrstuvwxyz0123456789" for c in word if c.isascii())


def _hangul_word(n: int) -> str:
    """A word of 60 Hangul syllables (180 bytes), one for each n."""
    syllable = [chr(0xAC00 + (n + k) % 11172) for k in range(58)]
    return chr(0xAC00 + n // 11172) + chr(0xAC00 + n % 11172) + "".join(syllable)


@pytest.mark.slow
def test_a_statement_too_big_for_one_document_stops_nothing(
    tracker: Tracker, backend: str, tmp_path: Path
) -> None:
    """Four fields, each within its limit, whose distinct words take more
    than PostgreSQL holds in one document (1 MB): the statement is indexed
    as far as it fits (its first words, on every backend alike), and every
    other statement is still found."""
    setup_pair(tracker)
    fields = [" ".join(_hangul_word(f * 2000 + n) for n in range(1600)) for f in range(4)]
    assert all(len(f) < 100_000 for f in fields)
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["party", "issue", "stance", "stated_on", "summary", "quote", "speaker",
                      "conditions"])  # fmt: skip
        out.writerow(["ukraine", "donbas", "open", "2025-11-01", *fields])
        out.writerow(["ukraine", "donbas", "open", "2025-11-02", "wombat talks", "", "", ""])
    tracker("import", str(path))
    assert [s["id"] for s in _found(tracker, "wombat")] == [2]
    assert [s["id"] for s in _found(tracker, _hangul_word(0))] == [1]
    assert [s["id"] for s in _found(tracker, _hangul_word(2000 + 1000))] == [1]
    assert _found(tracker, _hangul_word(6000 + 1599)) == []  # past the limit
    tracker("add", "ukraine", "donbas", "open", "-s", "wombat again", "--date", "2025-11-03")
    assert [s["id"] for s in _found(tracker, "wombat")] == [3, 2]
