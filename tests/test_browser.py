"""The HTML pages in a real browser: Debian's Chromium, driven by Playwright.

Playwright rather than Selenium: it reports every request a page makes
(`page.on("request")`) and every dialog it opens (`page.on("dialog")`), which
the no-network and no-script checks need, and it can turn scripts off, hover,
focus and print, all without a separate driver binary. It is pointed at the
system's chromium; it never downloads a browser. SQLite only: the pages are
the same on every backend (test_html checks their content on each).
"""

from __future__ import annotations

import itertools
import json
import re
import struct
import subprocess
import sys
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from helpers import BREAKOUT, HOSTILE_SUMMARY, REPO, Tracker, report_html
from scripts.chromium import chromium, unavailable
from tracker.render.page import HEAT_COLOURS, STANCE_COLOURS
from tracker.resources import seed_file

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page, Request

REASON = unavailable()
pytestmark = [pytest.mark.slow, pytest.mark.skipif(REASON is not None, reason=REASON or "")]
AS_OF = "2025-12-02"
TITLE = f"Stances as of {AS_OF}"


def rgb(colour: str) -> str:
    r, g, b = (int(colour[n : n + 2], 16) for n in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The seed, plus hostile statements, as report and diff pages on disk; and
    the report as a large page, its statements in the JSON block."""
    folder = tmp_path_factory.mktemp("pages")
    tracker = Tracker(str(folder / "tracker.db"))
    tracker("import", str(seed_file()))
    tracker("party", "add", "evil", "--name", "Evil <b>party</b>")
    tracker(
        "add", "evil", "donbas", "opposes", "--date", "2025-12-01", "--summary", HOSTILE_SUMMARY,
        "--source", "javascript:alert(1)", "--quote", "</script><script>alert(2)</script>",
    )  # fmt: skip
    tracker(
        "add", "evil", "sanctions", "rejects", "--date", "2025-12-01", "--summary", BREAKOUT,
        "--source", "AP, https://example.org/a?b=1&c=2 and javascript:alert(3)",
    )  # fmt: skip
    report = folder / "report.html"
    tracker("report", "--as-of", AS_OF, "--format", "html", "--output", str(report))
    diff = folder / "diff.html"
    tracker("diff", "2025-11-20", AS_OF, "--format", "html", "--output", str(diff))
    cells = json.loads(tracker("report", "--as-of", AS_OF, "--format", "json").stdout)["cells"]
    large = folder / "large.html"
    large.write_text(report_html(tracker.db, AS_OF, 0), encoding="utf-8")
    found: dict[str, Any] = {"report": report, "diff": diff, "large": large, "cells": cells}
    for command in ("outlook", "align"):
        found[command] = folder / f"{command}.html"
        args = ("--as-of", AS_OF, "--compare", "2025-11-27")
        tracker(command, *args, "--format", "html", "--output", str(found[command]))
        found[f"{command}-json"] = json.loads(tracker(command, *args, "--format", "json").stdout)
    return found


def open_page(browser: Browser, path: Path, width: int = 1280, **options: Any) -> Page:
    page = browser.new_page(viewport={"width": width, "height": 900}, **options)
    page.goto(path.as_uri())
    return page


@pytest.mark.parametrize("name", ["report", "large"])
def test_cells_are_coloured_by_score(browser: Browser, pages: dict[str, Any], name: str) -> None:
    page = open_page(browser, pages[name])
    found = page.eval_on_selector_all(
        "table.matrix td",
        """cells => cells.map(td => [td.dataset.party, td.dataset.issue, td.dataset.score,
            getComputedStyle(td).backgroundColor, td.firstChild?.nodeValue.split('\\n')[0]])""",
    )
    filled = {(p, i): (int(s), bg, text) for p, i, s, bg, text in found if s != ""}
    expected = {(c["party"], c["issue"]): c for c in pages["cells"]}
    assert set(filled) == set(expected)
    for pair, (score, background, text) in filled.items():
        assert score == expected[pair]["score"], pair
        assert background == rgb(STANCE_COLOURS[score]), (pair, score, background)
        assert text == expected[pair]["stance"]
    for p, i, _, bg, _ in (cell for cell in found if cell[2] == ""):
        assert bg not in {rgb(c) for c in STANCE_COLOURS.values()}, (p, i)
    page.close()


def test_the_scale_runs_red_to_green() -> None:
    reds = [int(STANCE_COLOURS[s][1:3], 16) - int(STANCE_COLOURS[s][3:5], 16) for s in range(-2, 3)]
    assert reds[0] > 0 and reds[1] > 0 and reds[3] < 0 and reds[4] < 0 and abs(reds[2]) < 8


def test_one_timeline_line_per_party_with_a_stance(browser: Browser, pages: dict[str, Any]) -> None:
    page = open_page(browser, pages["report"])
    drawn = page.eval_on_selector_all(
        "figure.timeline",
        """figures => figures.map(f => [f.dataset.issue,
            [...f.querySelectorAll('svg path.step')].filter(p => {
                const box = p.getBoundingClientRect();
                return box.width > 0 && getComputedStyle(p).display !== 'none';
            }).map(p => p.dataset.party)])""",
    )
    with_stance: dict[str, set[str]] = {}
    for c in pages["cells"]:
        with_stance.setdefault(c["issue"], set()).add(c["party"])
    assert {issue: set(parties) for issue, parties in drawn} == with_stance
    assert all(len(parties) == len(set(parties)) for _, parties in drawn)
    page.close()


def test_no_request_leaves_the_page(browser: Browser, pages: dict[str, Any]) -> None:
    for name in ("report", "diff", "large"):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        requests: list[str] = []

        def record(request: Request, seen: list[str] = requests) -> None:
            seen.append(request.url)

        page.on("request", record)
        page.goto(pages[name].as_uri())
        # Show every cell's statement, and a dot's, as a reader would.
        for cell in page.locator("td[tabindex]").all():
            cell.hover()
        for dot in page.locator("svg circle.dot").all()[:5]:
            dot.hover()
        page.wait_for_load_state("networkidle")
        assert requests == [pages[name].as_uri()], name
        page.close()


@pytest.mark.parametrize("name", ["report", "large"])
def test_hostile_statement_runs_nothing(browser: Browser, pages: dict[str, Any], name: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.goto(pages[name].as_uri())
    cell = page.locator('td[data-party="evil"][data-issue="donbas"]')
    cell.hover()
    pop = cell.locator(".pop")
    assert pop.is_visible()
    assert pop.locator(".summary").text_content() == HOSTILE_SUMMARY
    assert pop.locator(".source").text_content() == "Source: javascript:alert(1)"
    assert pop.locator(".quote").text_content() == "</script><script>alert(2)</script>"
    assert pop.locator("a").count() == 0
    cell.focus()
    breakout = page.locator('td[data-party="evil"][data-issue="sanctions"]')
    breakout.hover()
    pop = breakout.locator(".pop")
    assert pop.locator(".summary").text_content() == BREAKOUT
    assert pop.locator("a").evaluate_all("links => links.map(a => [a.href, a.rel, a.target])") == [
        ["https://example.org/a?b=1&c=2", "noopener noreferrer", "_blank"]
    ]
    assert pop.locator(".source").text_content() == (
        "Source: AP, https://example.org/a?b=1&c=2 and javascript:alert(3)"
    )
    page.wait_for_timeout(200)
    assert page.title() == TITLE
    assert dialogs == []
    scripts = 1 if name == "report" else 2  # the large page's second: its JSON block
    assert page.locator("img").count() == 0 and page.locator("script").count() == scripts
    assert page.locator('.matrix th[data-party="evil"]').text_content() == "Evil <b>party</b>"
    page.close()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("name", ["report", "diff", "outlook", "align"])
def test_nothing_overflows_the_viewport(
    browser: Browser, pages: dict[str, Any], name: str, width: int
) -> None:
    page = open_page(browser, pages[name], width)
    overflowing = page.evaluate(
        """() => {
            const SCROLL_BOXES = '.matrix-scroll, .chart-scroll, .heat-scroll';
            const limit = document.documentElement.clientWidth;
            const out = [];
            for (const el of document.body.querySelectorAll('*')) {
                // What scrolls in its own box may be wider than the page.
                if (el.parentElement?.closest(SCROLL_BOXES)) continue;
                const box = el.getBoundingClientRect();
                if (box.width === 0 && box.height === 0) continue;
                if (box.right > limit + 0.5 || box.left < -0.5) {
                    out.push(el.tagName + '.' + el.className + ' ' + box.left + '..' + box.right);
                }
            }
            return [limit, document.documentElement.scrollWidth, out];
        }"""
    )
    limit, scroll_width, elements = overflowing
    assert limit == width and scroll_width <= width
    assert elements == []
    page.close()


def test_matrix_scrolls_in_its_own_box_when_narrow(browser: Browser, pages: dict[str, Any]) -> None:
    page = open_page(browser, pages["report"], 390)
    widths = page.eval_on_selector(".matrix-scroll", "box => [box.clientWidth, box.scrollWidth]")
    assert widths[1] > widths[0]  # the table is wider than the phone; its box scrolls
    page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_chart_text_is_at_least_11_px(browser: Browser, pages: dict[str, Any], width: int) -> None:
    """On a phone a timeline keeps its size, and scrolls in its own box."""
    page = open_page(browser, pages["report"], width)
    sizes = page.eval_on_selector_all(
        "figure.timeline svg text",
        "texts => texts.map(t => t.getScreenCTM().a * parseFloat(getComputedStyle(t).fontSize))",
    )
    assert len(sizes) > 50 and min(sizes) >= 11, min(sizes)
    boxes = page.eval_on_selector_all(
        ".chart-scroll", "boxes => boxes.map(b => [b.clientWidth, b.scrollWidth])"
    )
    assert len(boxes) == 9
    assert all((inner > outer) == (width == 390) for outer, inner in boxes), boxes
    page.close()


@pytest.mark.parametrize("name", ["report", "large"])
def test_statement_shows_on_keyboard_focus_inside_the_window(
    browser: Browser, pages: dict[str, Any], name: str
) -> None:
    for width in (1280, 390):
        page = open_page(browser, pages[name], width)
        # The last column: its statement would run off the window's right edge.
        cell = page.locator('td[data-party="evil"][data-issue="donbas"]')
        cell.focus()
        pop = cell.locator(".pop")
        assert pop.is_visible()
        box = pop.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (width, box)
        page.keyboard.press("Tab")
        assert not pop.is_visible()
        page.close()


def test_works_without_scripts(browser: Browser, pages: dict[str, Any]) -> None:
    page = open_page(browser, pages["report"], java_script_enabled=False)
    cell = page.locator('td[data-party="ukraine"][data-issue="donbas"]')
    assert cell.evaluate("td => getComputedStyle(td).backgroundColor") == rgb(STANCE_COLOURS[-2])
    assert page.locator("figure.timeline svg path.step").count() >= 9
    assert page.locator("figure.timeline").first.is_visible()
    cell.hover()
    assert cell.locator(".pop").is_visible()  # hover details by CSS alone
    page.close()


def test_large_page_shows_the_same_statements(browser: Browser, pages: dict[str, Any]) -> None:
    """Each cell of the large page, pointed at, shows what the small page's does."""
    small = open_page(browser, pages["report"])
    large = open_page(browser, pages["large"])
    assert large.locator(".pop").count() == 0  # none until a cell is pointed at
    cells = large.eval_on_selector_all(
        "td[data-statement]", "cells => cells.map(td => [td.dataset.party, td.dataset.issue])"
    )
    assert len(cells) == len(pages["cells"])
    shown = []
    for party, issue in cells:
        selector = f'td[data-party="{party}"][data-issue="{issue}"]'
        texts = []
        for page in (small, large):
            cell = page.locator(selector)
            cell.hover()
            pop = cell.locator(".pop")
            assert pop.is_visible(), (party, issue)
            links = "links => links.map(a => [a.href, a.textContent, a.rel, a.target])"
            texts.append((pop.inner_text(), pop.locator("a").evaluate_all(links)))
            described = cell.get_attribute("aria-describedby")
            assert described and page.locator(f"#{described}").count() == 1
        assert texts[0] == texts[1], (party, issue)
        shown.append(texts[1][0])
    assert any("Source: " in text for text in shown)
    assert any("Conditions: " in text for text in shown)
    # One popup, moved from cell to cell.
    assert large.locator(".pop").count() == 1
    small.close()
    large.close()


def test_large_page_dots_get_their_title_from_the_list(
    browser: Browser, pages: dict[str, Any]
) -> None:
    page = open_page(browser, pages["large"])
    figure = page.locator('figure[data-issue="donbas"]')
    dots = figure.locator("svg circle.dot")
    assert dots.count() >= 2 and figure.locator("svg title").count() == 0
    rows = figure.locator("table.statements tbody tr")
    for n in range(dots.count()):
        dot = dots.nth(n)
        dot.hover()
        title = dot.locator("title").text_content()
        date, party, stance, summary = rows.nth(n).locator("td").all_text_contents()
        assert title == f"{party}, {date}: {stance}. {summary}"
    page.close()


def test_large_page_without_scripts(browser: Browser, pages: dict[str, Any]) -> None:
    page = open_page(browser, pages["large"], java_script_enabled=False)
    found = page.eval_on_selector_all(
        "table.matrix td[data-statement]",
        """cells => cells.map(td => [td.dataset.party, td.dataset.issue,
            getComputedStyle(td).backgroundColor, td.innerText])""",
    )
    expected = {(c["party"], c["issue"]): c for c in pages["cells"]}
    assert {(p, i) for p, i, _, _ in found} == set(expected)
    for party, issue, background, text in found:
        c = expected[party, issue]
        assert background == rgb(STANCE_COLOURS[c["score"]])
        assert text.split("\n")[0] == c["stance"], (party, issue, text)
    assert page.locator("noscript p").is_visible()
    assert page.locator("figure.timeline svg path.step").count() >= 9
    page.locator('td[data-party="ukraine"][data-issue="donbas"]').hover()
    assert page.locator(".pop").count() == 0
    page.close()


def test_prints_on_a4(browser: Browser, pages: dict[str, Any]) -> None:
    # A4 less the page margins (210 mm - 2 x 12 mm) at 96 px to the inch.
    printable = int((210 - 24) / 25.4 * 96)
    page = open_page(browser, pages["report"], printable)
    page.emulate_media(media="print")
    assert (
        page.locator("table.matrix").evaluate("t => t.getBoundingClientRect().width") <= printable
    )
    page.locator('td[data-party="ukraine"][data-issue="donbas"]').hover()
    assert not page.locator(".pop").first.is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) >= 2  # the matrix, then timelines
    page.close()


def test_diff_chips_are_coloured(browser: Browser, pages: dict[str, Any]) -> None:
    page = open_page(browser, pages["diff"])
    chips = page.eval_on_selector_all(
        ".change .move .chip",
        "chips => chips.map(c => [c.dataset.score, getComputedStyle(c).backgroundColor])",
    )
    assert chips
    for score, background in chips:
        if score != "":
            assert background == rgb(STANCE_COLOURS[int(score)])
    page.close()


def test_screenshot_script(tmp_path: Path) -> None:
    out = tmp_path / "report.png"
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "screenshot.py"), "--output", str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    assert width == 1280 and 900 < height < 2000


# --- where a deal is possible, who stands with whom ------------------------------


def luminance(colour: str) -> float:
    """WCAG's relative luminance of `#rrggbb`."""
    channels = [int(colour[n : n + 2], 16) / 255 for n in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_heat_shades_read_in_greyscale_and_their_text_is_legible() -> None:
    shades = [luminance(background) for _, background, _ in HEAT_COLOURS]
    assert all(a > b + 0.08 for a, b in itertools.pairwise(shades))  # light to dark, apart
    for _, background, text in HEAT_COLOURS:
        light, dark = sorted((luminance(background), luminance(text)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, (background, text)


@pytest.mark.parametrize("name", ["report", "align"])
def test_heatmap_cells_carry_their_figures(
    browser: Browser, pages: dict[str, Any], name: str
) -> None:
    page = open_page(browser, pages[name])
    found = page.eval_on_selector_all(
        "table.heatmap td",
        """cells => cells.map(td => [td.dataset.party, td.dataset.other, td.dataset.agreement,
            td.dataset.shared, getComputedStyle(td).backgroundColor, td.innerText])""",
    )
    pairs = {(p["a"], p["b"]): p for p in pages["align-json"]["pairs"]}
    parties = {slug for pair in pairs for slug in pair}
    assert len(found) == len(parties) ** 2
    for party, other, agreement, shared, background, text in found:
        if party == other:
            assert text == "—"
            continue
        want = pairs.get((min(party, other), max(party, other)))
        if want is None:
            assert (agreement, shared, text) == ("", "0", "–")
            continue
        assert agreement == f"{want['agreement']:.3f}" and int(shared) == want["shared"]
        assert text.split("\n")[0] == agreement  # the figure, as text, in every cell
        exact = Fraction(agreement)
        shade = max(n for n, (start, _, _) in enumerate(HEAT_COLOURS) if exact >= start)
        assert background == rgb(HEAT_COLOURS[shade][1]), (party, other, agreement)
    # Each bloc's members sit together, in the blocs' order.
    heads = page.eval_on_selector_all(
        "table.heatmap thead th[data-party]", "ths => ths.map(th => th.dataset.party)"
    )
    blocs = pages["align-json"]["blocs"]
    assert heads[: sum(len(b) for b in blocs)] == [slug for bloc in blocs for slug in bloc]
    page.close()


@pytest.mark.parametrize("name", ["report", "outlook"])
def test_outlook_items_carry_their_figures(
    browser: Browser, pages: dict[str, Any], name: str
) -> None:
    page = open_page(browser, pages[name])
    found = page.eval_on_selector_all(
        "li.deal",
        """items => items.map(li => [li.dataset.issue, li.dataset.class, li.dataset.spread,
            li.dataset.holdouts, li.dataset.undecided, li.closest('section').dataset.class,
            li.innerText])""",
    )
    want = pages["outlook-json"]["issues"]
    assert [item[0] for item in found] == [i["issue"] for i in want]
    for (slug, kind, spread, holdouts, undecided, section, text), issue in zip(
        found, want, strict=True
    ):
        assert (kind, section, int(spread)) == (issue["class"], issue["class"], issue["spread"])
        assert (holdouts.split(), undecided.split()) == (issue["holdouts"], issue["undecided"])
        if issue["undecided"]:
            assert "Undecided:" in text, slug
    page.close()


def test_hostile_names_stay_text_in_the_new_sections(
    browser: Browser, pages: dict[str, Any]
) -> None:
    for name in ("report", "outlook", "align"):
        page = open_page(browser, pages[name])
        names = page.eval_on_selector_all(
            '#outlook [data-party="evil"], #alignment th[data-party="evil"]',
            "elements => elements.map(e => e.textContent)",
        )
        assert names and set(names) == {"Evil <b>party</b>"}, name
        assert (
            page.locator("#outlook b, #alignment b").evaluate_all(
                "bs => bs.filter(b => b.closest('[data-party=\"evil\"]')).length"
            )
            == 0
        )
        page.close()


def test_heatmap_scrolls_in_its_own_box_when_narrow(
    browser: Browser, pages: dict[str, Any]
) -> None:
    page = open_page(browser, pages["report"], 390)
    widths = page.eval_on_selector(".heat-scroll", "box => [box.clientWidth, box.scrollWidth]")
    assert widths[1] > widths[0]
    sizes = page.eval_on_selector_all(
        "table.heatmap td, li.deal p",
        "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))",
    )
    assert min(sizes) >= 11
    page.close()
