"""`tracker read` on the command line: printing, importing, accepting,
reviewing, fetching, and a new user's first article."""

from __future__ import annotations

import contextlib
import http.server
import json
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers import READ_DATA, Tracker, one_line, seed_article, statement_count
from tracker.cli import read as read_cli

ARTICLE = (
    "Talks in Geneva\n\n"
    "Kyiv’s delegation has publicly refused to withdraw forces from Donetsk. "
    "Russia demands a Ukrainian withdrawal from the Donbas.\n"
)


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


@pytest.fixture
def catalog(seeded: Tracker) -> Tracker:
    """The Ukraine scenario's catalog, for the article's names to resolve against."""
    return seeded


def test_json_is_a_document_import_takes(catalog: Tracker, article: Path, tmp_path: Path) -> None:
    out = catalog("read", str(article), "--date", "2025-12-01", "--source", "https://x.org/a",
                  "--format", "json").stdout  # fmt: skip
    doc = json.loads(out)
    assert (doc["title"], doc["date"], doc["source"]) == (
        "Talks in Geneva",
        "2025-12-01",
        "https://x.org/a",
    )
    assert [(s["party"], s["issue"], s["stance"]) for s in doc["statements"]] == [
        ("ukraine", "donbas", "rejects"),
        ("russia", "donbas", "demands"),
    ]
    assert set(doc["statements"][0]) >= {"evidence", "cue", "confidence", "basis", "speaker"}
    before = statement_count(catalog)
    saved = tmp_path / "proposals.json"
    saved.write_text(out, encoding="utf-8")
    assert "Added 2 statements" in catalog("import", str(saved)).stdout
    assert statement_count(catalog) == before + 2


def test_table_markdown_csv_and_filters(catalog: Tracker, article: Path) -> None:
    table = catalog("read", str(article), "--date", "2025-12-01").stdout
    assert "2 proposals from “Talks in Geneva”, 2025-12-01" in table and "rejects" in table
    markdown = catalog("read", str(article), "-d", "2025-12-01", "-f", "markdown").stdout
    assert markdown.startswith("**2 proposals") and "| ukraine" in markdown
    csv = catalog("read", str(article), "-d", "2025-12-01", "-f", "csv").stdout.splitlines()
    assert csv[0].startswith("party,issue,stance,score,stated_on,summary") and len(csv) == 3
    only = catalog("read", str(article), "-d", "2025-12-01", "-p", "Moscow", "-f", "json").stdout
    assert [s["party"] for s in json.loads(only)["statements"]] == ["russia"]
    grid = catalog("read", str(article), "-d", "2025-12-01", "--tablefmt", "grid").stdout
    assert "+----" in grid


def test_accept_logs_like_add_and_skips_what_is_held(catalog: Tracker, article: Path) -> None:
    before = statement_count(catalog)
    done = catalog("read", str(article), "-d", "2025-12-01", "--source", "s", "--accept", "2")
    assert (
        done.stdout.startswith("Added statement #") and "russia on donbas: demands" in done.stdout
    )
    done = catalog("read", str(article), "-d", "2025-12-01", "--source", "s", "--accept", "all")
    assert "Proposal 2 is already in the database: skipped." in done.stdout
    assert done.stdout.count("Added statement #") == 1
    assert statement_count(catalog) == before + 2
    message = catalog.fails("read", str(article), "-d", "2025-12-01", "--accept", "3", code=2)
    assert "there is no proposal 3: the text gave 2" in message
    assert statement_count(catalog) == before + 2
    assert "'x'" in catalog.fails("read", str(article), "-d", "2025-12-01", "--accept", "x", code=2)


def test_min_confidence_leaves_out_the_less_sure(catalog: Tracker, article: Path) -> None:
    def confidences(*more: str) -> list[float]:
        out = catalog("read", str(article), "-d", "2025-12-01", "-f", "json", *more).stdout
        return [s["confidence"] for s in json.loads(out)["statements"]]

    every = confidences()
    assert len(every) == 2 and min(every) < max(every)
    assert confidences("--min-confidence", str(max(every))) == [max(every)]
    assert confidences("--min-confidence", "0") == every
    bad = catalog.fails("read", str(article), "--min-confidence", "2", code=2)
    assert "--min-confidence" in bad and "2.0" in bad


def test_accept_all_warns_once_that_it_logs_unreviewed(catalog: Tracker, article: Path) -> None:
    done = catalog("read", str(article), "-d", "2025-12-01", "--source", "s", "--accept", "all")
    [warning] = [line for line in done.stderr.splitlines() if line.strip()]
    assert "retract" in warning and "--min-confidence" in warning
    chosen = catalog("read", str(article), "-d", "2025-12-01", "--source", "t", "--accept", "1")
    assert chosen.stderr == ""


def test_accept_logs_all_or_nothing(catalog: Tracker, tmp_path: Path) -> None:
    """A proposal that cannot be stored (a NUL in its sentence) stops
    `--accept all` before anything is logged: one line naming it, exit 1."""
    path = tmp_path / "nul.txt"
    path.write_text(ARTICLE.replace("Ukrainian withdrawal", "Ukrainian\x00 withdrawal"), "utf-8")
    before = statement_count(catalog)
    said = catalog.fails("read", str(path), "-d", "2025-12-01", "--accept", "all")
    warning, message = said.splitlines(keepends=True)  # `all` warns first
    assert warning.startswith("Warning: --accept all logs every proposal unreviewed")
    message = one_line(message)
    assert "proposal 2" in message and "NUL" in message, message
    assert statement_count(catalog) == before
    done = catalog("read", str(path), "-d", "2025-12-01", "--accept", "1")
    assert done.stdout.count("Added statement #") == 1
    assert statement_count(catalog) == before + 1


def test_the_date(catalog: Tracker, article: Path, tmp_path: Path) -> None:
    message = catalog.fails("read", str(article), code=2)
    assert "found no date in" in message and "give --date YYYY-MM-DD" in message
    dated = tmp_path / "dated.md"
    dated.write_text("# Talks\n\n*30 November 2025*\n\n" + ARTICLE, encoding="utf-8")
    assert json.loads(catalog("read", str(dated), "-f", "json").stdout)["date"] == "2025-11-30"
    later = catalog.fails("read", str(article), "--date", "2099-01-01", code=2)
    assert "more than a week in the future" in later


def test_standard_input(catalog: Tracker) -> None:
    out = catalog("read", "-", "-d", "2025-12-01", "-f", "json", input=ARTICLE).stdout
    assert len(json.loads(out)["statements"]) == 2


def test_a_missing_file_is_one_line(catalog: Tracker, tmp_path: Path) -> None:
    one_line(catalog.fails("read", str(tmp_path / "nope.txt"), "-d", "2025-12-01"))


class _Pages(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/article":
            body = (READ_DATA / "climate-finance.html").read_bytes()
        elif self.path == "/huge":
            body = b"<html><body>" + b"<p>words words</p>" * 700_000 + b"</body></html>"
        else:
            self.send_error(404, "Not Found")
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A reader that stops reading (the body is over its limit) closes the
        # connection while the page is sent: not an error of the test's. Said
        # on stderr, it would land in the in-process command's own stderr.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def local_server() -> Iterator[str]:
    server = _Server(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_url(sqlite_db: str) -> None:
    tracker = Tracker(sqlite_db)
    with local_server() as base:
        doc = json.loads(tracker("read", f"{base}/article", "-f", "json").stdout)
        assert doc["title"] == "Climate talks split over finance and fossil fuels"
        assert doc["date"] == "2026-11-18"
        assert doc["source"] == "https://wire.example.org/climate/finance-split"
        missing = one_line(tracker.fails("read", f"{base}/gone", "-d", "2025-12-01"))
        assert f"cannot fetch {base}/gone: HTTP 404" in missing
        huge = one_line(tracker.fails("read", f"{base}/huge", "-d", "2025-12-01"))
        assert "larger than" in huge
    # A port bound and never listened on refuses, where a closed server's
    # port may be taken again meanwhile by another test's server.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        base = f"http://127.0.0.1:{closed.getsockname()[1]}"
        refused = one_line(tracker.fails("read", f"{base}/article", "-d", "2025-12-01"))
    assert f"cannot fetch {base}/article" in refused


def test_review_accept_skip_edit_quit(
    catalog: Tracker, article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read_cli, "interactive", lambda: True)
    before = statement_count(catalog)
    # Edit the first (stance by alias, a new summary, the rest as proposed), skip the
    # second. A key is taken as it is pressed, with no Enter; a field is a line.
    keys = "e\n\nagainst\n\nKyiv will not pull back.\n\n\n\n\n\ns\n"
    done = catalog("read", str(article), "-d", "2025-12-01", "--source", "s", input=keys)
    assert "[refused]" in done.stdout  # the cue, marked where there is no colour
    assert "ukraine on donbas: rejects -> opposes, softened" in done.stdout
    assert "Logged 1 of 2 proposals." in done.stdout
    [added] = json.loads(catalog("log", "-n", "1", "-f", "json").stdout)
    assert (added["stance"], added["summary"], added["source"]) == (
        "opposes", "Kyiv will not pull back.", "s",
    )  # fmt: skip
    # Accept the first, quit at the second: what was accepted stays.
    done = catalog("read", str(article), "-d", "2025-12-01", input="aq")
    assert "Added statement #" in done.stdout and "Logged 1 of 1 proposal." in done.stdout
    assert statement_count(catalog) == before + 2
    # The first is held now (the same party, issue, stance, date and source): shown
    # as such, and not asked about.
    done = catalog("read", str(article), "-d", "2025-12-01", input="q\n")
    assert "Proposal 1 of 2 (already in the database: skipped)" in done.stdout
    assert done.stdout.count("[a]ccept") == 1


def test_review_ends_with_its_input(
    catalog: Tracker, article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-D, or the end of piped keys, quits as q does: what was accepted
    stays, and nothing is an error."""
    monkeypatch.setattr(read_cli, "interactive", lambda: True)
    before = statement_count(catalog)
    done = catalog("read", str(article), "-d", "2025-12-01", input="a")
    assert "Logged 1 of 1 proposal." in done.stdout
    assert statement_count(catalog) == before + 1


def test_an_edit_the_database_refuses_asks_again(
    catalog: Tracker, article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read_cli, "interactive", lambda: True)
    keys = "enobody\n\n\n\n\n\n\n\n\n\na\nq\n"
    done = catalog("read", str(article), "-d", "2025-12-01", input=keys)
    assert "unknown party 'nobody'" in done.stderr
    assert "Logged 1 of 1 proposal." in done.stdout


def test_a_new_users_first_article(catalog: Tracker, monkeypatch: pytest.MonkeyPatch) -> None:
    """The seed article, read into the seed's database: the positions the
    issue names are listed; accepting three and skipping the rest logs those
    three, and diff shows them."""
    path = seed_article()
    args = ("read", str(path), "--date", "2025-12-01", "--source", "https://example.org/crbc")
    doc = json.loads(catalog(*args, "--format", "json").stdout)
    listed = {
        (s["party"], s["issue"], s["stance"], s["speaker"]): n
        for n, s in enumerate(doc["statements"], 1)
    }
    wanted = [
        ("ukraine", "donbas", "rejects", None),
        ("ukraine", "nato-membership", "demands", None),
        ("france", "settlement-consent", "demands", "Emmanuel Macron"),
        ("eu", "settlement-consent", "supports", "Kaja Kallas"),
    ]
    assert all(w in listed for w in wanted), listed
    chosen = {listed[w] for w in wanted[1:]}
    monkeypatch.setattr(read_cli, "interactive", lambda: True)
    keys = "".join("a\n" if n in chosen else "s\n" for n in range(1, len(listed) + 1))
    before = statement_count(catalog)
    done = catalog(*args, input=keys)
    assert done.stdout.count("Added statement #") == 3
    assert statement_count(catalog) == before + 3
    logged = json.loads(catalog("log", "-n", "3", "-f", "json").stdout)
    assert {(s["party"], s["issue"], s["stance"]) for s in logged} == {w[:3] for w in wanted[1:]}
    moved = json.loads(catalog("diff", "2025-11-30", "2025-12-01", "--all", "-f", "json").stdout)
    ids = {c["statement_id"] for c in moved["changes"]}
    assert {s["id"] for s in logged} <= ids
