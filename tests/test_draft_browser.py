"""A draft's side-by-side page in a real browser (Debian's Chromium, driven
by Playwright, as tests/test_browser.py does): the versions as columns,
paired points on one row, changed words marked other than by colour, the
columns stacked on a phone, hostile text kept as text, nothing fetched.
SQLite only: the page is the same on every backend (test_drafts checks its
content on each)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from helpers import REPO, Tracker
from scripts.chromium import chromium, unavailable
from tracker.resources import seed_file

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page

REASON = unavailable()
pytestmark = [pytest.mark.slow, pytest.mark.skipif(REASON is not None, reason=REASON or "")]
DRAFTS = REPO / "tests" / "data" / "drafts"
HOSTILE = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("draft-pages")
    tracker = Tracker(str(folder / "tracker.db"))
    tracker("import", str(seed_file()))
    tracker("draft", "add", "plan", "--title", "Peace framework")
    for label, day in (("v1", "2025-11-20"), ("v2", "2025-11-23")):
        path = DRAFTS / f"plan-{label}.txt"
        tracker("draft", "version", "plan", str(path), "--label", label, "--date", day)
    hostile = folder / "v3.txt"
    hostile.write_text(
        (DRAFTS / "plan-v2.txt").read_text(encoding="utf-8") + f"Point 10: {HOSTILE}\n",
        encoding="utf-8",
    )
    tracker("draft", "version", "plan", str(hostile), "--label", "v3", "--date", "2025-11-24")
    found = {}
    for name, args in (
        ("diff", ("draft", "diff", "plan", "v1", "v2")),
        ("show", ("draft", "show", "plan", "--as-of", "2025-12-02")),
    ):
        found[name] = folder / f"{name}.html"
        tracker(*args, "--format", "html", "--output", str(found[name]))
    return found


def open_page(browser: Browser, path: Path, width: int = 1280) -> Page:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(path.as_uri())
    return page


def test_the_versions_are_columns_and_paired_points_share_a_row(
    browser: Browser, pages: dict[str, Path]
) -> None:
    page = open_page(browser, pages["diff"])
    assert page.locator("table.draft thead th[data-version]").all_inner_texts()[0].startswith("v1")
    rows = page.locator("table.draft tbody tr")
    assert rows.count() == 14
    # v1's point 5 and v2's point 2 are one row, side by side.
    row = page.locator("tbody tr", has=page.locator('td[data-label="v2"][data-number="2"]'))
    boxes = [c.bounding_box() for c in row.locator("td").all()]
    assert all(b is not None for b in boxes)
    tops = {round(b["y"]) for b in boxes if b}
    lefts = [b["x"] for b in boxes if b]
    assert len(tops) == 1 and lefts == sorted(lefts)  # one line, left to right
    assert row.locator('td[data-label="v1"]').inner_text().startswith("5.")
    assert "Security guarantees for Ukraine" in row.locator("td.issues").inner_text()
    page.close()


def test_changed_words_are_marked_other_than_by_colour(
    browser: Browser, pages: dict[str, Path]
) -> None:
    page = open_page(browser, pages["diff"])
    styles = page.evaluate(
        """() => ['ins', 'del'].map(tag => {
            const el = document.querySelector('table.draft ' + tag);
            const style = getComputedStyle(el);
            const before = getComputedStyle(el, '::before').content;
            return [el.textContent, style.textDecorationLine, before];
        })"""
    )
    (ins_text, ins_line, ins_said), (del_text, del_line, del_said) = styles
    assert ins_text.startswith("robust") and ins_line == "underline"
    assert del_text.startswith("reliable") and del_line == "line-through"
    assert "added" in ins_said and "removed" in del_said  # what a screen reader is told
    page.close()


@pytest.mark.parametrize("name", ["diff", "show"])
def test_on_a_phone_the_columns_stack(browser: Browser, pages: dict[str, Path], name: str) -> None:
    page = open_page(browser, pages[name], 390)
    layout = page.evaluate(
        """() => {
            const cells = [...document.querySelectorAll('table.draft tbody tr:first-child td')];
            const limit = document.documentElement.clientWidth;
            return [cells.map(c => [c.getBoundingClientRect().left, c.getBoundingClientRect().top]),
                    document.documentElement.scrollWidth, limit,
                    getComputedStyle(cells[0], '::before').content];
        }"""
    )
    cells, scroll_width, limit, label = layout
    assert scroll_width <= limit == 390
    tops = [top for _, top in cells]
    assert tops == sorted(tops) and len(set(tops)) == len(tops)  # one under another
    assert len({round(left) for left, _ in cells}) == 1
    assert label.strip('"').startswith("v1")  # each point under its version's label
    page.close()


def test_hostile_text_stays_text_and_nothing_is_fetched(
    browser: Browser, pages: dict[str, Path]
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda r: requests.append(r.url))

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.goto(pages["show"].as_uri())
    assert page.title() == "Peace framework: v3"
    cell = page.locator('td[data-label="v3"][data-number="10"]')
    assert "<script>document.title='pwned'</script>" in cell.inner_text()
    assert cell.locator("img, script").count() == 0
    assert dialogs == [] and requests == [pages["show"].as_uri()]
    # Three versions, as columns, up to the one shown.
    assert page.locator("table.draft thead th[data-version]").count() == 3
    page.close()
