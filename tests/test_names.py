"""One name resolver: `add`, the filters and both kinds of import name a party
or an issue the same way, and refuse the same names. A name two records
share can only come from older data (today every command keeps a name to
one record), so the tests write such rows directly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Table, create_engine, insert

from helpers import Tracker, one_line
from tracker.cli import cli
from tracker.db import resolve_url
from tracker.db.schema import ISSUE, PARTY

HEADER = "party,issue,stance,stated_on,summary"


def _count(tracker: Tracker) -> int:
    return len(json.loads(tracker("log", "--limit", "0", "--format", "json").stdout))


def _insert(db: str, table: Table, **values: str) -> None:
    """A row written as an older tracker could: SPEC's one namespace (a name
    names one record) is kept by the commands, not by the database."""
    engine = create_engine(resolve_url(db))
    with engine.begin() as conn:
        conn.execute(insert(table).values(**values))
    engine.dispose()


def _catalog(tracker: Tracker) -> None:
    tracker("party", "add", "ukraine", "--name", "Ukraine", "--alias", "Kyiv")
    tracker("party", "add", "russia", "--name", "Russian Federation", "--alias", "Moscow")
    tracker("issue", "add", "donbas", "--title", "Donbas territory")
    tracker("issue", "add", "security", "--title", "Security guarantees for Ukraine")
    # A slug that is also, case-folded, another issue's title: the slug wins.
    _insert(tracker.db, ISSUE, slug="guarantees", title="Security")


def _import_csv(tracker: Tracker, tmp_path: Path, party: str, issue: str) -> str:
    path = tmp_path / "rows.csv"
    path.write_text(f"{HEADER}\n{party},{issue},open,2025-11-30,imported\n", encoding="utf-8")
    return str(path)


def _import_json(tracker: Tracker, tmp_path: Path, party: str, issue: str) -> str:
    path = tmp_path / "rows.json"
    statement = {
        "party": party,
        "issue": issue,
        "stance": "open",
        "stated_on": "2025-11-30",
        "summary": "imported",
    }
    doc = {"parties": [], "issues": [], "statements": [statement]}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


WRITERS = {"csv": _import_csv, "json": _import_json}

NAMES = [
    # (what is typed for the party, for the issue, the party and issue they name)
    ("ukraine", "donbas", "ukraine", "donbas"),  # slugs
    ("UKRAINE", "DONBAS", "ukraine", "donbas"),  # slugs, in another case
    ("kyiv", "donbas territory", "ukraine", "donbas"),  # an alias, a title
    ("Russian  federation", "Donbas Territory", "russia", "donbas"),  # a name, spaces folded
    ("MOSCOW", "security", "russia", "security"),  # the slug, not the title "Security"
    ("ukraine", "Security Guarantees for Ukraine", "ukraine", "security"),
]


@pytest.mark.parametrize(("party", "issue", "party_slug", "issue_slug"), NAMES)
@pytest.mark.parametrize("how", ["add", "csv", "json"])
def test_each_kind_of_name_resolves_the_same_everywhere(
    tracker: Tracker,
    tmp_path: Path,
    how: str,
    party: str,
    issue: str,
    party_slug: str,
    issue_slug: str,
) -> None:
    _catalog(tracker)
    if how == "add":
        tracker("add", party, issue, "open", "-s", "typed", "--date", "2025-11-30")
    else:
        tracker("import", WRITERS[how](tracker, tmp_path, party, issue))
    logged = json.loads(tracker("log", "--format", "json").stdout)
    assert [(s["party"], s["issue"]) for s in logged] == [(party_slug, issue_slug)]


def _ambiguous_titles(tracker: Tracker) -> None:
    tracker("party", "add", "ukraine", "--name", "Ukraine")
    tracker("issue", "add", "security-a", "--title", "Security")
    _insert(tracker.db, ISSUE, slug="security-b", title="security")


def _ambiguous_party_names(tracker: Tracker, db: str) -> None:
    """Two parties of one name: `party add` refuses the second, but two analysts
    adding at the same moment on a server can still get there."""
    tracker("party", "add", "ge", "--name", "Georgia")
    tracker("issue", "add", "donbas", "--title", "Donbas territory")
    _insert(db, PARTY, slug="georgia-us", name="GEORGIA")


@pytest.mark.parametrize("how", ["add", "csv", "json"])
def test_an_ambiguous_title_is_refused_everywhere(
    tracker: Tracker, tmp_path: Path, how: str
) -> None:
    _ambiguous_titles(tracker)
    if how == "add":
        message = tracker.fails("add", "ukraine", "SECURITY", "open", "-s", "x")
    else:
        message = tracker.fails("import", WRITERS[how](tracker, tmp_path, "ukraine", "SECURITY"))
        where = "line 2" if how == "csv" else "statements[0]"
        assert message.startswith(f"Error: {where}"), message
    assert "issue title 'SECURITY' is ambiguous: use a slug (security-a, security-b)" in message
    assert message.count("\n") == 1
    assert _count(tracker) == 0


@pytest.mark.parametrize("how", ["add", "csv", "json"])
def test_an_ambiguous_party_name_is_refused_everywhere(
    tracker: Tracker, db: str, tmp_path: Path, how: str
) -> None:
    _ambiguous_party_names(tracker, db)
    if how == "add":
        message = tracker.fails("add", "Georgia", "donbas", "open", "-s", "x")
    else:
        message = tracker.fails("import", WRITERS[how](tracker, tmp_path, "Georgia", "donbas"))
        where = "line 2" if how == "csv" else "statements[0]"
        assert message.startswith(f"Error: {where}"), message
    assert "party name 'Georgia' is ambiguous: use a slug (ge, georgia-us)" in message
    assert _count(tracker) == 0
    # Their slugs still name each one.
    tracker("add", "georgia-us", "donbas", "open", "-s", "x", "--date", "2025-11-30")
    assert _count(tracker) == 1


def test_an_ambiguous_name_late_in_a_file_writes_nothing(tracker: Tracker, tmp_path: Path) -> None:
    _ambiguous_titles(tracker)
    rows = "".join(f"ukraine,security-a,open,2025-11-{d:02d},fine\n" for d in range(1, 9))
    path = tmp_path / "late.csv"
    path.write_text(f"{HEADER}\n{rows}ukraine,Security,open,2025-11-30,bad\n", encoding="utf-8")
    message = tracker.fails("import", str(path))
    assert message.startswith("Error: line 10, column issue: issue title 'Security' is ambiguous")
    assert _count(tracker) == 0


@pytest.mark.parametrize("how", ["csv", "json"])
def test_unknown_names_in_a_file_give_the_first_line(
    tracker: Tracker, tmp_path: Path, how: str
) -> None:
    _catalog(tracker)
    message = tracker.fails("import", WRITERS[how](tracker, tmp_path, "atlantis", "donbas"))
    where = "line 2" if how == "csv" else "statements[0]"
    assert message.startswith(f"Error: {where}: unknown parties: atlantis"), message
    assert _count(tracker) == 0


def test_the_filters_use_the_same_resolver(tracker: Tracker) -> None:
    _ambiguous_titles(tracker)
    for command in (
        ("log", "--issue"),
        ("report", "--issue"),
        ("diff", "2025-01-01", "today", "-i"),
    ):
        message = tracker.fails(*command, "Security")
        assert "issue title 'Security' is ambiguous" in message
    message = tracker.fails("history", "ukraine", "security")
    assert "issue title 'security' is ambiguous" in message


# --- names in Unicode's one form ---------------------------------------------

CAFE_NFC, CAFE_NFD = "Caf\u00e9", "Cafe\u0301"  # "Café" twice, as typed on two keyboards


def test_a_name_is_one_name_in_either_unicode_form(tracker: Tracker, tmp_path: Path) -> None:
    """Names are stored and compared in NFC: 'Café' typed with a composed é
    or with e and a combining accent names one record."""
    tracker("party", "add", "cafe", "--name", CAFE_NFD, "--alias", f"Grand {CAFE_NFD}")
    tracker("issue", "add", "menu", "--title", f"{CAFE_NFD} menu", "--keyword", CAFE_NFD)
    tracker("person", "add", f"Ren{CAFE_NFD[3:]}e", "--party", "cafe")
    party = json.loads(tracker("party", "show", CAFE_NFC, "-f", "json").stdout)
    assert (party["name"], party["aliases"]) == (CAFE_NFC, [f"Grand {CAFE_NFC}"])
    issue = json.loads(tracker("issue", "show", f"{CAFE_NFC} MENU", "-f", "json").stdout)
    assert (issue["title"], issue["keywords"]) == (f"{CAFE_NFC} menu", [CAFE_NFC])
    assert json.loads(tracker("person", "show", "Ren\u00e9e", "-f", "json").stdout)["name"] == (
        "Ren\u00e9e"
    )
    for typed in (CAFE_NFC, f"grand {CAFE_NFC}", "Ren\u00e9e"):
        tracker("add", typed, f"{CAFE_NFC} menu", "open", "-s", "x", "--date", "2025-11-30")
    path = tmp_path / "rows.csv"
    path.write_text(f"{HEADER}\n{CAFE_NFC},{CAFE_NFC} menu,open,2025-11-30,y\n", encoding="utf-8")
    tracker("import", str(path))
    assert _count(tracker) == 4
    for args in (
        ("party", "add", "cafe-2", "--name", CAFE_NFC),
        ("party", "edit", "cafe", "--name", f"{CAFE_NFC} menu"),
        ("person", "add", CAFE_NFC, "--party", "cafe"),
    ):
        assert "already names" in tracker.fails(*args), args
    out = tracker("party", "edit", "cafe", "--add-alias", f"GRAND {CAFE_NFC}").stdout
    assert "nothing changed" in out


def test_a_name_is_one_line_and_completion_prints_it_safe(tracker: Tracker, tmp_path: Path) -> None:
    """No name holds a control character or a line break; and what shell
    completion prints of an older database's names keeps its format."""
    tracker("party", "add", "ukraine", "--name", "Ukraine")
    tracker("issue", "add", "donbas", "--title", "Donbas")
    for args in (
        ("party", "add", "x", "--name", "Two\nlines"),
        ("party", "add", "x", "--name", "X", "--alias", "bell\x07"),
        ("party", "edit", "ukraine", "--add-alias", "\x1b[2Jcleared"),
        ("party", "edit", "ukraine", "--name", "Ukr\u2028aine"),
        ("issue", "add", "x", "--title", "tab\there"),
        ("issue", "edit", "donbas", "--add-keyword", "c1\x85c1"),
        ("person", "add", "Some\rone", "--party", "ukraine"),
    ):
        message = one_line(tracker.fails(*args))
        assert "holds a control character" in message, (args, message)
    path = tmp_path / "people.json"
    path.write_text(
        json.dumps({"people": [{"name": "A\nB", "affiliations": [{"party": "ukraine"}]}]}),
        encoding="utf-8",
    )
    assert "people[0]: person name 'A\\nB' holds a control" in one_line(
        tracker.fails("import", str(path))
    )
    # Older data may hold such names: completion escapes what it prints.
    _insert(tracker.db, PARTY, slug="older", name="Ukr\nplain,evil\x1b[2J")
    env = {"_TRACKER_COMPLETE": "bash_complete", "COMP_WORDS": f"tracker --db {tracker.db} add uk",
           "COMP_CWORD": "4"}  # fmt: skip
    lines = CliRunner().invoke(cli, [], env=env, prog_name="tracker").output.splitlines()
    assert sorted(lines) == ["plain,Ukr plain,evil\\x1b[2J", "plain,ukraine"]
    env["_TRACKER_COMPLETE"] = "zsh_complete"
    lines = CliRunner().invoke(cli, [], env=env, prog_name="tracker").output.splitlines()
    assert len(lines) == 6 and lines[::3] == ["plain"] * 2, lines
    assert "Ukr plain,evil\\x1b[2J" in lines[1::3], lines


def test_canonically_equivalent_names_have_one_key_and_one_slug() -> None:
    """A name and its slug do not depend on the Unicode form it was typed in:
    case folding decomposes some letters ("ᾷ" folds to "ᾶι"), so a key is
    composed, folded and composed again; and a slug is made of the composed
    name, so two databases make one slug of one name."""
    from tracker.core.names import key
    from tracker.slugs import slug_from

    assert key("\u03b1\u0345\u0342") == key("\u1fb7") == key("\u1fb7".upper())
    assert key(CAFE_NFD) == key(CAFE_NFC.upper())
    assert slug_from("Nou\u00e9lle") == slug_from("Noue\u0301lle") == "nou-lle"


def test_a_record_made_under_another_slug_is_found_by_its_name(
    tracker: Tracker, tmp_path: Path
) -> None:
    """An older tracker made `noue-lle` of "Nouélle" typed in NFD, this one
    makes `nou-lle`: an export naming the party and the issue by their
    other slug finds them here by their name, and makes no second record."""
    tracker("party", "add", "nou-lle", "--name", "Nou\u00e9lle")
    tracker("issue", "add", "caf", "--title", CAFE_NFC)
    doc = {
        "parties": [{"slug": "noue-lle", "name": "Noue\u0301lle", "history": [
            {"field": "created", "old": None, "new": "noue-lle",
             "recorded_at": "2025-01-01T00:00:00Z", "recorded_by": "old"}]}],
        "issues": [{"slug": "cafe", "title": CAFE_NFD, "history": [
            {"field": "created", "old": None, "new": "cafe",
             "recorded_at": "2025-01-01T00:00:00Z", "recorded_by": "old"}]}],
        "statements": [],
    }  # fmt: skip
    path = tmp_path / "older.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    out = tracker("import", str(path)).stdout
    assert "created" not in out, out
    assert [p["slug"] for p in json.loads(tracker("party", "list", "-f", "json").stdout)] == [
        "nou-lle"
    ]
    assert [i["slug"] for i in json.loads(tracker("issue", "list", "-f", "json").stdout)] == ["caf"]


HIDDEN = {
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u200b": "ZERO WIDTH SPACE",
    "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\ufeff": "ZERO WIDTH NO-BREAK SPACE",
    "\u00ad": "SOFT HYPHEN",
}


@pytest.mark.parametrize("char", list(HIDDEN))
def test_a_name_holds_no_invisible_format_character(tracker: Tracker, char: str) -> None:
    """Bidi controls and zero-width characters (Unicode's format characters,
    "Cf") change how a name reads without showing: refused in every name, as
    control characters are; the joiners some scripts and emoji need are not."""
    tracker("party", "add", "ukraine", "--name", "Ukraine")
    tracker("issue", "add", "donbas", "--title", "Donbas")
    for args in (
        ("party", "add", "x", "--name", f"Evil{char}niaru"),
        ("party", "edit", "ukraine", "--add-alias", f"Kyiv{char}"),
        ("issue", "edit", "donbas", "--title", f"Don{char}bas"),
        ("issue", "edit", "donbas", "--add-keyword", f"Don{char}etsk"),
        ("person", "add", f"Some{char}one", "--party", "ukraine"),
    ):
        message = one_line(tracker.fails(*args))
        assert f"invisible format character (U+{ord(char):04X}, {HIDDEN[char]})" in message
    tracker("party", "add", "iran", "--name", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645")
    tracker("party", "edit", "iran", "--add-alias", "\U0001f3f3\ufe0f\u200d\U0001f308")
