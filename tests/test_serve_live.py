"""`tracker serve` as a real server process (uvicorn, two workers), on every
backend: driven by Debian's Chromium through Playwright (pointed at the
system's binary, never a download) and by an HTTP client. Sign in, the
stance table, add a statement through the form and see another browser
told that the data changed, retract it, read a pasted article into two
statements; a draft's two versions side by side, and a third added
through the form; a reader without write controls, a forged post refused,
a phone's viewport, no request to another host; a revocation seen by both
workers; a burst of log-ins counted across both; the API equal to the
command line."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from helpers import PASSWORD, REPO, TIMEOUT, Tracker, add_user, tracker_command
from scripts.chromium import chromium, unavailable

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.slow
ARTICLE = (
    "Kyiv has publicly refused to withdraw forces from Donetsk.\n\n"
    "Moscow insists that Ukraine withdraw from the rest of Donetsk."
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(db: str, log: Path, *args: str) -> Iterator[str]:
    """`tracker serve` in a process of its own; yields its address."""
    import httpx2

    port = free_port()
    with log.open("w") as out:
        proc = subprocess.Popen(
            tracker_command(db, "serve", "--port", str(port), *args), stdout=out, stderr=out
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            assert proc.poll() is None, log.read_text()
            with contextlib.suppress(httpx2.HTTPError):
                if httpx2.get(f"{base}/login", timeout=5).status_code == 200:
                    break
            assert time.monotonic() < deadline, "the server did not come up"
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(TIMEOUT)
    assert "Traceback" not in log.read_text()


DRAFTS = REPO / "tests" / "data" / "drafts"
# A third version of the plan, written for the project's tests: v2's point 7
# reworded, its point 8 dropped.
V3 = """Peace framework, third text: written for the tracker project's tests.

Point 1: The parties confirm the sovereignty of Ukraine.
Point 2: Ukraine receives robust, legally binding security guarantees.
Point 3: The armed forces of Ukraine are capped at 800,000 personnel.
Point 4: The parties conclude a comprehensive non-aggression agreement.
Point 5: Frozen Russian assets fund the reconstruction of Ukraine.
Point 6: Prisoners and civilian detainees are exchanged, all for all.
Point 7: Territorial questions are left to the leaders to settle.
Point 8: The agreement is binding once signed by all parties.
"""


@pytest.fixture
def team(seeded: Tracker) -> Tracker:
    """The seed, the plan in two versions, and a user of each role."""
    seeded("draft", "add", "plan", "--title", "Peace framework")
    for label, day in (("v1", "2025-11-20"), ("v2", "2025-11-23")):
        path = DRAFTS / f"plan-{label}.txt"
        seeded("draft", "version", "plan", str(path), "--label", label, "--date", day)
    for name, role in (("alice", "admin"), ("wendy", "writer"), ("rita", "reader")):
        add_user(seeded.db, name, role)
    return seeded


@pytest.fixture
def server(team: Tracker, tmp_path: Path) -> Iterator[str]:
    with serving(team.db, tmp_path / "server.log", "--workers", "2") as base:
        yield base


BROWSER_REASON = unavailable()
needs_browser = pytest.mark.skipif(BROWSER_REASON is not None, reason=BROWSER_REASON or "")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


def signed_in(browser: Browser, base: str, name: str, width: int = 1280) -> Page:
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{base}/")
    assert "/login" in page.url
    page.fill('input[name="username"]', name)
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url(f"{base}/")
    return page


@needs_browser
def test_a_team_in_two_browsers(browser: Browser, server: str, team: Tracker) -> None:
    admin = signed_in(browser, server, "alice")
    assert admin.locator("table.matrix td[data-statement]").count() > 10
    cell = admin.locator('td[data-party="ukraine"][data-issue="donbas"]')
    assert cell.inner_text().split("\n")[0] == "rejects"
    notice = admin.locator("#live-notice")
    assert notice.is_hidden()
    # A writer, in another browser, adds a statement through the form.
    writer = signed_in(browser, server, "wendy")
    writer.click('nav a[href="/add"]')
    writer.fill('input[name="party"]', "kyiv")
    writer.fill('input[name="issue"]', "donbas")
    writer.select_option('select[name="stance"]', "open")
    writer.fill('textarea[name="summary"]', "Open to freezing the line where it is")
    writer.click('form[aria-label="The statement"] button[type="submit"]')
    assert "Added statement #25" in writer.locator(".message.done").inner_text()
    # The first page says that the data has changed; a reload shows it.
    admin.evaluate("window.dispatchEvent(new Event('focus'))")
    notice.wait_for(state="visible", timeout=30_000)
    assert "changed since this page was drawn" in notice.inner_text()
    admin.reload()
    assert cell.inner_text().split("\n")[0] == "open"
    # Retract it, with a reason.
    writer.click(".message.done a")
    writer.fill('input[name="reason"]', "logged for the test")
    writer.click("button.danger")
    writer.locator(".message.done", has_text="Retracted").wait_for()
    assert "Retracted statement #25" in writer.locator(".message.done").inner_text()
    assert writer.locator('form[action$="/retract"]').count() == 0
    # Read a pasted article into two statements.
    writer.click('nav a[href="/read"]')
    writer.fill('textarea[name="text"]', ARTICLE)
    writer.fill('input[name="date"]', "2025-12-02")
    writer.click('button[value="propose"]')
    writer.locator("fieldset.proposal").first.wait_for()
    assert writer.locator("fieldset.proposal").count() == 2, writer.locator("main").inner_text()
    writer.click('button[value="accepted"]')
    writer.locator("fieldset.proposal[data-state=logged]").first.wait_for()
    assert writer.locator("fieldset.proposal[data-state=logged]").count() == 2
    logged = team("log", "--limit", "2", "--format", "json").stdout
    assert '"recorded_by": "wendy"' in logged and logged.count('"id"') == 2
    for page in (admin, writer):
        page.context.close()


@needs_browser
def test_a_drafts_versions_side_by_side_and_one_added(
    browser: Browser, server: str, team: Tracker
) -> None:
    writer = signed_in(browser, server, "wendy")
    writer.click('nav a[href="/drafts"]')
    writer.click('tr[data-draft="plan"] a[href="/drafts/plan/diff"]')
    heads = writer.locator("table.draft thead th[data-version]")
    assert [h.get_attribute("data-version") for h in heads.all()] == ["v1", "v2"]
    # v1's point 5 and v2's point 2 are one row, side by side, left to right.
    row = writer.locator("tbody tr", has=writer.locator('td[data-label="v2"][data-number="2"]'))
    boxes = [c.bounding_box() for c in row.locator("td").all()]
    assert len(boxes) == 3 and all(b is not None for b in boxes)
    assert len({round(b["y"]) for b in boxes if b}) == 1
    assert [b["x"] for b in boxes if b] == sorted(b["x"] for b in boxes if b)
    assert row.locator('td[data-label="v1"]').inner_text().startswith("5.")
    assert row.locator("ins").first.inner_text().strip() == "robust, legally binding"
    # A third version, pasted into the form.
    writer.click('nav[aria-label="This draft"] a[href="/drafts/plan/versions"]')
    form = writer.locator('form[aria-label="New version"]')
    form.locator('textarea[name="text"]').fill(V3)
    form.locator('input[name="label"]').fill("v3")
    form.locator('input[name="date"]').fill("2025-11-30")
    form.locator('input[name="by"]').fill("usa")
    form.locator('button[type="submit"]').click()
    done = writer.locator(".message.done")
    assert done.inner_text().startswith("Added version v3 of plan (2025-11-30, 8 points);")
    writer.click('.message.done a:text("See what changed")')
    writer.locator("table.draft").wait_for()
    heads = writer.locator("table.draft thead th[data-version]")
    assert [h.get_attribute("data-version") for h in heads.all()] == ["v2", "v3"]
    assert "<del>presidents </del><ins>leaders </ins>" in writer.content()
    versions = team("draft", "versions", "plan", "--format", "json").stdout
    assert '"label": "v3"' in versions and '"recorded_by": "wendy"' in versions
    writer.context.close()


@needs_browser
def test_a_reader_and_a_forged_post(browser: Browser, server: str, team: Tracker) -> None:
    reader = signed_in(browser, server, "rita")
    requests: list[str] = []
    reader.on("request", lambda r: requests.append(r.url))
    reader.goto(f"{server}/statements/1")
    assert reader.locator("form[action$='/retract']").count() == 0
    assert reader.locator("nav a[href='/add'], nav a[href='/read']").count() == 0
    reader.goto(f"{server}/parties/ukraine")
    assert reader.locator("form[action$='/edit']").count() == 0
    for path in ("/drafts", "/drafts/plan", "/drafts/plan/versions"):
        reader.goto(server + path)
        assert reader.locator("form[method='post'][action^='/drafts']").count() == 0, path
    before = team("export").stdout
    # A post without the form's token (as another site's page would send it).
    status = reader.evaluate(
        """base => fetch(base + '/statements/1/retract', {method: 'POST',
            headers: {'Content-Type': 'application/x-www-form-urlencoded'},
            body: 'reason=forged'}).then(r => r.status)""",
        server,
    )
    assert status == 403
    writer = signed_in(browser, server, "wendy")
    status = writer.evaluate(
        """base => fetch(base + '/add', {method: 'POST',
            headers: {'Content-Type': 'application/x-www-form-urlencoded'},
            body: 'party=ukraine&issue=donbas&stance=open&summary=forged'}).then(r => r.status)""",
        server,
    )
    assert status == 403
    assert team("export").stdout == before
    assert all(url.startswith(server) for url in requests), requests
    reader.context.close()
    writer.context.close()


@needs_browser
def test_on_a_phone(browser: Browser, server: str) -> None:
    page = signed_in(browser, server, "alice", width=390)
    for path in ("/", "/log", "/add", "/parties/ukraine", "/diff", "/search?q=territory",
                 "/drafts", "/drafts/plan", "/drafts/plan/versions", "/drafts/plan/diff",
                 "/search?q=security&drafts=1"):  # fmt: skip
        page.goto(server + path)
        limit, scroll_width, wide = page.evaluate(
            """() => {
                const boxes = '.matrix-scroll, .chart-scroll, .heat-scroll, .table-scroll, .spreads-scroll';
                const limit = document.documentElement.clientWidth;
                const out = [];
                for (const el of document.body.querySelectorAll('*')) {
                    if (el.parentElement?.closest(boxes)) continue;
                    const box = el.getBoundingClientRect();
                    if (box.width === 0 && box.height === 0) continue;
                    if (box.right > limit + 0.5) out.push(el.tagName + '.' + el.className);
                }
                return [limit, document.documentElement.scrollWidth, out];
            }"""
        )
        assert limit == 390 and scroll_width <= 390 and wide == [], (path, wide)
    # Keyboard: the first Tab reaches the skip link, then the navigation.
    page.goto(server + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the page"
    page.context.close()


def test_revocation_is_seen_by_both_workers(server: str, team: Tracker) -> None:
    import httpx2

    with httpx2.Client(base_url=server) as client:
        client.get("/login")
        sent = client.post("/login", data={"username": "wendy", "password": PASSWORD,
                                           "csrf_token": client.cookies.get("tracker_login")})  # fmt: skip
        assert sent.status_code == 303
        cookie = client.cookies.get("tracker_session")
    token = team("user", "token", "wendy").stdout.strip()

    def statuses(**headers: Any) -> set[int]:
        found = set()
        for _ in range(16):  # a new connection each: both workers answer some
            response = httpx2.get(f"{server}/api/version", headers=headers, timeout=30)
            found.add(response.status_code)
        return found

    assert statuses(Cookie=f"tracker_session={cookie}") == {200}
    assert statuses(Authorization=f"Bearer {token}") == {200}
    team("user", "edit", "wendy", "--revoke")
    assert statuses(Cookie=f"tracker_session={cookie}") == {401}
    assert statuses(Authorization=f"Bearer {token}") == {401}


def test_a_burst_of_log_ins_across_both_workers_is_counted(server: str) -> None:
    """Twenty wrong passwords for one name sent at once, over new connections
    (both workers answer some): each attempt is counted before its password
    is checked, so at most five are checked, the rest refused (a refused
    one is not kept: all may be refused, none checked)."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx2

    forms = []
    for _ in range(20):
        client = httpx2.Client(base_url=server, timeout=60)
        client.get("/login")
        forms.append((client, client.cookies.get("tracker_login")))

    def attempt(form: tuple[Any, str]) -> int:
        client, token = form
        fields = {"username": "rita", "password": "wrong password!", "csrf_token": token}
        try:
            return int(client.post("/login", data=fields).status_code)
        finally:
            client.close()

    with ThreadPoolExecutor(20) as pool:
        statuses = list(pool.map(attempt, forms))
    assert set(statuses) <= {401, 429, 503} and statuses.count(401) <= 5, statuses
    with httpx2.Client(base_url=server, timeout=60) as client:
        client.get("/login")
        right = {"username": "rita", "password": PASSWORD,
                 "csrf_token": client.cookies.get("tracker_login")}  # fmt: skip
        expected = 429 if statuses.count(401) == 5 else 303  # throttled after five failures
        assert client.post("/login", data=right).status_code == expected, statuses


def test_the_api_over_http_is_the_cli(server: str, team: Tracker) -> None:
    import httpx2

    token = team("user", "token", "rita").stdout.strip()
    auth = {"Authorization": f"Bearer {token}"}
    got = httpx2.get(f"{server}/api/report?as_of=2025-12-01", headers=auth, timeout=30)
    assert got.text == team("report", "--as-of", "2025-12-01", "--format", "json").stdout
    assert got.headers["etag"] and got.headers["content-encoding"] == "gzip"
    again = httpx2.get(f"{server}/api/report?as_of=2025-12-01",
                       headers={**auth, "If-None-Match": got.headers["etag"]}, timeout=30)  # fmt: skip
    assert again.status_code == 304


def test_public_serving(team: Tracker, tmp_path: Path) -> None:
    import httpx2

    with serving(team.db, tmp_path / "public.log", "--public") as base:
        assert httpx2.get(f"{base}/api/report", timeout=30).status_code == 200
        assert httpx2.get(f"{base}/", timeout=30).status_code == 200
        body = {"party": "ukraine", "issue": "donbas", "stance": "open", "summary": "x"}
        assert httpx2.post(f"{base}/api/statements", json=body, timeout=30).status_code == 401


def test_serve_refuses_without_a_user(tracker: Tracker) -> None:
    done = subprocess.run(
        tracker_command(tracker.db, "serve", "--port", str(free_port())),
        capture_output=True, text=True, timeout=TIMEOUT,
    )  # fmt: skip
    assert done.returncode == 1 and "tracker user add" in done.stderr
    assert "Traceback" not in done.stderr


__all__ = ["sys"]
