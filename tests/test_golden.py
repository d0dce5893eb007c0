"""Golden files: the seed's output in every format, byte for byte, on every backend.

The seed is imported with fixed `recorded_at` and `recorded_by` values (and
one retraction), so every byte of every output is determined by the data.
After a deliberate change to the output, rewrite the files with

    TRACKER_UPDATE_GOLDEN=1 pytest tests/test_golden.py

and read the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import Tracker, golden_seed

GOLDEN = Path(__file__).with_name("golden")
FORMATS = ("table", "markdown", "csv", "json")

# name: (environment, arguments). Each runs against the seed imported below.
CASES: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {}


def case(name: str, *args: str, columns: int | None = None) -> None:
    env = {"COLUMNS": str(columns)} if columns else {}
    CASES[name] = (env, args)


for fmt in FORMATS:
    case(f"report.{fmt}", "report", "--as-of", "2025-12-01", "--format", fmt)
    case(f"report-detail.{fmt}", "report", "--as-of", "2025-12-01", "--detail", "--format", fmt)
    case(f"diff.{fmt}", "diff", "2025-11-20", "2025-12-01", "--format", fmt)
    case(f"diff-all.{fmt}", "diff", "2025-11-01", "2025-12-01", "--all", "--format", fmt)
    case(f"log.{fmt}", "log", "--limit", "0", "--format", fmt)
    case(f"history.{fmt}", "history", "ukraine", "donbas", "--format", fmt)
    case(f"show.{fmt}", "show", "3", "--format", fmt)
    case(f"party-list.{fmt}", "party", "list", "--format", fmt)
    case(f"issue-list.{fmt}", "issue", "list", "--format", fmt)
case("report-transpose.table", "report", "--as-of", "2025-12-01", "--transpose")
case("report-grid.table", "report", "--as-of", "2025-12-01", "--tablefmt", "grid")
case("report-narrow.table", "report", "--as-of", "2025-12-01", "--detail", columns=80)
case(
    "report-known-at.json",
    "report",
    "--as-of",
    "2025-12-01",
    "--known-at",
    "2025-11-28T12:00:00",
    "--format",
    "json",
)
case("report-filtered.table", "report", "--as-of", "2025-12-01", "-p", "kyiv", "-p", "russia")
case("diff-narrow.table", "diff", "2025-11-20", "2025-12-01", columns=80)
case("log-party.table", "log", "--party", "russia", "--since", "2025-11-25", "--limit", "3")
case("report.html", "report", "--as-of", "2025-12-01", "--format", "html")
case(
    "report-retracted.html",
    "report",
    "--as-of",
    "2025-12-01",
    "--format",
    "html",
    "--show-retracted",
    "--timelines",
    "0",
)
case("diff.html", "diff", "2025-11-20", "2025-12-01", "--format", "html")
for fmt in FORMATS:
    case(f"outlook.{fmt}", "outlook", "--as-of", "2025-12-01", "--format", fmt)
    case(f"align.{fmt}", "align", "--as-of", "2025-12-01", "--format", fmt)
case(
    "outlook-compare.json",
    "outlook",
    "--as-of",
    "2025-12-01",
    "--compare",
    "2025-11-27",
    "-f",
    "json",
)
case("align-compare.table", "align", "--as-of", "2025-12-01", "--compare", "2025-11-27")
case("align-narrow.table", "align", "--as-of", "2025-12-01", columns=80)
case("outlook.html", "outlook", "--as-of", "2025-12-01", "--compare", "2025-11-27", "-f", "html")
case("align.html", "align", "--as-of", "2025-12-01", "--compare", "2025-11-27", "-f", "html")
case("export.json", "export", "--format", "json")
case("export.csv", "export", "--format", "csv")


@pytest.fixture
def golden_db(tracker: Tracker, tmp_path: Path) -> Tracker:
    tracker("import", str(golden_seed(tmp_path)))
    return tracker


@pytest.mark.slow  # some forty outputs on each backend
def test_golden_outputs(golden_db: Tracker, monkeypatch: pytest.MonkeyPatch) -> None:
    update = bool(os.environ.get("TRACKER_UPDATE_GOLDEN"))
    GOLDEN.mkdir(exist_ok=True)
    mismatched = []
    for name, (env, args) in CASES.items():
        with monkeypatch.context() as m:
            for var, value in env.items():
                m.setenv(var, value)
            out = golden_db(*args).stdout
        path = GOLDEN / name
        if update:
            path.write_bytes(out.encode("utf-8"))
        elif path.read_bytes().decode("utf-8") != out:
            mismatched.append(name)
    assert not mismatched, f"output differs from tests/golden/ for: {', '.join(mismatched)}"


def test_every_golden_file_is_a_case() -> None:
    assert sorted(p.name for p in GOLDEN.iterdir()) == sorted(CASES)
