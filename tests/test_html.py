"""`report --format html` and `diff --format html`: the page's structure, its
data, its escaping, its timelines and `--output`, on every backend. What needs
a browser (colours, requests, scripts, layout) is in test_browser.py."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import event

from helpers import BREAKOUT, EXPECTED_DEC_2, HOSTILE_SUMMARY, Tracker, one_line, report_html
from htmlpage import Element, Page
from tracker.core import positions
from tracker.core.briefing import briefing
from tracker.db import Database, resolve_url
from tracker.render import page as html
from tracker.stance import SCORES


def statements_json(doc: Page) -> dict[str, list[object]]:
    [block] = doc.find("script", id="statements")
    assert block.attrs == {"type": "application/json", "id": "statements"}
    data: dict[str, list[object]] = json.loads(block.text)
    return data


def page(tracker: Tracker, *args: str) -> Page:
    return Page(tracker(*args, "--format", "html").stdout)


def stance_cells(doc: Page) -> dict[tuple[str, str], int]:
    cells = {}
    for td in doc.find("td"):
        if td.inside("table", **{"class": "matrix"}) and td.attrs.get("data-score"):
            cells[td.attrs["data-party"], td.attrs["data-issue"]] = int(td.attrs["data-score"])
    return cells


def test_report_page_matrix(seeded: Tracker) -> None:
    doc = page(seeded, "report", "--as-of", "2025-12-02")
    [table] = doc.find("table", "matrix")

    assert stance_cells(doc) == {pair: SCORES[s] for pair, s in EXPECTED_DEC_2.items()}
    # Every cell of the grid is there, with its slugs; empty ones have an empty score.
    tds = [td for td in doc.find("td") if td.inside("table", **{"class": "matrix"})]
    assert len(tds) == 6 * 9
    empty = [td for td in tds if td.attrs["data-score"] == ""]
    assert len(empty) == 6 * 9 - len(EXPECTED_DEC_2)
    assert all(td.attrs["data-party"] and td.attrs["data-issue"] for td in tds)
    assert all("tabindex" in td.attrs for td in tds if td.attrs["data-score"])
    # Headers: one column per party (by name), one row per issue (title, proposition).
    heads = [th for th in doc.find("th") if th.inside("table", **{"class": "matrix"})]
    assert [th.text for th in heads if th.attrs.get("scope") == "col"][:3] == [
        "Issue",
        "Ukraine",
        "Russia",
    ]
    rows = [th for th in heads if th.attrs.get("scope") == "row"]
    assert rows[0].text == (
        "Donbas territoryUkraine withdraws its forces from the part of Donetsk it still holds"
    )
    assert all(th.attrs.get("scope") in ("col", "row") for th in heads)
    # Each filled cell carries its statement: label, date, summary, speaker, quote, source.
    cell = next(
        td
        for td in tds
        if td.attrs["data-party"] == "ukraine" and td.attrs["data-issue"] == "donbas"
    )
    assert cell.text.startswith("rejects\n1 Dec 2025")
    assert "Volodymyr Zelensky" in cell.text and "reward for this war" in cell.text
    assert "CRBC News" in cell.text and "stated" in cell.text
    assert table.attrs == {"class": "matrix"}


def test_report_page_header_and_self_contained(seeded: Tracker) -> None:
    text = seeded(
        "report", "--as-of", "2025-12-01", "--known-at", "2030-01-01", "--format", "html"
    ).stdout
    doc = Page(text)
    assert doc.find("title")[0].text == "Stances as of 2025-12-01"
    [dateline] = doc.find("p", "dateline")
    assert dateline.text == "As of 1 December 2025, as known at 2030-01-01 23:59:59 UTC"
    [csp] = doc.find("meta", http_equiv="Content-Security-Policy")
    assert csp.attrs["content"].startswith("default-src 'none';")
    # Nothing to fetch: no external stylesheet, script, image or font.
    for element in doc.elements:
        for name in ("src", "srcset", "data", "poster"):
            assert name not in element.attrs, element
        if element.tag == "link":
            assert element.attrs["href"].startswith("data:"), element
        if element.tag == "a":
            assert element.attrs["href"].startswith(("http://", "https://"))
            assert element.attrs["rel"] == "noopener noreferrer"
    assert "@import" not in text and "url(" not in text
    [script] = doc.find("script")
    assert "src" not in script.attrs


def test_report_page_timelines(seeded: Tracker) -> None:
    doc = page(seeded, "report", "--as-of", "2025-12-02")
    figures = doc.find("figure", "timeline")
    assert [f.attrs["data-issue"] for f in figures][:2] == ["donbas", "nato-membership"]
    assert len(figures) == 9
    for figure in figures:
        issue = figure.attrs["data-issue"]
        lines = [
            p.attrs["data-party"]
            for p in doc.find("path", "step")
            if p.inside("figure", data_issue=issue) is not None or p.inside("figure") is figure
        ]
        with_stance = sorted(party for party, i in EXPECTED_DEC_2 if i == issue)
        assert sorted(lines) == with_stance, issue
    # A marker per statement: Ukraine's two statements on Donbas.
    donbas = figures[0]
    dots = [c for c in doc.find("circle", "dot") if c.inside("figure") is donbas]
    assert len(dots) == 6
    assert "The statements (6)" in donbas.text


def test_report_page_timeline_cap(seeded: Tracker) -> None:
    doc = page(seeded, "report", "--as-of", "2025-12-02", "--timelines", "2")
    assert [f.attrs["data-issue"] for f in doc.find("figure", "timeline")] == [
        "donbas",
        "nato-membership",
    ]
    [note] = doc.find("p", "cap")
    assert "first 2 of the 9 issues" in note.text
    assert len(doc.find("figure", "timeline")) == 2
    everything = page(seeded, "report", "--as-of", "2025-12-02", "--timelines", "0")
    assert len(everything.find("figure", "timeline")) == 9 and not everything.find("p", "cap")
    # --issue picks the timelines too.
    picked = page(seeded, "report", "--as-of", "2025-12-02", "-i", "sanctions", "-i", "donbas")
    assert [f.attrs["data-issue"] for f in picked.find("figure", "timeline")] == [
        "sanctions",
        "donbas",
    ]


def test_timelines_take_two_queries(seeded: Tracker) -> None:
    """Propositions and timeline statements: one query each, whatever the size."""
    database = Database(resolve_url(seeded.db))
    queries: list[str] = []
    try:
        with database.session() as session:
            rep = positions.report(session, dt.date(2025, 12, 2), statements=True)
            event.listen(
                database.engine,
                "before_cursor_execute",
                lambda *args: queries.append(args[2]),
            )
            result = briefing(session, rep)
    finally:
        database.dispose()
    assert len(queries) == 2, queries
    assert len(result.timelines) == 9 and not result.capped
    donbas = result.timelines[0]
    assert [line.party.slug for line in donbas.lines] == [
        "ukraine",
        "russia",
        "united-states",
        "france",
    ]


def hostile(tracker: Tracker) -> int:
    tracker("party", "add", "evil", "--name", "<script>alert('party')</script>")
    tracker(
        "issue",
        "add",
        "trap",
        "--title",
        '"><svg onload=alert(1)>',
        "--proposition",
        "</style><b>x",
    )
    out = tracker(
        "add", "evil", "trap", "demands", "--date", "2025-12-01",
        "--summary", HOSTILE_SUMMARY, "--source", "javascript:alert(1)",
        "--quote", "</script><script>alert(2)</script>", "--speaker", "a&b <i>",
        "--conditions", "{{ 7*7 }} {% raw %}", "--format", "json",
    ).stdout  # fmt: skip
    return int(json.loads(out)["id"])


def test_hostile_text_stays_text(tracker: Tracker) -> None:
    hostile(tracker)
    text = tracker("report", "--as-of", "2025-12-01", "--format", "html").stdout
    doc = Page(text)
    assert not doc.find("img") and len(doc.find("script")) == 1
    assert not [e for e in doc.elements if any(a.startswith("on") for a in e.attrs)]
    assert not [a for a in doc.find("a") if "javascript" in a.attrs.get("href", "")]
    [cell] = [td for td in doc.find("td") if td.attrs.get("data-party") == "evil"]
    for value in (HOSTILE_SUMMARY, "javascript:alert(1)", "</script><script>alert(2)</script>"):
        assert value in cell.text
    assert "a&b <i>" in cell.text and "{{ 7*7 }} {% raw %}" in cell.text
    assert "<script>alert('party')</script>" in doc.find("th", data_party="evil")[0].text
    assert "</style><b>x" in text.replace("&lt;", "<").replace("&gt;", ">")
    assert "</style><b>" not in text
    assert all(b.text != "x" for b in doc.find("b"))


def test_sources_become_links_only_when_web_urls() -> None:
    parts = html.source_parts
    assert parts("javascript:alert(1)") == [("javascript:alert(1)", None)]
    assert parts("JavaScript:alert('https://x')") == [
        ("JavaScript:alert('", None),
        ("https://x", "https://x"),
        ("')", None),
    ]
    assert parts("data:text/html,<b>https</b>") == [("data:text/html,<b>https</b>", None)]
    assert parts("ftp://example.org/x") == [("ftp://example.org/x", None)]
    assert parts("https:///nohost") == [("https:///nohost", None)]
    assert parts("AP, 2025-11-20, https://example.org/a?b=1&c=2.") == [
        ("AP, 2025-11-20, ", None),
        ("https://example.org/a?b=1&c=2", "https://example.org/a?b=1&c=2"),
        (".", None),
    ]
    assert parts("(see https://en.wikipedia.org/wiki/X_(y)).") == [
        ("(see ", None),
        ("https://en.wikipedia.org/wiki/X_(y)", "https://en.wikipedia.org/wiki/X_(y)"),
        (").", None),
    ]
    assert parts("HTTP://EXAMPLE.ORG") == [("HTTP://EXAMPLE.ORG", "HTTP://EXAMPLE.ORG")]


def test_source_link_in_the_page(seeded: Tracker) -> None:
    doc = page(seeded, "report", "--as-of", "2025-12-02")
    links = [a for a in doc.find("a") if a.inside("td")]
    assert links, "the seed's AP and Straits Times sources are links"
    for a in links:
        assert a.attrs["href"].startswith("https://") and a.text == a.attrs["href"]
        assert a.attrs["rel"] == "noopener noreferrer"


def test_show_retracted(seeded: Tracker) -> None:
    seeded("retract", "16", "--reason", "misattributed <b>speaker</b>")
    plain = page(seeded, "report", "--as-of", "2025-12-02")
    assert not plain.find("g", "retracted")
    assert not [c for c in plain.find("circle") if c.attrs.get("data-statement") == "16"]
    shown = page(seeded, "report", "--as-of", "2025-12-02", "--show-retracted")
    [mark] = shown.find("g", "retracted")
    assert mark.attrs["data-statement"] == "16"
    assert "misattributed <b>speaker</b>" in mark.text
    [row] = shown.find("tr", "retracted")
    assert [d.text for d in shown.find("del") if d.inside("tr") is row] != []
    assert "Retracted on" in row.text and "misattributed <b>speaker</b>" in row.text
    # The line is drawn from the statements that count either way.
    lines = [(p.attrs["data-party"], p.attrs["d"]) for p in shown.find("path", "step")]
    assert lines == [(p.attrs["data-party"], p.attrs["d"]) for p in plain.find("path", "step")]


def test_output_file(seeded: Tracker, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "report.html"
    result = seeded("report", "--as-of", "2025-12-02", "-f", "html", "--output", str(target))
    assert result.stdout == "" and result.stderr == f"Wrote {target}\n"
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert list(folder.iterdir()) == [target]
    # A failed run leaves the old file as it was, and no partial file.
    message = seeded.fails("report", "-p", "nobody", "-f", "html", "-o", str(target))
    assert one_line(message).startswith("Error: unknown party 'nobody'")
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert list(folder.iterdir()) == [target]
    # Any format can go to a file; tables there have no colours.
    seeded("diff", "2025-11-20", "2025-12-01", "--output", str(folder / "diff.txt"))
    assert "\x1b[" not in (folder / "diff.txt").read_text(encoding="utf-8")
    missing = tmp_path / "no" / "report.html"
    message = seeded.fails("report", "-f", "html", "-o", str(missing))
    assert one_line(message) == (
        f"Error: cannot write {missing}: folder {missing.parent} does not exist\n"
    )
    message = seeded.fails("export", "-o", str(missing))
    assert one_line(message).startswith(f"Error: cannot write {missing}")


def test_html_usage_errors(seeded: Tracker) -> None:
    assert "'--timelines'" in seeded.fails("report", "-f", "html", "--timelines", "-1", code=2)
    assert "'--format'" in seeded.fails("report", "-f", "pdf", code=2)
    assert "is before FROM" in seeded.fails(
        "diff", "2025-12-01", "2025-11-01", "-f", "html", code=2
    )


def test_empty_report_page(tracker: Tracker) -> None:
    doc = page(tracker, "report", "--as-of", "2025-12-01")
    assert not doc.find("table", "matrix") and not doc.find("figure")
    assert any(p.text == "No stances recorded." for p in doc.find("p"))


def test_diff_page(seeded: Tracker) -> None:
    doc = page(seeded, "diff", "2025-11-21", "2025-12-01")
    counts = {
        li.attrs["data-change"]: li.text
        for li in doc.find("li")
        if "data-change" in li.attrs and not li.has_class("change")
    }
    assert list(counts) == ["reversed", "hardened", "softened", "new"]
    expected = json.loads(seeded("diff", "2025-11-21", "2025-12-01", "-f", "json").stdout)
    by_kind: dict[str, int] = {}
    for c in expected["changes"]:
        by_kind[c["change"]] = by_kind.get(c["change"], 0) + 1
    assert {k: int(v.split()[0]) for k, v in counts.items()} == {
        k: by_kind.get(k, 0) for k in counts
    }
    # Groups in the briefing's order, each change with its chips and statement.
    groups = [s.attrs["data-change"] for s in doc.find("section", "group")]
    assert groups == [k for k in ("reversed", "hardened", "softened", "new") if by_kind.get(k)]
    changes = doc.find("li", "change")
    # Within a kind, the JSON's order (issue, then party).
    wanted = sorted(expected["changes"], key=lambda c: groups.index(c["change"]))
    assert [(li.attrs["data-party"], li.attrs["data-issue"]) for li in changes] == [
        (c["party"], c["issue"]) for c in wanted
    ]
    for li, c in zip(changes, wanted, strict=True):
        chips = [s for s in doc.find("span", "chip") if s.inside("li") is li]
        assert [s.attrs["data-score"] for s in chips[:2]] == [
            "" if c["from_score"] is None else str(c["from_score"]),
            str(c["to_score"]),
        ]
        assert f"#{c['statement_id']}" in li.text
    trends = {
        tr.attrs["data-issue"]: tr.attrs["data-trend"]
        for tr in doc.find("tr")
        if "data-trend" in tr.attrs
    }
    assert trends == {t["issue"]: t["trend"] or "" for t in expected["issues"]}


def test_diff_page_all_and_nothing(seeded: Tracker) -> None:
    doc = page(seeded, "diff", "2025-11-27", "2025-12-01", "--all")
    assert "unchanged" in [s.attrs["data-change"] for s in doc.find("section", "group")]
    doc = page(seeded, "diff", "2025-12-01", "2025-12-01")
    assert not doc.find("li", "change")
    assert any(p.text == "No changes." for p in doc.find("p"))


def test_large_page_keeps_statements_in_one_json_block(seeded: Tracker) -> None:
    small = Page(report_html(seeded.db, "2025-12-02", html.INLINE_STATEMENTS))
    assert small.find("div", "pop") and not small.find("script", id="statements")
    assert small.find("circle", "dot")[0].text  # each dot has its <title>
    large = Page(report_html(seeded.db, "2025-12-02", 0))
    # The same matrix: every cell, its slugs, score, label and date; no popups.
    assert stance_cells(large) == stance_cells(small)
    tds = [td for td in large.find("td") if td.inside("table", **{"class": "matrix"})]
    small_tds = [td for td in small.find("td") if td.inside("table", **{"class": "matrix"})]

    def face(td: Element) -> tuple[dict[str, str], str]:
        """A cell's attributes (but the popup's id) and its own text, not its popup's."""
        attrs = {k: v for k, v in td.attrs.items() if k != "aria-describedby"}
        return attrs, td.text_parts[0] if td.text_parts else ""

    assert [face(td) for td in tds] == [face(td) for td in small_tds]
    assert face(tds[0])[1] == "rejects\n1 Dec 2025"
    assert not large.find("div", "pop") and len(large.find("script")) == 2
    assert any("turn scripts on" in n.text for n in large.find("noscript"))
    # Each filled cell's statement, once, by id: [basis, summary, speaker,
    # source, quote, conditions], without trailing nulls.
    data = statements_json(large)
    ids = [td.attrs["data-statement"] for td in tds if td.attrs["data-score"]]
    assert sorted(data) == sorted(ids)
    logged = json.loads(seeded("log", "--format", "json").stdout)
    by_id = {str(s["id"]): s for s in logged}
    for key, entry in data.items():
        s = by_id[key]
        fields = [s["basis"], s["summary"], s["speaker"], s["source"], s["quote"], s["conditions"]]
        while fields[-1] is None:
            fields.pop()
        source = entry[3] if len(entry) > 3 else None
        if isinstance(source, list):  # a source with web addresses: the odd parts are links
            assert "".join(source) == s["source"]
            assert all(part.startswith("https://") for part in source[1::2]), source
            assert html.source_parts(s["source"]) == [
                (part, part if n % 2 else None) for n, part in enumerate(source) if part
            ]
            entry = [*entry[:3], "".join(source), *entry[4:]]
        assert entry == fields, key
    assert any(isinstance(e[3], list) for e in data.values() if len(e) > 3)
    # The timelines are drawn the same; their dots leave the <title> to the script.
    assert [c.attrs for c in large.find("circle", "dot")] == [
        c.attrs for c in small.find("circle", "dot")
    ]
    assert not [c for c in large.find("circle", "dot") if c.text]
    assert [r.text for r in large.find("tr") if r.inside("table", **{"class": "statements"})] == [
        r.text for r in small.find("tr") if r.inside("table", **{"class": "statements"})
    ]


def test_large_page_threshold(seeded: Tracker) -> None:
    cells = len(stance_cells(page(seeded, "report", "--as-of", "2025-12-02")))
    assert not Page(report_html(seeded.db, "2025-12-02", cells)).find("script", id="statements")
    assert Page(report_html(seeded.db, "2025-12-02", cells - 1)).find("script", id="statements")


def test_large_page_json_cannot_be_broken_out_of(tracker: Tracker) -> None:
    hostile(tracker)
    tracker(
        "add", "evil", "trap", "rejects", "--date", "2025-12-01", "--summary", BREAKOUT,
        "--speaker", "Ünïcødé ‘q’ \u2028", "--source", "see https://example.org/a?b=1&c='2'",
    )  # fmt: skip
    text = report_html(tracker.db, "2025-12-01", 0)
    doc = Page(text)
    # One data block and the page's script: nothing else, nothing runs.
    assert [s.attrs.get("type") for s in doc.find("script")] == ["application/json", None]
    assert not doc.find("img") and not doc.find("a")
    assert not [e for e in doc.elements if any(a.startswith("on") for a in e.attrs)]
    start = text.index('<script type="application/json" id="statements">')
    block = text[start : text.index("</script>", start)]
    for raw in ("<", ">", "&", "'"):
        assert raw not in block.split(">", 1)[1], raw
    assert "<!--" not in text
    [entry] = statements_json(doc).values()
    assert entry == [
        "stated",
        BREAKOUT,
        "Ünïcødé ‘q’ \u2028",
        ["see ", "https://example.org/a?b=1&c=", "'2'"],
    ]
    assert "Ünïcødé" in text  # UTF-8 as is, not as \u escapes


def test_footnote_reads_as_sentences(seeded: Tracker) -> None:
    for args in (("report", "--as-of", "2025-12-01"), ("diff", "2025-11-20", "2025-12-01")):
        [footer] = page(seeded, *args).find("footer")
        assert "a condition of any deal). No statement means no position." in footer.text
