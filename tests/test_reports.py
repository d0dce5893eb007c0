"""The stance table and the diff report on the Ukraine seed, in every format.
The expected cells are written out by hand from the article (docs/seed-sources.md)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from helpers import EXPECTED_DEC_2, Tracker

# When the draft plan circulated, only its (US) provisions are on record.
EXPECTED_NOV_20 = {
    ("united-states", "donbas"): "supports",
    ("united-states", "nato-membership"): "opposes",
    ("united-states", "nato-forces"): "opposes",
    ("united-states", "armed-forces-limits"): "supports",
    ("united-states", "frozen-assets"): "supports",
    ("united-states", "sanctions"): "supports",
    ("united-states", "security-guarantees"): "supports",
    ("united-states", "eu-accession"): "supports",
}


def cells(tracker: Tracker, *args: str) -> dict[tuple[str, str], str]:
    data = json.loads(tracker("report", *args, "--format", "json").stdout)
    return {(c["party"], c["issue"]): c["stance"] for c in data["cells"]}


def test_report_json_on_the_seed(seeded: Tracker) -> None:
    data = json.loads(seeded("report", "--as-of", "2025-12-02", "--format", "json").stdout)
    assert data["as_of"] == "2025-12-02" and data["known_at"] is None
    assert set(data["cells"][0]) == {
        "party",
        "issue",
        "stance",
        "score",
        "stated_on",
        "statement_id",
    }
    assert cells(seeded, "--as-of", "2025-12-02") == EXPECTED_DEC_2
    assert cells(seeded, "--as-of", "2025-11-20") == EXPECTED_NOV_20
    assert cells(seeded, "--as-of", "2025-11-19") == {}


def test_report_filters(seeded: Tracker) -> None:
    got = cells(
        seeded,
        "--as-of",
        "2025-12-02",
        "--party",
        "Kyiv",
        "--party",
        "Washington",
        "--issue",
        "donbas",
    )
    assert got == {("ukraine", "donbas"): "rejects", ("united-states", "donbas"): "open"}


def test_report_known_at(seeded: Tracker) -> None:
    # Everything was logged just now: known at an earlier moment, nothing was known.
    assert cells(seeded, "--as-of", "2025-12-02", "--known-at", "2025-12-31") == {}
    assert cells(seeded, "--as-of", "2025-12-02", "--known-at", "2999-01-01") == EXPECTED_DEC_2


def test_report_table(seeded: Tracker) -> None:
    out = seeded("report", "--as-of", "2025-12-02").stdout
    lines = out.splitlines()
    assert lines[0] == "Stances as of 2025-12-02"
    assert "\x1b[" not in out  # no colour when not a terminal
    donbas = next(line for line in lines if line.startswith("Donbas territory"))
    assert donbas.split()[2:] == ["rejects", "demands", "open", "open"]
    header = lines[2]
    for name in ("Ukraine", "Russia", "United States", "France", "United Kingdom"):
        assert name in header


def test_report_table_fits_a_narrow_terminal(
    seeded: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    out = seeded("report", "--as-of", "2025-12-02").stdout
    assert max(len(line) for line in out.splitlines()) <= 60
    # Every party still appears, in a second table if need be.
    for name in ("Ukraine", "Russia", "France", "European"):
        assert name in out
    assert out.count("Donbas territory") >= 2


def test_report_detail_and_transpose(seeded: Tracker) -> None:
    out = seeded("report", "--as-of", "2025-12-02", "--detail").stdout
    assert "(2025-12-01" in out and "(2025-11-30)" in out
    out = seeded("report", "--as-of", "2025-12-02", "--transpose").stdout
    lines = out.splitlines()
    assert lines[2].startswith("party")
    assert any(line.startswith("Ukraine ") for line in lines)


def test_report_markdown(seeded: Tracker) -> None:
    out = seeded("report", "--as-of", "2025-12-02", "--format", "markdown").stdout
    lines = out.splitlines()
    assert lines[0] == "**Stances as of 2025-12-02**"
    table = [line for line in lines if line.startswith("|")]
    assert table[0].startswith("| issue")
    assert set(table[1]) <= {"|", "-", ":", " "}
    widths = {line.count("|") for line in table}
    assert len(widths) == 1  # every row has the same number of cells


def test_report_csv(seeded: Tracker) -> None:
    out = seeded("report", "--as-of", "2025-12-02", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {(r["party"], r["issue"]): r["stance"] for r in rows} == EXPECTED_DEC_2
    assert list(rows[0]) == ["party", "issue", "stance", "score", "stated_on", "statement_id"]


def test_diff_json_on_the_seed(seeded: Tracker) -> None:
    data = json.loads(seeded("diff", "2025-11-20", "2025-12-02", "--format", "json").stdout)
    assert data["from"] == "2025-11-20" and data["to"] == "2025-12-02"
    changes = {
        (c["party"], c["issue"]): (c["from_stance"], c["to_stance"], c["change"])
        for c in data["changes"]
    }
    # After Miami the US left territory and NATO forces open: softened.
    assert changes[("united-states", "donbas")] == ("supports", "open", "softened")
    assert changes[("united-states", "nato-forces")] == ("opposes", "open", "softened")
    assert changes[("ukraine", "donbas")] == (None, "rejects", "new")
    assert changes[("russia", "donbas")] == (None, "demands", "new")
    assert changes[("eu", "settlement-consent")] == (None, "supports", "new")
    # Unchanged US provisions are not listed by default ...
    assert ("united-states", "sanctions") not in changes
    assert {c for _, _, c in changes.values()} == {"new", "softened"}
    assert len(changes) == 15
    issues = {i["issue"]: (i["spread_from"], i["spread_to"], i["trend"]) for i in data["issues"]}
    assert issues["donbas"] == (None, 4, None)
    assert issues["settlement-consent"] == (None, 1, None)


def test_diff_all_and_trends(seeded: Tracker) -> None:
    data = json.loads(
        seeded("diff", "2025-11-30", "2025-12-02", "--all", "--format", "json").stdout
    )
    changes = {(c["party"], c["issue"]): c["change"] for c in data["changes"]}
    assert changes[("ukraine", "donbas")] == "reaffirmed"  # Zelensky in Paris, 2025-12-01
    assert changes[("united-states", "sanctions")] == "unchanged"
    issues = {i["issue"]: (i["spread_from"], i["spread_to"], i["trend"]) for i in data["issues"]}
    assert issues["donbas"] == (4, 4, "steady")
    data = json.loads(seeded("diff", "2025-11-27", "2025-11-30", "--format", "json").stdout)
    issues = {i["issue"]: (i["spread_from"], i["spread_to"], i["trend"]) for i in data["issues"]}
    assert issues["donbas"] == (1, 4, "diverging")


def test_diff_table(seeded: Tracker) -> None:
    out = seeded("diff", "2025-11-20", "2025-12-02").stdout
    lines = out.splitlines()
    assert lines[0] == "What moved from 2025-11-20 to 2025-12-02"
    assert lines[2] == (
        "Changes: 13 new, 0 reversed, 0 hardened, 2 softened. "
        "Issues: 0 converging, 0 diverging, 0 steady."
    )
    us = next(line for line in lines if line.startswith("United States") and "softened" in line)
    assert "supports -> open" in us and "2025-11-30" in us


def test_diff_markdown_is_a_briefing(seeded: Tracker) -> None:
    out = seeded("diff", "2025-11-20", "2025-12-02", "--format", "markdown").stdout
    assert out.startswith("## What moved from 2025-11-20 to 2025-12-02\n\nChanges: 13 new")
    assert "### Changes" in out and "### Issues" in out
    rows = [line for line in out.splitlines() if line.startswith("| United States")]
    assert any("softened" in r for r in rows)


def test_diff_csv(seeded: Tracker) -> None:
    out = seeded("diff", "2025-11-20", "2025-12-02", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 15
    assert {r["change"] for r in rows} == {"new", "softened"}


def test_diff_filters(seeded: Tracker) -> None:
    data = json.loads(
        seeded(
            "diff", "2025-11-20", "2025-12-02", "--party", "united-states", "--format", "json"
        ).stdout
    )
    assert {c["party"] for c in data["changes"]} == {"united-states"}
    assert all(i["spread_to"] is None for i in data["issues"])


def test_history_on_the_seed(seeded: Tracker) -> None:
    out = seeded("history", "united-states", "donbas").stdout
    assert out.splitlines()[0] == "United States on Donbas territory"
    assert "softened" in out
    items = json.loads(seeded("history", "Washington", "donbas", "--format", "json").stdout)
    assert [s["stance"] for s in items] == ["supports", "open"]
    assert items[0]["basis"] == "inferred"


def test_colour_on_a_terminal(seeded: Tracker, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tracker.cli.options.use_colour", lambda: True)
    out = seeded("report", "--as-of", "2025-12-02", color=True).stdout
    assert "\x1b[38;5;160mrejects\x1b[0m" in out and "\x1b[38;5;34mdemands\x1b[0m" in out


def test_no_color_env(monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker.cli.options import use_colour

    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    assert use_colour() is False


def test_statement_rows_are_read_by_position() -> None:
    """`to_view` passes a row's values to StatementView in order."""
    from dataclasses import fields

    from tracker.core.query import STATEMENT_COLUMNS
    from tracker.core.types import StatementView

    assert [c.key for c in STATEMENT_COLUMNS] == [f.name for f in fields(StatementView)]
