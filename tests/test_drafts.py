"""`tracker draft` on every backend, as a new user would use it: a 12-point
plan and a 9-point revision (texts written for the project, in
tests/data/drafts/), their diff paired across renumbering, each point's
issues with the outlook's class and the parties' stances; withdrawals,
corrected links and their inheritance, the versions' guard in the
database, export and import, search, the report page, merges."""

from __future__ import annotations

import http.server
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from helpers import REPO, Tracker, copy_of, one_line
from tracker.db import resolve_url

DRAFTS = REPO / "tests" / "data" / "drafts"
V1, V2 = DRAFTS / "plan-v1.txt", DRAFTS / "plan-v2.txt"


def _json(tracker: Tracker, *args: str) -> Any:
    return json.loads(tracker(*args, "--format", "json").stdout)


@pytest.fixture
def plan(seeded: Tracker) -> Tracker:
    """The seed, and the plan in two versions, as the issue's new user adds them."""
    seeded("draft", "add", "plan", "--title", "Peace framework")
    seeded("draft", "version", "plan", str(V1), "--label", "v1", "--date", "2025-11-20",
           "--by", "usa")  # fmt: skip
    seeded("draft", "version", "plan", str(V2), "--label", "v2", "--date", "2025-11-23",
           "--by", "usa", "--by", "Kyiv")  # fmt: skip
    return seeded


def test_a_new_users_diff_pairs_across_renumbering(plan: Tracker) -> None:
    doc = _json(plan, "draft", "diff", "plan")
    assert (doc["draft"], doc["from"], doc["to"]) == ("plan", "v1", "v2")
    pairs = [(p["change"], p["number_from"], p["number_to"]) for p in doc["points"]]
    assert pairs == [
        ("unchanged", 1, 1),
        ("reworded", 5, 2),
        ("reworded", 6, 3),
        ("unchanged", 2, 4),
        ("removed", 3, None),  # after 2, which preceded it in v1
        ("removed", 4, None),
        ("unchanged", 7, 5),
        ("removed", 8, None),
        ("removed", 9, None),
        ("unchanged", 10, 6),  # a comma more: unchanged
        ("removed", 11, None),
        ("added", None, 7),
        ("added", None, 8),
        ("unchanged", 12, 9),
    ]
    reworded = doc["points"][1]
    assert reworded["text_from"].startswith("Ukraine receives reliable security guarantees:")
    assert "   b) reviewed every year." in reworded["text_to"]  # sub-items kept in their point
    assert reworded["issues"] == ["security-guarantees"]
    assert doc["points"][4]["issues"] == ["nato-membership"]  # a removed point: FROM's
    assert doc["points"][11]["issues"] == ["donbas"]  # "Territorial" is one of its keywords
    assert set(doc["points"][0]) == {
        "change", "number_from", "number_to", "text_from", "text_to", "issues",
    }  # fmt: skip
    # The same two labels named, and the word diff in the table.
    assert _json(plan, "draft", "diff", "plan", "v1", "v2") == doc
    table = plan("draft", "diff", "plan").stdout
    assert "5 unchanged, 2 reworded, 2 added, 5 removed" in table
    assert "[-reliable-] {+robust, legally binding+}" in table
    assert "~~600,000~~ **800,000**" in plan("draft", "diff", "plan", "-f", "markdown").stdout


def test_show_gives_each_points_issues_with_who_stands_where(plan: Tracker) -> None:
    doc = _json(plan, "draft", "show", "plan")
    assert doc["draft"] == "plan" and doc["title"] == "Peace framework"
    assert doc["version"] == {
        "label": "v2", "date": "2025-11-23", "by": ["ukraine", "united-states"], "source": None,
    }  # fmt: skip
    assert doc["as_of"] == "2025-11-23"
    assert doc["preamble"].startswith("Peace framework, revised: an example text written")
    assert [p["number"] for p in doc["points"]] == list(range(1, 10))
    assert doc["points"][0]["text"] == "The parties confirm the sovereignty of Ukraine."
    # As of a later date, through the outlook's own definition.
    later = _json(plan, "draft", "show", "plan", "--as-of", "2025-12-02")
    assert later["version"]["label"] == "v2" and later["as_of"] == "2025-12-02"
    outlook = {
        i["issue"]: i["class"] for i in _json(plan, "outlook", "--as-of", "2025-12-02")["issues"]
    }
    report = _json(plan, "report", "--as-of", "2025-12-02")["cells"]
    seen = 0
    for point in later["points"]:
        for issue in point["issues"]:
            seen += 1
            assert issue["class"] == outlook.get(issue["issue"])
            assert issue["stances"] == sorted(
                ({"party": c["party"], "stance": c["stance"]} for c in report
                 if c["issue"] == issue["issue"]),
                key=lambda s: s["party"],
            )  # fmt: skip
    assert seen == 4
    donbas = later["points"][6]["issues"][0]
    assert donbas["issue"] == "donbas" and donbas["class"] == "deadlocked"
    assert {"party": "russia", "stance": "demands"} in donbas["stances"]
    # An earlier date shows the version of then.
    assert _json(plan, "draft", "show", "plan", "--as-of", "2025-11-21")["version"]["label"] == "v1"
    assert _json(plan, "draft", "show", "plan", "--version", "v1")["as_of"] == "2025-11-20"
    shown = plan("draft", "show", "plan", "--as-of", "2025-12-02", "-f", "markdown").stdout
    assert "donbas (deadlocked): " in shown and "russia demands" in shown


def test_list_versions_and_a_withdrawal(plan: Tracker, tmp_path: Path) -> None:
    assert _json(plan, "draft", "list") == [
        {"slug": "plan", "title": "Peace framework", "versions": 2, "latest": "v2"}
    ]
    typo = tmp_path / "typo.txt"
    typo.write_text("1. Wrong file.\n", encoding="utf-8")
    plan("draft", "version", "plan", str(typo), "--label", "v3", "--date", "2025-11-24")
    assert _json(plan, "draft", "list")[0]["latest"] == "v3"
    out = plan("draft", "withdraw", "plan", "v3", "--reason", "the wrong file").stdout
    assert out.startswith("Withdrew version v3 of plan (2025-11-24): the wrong file.")
    assert _json(plan, "draft", "list")[0] == {
        "slug": "plan", "title": "Peace framework", "versions": 2, "latest": "v2",
    }  # fmt: skip
    assert _json(plan, "draft", "diff", "plan")["to"] == "v2"  # the two latest standing
    history = _json(plan, "draft", "versions", "plan")
    assert [v["label"] for v in history] == ["v1", "v2", "v3"]
    assert history[2]["withdrawal_reason"] == "the wrong file" and history[2]["withdrawn_at"]
    assert history[0]["recorded_by"] == "tester"
    assert "was withdrawn on" in one_line(plan.fails("draft", "show", "plan", "--version", "v3"))
    assert "already has a version 'v3'" in one_line(
        plan.fails("draft", "version", "plan", str(V2), "--label", "v3", "--date", "2025-11-24")
    )
    assert "was withdrawn on" in one_line(
        plan.fails("draft", "withdraw", "plan", "v3", "--reason", "again")
    )


def test_links_are_corrected_and_the_next_version_inherits_them(plan: Tracker) -> None:
    refused = plan.fails("draft", "link", "plan", "1", "settlement-consent", "nato")
    assert "unknown issue 'nato'; did you mean nato-forces?" in one_line(refused)
    out = plan("draft", "link", "plan", "1", "settlement-consent").stdout
    assert out.strip() == "Linked point 1 of plan v2 to settlement-consent."
    plan("draft", "link", "plan", "1", "settlement-consent", "Kyiv's and Europe's consent")
    assert "already linked" in plan("draft", "link", "plan", "1", "settlement-consent").stdout
    plan("draft", "unlink", "plan", "7", "donbas")
    assert "not linked" in plan("draft", "unlink", "plan", "7", "donbas").stdout
    plan("draft", "link", "plan", "3", "sanctions", "--version", "v1")  # v1 numbers it 3
    points = _json(plan, "draft", "show", "plan")["points"]
    assert [i["issue"] for i in points[0]["issues"]] == ["settlement-consent"]
    assert points[6]["issues"] == []
    v1 = _json(plan, "draft", "show", "plan", "--version", "v1")["points"]
    assert [i["issue"] for i in v1[2]["issues"]] == ["nato-membership", "sanctions"]
    # v3 renumbers v2: its points inherit v2's links, corrections included.
    v3 = (
        V2.read_text(encoding="utf-8")
        .replace("Point 1:", "Point 10:")
        .replace("Point 7:", "Point 11:")
    )
    plan("draft", "version", "plan", "-", "--label", "v3", "--date", "2025-11-25", input=v3)
    shown = {
        p["number"]: [i["issue"] for i in p["issues"]]
        for p in _json(plan, "draft", "show", "plan")["points"]
    }
    assert shown[10] == ["settlement-consent"]  # inherited, though renumbered
    assert shown[11] == []  # unlinked in v2: not found again in the same words
    assert "has no point 42" in one_line(plan.fails("draft", "link", "plan", "42", "donbas"))


def test_errors_are_one_line(plan: Tracker, tmp_path: Path) -> None:
    assert "unknown draft 'plna'; did you mean plan?" in one_line(
        plan.fails("draft", "show", "plna")
    )
    assert "already exists" in one_line(plan.fails("draft", "add", "plan", "--title", "Again"))
    assert "bad slug 'Bad Slug'" in plan.fails("draft", "add", "Bad Slug", "--title", "x", code=2)
    missing = tmp_path / "nope.txt"
    assert "nope.txt" in one_line(
        plan.fails("draft", "version", "plan", str(missing), "--label", "x", "--date", "2025-11-24")
    )
    assert "bad date '24.11.2025'" in plan.fails(
        "draft", "version", "plan", str(V1), "--label", "x", "--date", "24.11.2025", code=2
    )
    empty = tmp_path / "empty.txt"
    empty.write_text(" \n\n", encoding="utf-8")
    assert "holds no text" in one_line(
        plan.fails("draft", "version", "plan", str(empty), "--label", "x", "--date", "2025-11-24")
    )
    assert "unknown party 'atlantis'" in one_line(
        plan.fails("draft", "version", "plan", str(V1), "--label", "x", "--date", "2025-11-24",
                   "--by", "atlantis")
    )  # fmt: skip
    assert "no version 'v9'" in one_line(plan.fails("draft", "diff", "plan", "v1", "v9"))
    assert "give two labels" in plan.fails("draft", "diff", "plan", "v1", code=2)
    plan("draft", "add", "lonely", "--title", "One version")
    assert "has no version yet" in one_line(plan.fails("draft", "show", "lonely"))
    plan("draft", "version", "lonely", str(V1), "--label", "only", "--date", "2025-11-20")
    assert "add another to compare them" in one_line(plan.fails("draft", "diff", "lonely"))
    assert "no version dated on or before 2025-11-01" in one_line(
        plan.fails("draft", "show", "plan", "--as-of", "2025-11-01")
    )
    # Nothing half-done: the failed versions left nothing.
    assert [v["label"] for v in _json(plan, "draft", "versions", "plan")] == ["v1", "v2"]


def test_versions_are_append_only_in_the_database(plan: Tracker, db: str, backend: str) -> None:
    """As the ledger's statements: the text, label, date of a version never
    change, it is never deleted; it is withdrawn once."""
    engine = create_engine(resolve_url(db))
    forgeries = (
        "UPDATE draft_version SET body = 'forged' WHERE label = 'v1'",
        "UPDATE draft_version SET label = 'v0' WHERE label = 'v1'",
        "UPDATE draft_version SET dated_on = '2025-01-01' WHERE label = 'v1'",
        "DELETE FROM draft_version WHERE label = 'v1'",
        *(("TRUNCATE draft_version CASCADE",) if backend == "postgresql" else ()),
    )
    try:
        for sql in forgeries:
            with pytest.raises(Exception, match="draft versions are never"), engine.begin() as c:
                c.execute(text(sql))
        with engine.begin() as conn:  # a withdrawal, once
            conn.execute(text(
                "UPDATE draft_version SET withdrawn_at = '2025-12-01 10:00:00', "
                "withdrawal_reason = 'test' WHERE label = 'v1'"
            ))  # fmt: skip
        with (
            pytest.raises(Exception, match="draft versions are never changed"),
            engine.begin() as conn,
        ):
            conn.execute(
                text("UPDATE draft_version SET withdrawal_reason = 'other' WHERE label = 'v1'")
            )
    finally:
        engine.dispose()
    assert [v["withdrawal_reason"] for v in _json(plan, "draft", "versions", "plan")] == [
        "test",
        None,
    ]


def test_export_and_import_carry_drafts_idempotently(
    plan: Tracker, tmp_path: Path, sqlite_head: str
) -> None:
    plan("draft", "withdraw", "plan", "v1", "--reason", "superseded in error")
    plan("draft", "link", "plan", "8", "settlement-consent")
    first = tmp_path / "first.json"
    plan("export", "-o", str(first))
    doc = json.loads(first.read_text(encoding="utf-8"))
    [draft] = doc["drafts"]
    assert [v["label"] for v in draft["versions"]] == ["v1", "v2"]
    assert draft["versions"][0]["text"] == V1.read_text(encoding="utf-8")
    assert {"position": 8, "issue": "settlement-consent", "origin": "linked"} in draft["versions"][
        1
    ]["links"]
    other = Tracker(copy_of(sqlite_head, tmp_path / "other.db"))
    out = other("import", str(first)).stdout
    assert "Added 2 draft versions (1 new draft: plan)." in out
    second = tmp_path / "second.json"
    other("export", "-o", str(second))
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")
    dry = other("import", str(first), "--dry-run").stdout
    assert "Would add 0 draft versions; would skip 2 already present." in dry, dry
    again = other("import", str(first)).stdout
    assert "Added 0 draft versions; skipped 2 already present." in again
    other("export", "-o", str(second))
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")
    # Back into the first database: nothing changes either.
    assert "skipped 2 already present" in plan("import", str(first)).stdout
    # A label that names another text is refused, naming its place; nothing is written.
    draft["versions"][1]["text"] += "13. One more.\n"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    message = one_line(other.fails("import", str(bad)))
    assert "drafts[0].versions[1]: version 'v2' of draft 'plan' holds another text" in message


def test_a_withdrawal_travels(plan: Tracker, tmp_path: Path, sqlite_head: str) -> None:
    first = tmp_path / "first.json"
    plan("export", "-o", str(first))
    other = Tracker(copy_of(sqlite_head, tmp_path / "other.db"))
    other("import", str(first))
    plan("draft", "withdraw", "plan", "v2", "--reason", "wrong date")
    plan("export", "-o", str(first))
    assert "withdrew 1 of them as the file does" in other("import", str(first)).stdout
    assert _json(other, "draft", "versions", "plan")[1]["withdrawal_reason"] == "wrong date"


def test_search_drafts_names_draft_version_and_point(plan: Tracker) -> None:
    before = plan("search", "guarantees", "-f", "json").stdout
    hits = _json(plan, "search", "security guarantees", "--drafts")
    assert [(h["draft"], h["version"], h["point"]) for h in hits] == [
        ("plan", "v2", 2),
        ("plan", "v1", 5),
    ]
    assert hits[0]["date"] == "2025-11-23" and "robust" in hits[0]["text"]
    assert [h["point"] for h in _json(plan, "search", '"all for all"', "--drafts")] == [6, 10]
    assert _json(plan, "search", "ceasefi*", "--drafts", "--until", "2025-11-22") == []
    assert [
        h["point"] for h in _json(plan, "search", "frozen", "--drafts", "--issue", "donbas")
    ] == [9]
    assert _json(plan, "search", "frozen", "--drafts", "--party", "ukraine")[0]["version"] == "v2"
    table = plan("search", "ceasefire", "--drafts").stdout
    assert "plan     v2" in table and "ceasefire takes effect" in table
    assert "No draft point matches zanzibar." in plan("search", "zanzibar", "--drafts").stdout
    # Without --drafts, search is as it was: statements only.
    assert plan("search", "guarantees", "-f", "json").stdout == before
    assert "robust" not in before


def test_the_report_page_counts_each_drafts_points_by_class(plan: Tracker) -> None:
    page = plan("report", "--as-of", "2025-12-02", "--format", "html").stdout
    section = page[page.index('<section id="drafts"') :]
    section = section[: section.index("</section>")]
    assert (
        '<tr data-draft="plan"><th scope="row">Peace framework</th><td>v2 (2 Dec 2025)'
        not in section
    )
    assert "v2 (23 Nov 2025)</td><td>9</td>" in section
    assert '<td data-class="deadlocked">1</td>' in section  # point 7, on donbas
    early = plan("report", "--as-of", "2025-11-21", "--format", "html").stdout
    assert "v1 (20 Nov 2025)</td><td>12</td>" in early
    assert 'id="drafts"' not in plan("report", "--as-of", "2025-11-19", "--format", "html").stdout


def test_merges_move_a_drafts_parties_and_links(plan: Tracker) -> None:
    plan("issue", "add", "borders", "--title", "Borders")
    plan("draft", "link", "plan", "7", "borders")
    plan("draft", "link", "plan", "1", "borders")
    plan("issue", "merge", "borders", "donbas", "--force")
    points = _json(plan, "draft", "show", "plan")["points"]
    assert [i["issue"] for i in points[6]["issues"]] == ["donbas"]  # one link, not two
    assert [i["issue"] for i in points[0]["issues"]] == ["donbas"]
    plan("party", "add", "usa-2", "--name", "US again")
    plan("draft", "version", "plan", str(V2), "--label", "v3", "--date", "2025-11-24", "--by", "usa-2",
         "--by", "usa")  # fmt: skip
    assert "put forward draft versions (plan v3)" in one_line(
        plan.fails("party", "remove", "usa-2")
    )
    plan("party", "merge", "usa-2", "united-states")
    assert _json(plan, "draft", "show", "plan")["version"]["by"] == ["united-states"]
    plan("issue", "add", "spare", "--title", "Spare")
    plan("draft", "link", "plan", "2", "spare")
    plan("issue", "remove", "spare")  # its links go with it
    assert [i["issue"] for i in _json(plan, "draft", "show", "plan")["points"][1]["issues"]] == [
        "security-guarantees"
    ]


def test_hostile_text_stays_text(seeded: Tracker, tmp_path: Path) -> None:
    evil = tmp_path / "evil.txt"
    evil.write_text(
        "<script>alert(1)</script>\n\n1. <img src=x onerror=alert(2)> \x1b]0;pwned\x07 guarantees\n",
        encoding="utf-8",
    )
    seeded("draft", "add", "evil", "--title", "<b>Evil</b>")
    seeded("draft", "version", "evil", str(evil), "--label", "<i>v1</i>", "--date", "2025-11-20")
    page = seeded("draft", "show", "evil", "--format", "html").stdout
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page and "&lt;i&gt;v1&lt;/i&gt;" in page
    table = seeded("draft", "show", "evil").stdout
    assert "\x1b" not in table and "\\x1b]0;pwned\\x07" in table
    # Verbatim in the database and in the JSON.
    assert _json(seeded, "draft", "show", "evil")["points"][0]["text"].startswith("<img src=x")


def test_the_html_view_puts_the_versions_side_by_side(plan: Tracker) -> None:
    page = plan("draft", "diff", "plan", "--format", "html").stdout
    assert page.count('<th scope="col" data-version=') == 2
    assert "<del>reliable </del><ins>robust, legally binding </ins>" in page
    assert page.count("<tr data-classes=") == 14
    shown = plan("draft", "show", "plan", "--format", "html").stdout
    assert shown.count('<th scope="col" data-version=') == 2
    assert 'data-class="deadlocked"' not in shown  # as of v2's date, donbas is not yet
    later = plan("draft", "show", "plan", "--as-of", "2025-12-02", "--format", "html").stdout
    assert '<p class="issue" data-issue="donbas" data-class="deadlocked">' in later


PAGE = b"""<!doctype html><html><head><title>Draft communique</title></head><body>
<nav><a href="/">Home</a> | <a href="/news">News</a></nav>
<article><h1>Draft communique (written for the tracker project's tests)</h1>
<p>1. The ministers welcome the ceasefire along the line of contact.</p>
<p>2. Sanctions stay in place until the agreement is signed.</p>
<p>3. The ministers will meet again in the spring.</p></article>
<footer>Copyright nobody</footer></body></html>"""


class _Pages(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        kinds = {"/communique": ("text/html; charset=utf-8", PAGE),
                 "/plain": ("text/plain; charset=utf-8", V1.read_bytes())}  # fmt: skip
        if self.path not in kinds:
            self.send_error(404, "Not Found")
            return
        kind, body = kinds[self.path]
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_a_version_from_a_url_is_read_as_read_reads_it(seeded: Tracker) -> None:
    """Fetched, and its text extracted from the page, by `tracker read`'s own
    loader; a plain text kept with its lines as written."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        seeded("draft", "add", "communique", "--title", "Communique")
        seeded("draft", "version", "communique", f"{base}/communique", "--label", "draft 1",
               "--date", "2025-11-25")  # fmt: skip
        seeded("draft", "add", "plan", "--title", "Plan")
        seeded("draft", "version", "plan", f"{base}/plain", "--label", "v1", "--date", "2025-11-20")
        gone = seeded.fails("draft", "version", "plan", f"{base}/gone", "--label", "v2",
                            "--date", "2025-11-21")  # fmt: skip
        assert f"cannot fetch {base}/gone: HTTP 404" in one_line(gone)
    finally:
        server.shutdown()
        server.server_close()
    doc = _json(seeded, "draft", "show", "communique")
    assert doc["version"]["source"] == f"{base}/communique"
    assert [p["text"] for p in doc["points"]] == [
        "The ministers welcome the ceasefire along the line of contact.",
        "Sanctions stay in place until the agreement is signed.",
        "The ministers will meet again in the spring.",
    ]
    assert [[i["issue"] for i in p["issues"]] for p in doc["points"]] == [
        ["donbas"],
        ["sanctions"],
        [],
    ]
    assert "Home" not in json.dumps(doc) and "Copyright" not in json.dumps(doc)
    plain = _json(seeded, "draft", "show", "plan")
    assert len(plain["points"]) == 12 and plain["points"][4]["text"].endswith(
        "reviewed every year."
    )
