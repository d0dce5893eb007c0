"""`tracker serve` hardened, on every backend: log-in attempts counted before
their slow check (in any worker), that check bounded per process, a
browser's API posts keeping its session alive, refusals before the body is
read, the log-in form's own token, odd inputs as 400s, error pages for the
signed-in, JSON errors under /api/, ETags and If-None-Match as RFC 9110 has
them, answers kept by the question, names that need quoting in addresses,
and the password's upper limit."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import select

from helpers import PASSWORD, Tracker, csrf_of, engine_for, sign_in, web_client
from test_serve import AS_OF, FORM, shift, signed, team, token
from tracker.db.schema import ACCOUNT_SESSION, LOGIN_FAILURE

WRONG = "wrong password!"
__all__ = ["team"]  # the fixture: alice (admin), wendy (writer), rita (reader)


def failures(db: str, name: str) -> int:
    with engine_for(db) as engine, engine.connect() as conn:
        rows = conn.execute(select(LOGIN_FAILURE.c.id).where(LOGIN_FAILURE.c.name == name))
        return len(rows.all())


# --- the throttle counts attempts before their check; the check is bounded -----------------


class Checking:
    """argon2 as the tests have it (`conftest`), with `during` run inside each
    check of a password: what happens while one is being checked."""

    def __init__(self, during: Any) -> None:
        from tracker.core import accounts

        self.hasher, self.during, self.checked = accounts._hasher(), during, 0

    def hash(self, password: str) -> str:
        return str(self.hasher.hash(password))

    def verify(self, stored: str, password: str) -> bool:
        self.checked += 1
        self.during()
        return bool(self.hasher.verify(stored, password))


def test_log_ins_at_once_are_counted_before_any_password_is_checked(
    team: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While one attempt's password is being checked, the next begins (each
    in an application of its own: another worker), and so on: the attempts
    in their checks count, so the sixth is refused before its check."""
    from tracker.core import accounts

    statuses: list[int] = []

    def another() -> None:
        if checking.checked < 8:
            statuses.append(sign_in(web_client(team.db), "alice", WRONG).status_code)

    checking = Checking(another)
    monkeypatch.setattr(accounts, "_hasher", lambda: checking)
    statuses.append(sign_in(web_client(team.db), "alice", WRONG).status_code)
    assert checking.checked == 5 and sorted(statuses) == [401] * 5 + [429], statuses
    assert failures(team.db, "alice") == 5  # the one refused unchecked is not kept
    assert sign_in(web_client(team.db), "alice").status_code == 429  # the right one, too late


def test_a_success_forgets_the_failures_before_it(team: Tracker) -> None:
    client = web_client(team.db)
    for _ in range(3):
        assert sign_in(client, "wendy", WRONG).status_code == 401
    assert failures(team.db, "wendy") == 3
    assert sign_in(client, "wendy").status_code == 303
    assert failures(team.db, "wendy") == 0  # its own attempt, too, is settled
    assert sign_in(web_client(team.db), "nobody at all", WRONG).status_code == 401
    assert failures(team.db, "nobody at all") == 0  # no account can have that name


def test_password_checks_at_once_are_bounded_in_a_process(
    team: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    from starlette.testclient import TestClient

    from tracker.core import accounts
    from tracker.web.hashing import Hashing

    client = web_client(team.db)
    client.app.state.web.hashing = Hashing(slots=1, waiting=0)
    inner: list[Any] = []

    def another() -> None:
        with pytest.raises(RuntimeError):
            asyncio.get_running_loop()  # a worker thread: the event loop goes on meanwhile
        if not inner:  # another log-in to the same process, while this one is checked
            inner.append(sign_in(TestClient(client.app, follow_redirects=False), "wendy"))

    checking = Checking(another)
    monkeypatch.setattr(accounts, "_hasher", lambda: checking)
    assert sign_in(client, "alice").status_code == 303
    [busy] = inner
    assert busy.status_code == 503 and busy.headers["retry-after"]
    assert "too many sign-ins at once" in busy.text
    assert failures(team.db, "wendy") == 0  # refused before anything was recorded
    assert sign_in(client, "wendy").status_code == 303


# --- sessions, refusals, the log-in form's token -------------------------------------------


def test_a_browsers_api_post_keeps_its_session_alive(team: Tracker) -> None:
    writer = signed(team.db, "wendy")
    csrf = csrf_of(writer.get("/log").text)
    shift(team.db, ACCOUNT_SESSION, "seen_at", dt.timedelta(hours=-23))
    body = {"party": "ukraine", "issue": "donbas", "stance": "open", "summary": "by script"}
    assert (
        writer.post("/api/statements", json=body, headers={"X-CSRF-Token": csrf}).status_code == 201
    )
    shift(team.db, ACCOUNT_SESSION, "seen_at", dt.timedelta(hours=-2))
    assert writer.get("/log").status_code == 200  # used 2 hours ago, not 25


def test_refused_before_the_body_is_read(team: Tracker) -> None:
    anonymous = web_client(team.db)
    for path in ("/api/statements", "/api/statements/1/retract"):
        refused = anonymous.post(path, content=b"{not json", headers={"Content-Type": "text/plain"})
        assert refused.status_code == 401 and "sign in" in refused.json()["error"], path
    reader = {"Authorization": f"Bearer {token(team.db, 'rita')}"}
    refused = anonymous.post("/api/statements", content=b"[[[", headers=reader)
    assert refused.status_code == 403 and "reader" in refused.json()["error"]
    page = anonymous.post("/add", content=b"\xff", headers={"Content-Type": "text/plain"})
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    rita = signed(team.db, "rita")
    for path in ("/add", "/parties", "/parties/ukraine/edit", "/drafts", "/read"):
        refused = rita.post(path, content=b"\xff", headers={"Content-Type": "text/plain"})
        assert refused.status_code == 403, (path, refused.text)
    wendy = signed(team.db, "wendy")
    assert wendy.post("/parties/ukraine/edit", content=b"x", headers=FORM).status_code == 403
    bad = wendy.post("/add", content=b"x", headers={"Content-Type": "text/plain"})
    assert bad.status_code == 400 and "x-www-form-urlencoded" in bad.text  # may: now the body


def test_the_log_in_form_needs_its_own_token(team: Tracker) -> None:
    fields = {"username": "alice", "password": PASSWORD}
    client = web_client(team.db)
    cold = client.post("/login", data={**fields, "csrf_token": "made-up"})  # no cookie
    assert cold.status_code == 403 and 'name="csrf_token"' in cold.text
    assert client.post("/login", data=fields).status_code == 403  # a cookie now, no field
    forged = web_client(team.db)
    forged.cookies.set("tracker_login", "a" * 32)
    assert forged.post("/login", data={**fields, "csrf_token": "b" * 32}).status_code == 403
    assert "tracker_session" not in forged.cookies and "tracker_session" not in client.cookies
    token_ = client.cookies.get("tracker_login")  # the form shown with the 403 set it
    assert client.post("/login", data={**fields, "csrf_token": token_}).status_code == 303


# --- odd inputs, error pages, errors as JSON ------------------------------------------------


def test_odd_inputs_are_400s_with_a_message(team: Tracker) -> None:
    client = web_client(team.db)
    auth = {"Authorization": f"Bearer {token(team.db, 'wendy')}"}
    reads = [
        ("/api/report?as_of=10000-01-01", "Invalid value for 'as_of'"),
        ("/api/report?known_at=0001-01-01T00:00:00%2B01:00", "out of range"),
        ("/api/log?recorded_by=a%00b", "Invalid value for 'recorded_by': holds a NUL"),
        ("/api/report?party=%00", "Invalid value for 'party': holds a NUL"),
        ("/api/log?limit=1e3", "Invalid value for 'limit'"),
    ]
    for path, message in reads:
        response = client.get(path, headers=auth)
        assert response.status_code == 400 and message in response.json()["error"], path
    for path in ("/api/report?as_of=0001-01-01", "/api/diff?from=0001-01-01&to=9999-12-31"):
        assert client.get(path, headers=auth).status_code == 200, path  # dates, if odd ones
    writer = signed(team.db, "wendy")
    assert writer.get("/diff?to=0001-01-01").status_code == 200  # its 30 days before: none
    body = {"party": "ukraine", "issue": "donbas", "stance": "open", "summary": "x"}
    writes = [
        (b"[" * 5000 + b"]" * 5000, "nested too deeply"),
        (b'{"a":' * 5000 + b"1" + b"}" * 5000, "nested too deeply"),
        (b'"text"', "must be a JSON object, not a string"),
        (b"[1]", "must be a JSON object, not an array"),
        (b'{"party": "ukraine", "party": "russia"}', "the field 'party' is given twice"),
        (b'{"party": NaN}', "NaN is not a JSON value"),
        (json.dumps({**body, "party": 5}).encode(), "Invalid value for 'party': must be text"),
        (json.dumps({**body, "stated_on": ["x"]}).encode(), "'stated_on': must be text"),
        (json.dumps({**body, "summary": "a\x00"}).encode(), "'summary': holds a NUL"),
        (json.dumps({**body, "stated_on": "0001-01-01"}).encode(), "before 1900-01-01"),
        (json.dumps({**body, "stated_on": "99999-01-01"}).encode(), "bad date"),
    ]
    for content, message in writes:
        response = client.post("/api/statements", content=content, headers=auth)
        assert response.status_code == 400, (content[:40], response.text)
        assert message in response.json()["error"], (content[:40], response.json())


def test_error_pages_are_drawn_for_the_signed_in_reader(
    team: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = signed(team.db, "rita")
    version = client.get("/api/version").json()["version"]
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    for page in (missing, client.get("/statements/999"), client.get("/parties/atlantis")):
        assert page.status_code == 404
        assert "rita · reader" in page.text and 'action="/logout"' in page.text  # the nav
        assert f'<meta name="data-version" content="{version}">' in page.text
        assert "/static/live.js" in page.text and csrf_of(page.text)
    monkeypatch.setattr("tracker.core.statements.log", lambda *a, **k: 1 / 0)
    broken = client.get("/log")
    assert broken.status_code == 500 and "rita · reader" in broken.text
    assert "/static/live.js" in broken.text and "Traceback" not in broken.text
    assert "ZeroDivision" not in broken.text and "eference" in broken.text


def test_every_error_under_api_is_json(team: Tracker) -> None:
    client = web_client(team.db)
    auth = {"Authorization": f"Bearer {token(team.db, 'rita')}"}
    for method, path, status in (
        ("GET", "/api/nothing", 404), ("GET", "/api/statements/1/nothing", 404),
        ("PUT", "/api/report", 405), ("DELETE", "/api/statements/1", 405),
        ("GET", "/api/statements", 405), ("POST", "/api/report", 405),
    ):  # fmt: skip
        response = client.request(method, path, headers=auth)
        assert response.status_code == status, (method, path)
        assert response.headers["content-type"].startswith("application/json"), path
        assert path in response.json()["error"]
        if status == 405:
            assert "GET" in response.headers["allow"] or "POST" in response.headers["allow"]
    page = client.put("/log", headers=auth)
    assert page.status_code == 405 and "text/html" in page.headers["content-type"]


# --- ETags and the cache ----------------------------------------------------------------------


def test_etags_only_on_200s_and_if_none_match_as_rfc_9110_has_it(team: Tracker) -> None:
    client = web_client(team.db)
    auth = {"Authorization": f"Bearer {token(team.db, 'rita')}"}
    for path in ("/api/report?as_of=2025-13-01", "/api/statements/999", "/api/nothing"):
        response = client.get(path, headers=auth)
        assert response.status_code >= 400 and "etag" not in response.headers, path
        star = client.get(path, headers={**auth, "If-None-Match": "*"})
        assert star.status_code == response.status_code, path  # no answer to match
    tag = client.get("/api/log", headers=auth).headers["etag"]
    opaque = tag.removeprefix("W/")
    for sent in ("*", tag, opaque, f'"other", {tag}', f'W/"a,b", {opaque}'):
        again = client.get("/api/log", headers={**auth, "If-None-Match": sent})
        assert again.status_code == 304 and again.headers["etag"] == tag, sent
    for sent in ('"other"', "W/", "garbage", f"{tag}, *"):
        assert client.get("/api/log", headers={**auth, "If-None-Match": sent}).status_code == 200
    team("add", "russia", "donbas", "demands", "-s", "Changed", "-d", AS_OF)
    fresh = client.get("/api/log", headers={**auth, "If-None-Match": tag})
    assert fresh.status_code == 200 and fresh.headers["etag"] != tag  # the data is in the tag


def test_answers_are_kept_by_the_question_not_the_query_string(team: Tracker) -> None:
    client = signed(team.db, "rita")
    cache = client.app.state.web.cache
    assert client.get(f"/api/report?as_of={AS_OF}&party=ukraine").status_code == 200
    draws = cache.draws
    for same in (f"/api/report?party=ukraine&as_of={AS_OF}",
                 f"/api/report?as_of=%20{AS_OF}%20&party=ukraine&issue="):  # fmt: skip
        assert client.get(same).status_code == 200
    assert cache.draws == draws
    unknown = client.get(f"/api/report?as_of={AS_OF}&colour=red")
    assert unknown.status_code == 400
    assert unknown.json()["error"].startswith("unknown parameter 'colour'; the parameters are")
    page = client.get("/log?colour=red")
    assert page.status_code == 400 and "unknown parameter &#39;colour&#39;" in page.text
    assert 'action="/log"' in page.text  # the controls, to ask again
    assert client.get("/parties?x=1").status_code == 400
    assert cache.draws == draws  # a mistake is drawn for its request, and not kept


# --- names that need quoting -------------------------------------------------------------------


def test_names_with_slashes_and_marks_have_working_addresses(team: Tracker) -> None:
    from urllib.parse import quote

    names = ["A/B Group", "Why? Not", "No #1", "100% Sure", "Jean Luc"]
    for name in names:
        team("person", "add", name, "--party", "ukraine")
    admin = signed(team.db, "alice")
    listing = admin.get("/people").text
    for name in names:
        address = f"/people/{quote(name, safe='')}"
        assert f'href="{address}"' in listing, name
        page = admin.get(address)
        assert page.status_code == 200 and f'action="{address}/edit"' in page.text, name
        api = admin.get(f"/api{address}")
        assert api.status_code == 200 and api.json()["name"] == name, name
    team("party", "add", "odd", "--name", "A/B? #1 100%")
    for path in ("/parties/A%2FB%3F%20%231%20100%25", "/parties/A/B%3F%20%231%20100%25"):
        assert admin.get(path).status_code == 200, path  # by its name, "/" quoted or not
        assert admin.get(f"/api{path}").json()["slug"] == "odd", path
    csrf = csrf_of(listing)
    done = admin.post("/people/A%2FB%20Group/edit", data={"csrf_token": csrf, "add_alias": "ABG"})
    assert done.status_code == 200, done.text
    assert (
        "ABG"
        in json.loads(team("person", "show", "A/B Group", "--format", "json").stdout)["aliases"]
    )


# --- the password's upper limit ------------------------------------------------------------------


def test_a_password_too_long_is_a_usage_error(team: Tracker) -> None:
    from tracker.core.accounts import MAX_PASSWORD

    for command in (["user", "add", "zed", "--role", "reader"], ["user", "edit", "rita"]):
        result = team(*command, "--password-stdin", input="x" * (MAX_PASSWORD + 1) + "\n", ok=False)
        assert result.exit_code == 2, result.stderr
        assert f"a password has at most {MAX_PASSWORD} characters" in result.stderr
        assert "Traceback" not in result.stderr
    assert team("user", "add", "zed", "--role", "reader", "--password-stdin",
                input="x" * MAX_PASSWORD + "\n").exit_code == 0  # fmt: skip
    form = web_client(team.db).get("/login").text
    assert f'maxlength="{MAX_PASSWORD}"' in form  # the log-in form's cap is the same


def test_a_running_server_refuses_writes_while_the_guard_is_off(team: Tracker) -> None:
    """The server checked the schema when it started; an owner lifting the
    ledger's guard afterwards (`tracker db guard off`) stops its writes as it
    stops every command's, with the same message, until the guard is on."""
    wendy = {"Authorization": f"Bearer {token(team.db, 'wendy')}"}
    client = web_client(team.db, own_engine=True)  # a server started before
    shared = web_client(team.db)  # one that shares the commands' engine, and their check
    body = {"party": "ukraine", "issue": "donbas", "stance": "open", "summary": "while off"}
    assert client.post("/api/statements", json=body, headers=wendy).status_code == 201
    before = len(json.loads(team("log", "--format", "json").stdout))
    team("db", "guard", "off")
    try:
        refused = client.post("/api/statements", json=body, headers=wendy)
        assert refused.status_code == 503, refused.text
        assert "guard is off" in refused.json()["error"], refused.text
        # A worker that looks at the schema again finds it in use: a clean 503 too.
        again = shared.get("/api/log", headers=wendy)
        assert again.status_code == 503 and "try again later" in again.json()["error"], again.text
    finally:
        team("db", "guard", "on")
    assert len(json.loads(team("log", "--format", "json").stdout)) == before
    assert client.post("/api/statements", json=body, headers=wendy).status_code == 201
