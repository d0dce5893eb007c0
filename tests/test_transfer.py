"""Import and export: shapes, all-or-nothing, duplicates, round trips, errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from helpers import Tracker, copy_of, one_line, setup_pair, statement_count
from tracker.core import transfer
from tracker.resources import seed_file

HEADER = "party,issue,stance,stated_on,summary"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return str(path)


def test_seed_imports_and_reimport_adds_nothing(tracker: Tracker) -> None:
    out = tracker("import", str(seed_file())).stdout
    assert out.startswith("Added 24 statements; created parties ukraine, russia")
    again = tracker("import", str(seed_file())).stdout
    assert again == "Added 0 statements; skipped 24 already present.\n"
    assert statement_count(tracker) == 24


def test_json_round_trip(seeded: Tracker, tmp_path: Path, sqlite_head: str, backend: str) -> None:
    first = tmp_path / "first.json"
    seeded("export", "--output", str(first))
    doc = json.loads(first.read_text(encoding="utf-8"))
    assert set(doc) == {"parties", "issues", "people", "statements", "drafts"}
    parties = {p["slug"]: p for p in doc["parties"]}
    assert list(parties) == sorted(parties)  # by slug: an order any database agrees on
    assert parties["ukraine"]["aliases"][:2] == ["Kyiv", "Kiev"]
    assert [s["id"] for s in doc["statements"]] == list(range(1, 25))
    # Into an empty database, then out again: the same file.
    other = Tracker(copy_of(sqlite_head, tmp_path / "other.db"))
    other("import", str(first))
    second = tmp_path / "second.json"
    other("export", "--output", str(second))
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")


def test_csv_round_trip(seeded: Tracker, tmp_path: Path, sqlite_head: str) -> None:
    first = tmp_path / "first.csv"
    seeded("export", "--format", "csv", "--output", str(first))
    rows = list(csv.DictReader(first.open(encoding="utf-8")))
    assert len(rows) == 24 and rows[0]["party"] == "united-states"
    other = Tracker(copy_of(sqlite_head, tmp_path / "other.db"))
    other("import", str(first), "--create-missing")
    second = tmp_path / "second.csv"
    other("export", "--format", "csv", "--output", str(second))
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")


def test_export_to_stdout(seeded: Tracker) -> None:
    doc = json.loads(seeded("export").stdout)
    assert len(doc["statements"]) == 24
    out = seeded("export", "--format", "csv").stdout
    assert out.splitlines()[0].startswith("id,party,issue,stance,score,stated_on,summary")


def test_csv_minimal_columns_in_any_order(tracker: Tracker, tmp_path: Path) -> None:
    setup_pair(tracker)
    path = write(
        tmp_path,
        "s.csv",
        "summary,stated_on,stance,issue,party\n"
        "Refuses,2025-11-30,red-line,donbas,Kyiv\n"
        '"Multi, with comma",2025-11-20,against,Donbas territory,ukraine\n',
    )
    assert tracker("import", path).stdout == "Added 2 statements.\n"
    log = json.loads(tracker("log", "--format", "json").stdout)
    assert [(s["stance"], s["basis"], s["summary"]) for s in log] == [
        ("rejects", "stated", "Refuses"),
        ("opposes", "stated", "Multi, with comma"),
    ]


def test_csv_same_day_ties_keep_file_order(tracker: Tracker, tmp_path: Path) -> None:
    setup_pair(tracker)
    path = write(
        tmp_path,
        "s.csv",
        f"{HEADER}\nukraine,donbas,open,2025-11-30,first\n"
        "ukraine,donbas,rejects,2025-11-30,second\n",
    )
    tracker("import", path)
    report = json.loads(tracker("report", "--as-of", "2025-11-30", "--format", "json").stdout)
    assert report["cells"][0]["stance"] == "rejects"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            f"{HEADER}\nukraine,donbas,maybe,2025-11-30,x\n",
            "line 2, column stance: unknown stance 'maybe'",
        ),
        (
            f"{HEADER}\nukraine,donbas,open,2025-11-30,ok\nukraine,donbas,open,30.11.2025,x\n",
            "line 3, column stated_on: bad date '30.11.2025': use YYYY-MM-DD",
        ),
        (
            f"{HEADER}\nukraine,donbas,open,1800-01-01,x\n",
            "line 2, column stated_on: date 1800-01-01 is before 1900-01-01",
        ),
        (f"{HEADER}\nukraine,donbas,open,2025-11-30,\n", "line 2, column summary: missing summary"),
        ("party,issue,stance,summary\nukraine,donbas,open,x\n", "line 1: missing column stated_on"),
        (f"{HEADER},mood\nukraine,donbas,open,2025-11-30,x,happy\n", "line 1: unknown column mood"),
        (
            f"{HEADER},basis\nukraine,donbas,open,2025-11-30,x,rumour\n",
            "line 2, column basis: unknown basis 'rumour'",
        ),
        (
            f"{HEADER}\nukraine,donbas,open,2025-11-30,x,extra\n",
            "line 2: more fields than the header has columns",
        ),
        # Malformed quoting is a bad row: never read on into the rows after it.
        (
            f'{HEADER}\nukraine,donbas,open,2025-11-30,ok\nukraine,donbas,open,2025-11-30,"never'
            " closed\nukraine,donbas,open,2025-11-30,swallowed\n",
            'line 3: bad CSV: a quoted field is never closed (a " without its closing ")',
        ),
        (
            f'{HEADER}\nukraine,donbas,open,2025-11-30,"closed" then more\n',
            "line 2: bad CSV: ',' expected after '\"'",
        ),
        ('party,"issue,stance,stated_on,summary\nukraine\n', "line 1: bad CSV: a quoted field"),
    ],
)
def test_csv_errors_name_line_and_column(
    tracker: Tracker, tmp_path: Path, body: str, expected: str
) -> None:
    setup_pair(tracker)
    message = one_line(tracker.fails("import", write(tmp_path, "bad.csv", body)))
    assert expected in message
    assert statement_count(tracker) == 0


def test_unknown_names_listed_together(tracker: Tracker, tmp_path: Path) -> None:
    setup_pair(tracker)
    path = write(
        tmp_path,
        "s.csv",
        f"{HEADER}\nukraine,donbas,open,2025-11-30,a\n"
        "atlantis,donbas,open,2025-11-30,b\nmu,crimea,open,2025-11-30,c\n"
        "atlantis,sanctions,open,2025-11-30,d\n",
    )
    message = one_line(tracker.fails("import", path))
    assert "unknown parties: atlantis, mu; unknown issues: crimea, sanctions" in message
    assert "--create-missing" in message
    assert statement_count(tracker) == 0
    out = tracker("import", path, "--create-missing").stdout
    assert out == (
        "Added 4 statements; created parties atlantis, mu; created issues crimea, sanctions.\n"
    )


def test_a_new_party_may_not_take_another_records_name(tracker: Tracker, tmp_path: Path) -> None:
    """A party the import would create under an issue's slug is a bad row,
    named as such, not a race lost to another command (run again in vain)."""
    setup_pair(tracker)
    path = write(tmp_path, "s.csv", f"{HEADER}\nDonbas,donbas,open,2025-11-30,a\n")
    message = one_line(tracker.fails("import", path, "--create-missing"))
    assert message == "Error: line 2: slug 'donbas' is already a name of issue 'donbas'\n"
    assert statement_count(tracker) == 0


def test_dry_run_writes_nothing(tracker: Tracker) -> None:
    out = tracker("import", str(seed_file()), "--dry-run").stdout
    assert out.startswith("Would add 24 statements; would create parties ukraine")
    assert json.loads(tracker("party", "list", "--format", "json").stdout) == []
    assert statement_count(tracker) == 0
    tracker("import", str(seed_file()))
    out = tracker("import", str(seed_file()), "--dry-run").stdout
    assert out == "Would add 0 statements; would skip 24 already present.\n", out


def test_messages_count_one_in_the_singular(tracker: Tracker, tmp_path: Path) -> None:
    setup_pair(tracker)
    tracker("add", "ukraine", "donbas", "open", "-s", "x", "--date", "2025-11-30")
    out = tracker("export", "--output", str(tmp_path / "one.json")).stderr
    assert f"Exported 1 statement to {tmp_path / 'one.json'}" in out, out
    tracker("party", "add", "de", "--name", "Germany", "--alias", "Deutschland")
    out = tracker("party", "edit", "de", "--name", "Deutschland").stdout
    assert out == "Updated party de: Deutschland\n", out


def test_not_utf8_empty_and_bad_json(tracker: Tracker, tmp_path: Path) -> None:
    setup_pair(tracker)
    latin = write(
        tmp_path,
        "latin.csv",
        f"{HEADER}\nukraine,donbas,open,2025-11-30,café\n",
        encoding="latin-1",
    )
    assert "is not UTF-8 text" in one_line(tracker.fails("import", latin))
    empty = write(tmp_path, "empty.csv", "")
    assert "is empty" in one_line(tracker.fails("import", empty))
    blank = write(tmp_path, "blank.json", "  \n")
    assert "is empty" in one_line(tracker.fails("import", blank))
    broken = write(tmp_path, "broken.json", '{"statements": [')
    assert "bad JSON" in one_line(tracker.fails("import", broken))
    wrong = write(tmp_path, "wrong.json", '{"statements": [{"party": "ukraine"}]}')
    assert "statements[0], column issue: missing issue" in one_line(tracker.fails("import", wrong))
    assert statement_count(tracker) == 0
    tracker.fails("import", str(tmp_path / "missing.csv"), code=2)


@pytest.mark.slow  # 12,000 rows on each backend
def test_failure_late_in_a_big_file_changes_nothing(tracker: Tracker, tmp_path: Path) -> None:
    setup_pair(tracker)
    lines = [HEADER] + [f"ukraine,donbas,open,2025-11-30,row {n}" for n in range(12_000)]
    lines.append("ukraine,donbas,open,2025-11-31,bad date at the end")
    message = one_line(tracker.fails("import", write(tmp_path, "big.csv", "\n".join(lines))))
    assert "line 12002, column stated_on" in message
    assert statement_count(tracker) == 0


def test_identical_statements_round_trip(
    tracker: Tracker, tmp_path: Path, sqlite_head: str
) -> None:
    """Two identical statements logged with `add` survive export and import;
    importing the file again adds nothing."""
    setup_pair(tracker)
    for _ in range(2):
        tracker("add", "ukraine", "donbas", "open", "-s", "same", "--date", "2025-11-30")
    first = tmp_path / "first.json"
    tracker("export", "--output", str(first))
    other = Tracker(copy_of(sqlite_head, tmp_path / "other.db"))
    assert other("import", str(first)).stdout.startswith("Added 2 statements")
    assert other("import", str(first)).stdout == "Added 0 statements; skipped 2 already present.\n"
    second = tmp_path / "second.json"
    other("export", "--output", str(second))
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")


def test_a_file_adds_each_statement_as_often_as_it_holds_it_beyond_the_database(
    tracker: Tracker, tmp_path: Path
) -> None:
    """SPEC: a file holding a statement k times, into a database holding it m
    times, adds it max(0, k - m) times; across the writer's chunks too."""
    setup_pair(tracker)
    tracker("add", "ukraine", "donbas", "open", "-s", "once here", "--date", "2025-11-30")
    for _ in range(2):
        tracker("add", "ukraine", "donbas", "open", "-s", "twice here", "--date", "2025-11-30")
    filler = [f"ukraine,donbas,open,2025-11-29,filler {n}" for n in range(transfer.CHUNK - 2)]
    rows = [
        "ukraine,donbas,open,2025-11-30,once here",
        *filler,
        "ukraine,donbas,open,2025-11-30,once here",  # the chunk's last row
        "ukraine,donbas,open,2025-11-30,once here",  # the next chunk's first
        "ukraine,donbas,open,2025-11-30,twice here",
    ]
    path = write(tmp_path, "twice.csv", "\n".join([HEADER, *rows]))
    out = tracker("import", str(path)).stdout
    assert out == f"Added {len(filler) + 2:,} statements; skipped 2 already present.\n"
    summaries = [s["summary"] for s in json.loads(tracker("export").stdout)["statements"]]
    assert summaries.count("once here") == 3 and summaries.count("twice here") == 2
    again = tracker("import", str(path)).stdout
    assert again == f"Added 0 statements; skipped {len(rows):,} already present.\n"


def test_hostile_text_is_stored_verbatim(tracker: Tracker, tmp_path: Path) -> None:
    setup_pair(tracker)
    texts = [
        "Робимо все можливе 🇺🇦",
        "مرحبا \u200f بالعالم",
        "'; DROP TABLE statement; --",
        "bell\x07 and \x1b[31mred\x1b[0m and \x9b C1",
        '=HYPERLINK("http://x")',
    ]
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["party", "issue", "stance", "stated_on", "summary"])
    for n, text in enumerate(texts):
        writer.writerow(["ukraine", "donbas", "open", f"2025-11-{n + 10}", text])
    tracker("import", write(tmp_path, "hostile.csv", buf.getvalue()))
    stored = [s["summary"] for s in json.loads(tracker("log", "--format", "json").stdout)]
    assert sorted(stored) == sorted(texts)
    table = tracker("log").stdout
    assert "\x1b" not in table and "\x07" not in table and "\x9b" not in table
    assert "\\x1b[31mred" in table
    raw_json = tracker("log", "--format", "json").stdout
    assert "\x9b" not in raw_json and "\x1b" not in raw_json


# --- what a file can contain, however odd --------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("stance", ["supports"], "column stance: bad stance ['supports']"),
        ("stance", 1.0, "column stance: bad stance 1.0"),
        ("stance", True, "column stance: bad stance True"),
        ("stance", 3, "column stance: bad stance 3"),
        ("stated_on", ["2025-01-01"], "column stated_on: bad date ['2025-01-01']"),
        ("basis", {"a": 1}, "column basis: expected text, got dict"),
        ("recorded_at", False, "column recorded_at: expected an ISO 8601 date-time, got bool"),
        ("recorded_at", "0001-01-01T00:00:00+01:00", "column recorded_at: bad date-time"),
    ],
)
def test_json_values_of_any_type_are_refused_by_name(
    tracker: Tracker, tmp_path: Path, field: str, value: object, message: str
) -> None:
    statement = {
        "party": "ukraine", "issue": "donbas", "stance": "open", "stated_on": "2025-11-30",
        "summary": "s", field: value,
    }  # fmt: skip
    doc = {"statements": [statement]}
    path = write(tmp_path, "odd.json", json.dumps(doc))
    setup_pair(tracker)
    got = one_line(tracker.fails("import", path))
    assert f"statements[0], {message}" in got
    assert "internal error" not in got


def test_a_blank_recorded_at_cell_means_now(tracker: Tracker, tmp_path: Path) -> None:
    setup_pair(tracker)
    path = write(
        tmp_path, "blank.csv", f"{HEADER},recorded_at\nukraine,donbas,open,2025-11-30,s,   \n"
    )
    tracker("import", path)
    assert statement_count(tracker) == 1


def test_a_record_over_several_lines_is_named_by_its_first(
    tracker: Tracker, tmp_path: Path
) -> None:
    setup_pair(tracker)
    path = write(
        tmp_path,
        "multi.csv",
        f'{HEADER}\nukraine,donbas,open,2025-11-30,one line\nukraine,donbas,maybe,2025-11-30,"three\nline\nsummary"\n',
    )
    assert "line 3, column stance: unknown stance 'maybe'" in tracker.fails("import", path)


def test_an_export_without_formula_escaping_imports_back_with_the_flag(
    tracker: Tracker, tmp_path: Path
) -> None:
    setup_pair(tracker)
    for summary in ("'-) wink", "=1+1", "'=already quoted"):
        tracker("add", "ukraine", "donbas", "open", "-s", summary, "--date", "2025-11-30")
    raw = tmp_path / "raw.csv"
    tracker("export", "--format", "csv", "--no-escape-formulas", "--output", str(raw))
    again = tracker("import", "--no-unescape-formulas", str(raw)).stdout
    assert again == "Added 0 statements; skipped 3 already present.\n"
    # Without the flag the apostrophes would be taken off: new, wrong statements.
    mangled = tracker("import", "--dry-run", str(raw)).stdout
    assert mangled.startswith("Would add 2 statements")


def test_json_keys_in_any_order(tracker: Tracker, tmp_path: Path, sqlite_head: str) -> None:
    """JSON keys have no order: statements before the parties and issues they
    name import as if they came after (they wait in a temporary file)."""
    doc = json.loads(seed_file().read_text(encoding="utf-8"))
    backwards = {k: doc[k] for k in ("statements", "people", "issues", "parties")}
    path = write(tmp_path, "backwards.json", json.dumps(backwards, ensure_ascii=False))
    out = tracker("import", path).stdout
    assert out.startswith("Added 24 statements; created parties ukraine, russia")
    listed = json.loads(tracker("party", "list", "--format", "json").stdout)
    assert [p["aliases"] for p in listed] == [p["aliases"] for p in doc["parties"]]
    other = Tracker(copy_of(sqlite_head, tmp_path / "other.db"))
    other("import", str(seed_file()))

    def exported(t: Tracker) -> dict[str, list[dict[str, Any]]]:
        found: dict[str, list[dict[str, Any]]] = json.loads(t("export").stdout)
        for statement in found["statements"]:
            del statement["recorded_at"]  # the seed has none: now, at each import
        for record in found["parties"] + found["issues"] + found["people"]:
            for revision in record["history"]:  # made at each import, likewise
                del revision["recorded_at"]
        return found

    assert exported(tracker) == exported(other)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"parties": [], "issues": [], "statements": [], "notes": 1}', "unknown top-level key"),
        ('{"parties": [], "parties": []}', "top-level key 'parties' appears twice"),
        ('{"statements": [], "statements": []}', "top-level key 'statements' appears twice"),
        ('{"statements": {}}', "statements must be a list"),
        ('[{"statements": []}]', "a JSON import is an object"),
        ('{"statements": [{"party": "ukraine"}] ', "line 1, column 39: bad JSON: Expecting"),
        ('{"statements": []} []', "line 1, column 20: bad JSON: Extra data"),
        (
            '{"statements": [' + "9" * 5000 + "]}",
            "line 1, column 17: bad JSON: number out of range",
        ),
        (
            '{"statements": [' + "[" * 100_000 + "]" * 100_000 + "]}",
            "line 1, column 17: bad JSON: nested too deeply",
        ),
        (
            '{"statements": [{"party": "ukraine", "summary": "a", "party": "russia"}]}',
            "line 1, column 17: bad JSON: key 'party' appears twice in an object",
        ),
        (
            '{"parties": [{"slug": "a", "name": "A", "slug": "b"}]}',
            "line 1, column 13: bad JSON: key 'slug' appears twice in an object",
        ),
    ],
)
def test_json_shape_errors(tracker: Tracker, tmp_path: Path, text: str, message: str) -> None:
    found = one_line(tracker.fails("import", write(tmp_path, "bad.json", text)))
    assert message in found and "sys." not in found


def test_json_failure_after_the_statements_changes_nothing(
    tracker: Tracker, tmp_path: Path
) -> None:
    """The statements are written as they are read; a fault further on in the
    file still leaves the database as it was."""
    doc = json.loads(seed_file().read_text(encoding="utf-8"))
    body = json.dumps(doc)[:-1] + ', "parties": []}'  # a second "parties", after
    message = one_line(tracker.fails("import", write(tmp_path, "late.json", body)))
    assert "top-level key 'parties' appears twice" in message
    assert statement_count(tracker) == 0
    assert json.loads(tracker("party", "list", "--format", "json").stdout) == []


def test_import_from_standard_input(tracker: Tracker, tmp_path: Path, sqlite_head: str) -> None:
    """`tracker import -` reads standard input, CSV or JSON, told apart by
    their first bytes (nothing is sought back)."""
    setup_pair(tracker)
    csv_text = f"{HEADER}\nukraine,donbas,open,2025-11-30,from a pipe\n"
    assert tracker("import", "-", input=csv_text).stdout == "Added 1 statement.\n"
    exported = tracker("export").stdout
    other = Tracker(copy_of(sqlite_head, tmp_path / "other.db"))
    assert other("import", "-", input=exported).stdout.startswith("Added 1 statement;")
    assert other("export").stdout == exported
    empty = tracker("import", "-", input="  \n", ok=False)
    assert empty.exit_code == 1 and one_line(empty.stderr).endswith("standard input is empty\n")


def test_a_restore_keeps_every_id(tracker: Tracker, tmp_path: Path, sqlite_head: str) -> None:
    """Ids follow the order statements were written; an export lists them in
    the order they were recorded, which can differ (concurrent writers, or
    a file's own recorded_at). A restore into an empty database keeps every
    id, exports the very same file, and later statements get new ids."""
    source = Tracker(copy_of(sqlite_head, tmp_path / "source.db"))
    setup_pair(source)
    rows = [
        f"ukraine,donbas,{stance},2025-11-0{day},said on {day},2025-12-{30 - day}T10:00:00Z"
        for day, stance in ((1, "open"), (2, "opposes"), (3, "rejects"))
    ]
    path = write(tmp_path, "late.csv", "\n".join([f"{HEADER},recorded_at", *rows]) + "\n")
    source("import", path)
    exported = source("export").stdout
    assert [s["id"] for s in json.loads(exported)["statements"]] == [3, 2, 1]
    backup = write(tmp_path, "backup.json", exported)
    assert tracker("import", backup).stdout.startswith("Added 3 statements;")
    assert tracker("export").stdout == exported
    assert json.loads(tracker("show", "1", "--format", "json").stdout)["summary"] == "said on 1"
    added = json.loads(
        tracker("add", "ukraine", "donbas", "open", "-s", "new", "-f", "json").stdout
    )
    assert added["id"] == 4
    # A CSV export restores its ids too.
    csv_export = source("export", "--format", "csv").stdout
    again = Tracker(copy_of(sqlite_head, tmp_path / "again.db"))
    setup_pair(again)
    again("import", write(tmp_path, "backup.csv", csv_export))
    assert again("export", "--format", "csv").stdout == csv_export
    # Into a database that has statements, ids are the database's own.
    assert tracker("import", backup).stdout.startswith("Added 0 statements")


def test_a_restore_leaves_room_for_new_statements(tracker: Tracker, tmp_path: Path) -> None:
    """A restore keeps ids up to its limit, and the database then hands out the
    next ones, within the range docs/data-model.md gives, on every backend."""
    setup_pair(tracker)
    statement: dict[str, object] = {"party": "ukraine", "issue": "donbas", "stance": "open"}
    statement |= {"stated_on": "2025-11-30", "summary": "x", "id": transfer.MAX_KEPT_ID}
    tracker("import", write(tmp_path, "high.json", json.dumps({"statements": [statement]})))
    for n in (1, 2):
        added = json.loads(
            tracker("add", "ukraine", "donbas", "open", "-s", f"new {n}", "-f", "json").stdout
        )
        assert added["id"] == transfer.MAX_KEPT_ID + n <= 2**31 - 1


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        ([1, None], "statements[1], column id: bad id None"),
        ([1, "x"], "statements[1], column id: bad id 'x'"),
        ([0, 1], "statements[0], column id: bad id 0"),
        ([2**31, 1], "statements[0], column id: bad id 2147483648"),
        # The largest a database can hold: nothing could be added after it.
        ([1, 2**31 - 1], "statements[1], column id: bad id 2147483647: a whole number from 1"),
        # One id twice, in one chunk of the writer's or in two.
        ([1, 1, 2], "statements[1], column id: id 1 is given to an earlier statement of the file"),
        ([1, 2, 3, 2], "statements[3], column id: id 2 is given to an earlier statement"),
    ],
)
def test_a_restore_refuses_bad_ids(
    tracker: Tracker,
    tmp_path: Path,
    ids: list[object],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(transfer.writer, "CHUNK", 2)  # [1, 2, 3, 2]: the repeat in the next chunk
    setup_pair(tracker)
    statement = {"party": "ukraine", "issue": "donbas", "stance": "open"}
    statement |= {"stated_on": "2025-11-30", "summary": "x"}
    doc = {"statements": [{**statement, "id": i} for i in ids]}
    path = write(tmp_path, "ids.json", json.dumps(doc))
    assert message in one_line(tracker.fails("import", path))
    assert statement_count(tracker) == 0


def test_a_csv_restore_names_the_line_of_an_id_given_twice(
    tracker: Tracker, tmp_path: Path
) -> None:
    setup_pair(tracker)
    rows = "".join(f"{n},ukraine,donbas,open,2025-11-30,s{n}\n" for n in (7, 8, 7))
    path = write(tmp_path, "twice.csv", "id,party,issue,stance,stated_on,summary\n" + rows)
    refused = one_line(tracker.fails("import", path))
    assert "line 4, column id: id 7 is given to an earlier statement of the file" in refused
    assert statement_count(tracker) == 0


def _take_the_last_id(db: str, backend: str) -> None:
    """A statement with the largest id a database holds, as raw SQL can write
    it (a restore keeps ids up to MAX_KEPT_ID only), and PostgreSQL's sequence
    at its end."""
    from sqlalchemy import create_engine, text

    from tracker.db import resolve_url

    engine = create_engine(resolve_url(db))
    try:
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO statement (id, party_id, issue_id, score, stated_on, summary, basis, "
                "recorded_at, recorded_by, fingerprint) SELECT 2147483647, p.id, i.id, 0, "
                "'2025-11-30', 'last', 'stated', '2025-11-30 10:00:00', 't', 'f' "
                "FROM party p, issue i"
            ))  # fmt: skip
            if backend == "postgresql":
                conn.execute(text("SELECT setval('statement_id_seq', 2147483647)"))
    finally:
        engine.dispose()


def test_ids_used_up(tracker: Tracker, db: str, backend: str, tmp_path: Path) -> None:
    """Once a statement has the largest id a database holds, `add` and
    `import` say in one line that ids are used up, on every backend, and
    SQLite hands out no id past it."""
    setup_pair(tracker)
    _take_the_last_id(db, backend)
    csv_file = write(tmp_path, "more.csv", "party,issue,stance,stated_on,summary\n"
                     "ukraine,donbas,open,2025-11-30,more\n")  # fmt: skip
    for args in (("add", "ukraine", "donbas", "open", "-s", "one more"), ("import", csv_file)):
        refused = one_line(tracker.fails(*args))
        assert refused.endswith(
            "refused the request: statement ids are used up: 2147483647 is the largest a "
            "database holds\n"
        ), refused
    assert [s["id"] for s in json.loads(tracker("log", "-f", "json").stdout)] == [2**31 - 1]
