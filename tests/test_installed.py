"""The installed console script, run as a real process, as a user would."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from helpers import REPO

SCRIPT = shutil.which("tracker", path=str(Path(sys.executable).parent))
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(SCRIPT is None, reason="the tracker console script is not installed"),
]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    assert SCRIPT is not None
    return subprocess.run(
        [SCRIPT, *args], capture_output=True, text=True, env=env or dict(os.environ), timeout=120
    )


def test_new_user_session(sqlite_db: str) -> None:
    steps = [
        ("party", "add", "ukraine", "--name", "Ukraine", "--alias", "Kyiv"),
        ("issue", "add", "donbas", "--title", "Donbas territory", "--proposition",
         "Ukraine withdraws its forces from the part of Donetsk it still holds"),
        ("add", "kyiv", "donbas", "red-line", "--summary", "Refuses to withdraw",
         "--date", "2025-11-30"),
    ]  # fmt: skip
    for step in steps:
        done = run("--db", sqlite_db, *step)
        assert done.returncode == 0, done.stderr
    assert "ukraine on donbas: rejects (new)" in done.stdout
    done = run("--db", sqlite_db, "history", "ukraine", "donbas", "--format", "json")
    assert done.returncode == 0
    [statement] = json.loads(done.stdout)
    assert statement["stance"] == "rejects" and statement["score"] == -2
    assert statement["stated_on"] == "2025-11-30" and statement["recorded_by"] == "tester"


def test_errors_exit_codes_and_no_traceback(sqlite_db: str, tmp_path: Path) -> None:
    done = run("--db", sqlite_db, "add", "nobody", "donbas", "open", "-s", "x")
    assert done.returncode == 1
    assert done.stderr == (
        "Error: unknown party 'nobody': there are no parties yet ('tracker party add' adds one)\n"
    )
    done = run("--db", sqlite_db, "add", "x", "y", "maybe", "-s", "x")
    assert done.returncode == 2 and "unknown stance 'maybe'" in done.stderr
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00\x01 not sqlite" * 200)
    done = run("--db", str(junk), "party", "list")
    assert done.returncode == 1
    assert done.stderr.startswith("Error: cannot use database") and done.stderr.count("\n") == 1
    done = run("--db", "postgresql://u:hunter2@127.0.0.1:1/x", "party", "list")
    assert done.returncode == 1 and "Traceback" not in done.stderr and "hunter2" not in done.stderr


def imported(*args: str) -> set[str]:
    """The modules a tracker command imports (PYTHONPROFILEIMPORTTIME)."""
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    done = run(*args, env=env)
    assert done.returncode == 0, done.stderr
    modules = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "sqlalchemy.orm" in modules  # the measurement works
    return modules


def top_level(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


JSON_FORMAT = "tracker.render.formats.json"  # to_json, for every command's --format json


def test_add_stays_light(sqlite_db: str) -> None:
    """`tracker add` on a database at head imports neither alembic nor tabulate,
    nor jinja2 (the HTML pages' template engine)."""
    run("--db", sqlite_db, "party", "add", "ukraine", "--name", "Ukraine")
    run("--db", sqlite_db, "issue", "add", "donbas", "--title", "Donbas")
    modules = imported("--db", sqlite_db, "add", "ukraine", "donbas", "open", "-s", "x")
    heavy = top_level(modules) & {"alembic", "tabulate", "jinja2", "markupsafe", "mako"}
    assert heavy == set()
    assert "tracker.render.page" not in modules
    # Nor the article reader, nor what it reads with.
    reader = top_level(modules) & {"trafilatura", "lxml", "syntok", "htmldate", "justext"}
    assert reader == set() and not any(m.startswith("tracker.read") for m in modules)
    assert not any(m.startswith("sqlalchemy.dialects.mysql") for m in modules)
    # Nor the formats it does not print in, nor the catalog's records.
    assert not any(m.startswith("tracker.render.formats.") for m in modules - {JSON_FORMAT})
    assert "tracker.core.records" not in modules
    # Nor the web stack of `tracker serve`, nor the password hashes.
    web = top_level(modules) & {"starlette", "uvicorn", "anyio", "argon2", "h11", "httptools"}
    assert web == set() and not any(m.startswith("tracker.web") for m in modules)
    assert "tracker.core.accounts" not in modules


def test_report_and_user_list_load_no_web_stack(sqlite_db: str) -> None:
    for args in (("report",), ("user", "list"), ("log",)):
        modules = imported("--db", sqlite_db, *args)
        assert not top_level(modules) & {"starlette", "uvicorn", "anyio"}, args
        assert not any(m.startswith("tracker.web") for m in modules), args


def test_only_html_imports_jinja2(sqlite_db: str) -> None:
    from tracker.resources import seed_file

    run("--db", sqlite_db, "import", str(seed_file()))
    table = imported("--db", sqlite_db, "report")
    assert "tabulate" in top_level(table) and "jinja2" not in top_level(table)
    page = imported("--db", sqlite_db, "report", "--format", "html")
    assert {"jinja2", "tracker"} <= top_level(page) and "tabulate" not in top_level(page)


def test_demo_leaves_the_users_database_alone(tmp_path: Path) -> None:
    own = tmp_path / "mine.db"
    env = {**os.environ, "TRACKER_DB": str(own), "XDG_DATA_HOME": str(tmp_path / "data")}
    done = run("demo", env=env)
    assert done.returncode == 0, done.stderr
    assert "Stances as of 2025-12-01" in done.stdout
    assert "What moved from" in done.stdout and "softened" in done.stdout
    assert "tracker import" in done.stdout
    # The outlook as of the last date: Donbas deadlocked between Ukraine and
    # Russia, the issues where only France is open with France undecided.
    outlook = done.stdout.split("Outlook as of 2025-12-01", 1)[1].splitlines()
    [donbas] = [line for line in outlook if line.startswith("Donbas territory  ")]
    assert "deadlocked" in donbas and "Ukraine (rejects)" in donbas and "Russia (demands)" in donbas
    for title in ("Frozen Russian assets", "Sanctions on Russia", "Ukraine's EU accession"):
        [line] = [line for line in outlook if line.startswith(title + "  ")]
        assert "within reach" in line and line.rstrip().endswith("  France"), line
    assert not own.exists() and not (tmp_path / "data").exists()
    # The pages, to open in a browser.
    links = re.findall(r"^  (file://\S+)$", done.stdout, re.MULTILINE)
    assert [link.rsplit("/", 1)[-1] for link in links] == ["report.html", "diff.html"]
    pages = [Path(unquote(urlsplit(link).path)) for link in links]
    try:
        report, diff = (p.read_text(encoding="utf-8") for p in pages)
        assert '<table class="matrix">' in report and "<svg" in report
        assert "Stances as of 2025-12-01" in report
        assert 'id="outlook"' in report and '<table class="heatmap">' in report
        assert "What moved from 2025-11-20 to 2025-12-01" in diff
    finally:
        shutil.rmtree(pages[0].parent)


def test_startup_benchmark_runs() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "startup.py"), "--runs", "1"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "ratio:" in done.stdout and "tracker add" in done.stdout


def test_html_scale_benchmark_runs() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "html_scale.py"),
         "--statements", "3000", "--parties", "12", "--issues", "30"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "12 parties x 30 issues, 3,000 statements" in done.stdout
    assert "tracker report --format html --output:" in done.stdout and "page:" in done.stdout
    if "not checked" not in done.stdout:
        assert "chromium loaded the page" in done.stdout and " 360 matrix cells" in done.stdout


def test_read_reviews_in_a_terminal(sqlite_db: str, tmp_path: Path) -> None:
    """In a real terminal the review shows each proposal's sentence with its
    cue highlighted, and a key answers it."""
    import pty
    import select

    run("--db", sqlite_db, "import", str(REPO / "seeds" / "ukraine-2025.json"))
    article = tmp_path / "article.txt"
    article.write_text(
        "Kyiv has publicly refused to withdraw forces from Donetsk.\n", encoding="utf-8"
    )
    assert SCRIPT is not None
    pid, fd = pty.fork()
    if pid == 0:  # the child: tracker, in the terminal
        os.execv(SCRIPT, [SCRIPT, "--db", sqlite_db, "read", str(article), "-d", "2025-12-01"])
    screen = b""

    def wait_for(text: bytes) -> None:
        nonlocal screen
        while text not in screen:
            ready, _, _ = select.select([fd], [], [], 60)
            assert ready, screen
            screen += os.read(fd, 4096)

    try:
        wait_for(b"[q]uit")
        assert b"\x1b[1;4;33mrefused\x1b[0m" in screen
        os.write(fd, b"a\n")
        wait_for(b"Logged 1 of 1 proposal.")
        assert b"Added statement #25 (2025-12-01)." in screen
    finally:
        os.close(fd)
        os.waitpid(pid, 0)
