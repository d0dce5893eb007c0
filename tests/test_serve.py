"""`tracker serve` in this process, through Starlette's TestClient, on every
backend: signing in, the roles, the forms and their tokens, the API against
the command line's JSON, ETags, the data version, throttling, revocation
seen by a second application (another worker), hostile names, errors."""

from __future__ import annotations

import datetime as dt
import json
from html import unescape
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import select, update

from helpers import PASSWORD, Tracker, add_user, csrf_of, engine_for, sign_in, web_client
from tracker.db.schema import LOGIN_FAILURE

AS_OF = "2025-12-02"
FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture
def team(seeded: Tracker) -> Tracker:
    add_user(seeded.db, "alice", "admin")
    add_user(seeded.db, "wendy", "writer")
    add_user(seeded.db, "rita", "reader")
    return seeded


def signed(db: str, name: str) -> Any:
    client = web_client(db)
    assert sign_in(client, name).status_code == 303
    return client


def token(db: str, name: str) -> str:
    out = Tracker(db)("user", "token", name).stdout.strip()
    assert out.startswith("trk_")
    return out


# --- signing in ------------------------------------------------------------------------


def test_every_page_and_call_needs_a_signed_in_user(team: Tracker) -> None:
    client = web_client(team.db)
    for path in ("/", "/diff", "/log", "/parties/ukraine", "/statements/1", "/add"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
    response = client.get("/api/report")
    assert response.status_code == 401 and "sign in" in response.json()["error"]
    assert client.get("/login").status_code == 200
    response = client.post("/api/statements", json={})
    assert response.status_code == 401


def test_sign_in_sets_a_safe_cookie_and_the_page_its_token(team: Tracker) -> None:
    client = web_client(team.db)
    response = sign_in(client, "Alice")  # any case: names are kept lowercase
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert "tracker_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http here; behind https it is
    page = client.get(f"/?as_of={AS_OF}")
    assert page.status_code == 200 and "Where the parties stand" in page.text
    assert len(csrf_of(page.text)) > 30
    csp = page.headers["content-security-policy"]
    scripts = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
    assert "'self'" in scripts and "unsafe-inline" not in scripts
    assert "frame-ancestors 'none'" in csp and page.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in page.text  # no inline script, only <script src>


def test_a_wrong_password_and_the_throttle(team: Tracker) -> None:
    client = web_client(team.db)
    api = token(team.db, "alice")
    for _ in range(5):
        assert sign_in(client, "alice", "wrong password!").status_code == 401
    refused = sign_in(client, "alice")  # the right password, now too late
    assert refused.status_code == 429 and "too many failed log-ins" in refused.text
    assert sign_in(client, "ALICE").status_code == 429  # one name, however typed
    assert sign_in(client, "wendy").status_code == 303  # another name is not held up
    ok = web_client(team.db).get("/api/version", headers={"Authorization": f"Bearer {api}"})
    assert ok.status_code == 200  # an API token keeps working
    shift(team.db, LOGIN_FAILURE, "failed_at", dt.timedelta(minutes=-15, seconds=-1))
    assert sign_in(client, "alice").status_code == 303


def shift(db: str, table: Any, column: str, by: dt.timedelta) -> None:
    """Moves every row's time in `column` by `by`: as if that much time passed."""
    with engine_for(db) as engine, engine.begin() as conn:
        for row_id, at in conn.execute(select(table.c.id, table.c[column])).all():
            conn.execute(update(table).where(table.c.id == row_id).values({column: at + by}))


def test_unknown_user_and_bad_form(team: Tracker) -> None:
    client = web_client(team.db)
    assert sign_in(client, "nobody").status_code == 401
    client.get("/login")
    forged = client.post(
        "/login", data={"username": "alice", "password": PASSWORD, "csrf_token": "other"}
    )
    assert forged.status_code == 403


def test_sign_out_ends_the_session(team: Tracker) -> None:
    client = signed(team.db, "wendy")
    page = client.get("/log")
    cookie = client.cookies.get("tracker_session")
    assert client.post("/logout", data={"csrf_token": csrf_of(page.text)}).status_code == 303
    other = web_client(team.db)
    other.cookies.set("tracker_session", cookie)
    assert other.get("/log").status_code == 303


# --- roles, forms and their tokens ---------------------------------------------------------


def test_a_reader_sees_no_write_controls_and_may_not_write(team: Tracker) -> None:
    reader = signed(team.db, "rita")
    page = reader.get("/statements/1")
    assert page.status_code == 200 and "Retract" not in page.text
    assert 'href="/add"' not in page.text and 'href="/read"' not in page.text
    assert "Correct it" not in reader.get("/parties/ukraine").text
    assert reader.get("/add").status_code == 403
    csrf = csrf_of(page.text)
    before = team("log", "--limit", "0", "--format", "json").stdout
    refused = reader.post("/statements/1/retract", data={"csrf_token": csrf, "reason": "x"})
    assert refused.status_code == 403
    api = reader.post(
        "/api/statements", json={"party": "ukraine", "issue": "donbas", "stance": "open",
                                 "summary": "x"}, headers={"X-CSRF-Token": csrf},
    )  # fmt: skip
    assert api.status_code == 403 and "reader" in api.json()["error"]
    assert team("log", "--limit", "0", "--format", "json").stdout == before


def test_add_and_retract_through_the_forms(team: Tracker) -> None:
    writer = signed(team.db, "wendy")
    form = writer.get("/add")
    assert form.status_code == 200 and '<datalist id="party-names">' in form.text
    fields = {
        "csrf_token": csrf_of(form.text), "party": "kyiv", "issue": "donbas",
        "stance": "open", "stated_on": AS_OF, "summary": "Open to a freeze on the line",
        "basis": "reported",
    }  # fmt: skip
    done = writer.post("/add", data=fields)
    assert done.status_code == 200 and "Added statement #25 (2025-12-02)." in done.text
    [added] = json.loads(team("log", "--limit", "1", "--format", "json").stdout)
    assert (added["id"], added["recorded_by"], added["basis"]) == (25, "wendy", "reported")
    # A mistake gets the command line's message, with its suggestion.
    wrong = writer.post("/add", data={**fields, "party": "ukrane"})
    assert wrong.status_code == 400 and "did you mean ukraine" in unescape(wrong.text)
    assert 'value="ukrane"' in wrong.text  # what was typed comes back
    retracted = writer.post(
        "/statements/25/retract", data={"csrf_token": fields["csrf_token"], "reason": "a test"}
    )
    assert retracted.status_code == 200 and "Retracted statement #25" in retracted.text
    shown = json.loads(team("show", "25", "--format", "json").stdout)
    assert shown["retraction_reason"] == "a test"


def test_a_forged_post_changes_nothing(team: Tracker) -> None:
    writer = signed(team.db, "wendy")
    before = team("export").stdout
    body = {"party": "ukraine", "issue": "donbas", "stance": "open", "summary": "forged"}
    for sent in ({}, {"csrf_token": "not-the-token"}):
        assert writer.post("/add", data={**body, **sent}).status_code == 403
        assert writer.post("/statements/1/retract", data={**sent, "reason": "x"}).status_code == 403
    assert writer.post("/api/statements", json=body).status_code == 403
    other_site = writer.post(
        "/add", data={**body, "csrf_token": csrf_of(writer.get("/log").text)},
        headers={"Origin": "https://evil.example"},
    )  # fmt: skip
    assert other_site.status_code == 403
    assert team("export").stdout == before


def test_read_a_pasted_article_into_two_statements(team: Tracker) -> None:
    writer = signed(team.db, "wendy")
    page = writer.get("/read")
    csrf = csrf_of(page.text)
    article = (
        "Kyiv has publicly refused to withdraw forces from Donetsk.\n\n"
        "Moscow insists that Ukraine withdraw from the rest of Donetsk."
    )
    proposed = writer.post("/read", data={"csrf_token": csrf, "text": article, "date": AS_OF})
    assert proposed.status_code == 200
    assert proposed.text.count('class="proposal"') == 2, proposed.text
    form = _form_fields(proposed.text)
    logged = writer.post("/read", content=urlencode(form), headers=FORM)
    assert logged.status_code == 200 and "logged as #25" in logged.text
    assert "logged as #26" in logged.text
    found = json.loads(team("log", "--limit", "2", "--format", "json").stdout)
    assert {s["party"] for s in found} == {"ukraine", "russia"}
    assert {s["recorded_by"] for s in found} == {"wendy"}


def _form_fields(html: str) -> list[tuple[str, str]]:
    """The fields a browser would send from the proposals' form (checked radios)."""
    import html as escaping
    import re

    form = html[html.index('aria-label="The proposals"') :]
    fields: list[tuple[str, str]] = []
    for tag in re.findall(r"<(?:input|textarea|select)[^>]*>(?:[^<]*</textarea>)?", form):
        name = re.search(r'name="([^"]+)"', tag)
        if name is None:
            continue
        if 'type="radio"' in tag and "checked" not in tag:
            continue
        if tag.startswith("<textarea"):
            value = escaping.unescape(tag[tag.index(">") + 1 : -len("</textarea>")])
        elif tag.startswith("<select"):
            continue
        else:
            found = re.search(r'value="([^"]*)"', tag)
            value = escaping.unescape(found.group(1)) if found else ""
        fields.append((name.group(1), value))
    for name_, options in re.findall(r'<select name="([^"]+)">(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        fields.append((name_, chosen.group(1) if chosen else ""))
    return fields


# --- the API against the command line -----------------------------------------------------

# Each endpoint with options, and the command line that must print the same JSON.
TWINS = [
    ("/api/report", {"as_of": AS_OF}, ["report", "--as-of", AS_OF]),
    ("/api/report", {"as_of": "2025-11-25", "party": ["ukraine", "russia"], "issue": "donbas"},
     ["report", "--as-of", "2025-11-25", "--party", "ukraine", "--party", "russia",
      "--issue", "donbas"]),
    ("/api/report", {"as_of": AS_OF, "known_at": "2025-12-01T12:00:00"},
     ["report", "--as-of", AS_OF, "--known-at", "2025-12-01T12:00:00"]),
    ("/api/diff", {"from": "2025-11-20", "to": AS_OF}, ["diff", "2025-11-20", AS_OF]),
    ("/api/diff", {"from": "2025-11-20", "to": AS_OF, "all": "1", "party": "ukraine"},
     ["diff", "2025-11-20", AS_OF, "--all", "--party", "ukraine"]),
    ("/api/outlook", {"as_of": AS_OF, "compare": "2025-11-27"},
     ["outlook", "--as-of", AS_OF, "--compare", "2025-11-27"]),
    ("/api/align", {"as_of": AS_OF, "threshold": "0.5"},
     ["align", "--as-of", AS_OF, "--threshold", "0.5"]),
    ("/api/log", {}, ["log"]),
    ("/api/log", {"party": "kyiv", "since": "2025-11-22", "until": AS_OF, "limit": "3"},
     ["log", "--party", "kyiv", "--since", "2025-11-22", "--until", AS_OF, "--limit", "3"]),
    ("/api/log", {"limit": "0"}, ["log", "--limit", "0"]),
    ("/api/history", {"party": "ukraine", "issue": "donbas"}, ["history", "ukraine", "donbas"]),
    ("/api/search", {"q": "territory"}, ["search", "territory"]),
    ("/api/search", {"q": "sanction*", "limit": "2", "include_retracted": "1"},
     ["search", "sanction*", "--limit", "2", "--include-retracted"]),
    ("/api/statements/3", {}, ["show", "3"]),
    ("/api/parties", {}, ["party", "list"]),
    ("/api/issues", {}, ["issue", "list"]),
    ("/api/people", {}, ["person", "list"]),
    ("/api/parties/ukraine", {"as_of": AS_OF, "history": "1"},
     ["party", "show", "ukraine", "--as-of", AS_OF, "--history"]),
    ("/api/issues/donbas", {"as_of": AS_OF}, ["issue", "show", "donbas", "--as-of", AS_OF]),
    ("/api/people/Kaja Kallas", {}, ["person", "show", "Kaja Kallas"]),
]  # fmt: skip


def test_every_endpoint_prints_what_its_cli_twin_prints(team: Tracker) -> None:
    client = web_client(team.db)
    auth = {"Authorization": f"Bearer {token(team.db, 'rita')}"}
    for path, query, command in TWINS:
        response = client.get(path, params=query, headers=auth)
        assert response.status_code == 200, (path, response.text)
        assert response.headers["content-type"].startswith("application/json")
        expected = team(*command, "--format", "json").stdout
        assert response.text == expected, (path, query)


def test_api_errors_carry_the_cli_message(team: Tracker) -> None:
    client = web_client(team.db)
    auth = {"Authorization": f"Bearer {token(team.db, 'rita')}"}
    cases = [
        ("/api/report", {"as_of": "2025-13-01"}, 400, "bad date '2025-13-01'"),
        ("/api/report", {"party": "ukrane"}, 400, "unknown party 'ukrane'; did you mean ukraine"),
        ("/api/diff", {"from": AS_OF, "to": "2025-11-01"}, 400, "is before FROM"),
        ("/api/diff", {"to": AS_OF}, 400, "Missing parameter 'from'"),
        ("/api/align", {"threshold": "2"}, 400, "Invalid value for 'threshold'"),
        ("/api/log", {"limit": "-1"}, 400, "Invalid value for 'limit'"),
        ("/api/search", {"q": '"'}, 400, "Invalid value for 'q'"),
        ("/api/statements/999", {}, 404, "no statement #999"),
        ("/api/parties/atlantis", {}, 404, "unknown party 'atlantis'"),
    ]
    for path, query, status, message in cases:
        response = client.get(path, params=query, headers=auth)
        assert response.status_code == status, (path, response.text)
        assert message in response.json()["error"], (path, response.json())
    bad = client.get("/api/report", headers={"Authorization": "Bearer trk_nothing"})
    assert bad.status_code == 401 and bad.headers["www-authenticate"] == "Bearer"


def test_api_writes_as_the_token_owner(team: Tracker) -> None:
    client = web_client(team.db)
    auth = {"Authorization": f"Bearer {token(team.db, 'wendy')}"}
    body = {"party": "ukraine", "issue": "donbas", "stance": "red-line", "stated_on": AS_OF,
            "summary": "Refuses again", "source": "Kyiv Independent"}  # fmt: skip
    created = client.post("/api/statements", json=body, headers=auth)
    assert created.status_code == 201
    assert created.text == team("show", "25", "--format", "json").stdout
    assert created.json()["recorded_by"] == "wendy" and created.json()["stance"] == "rejects"
    for wrong, message in (
        ({**body, "stance": "maybe"}, "unknown stance 'maybe'"),
        ({**body, "summary": " "}, "Missing parameter 'summary'"),
        ({**body, "colour": "red"}, "unknown field 'colour'"),
        ({**body, "stated_on": "2999-01-01"}, "more than a week in the future"),
        ({**body, "issue": "donbass"}, "did you mean donbas"),
    ):
        refused = client.post("/api/statements", json=wrong, headers=auth)
        assert refused.status_code == 400 and message in refused.json()["error"], refused.text
    assert client.post("/api/statements", content=b"[1]", headers=auth).status_code == 400
    done = client.post("/api/statements/25/retract", json={"reason": "duplicate"}, headers=auth)
    assert done.status_code == 200 and done.json()["retraction_reason"] == "duplicate"
    again = client.post("/api/statements/25/retract", json={"reason": "x"}, headers=auth)
    assert again.status_code == 400 and "already retracted" in again.json()["error"]
    missing = client.post("/api/statements/999/retract", json={"reason": "x"}, headers=auth)
    assert missing.status_code == 404
    reader = {"Authorization": f"Bearer {token(team.db, 'rita')}"}
    assert client.post("/api/statements", json=body, headers=reader).status_code == 403


def test_a_browser_session_posts_to_the_api_with_its_token(team: Tracker) -> None:
    writer = signed(team.db, "wendy")
    csrf = csrf_of(writer.get("/log").text)
    body = {"party": "ukraine", "issue": "donbas", "stance": "open", "summary": "by script"}
    assert writer.post("/api/statements", json=body).status_code == 403
    done = writer.post("/api/statements", json=body, headers={"X-CSRF-Token": csrf})
    assert done.status_code == 201 and done.json()["recorded_by"] == "wendy"


# --- ETags, the data version, the cache -----------------------------------------------------


def test_etags_and_the_data_version(team: Tracker) -> None:
    client = signed(team.db, "wendy")
    version = client.get("/api/version").json()["version"]
    for path in (f"/?as_of={AS_OF}", "/api/report", "/log", "/parties/ukraine", "/api/log"):
        first = client.get(path)
        tag = first.headers["etag"]
        assert client.get(path, headers={"If-None-Match": tag}).status_code == 304, path
    page = client.get(f"/?as_of={AS_OF}")
    assert f'<meta name="data-version" content="{version}">' in page.text
    api_tag = client.get("/api/log").headers["etag"]
    Tracker(team.db)("add", "russia", "donbas", "demands", "-s", "From the CLI", "-d", AS_OF)
    changed = client.get("/api/version").json()["version"]
    assert changed != version
    fresh = client.get("/api/log", headers={"If-None-Match": api_tag})
    assert fresh.status_code == 200 and "From the CLI" in fresh.text  # the very next request
    team("user", "add", "zoe", "--role", "reader", "--password-stdin", input=PASSWORD + "\n")
    assert client.get("/api/version").json()["version"] == changed  # accounts are not data


def test_a_page_is_drawn_once_per_version(team: Tracker) -> None:
    client = signed(team.db, "rita")
    other = signed(team.db, "alice")
    cache = client.app.state.web.cache
    client.get(f"/?as_of={AS_OF}")
    draws = cache.draws
    again = client.get(f"/?as_of={AS_OF}")
    assert cache.draws == draws
    assert other.get(f"/?as_of={AS_OF}").status_code == 200  # another role: drawn for it
    # Each reader gets their own token in the same page.
    assert csrf_of(again.text) != csrf_of(other.get(f"/?as_of={AS_OF}").text)
    plain = client.get(f"/?as_of={AS_OF}", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.text == again.text


# --- sessions, revocation, workers ---------------------------------------------------------


def test_revocation_is_seen_by_every_worker(team: Tracker) -> None:
    one = signed(team.db, "wendy")
    two = web_client(team.db, own_engine=True)  # another worker: its own application and cache
    two.cookies.set("tracker_session", one.cookies.get("tracker_session"))
    api = token(team.db, "wendy")
    assert two.get("/log").status_code == 200
    team("user", "edit", "wendy", "--revoke")
    for client in (one, two):
        assert client.get("/log").status_code == 303
    assert two.get("/api/log", headers={"Authorization": f"Bearer {api}"}).status_code == 401
    again = signed(team.db, "wendy")
    team("user", "edit", "wendy", "--password-stdin", input="another password\n")
    assert again.get("/log").status_code == 303
    assert sign_in(web_client(team.db), "wendy", "another password").status_code == 303
    team("user", "remove", "wendy")
    assert sign_in(web_client(team.db), "wendy", "another password").status_code == 401


def test_sessions_expire_idle_a_day_or_a_week_old(team: Tracker) -> None:
    from tracker.db.schema import ACCOUNT_SESSION

    client = signed(team.db, "rita")
    shift(team.db, ACCOUNT_SESSION, "seen_at", dt.timedelta(hours=-23))
    assert client.get("/log").status_code == 200  # and this use is written
    shift(team.db, ACCOUNT_SESSION, "created_at", dt.timedelta(days=-6, hours=-23))
    assert client.get("/log").status_code == 200
    shift(team.db, ACCOUNT_SESSION, "created_at", dt.timedelta(hours=-2))
    assert client.get("/log").status_code == 303  # over a week old
    client = signed(team.db, "rita")
    shift(team.db, ACCOUNT_SESSION, "seen_at", dt.timedelta(days=-1, seconds=-5))
    assert client.get("/log").status_code == 303  # idle a day


# --- hostile text, limits, errors -----------------------------------------------------------


def test_hostile_names_stay_text(team: Tracker) -> None:
    evil = '<script>alert("x")</script>'
    team("party", "add", "evil", "--name", evil)
    team("issue", "add", "evil-issue", "--title", "<img src=x onerror=alert(1)>")
    team("add", "evil", "evil-issue", "opposes", "-s", "<b>bold</b>", "-d", AS_OF)
    client = signed(team.db, "alice")
    for path in (f"/?as_of={AS_OF}", "/parties", "/parties/evil", "/log", "/issues",
                 "/history?party=evil&issue=evil-issue", "/statements/25", "/add"):  # fmt: skip
        page = client.get(path)
        assert page.status_code == 200, path
        assert "<script>alert" not in page.text and "<img src=x" not in page.text, path
        assert "<b>bold</b>" not in page.text, path
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in client.get("/parties").text


def test_a_body_too_large_is_refused(team: Tracker) -> None:
    client = signed(team.db, "wendy")
    response = client.post("/add", content=b"x" * (3 * 2**20), headers=FORM)
    assert response.status_code == 413
    assert "content-security-policy" in response.headers


def test_an_error_shows_a_reference_and_logs_the_traceback(
    team: Tracker, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret detail")

    monkeypatch.setattr("tracker.core.statements.log", broken)
    client = signed(team.db, "rita")
    for path in ("/log", "/api/log"):
        response = client.get(path)
        assert response.status_code == 500
        assert "secret detail" not in response.text and "Traceback" not in response.text
        reference = response.text.split("eference")[1][:40]
        assert any(ch.isalnum() for ch in reference)
    logged = caplog.text
    assert "Traceback" in logged and "secret detail" in logged


def test_public_reading_needs_no_sign_in_but_writing_does(team: Tracker) -> None:
    client = web_client(team.db, public=True)
    page = client.get(f"/?as_of={AS_OF}")
    assert page.status_code == 200 and 'href="/login"' in page.text
    assert 'name="csrf-token"' not in page.text and 'href="/add"' not in page.text
    assert client.get("/api/report").status_code == 200
    body = {"party": "ukraine", "issue": "donbas", "stance": "open", "summary": "anon"}
    assert client.post("/api/statements", json=body).status_code == 401
    assert client.get("/add").status_code == 303
