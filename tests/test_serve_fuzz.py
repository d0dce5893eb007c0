"""`tracker serve` under random requests: addresses (every route's, with odd
names in them, and made-up ones), query strings (the parameters the pages
and the API take, and others, with odd values), headers and bodies, sent
anonymously, with an API token and with a signed-in browser's cookie and
form token. Whatever comes in, no answer is a 500 or shows a traceback, and
every error under /api/ is JSON."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import Tracker, add_user, csrf_of, sign_in, web_client
from tracker.web.app import ROUTES

# Text a URL can carry (no lone surrogates: they have no UTF-8).
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
ODD = ["", " ", "ukraine", "UKRAINE", "donbas", "Kaja Kallas", "plan", "v1", "1", "0", "-1",
       "999999999999999999999", "a/b", "a?b=c", "a#b", "100%", "%00", "\x00", "..", "../..",
       "ü", "<script>", "a" * 300, "today", "yesterday", "0001-01-01", "9999-12-31",
       "10000-01-01", "2025-02-30", "2025-12-01T12:00:00+14:00", "0001-01-01T00:00:00+01:00",
       "nan", "inf", "1e999", "true", "on", "*"]  # fmt: skip
VALUE = st.one_of(st.sampled_from(ODD), TEXT)
NAMES = ["as_of", "known_at", "from", "to", "compare", "threshold", "party", "issue", "all",
         "since", "until", "limit", "q", "recorded_by", "include_retracted", "drafts", "history",
         "version", "timelines", "show_retracted", "next", "v"]  # fmt: skip
PARAM = st.tuples(st.one_of(st.sampled_from(NAMES), TEXT), VALUE)
TEMPLATES = sorted({route.path for route in ROUTES} | {"/api", "/api/", "/nowhere", "/static/x"})
ETAGS = ["*", '"x"', 'W/"x"', '"a", W/"b"', "garbage", '"unterminated', ", ,", '*, "x"']
TYPES = ["application/json", "application/x-www-form-urlencoded", "text/plain",
         "multipart/form-data; boundary=x", "application/json; charset=latin-1"]  # fmt: skip
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
FIELDS = ["party", "issue", "stance", "summary", "stated_on", "reason", "csrf_token", "username",
          "password", "slug", "title", "name", "label", "text", "into", "asks", "point",
          "issues", "action", "count", "date"]  # fmt: skip
BODY = st.one_of(
    st.binary(max_size=200),
    JSON_VALUE.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(st.sampled_from(FIELDS), VALUE, max_size=6).map(
        lambda d: json.dumps(d).encode()
    ),
    st.lists(st.tuples(st.sampled_from(FIELDS), VALUE), max_size=6).map(
        lambda pairs: urlencode(pairs).encode()
    ),
    st.integers(1, 3000).map(lambda n: b"[" * n + b"]" * n),
)


@st.composite
def requests(draw: Any) -> dict[str, Any]:
    template = draw(st.sampled_from(TEMPLATES))
    segment = draw(VALUE)
    path = re.sub(r"\{[a-z]+(:path)?\}", quote(segment, safe=""), template)
    params = draw(st.lists(PARAM, max_size=5))
    headers: dict[str, str] = {}
    if draw(st.booleans()):
        headers["If-None-Match"] = draw(st.sampled_from(ETAGS))
    if draw(st.booleans()):
        headers["Content-Type"] = draw(st.sampled_from(TYPES))
    if draw(st.booleans()):
        headers["Origin"] = draw(
            st.sampled_from(["null", "https://evil.example", "http://testserver"])
        )
    if draw(st.booleans()):
        headers["Accept-Encoding"] = draw(st.sampled_from(["gzip", "identity", "br;q=0, *"]))
    method = draw(st.sampled_from(["GET", "GET", "GET", "POST", "POST", "HEAD", "PUT", "DELETE"]))
    body = draw(BODY) if method in ("POST", "PUT") else b""
    who = draw(st.sampled_from(["anonymous", "token", "browser", "browser+csrf"]))
    url = path + ("?" + urlencode(params) if params else "")
    return {"method": method, "url": url, "headers": headers, "body": body, "who": who}


@pytest.mark.slow  # hundreds of requests per backend
def test_no_request_gets_a_500_or_a_traceback(seeded: Tracker, backend: str) -> None:
    add_user(seeded.db, "alice", "admin")
    token = seeded("user", "token", "alice").stdout.strip()
    anonymous = web_client(seeded.db)
    browser = web_client(seeded.db)
    assert sign_in(browser, "alice").status_code == 303
    csrf = csrf_of(browser.get("/log").text)
    extra = {
        "anonymous": {},
        "token": {"Authorization": f"Bearer {token}"},
        "browser": {},
        "browser+csrf": {"X-CSRF-Token": csrf},
    }

    @settings(
        max_examples=300 if backend == "sqlite" else 120,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(requests())
    def fuzz(asked: dict[str, Any]) -> None:
        client = anonymous if asked["who"] == "anonymous" else browser
        response = client.request(
            asked["method"], asked["url"], content=asked["body"],
            headers={**asked["headers"], **extra[asked["who"]]},
        )  # fmt: skip
        shown = (asked["method"], asked["url"], response.status_code, response.text[:300])
        assert response.status_code < 500, shown
        assert "Traceback" not in response.text and 'File "' not in response.text, shown
        api = asked["url"] == "/api" or asked["url"].startswith(("/api/", "/api?"))
        if api and response.status_code >= 400 and asked["method"] != "HEAD":
            assert "error" in response.json(), shown
        if response.status_code != 200:
            assert "etag" not in response.headers or response.status_code == 304, shown

    fuzz()
