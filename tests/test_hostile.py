"""Hostile input on every backend: any Unicode stored verbatim, CSV cells a
spreadsheet would run as formulas escaped on the way out and restored on the
way in, very long text and characters no database stores refused with one
line, control characters never raw on a terminal, and a fuzz test of `add`
and `import` with arbitrary text."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import Tracker, copy_of, empty_database, one_line, setup_pair, statement_count
from tracker.text import escape_formula, unescape_formula

FORMULAS = [
    "=1+1",
    '=HYPERLINK("http://example.org/x","click")',
    "+7 (495) 123-45-67",
    "-2 points on the scale",
    "@SUM(A1:A3)",
    "\tTab first",
    "\rCarriage return first",
    "'=already quoted once",
    "''+twice",
    "'just an apostrophe",
    "plain = text",
    "Україна — 🇺🇦 \u200f مرحبا",
]


def statements_doc(texts: list[str]) -> dict[str, object]:
    rows = []
    for n, t in enumerate(texts):
        rows.append(
            {"party": "ukraine", "issue": "donbas", "stance": "rejects",
             "stated_on": f"2025-11-{n + 1:02d}", "summary": t, "quote": t, "speaker": t,
             "source": t, "conditions": t, "recorded_at": f"2025-11-{n + 1:02d}T10:00:00Z"}
        )  # fmt: skip
    return {"statements": rows}


def write(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8", newline="")
    return str(path)


def test_escape_is_undone_exactly() -> None:
    for text in [*FORMULAS, "", "'", "''", "=", "'''-x"]:
        assert unescape_formula(escape_formula(text)) == text
    assert escape_formula("=1+1") == "'=1+1" and escape_formula("'=x") == "''=x"
    assert escape_formula("'plain") == "'plain" and escape_formula("-") == "'-"


def test_report_csv_makes_every_slug_safe() -> None:
    """A valid slug never starts like a formula nor holds a line break, but
    the database may have been written by something else: the report's CSV
    (which escapes each slug once) writes what the general writer would."""
    import datetime as dt

    from tracker.core.types import Cell, IssueRef, PartyRef, Report
    from tracker.render import report
    from tracker.render.formats.csv import REPORT_HEADERS, to_csv

    for hostile in ("-party", "=1+1", "a\rb", "plain"):
        parties = (PartyRef(1, hostile, "P"), PartyRef(2, "ukraine", "Ukraine"))
        issue = IssueRef(1, "@issue", "I")
        day = dt.date(2025, 11, 1)
        cells = tuple(Cell(p, issue, -2, day, n) for n, p in enumerate(parties, 1))
        rep = Report(as_of=day, known_at=None, parties=parties, issues=(issue,), cells=cells)
        rows = [(c.party.slug, c.issue.slug, c.stance, c.score, "2025-11-01", c.statement_id)
                for c in cells]  # fmt: skip
        assert report(rep, "csv") == to_csv(REPORT_HEADERS, rows)
        parsed = list(csv.reader(io.StringIO(report(rep, "csv"), newline="")))
        assert [unescape_formula(r[0]) for r in parsed[1:]] == [hostile, "ukraine"]
        assert parsed[1][1] == "'@issue"


def test_csv_export_escapes_formulas_and_import_round_trips(
    tracker: Tracker, backend: str, db: str, tmp_path: Path, sqlite_head: str
) -> None:
    setup_pair(tracker)
    tracker("import", write(tmp_path, "in.json", json.dumps(statements_doc(FORMULAS))))
    first = tracker("export", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(first)))
    for row, text in zip(rows, FORMULAS, strict=True):
        for column in ("summary", "quote", "speaker", "source", "conditions"):
            assert row[column] == escape_formula(text)
        assert row["score"] == "-2"  # a number, never escaped
    assert [r["summary"][0] for r in rows[:7]] == ["'"] * 7
    assert rows[9]["summary"] == "'just an apostrophe" and rows[10]["summary"] == "plain = text"
    # Every CSV the tool prints escapes them too; JSON is always verbatim.
    assert "'=1+1" in tracker("log", "--format", "csv").stdout
    assert "\n'=1+1" not in tracker("export", "--format", "csv", "--no-escape-formulas").stdout
    assert '"summary": "=1+1"' in tracker("export").stdout
    raw = tracker("export", "--format", "csv", "--no-escape-formulas").stdout
    assert [r["summary"] for r in csv.DictReader(io.StringIO(raw))] == FORMULAS

    # Into an empty database of the same kind, and out again: the same file.
    exported = write(tmp_path, "first.csv", first)
    if backend == "sqlite":
        other = Tracker(copy_of(sqlite_head, tmp_path / "other.db"))
    else:
        empty_database(backend, db)
        other = tracker
    other("import", exported, "--create-missing")
    log = json.loads(other("log", "-n", "0", "--format", "json").stdout)
    assert sorted(s["summary"] for s in log) == sorted(FORMULAS)
    assert other("export", "--format", "csv").stdout == first


def test_hand_written_apostrophe_before_a_formula_is_taken_off(
    tracker: Tracker, tmp_path: Path
) -> None:
    """Documented: import reads a cell '=… as the escaped form of =…"""
    setup_pair(tracker)
    path = write(
        tmp_path, "hand.csv", "party,issue,stance,stated_on,summary\nukraine,donbas,open,"
        "2025-11-30,'=not a formula\nukraine,donbas,open,2025-11-30,'kept\n"
    )  # fmt: skip
    tracker("import", path)
    log = json.loads(tracker("log", "--format", "json").stdout)
    assert sorted(s["summary"] for s in log) == ["'kept", "=not a formula"]


# --- very long text and characters no database stores -------------------------


def test_a_megabyte_summary_is_refused_everywhere(tracker: Tracker, tmp_path: Path) -> None:
    setup_pair(tracker)
    huge = "x" * 1_000_000
    limit = "summary is 1,000,000 characters long; at most 100,000 are allowed"
    message = one_line(tracker.fails("add", "ukraine", "donbas", "open", "-s", huge))
    assert limit in message and len(message) < 300
    message = one_line(
        tracker.fails("add", "ukraine", "donbas", "open", "-s", "ok", "--quote", huge)
    )
    assert "quote is 1,000,000 characters long" in message
    body = f"party,issue,stance,stated_on,summary\nukraine,donbas,open,2025-11-30,{huge}\n"
    message = one_line(tracker.fails("import", write(tmp_path, "huge.csv", body)))
    assert f"line 2, column summary: {limit}" in message
    doc = statements_doc([huge])
    message = one_line(tracker.fails("import", write(tmp_path, "huge.json", json.dumps(doc))))
    assert f"statements[0], column summary: {limit}" in message
    message = one_line(tracker.fails("party", "add", "big", "--name", "B", "--description", huge))
    assert "description is 1,000,000 characters long" in message
    assert statement_count(tracker) == 0
    # The limit itself is fine, in four-byte characters too.
    longest = "🇺" * 100_000
    tracker("add", "ukraine", "donbas", "open", "-s", longest, "--date", "2025-11-30")
    assert json.loads(tracker("show", "1", "--format", "json").stdout)["summary"] == longest


def test_nul_and_lone_surrogates_are_refused_everywhere(tracker: Tracker, tmp_path: Path) -> None:
    """PostgreSQL cannot store NUL, no database stores half a surrogate pair:
    every backend refuses both the same way, by name."""
    setup_pair(tracker)
    for bad, why in (
        ("a\x00b", "contains a NUL character"),
        ("a\ud800b", "is not valid Unicode text (lone surrogate)"),
    ):
        message = one_line(tracker.fails("add", "ukraine", "donbas", "open", "-s", bad))
        assert f"summary {why}" in message
        message = one_line(tracker.fails("party", "add", "p", "--name", bad))
        assert f"party name {why}" in message
        message = one_line(tracker.fails("issue", "add", "i", "--title", "I", "--proposition", bad))
        assert f"proposition {why}" in message
    doc = '{"statements": [{"party": "ukraine", "issue": "donbas", "stance": "open",'
    doc += ' "stated_on": "2025-11-30", "summary": "x", "quote": "\\ud800"}]}'
    message = one_line(tracker.fails("import", write(tmp_path, "s.json", doc)))
    assert "statements[0], column quote: quote is not valid Unicode text" in message
    doc = '{"parties": [{"slug": "p", "name": 5}]}'
    message = one_line(tracker.fails("import", write(tmp_path, "p.json", doc)))
    assert "parties[0]: party name must be text, not int" in message
    assert statement_count(tracker) == 0
    assert [p["slug"] for p in json.loads(tracker("party", "list", "-f", "json").stdout)] == [
        "ukraine"
    ]


def test_error_messages_never_carry_raw_control_characters(
    tracker: Tracker, tmp_path: Path
) -> None:
    setup_pair(tracker)
    evil = "\x1b]0;pwned\x07\x1b[2J"
    body = f"party,issue,stance,stated_on,summary\n{evil},donbas,open,2025-11-30,x\n"
    message = one_line(tracker.fails("import", write(tmp_path, "evil.csv", body)))
    assert "unknown parties: \\x1b]0;pwned\\x07\\x1b[2J" in message
    tracker("add", "ukraine", "donbas", "open", "-s", "x", "--date", "2025-11-30")
    tracker("retract", "1", "--reason", f"{evil}\nsecond line")
    message = one_line(tracker.fails("retract", "1", "--reason", "again"))
    assert "\x1b" not in message and "\x07" not in message and "\\x1b[2J second line" in message


def test_format_characters_reach_no_terminal_raw(tracker: Tracker) -> None:
    """A bidi control (U+202E turns what follows around) or a zero-width
    space in stored text is printed escaped on a terminal, as control
    characters are: in a list of parties an older tracker let such a name
    into, and in a statement's text. JSON keeps the text as it is."""
    from sqlalchemy import create_engine, insert

    from tracker.db import resolve_url
    from tracker.db.schema import PARTY

    setup_pair(tracker)
    engine = create_engine(resolve_url(tracker.db))
    with engine.begin() as conn:
        conn.execute(insert(PARTY).values(slug="older", name="Evil\u202ecod.exe\u200b"))
    engine.dispose()
    listed = tracker("party", "list").stdout
    assert "Evil\\u202ecod.exe\\u200b" in listed and "\u202e" not in listed, listed
    tracker("add", "ukraine", "donbas", "open", "-s", "said \u2066x\u2069", "--date", "2025-11-30")
    for args in (("log",), ("show", "1"), ("history", "ukraine", "donbas")):
        out = tracker(*args).stdout
        assert "\\u2066x\\u2069" in out and "\u2066" not in out, (args, out)
    assert "said \u2066x\u2069" in tracker("show", "1", "--format", "json").stdout


def test_every_format_character_is_escaped_but_the_joiners() -> None:
    """`tracker.text.FORMAT` lists Unicode's format characters by hand (made
    at start-up they would cost every command): each one this Python knows,
    but U+200C and U+200D, is in it."""
    import sys
    import unicodedata

    from tracker.text import terminal_text

    missing = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) == "Cf"
        and code not in (0x200C, 0x200D)
        and terminal_text(chr(code)) == chr(code)
    ]
    assert missing == []
    assert terminal_text("\u200c\u200d") == "\u200c\u200d"


# --- fuzz: arbitrary text through add and import --------------------------------

TEXT = st.text(max_size=300)
FIELDS = ("summary", "quote", "speaker", "conditions")


def _examples(backend: str) -> int:
    return 60 if backend == "sqlite" else 30


def _newest(tracker: Tracker) -> dict[str, object]:
    log = json.loads(tracker("log", "-n", "1", "--format", "json").stdout)
    return log[0] if log else {}


def _expected(texts: dict[str, str], field: str) -> str | None:
    """What the tool stores for a text: as given, blank meaning absent."""
    value = texts[field]
    return value if value.strip() else None


def _must_refuse(texts: dict[str, str]) -> bool:
    """The only texts the tool may refuse here: a blank summary, or NUL (which
    no backend stores alike). Everything else must be stored."""
    return not texts["summary"].strip() or any("\x00" in v for v in texts.values())


def _refused_cleanly(result_code: int, stderr: str, count_before: int, tracker: Tracker) -> None:
    assert result_code in (1, 2), (result_code, stderr)
    assert stderr.startswith("Error: ") or "\nError: " in stderr, stderr
    assert "Traceback" not in stderr
    assert statement_count(tracker) == count_before


def check_add(tracker: Tracker, n: int, texts: dict[str, str]) -> None:
    before = statement_count(tracker)
    args = ["add", "ukraine", "donbas", "open", "--date", "2025-11-30", "--source", f"fuzz {n}"]
    for field in FIELDS:
        args += [f"--{field}", texts[field]]
    result = tracker(*args, ok=False)
    assert (result.exit_code != 0) == _must_refuse(texts), (result.exit_code, result.stderr)
    if result.exit_code != 0:
        _refused_cleanly(result.exit_code, result.stderr, before, tracker)
        return
    stored = _newest(tracker)
    for field in FIELDS:
        assert stored[field] == _expected(texts, field), field
    assert statement_count(tracker) == before + 1


def check_import(
    tracker: Tracker, tmp_path: Path, n: int, texts: dict[str, str], kind: str
) -> None:
    before = statement_count(tracker)
    row = {"party": "ukraine", "issue": "donbas", "stance": "open", "stated_on": "2025-11-30",
           "source": f"fuzz {n}", **texts}  # fmt: skip
    path = tmp_path / f"fuzz.{kind}"
    if kind == "json":
        path.write_text(json.dumps({"statements": [row]}, ensure_ascii=False), encoding="utf-8")
    else:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(row))  # lines end in CR LF
        writer.writeheader()
        writer.writerow({k: escape_formula(v) for k, v in row.items()})
        path.write_text(out.getvalue(), encoding="utf-8", newline="")
    result = tracker("import", str(path), ok=False)
    assert (result.exit_code != 0) == _must_refuse(texts), (result.exit_code, result.stderr)
    if result.exit_code != 0:
        _refused_cleanly(result.exit_code, result.stderr, before, tracker)
        return
    assert result.stdout == "Added 1 statement.\n"
    stored = _newest(tracker)
    for field in FIELDS:
        assert stored[field] == _expected(texts, field), field


@pytest.mark.slow  # a hundred and more CLI runs per backend
def test_fuzz_add_and_import(tracker: Tracker, backend: str, tmp_path: Path) -> None:
    setup_pair(tracker)
    counter = iter(range(10**9))

    @settings(
        max_examples=_examples(backend),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        st.fixed_dictionaries({f: TEXT for f in FIELDS}), st.sampled_from(["add", "csv", "json"])
    )
    def fuzz(texts: dict[str, str], way: str) -> None:
        n = next(counter)
        if way == "add":
            check_add(tracker, n, texts)
        else:
            check_import(tracker, tmp_path, n, texts, way)

    fuzz()


def test_fuzz_core_add(db: str, backend: str) -> None:
    """The core function alone: stores the text exactly, or raises Invalid and writes nothing."""
    import datetime as dt

    from tracker.core import catalog
    from tracker.core.statements import add_statement, get_statement
    from tracker.db import Database, resolve_url
    from tracker.errors import Invalid

    database = Database(resolve_url(db))
    with database.session(write=True) as session:
        catalog.add_party(session, "ukraine", "Ukraine")
        catalog.add_issue(session, "donbas", "Donbas")

    @settings(max_examples=_examples(backend), deadline=None)
    @given(st.text(max_size=200), st.text(max_size=200))
    def fuzz(summary: str, quote: str) -> None:
        try:
            with database.session(write=True) as session:
                added = add_statement(
                    session, "ukraine", "donbas", 0, summary, dt.date(2025, 11, 30), quote=quote
                )
        except Invalid:
            ok = summary.strip() and "\x00" not in summary + quote
            assert not ok, (summary, quote)
            return
        with database.session() as session:
            stored = get_statement(session, added.statement.id)
        assert stored.summary == summary
        assert stored.quote == (quote if quote.strip() else None)

    try:
        fuzz()
    finally:
        database.dispose()
