"""The catalog from the browser, in this process, on every backend: writers
add parties, issues and people; admins edit, merge (an issue asking the
opposite question with its stances negated, as `issue merge --negate`) and
remove them; each answers with the command line's own messages."""

from __future__ import annotations

import json
from html import unescape
from typing import Any

import pytest

from helpers import Tracker, add_user, csrf_of, sign_in, web_client


@pytest.fixture
def team(seeded: Tracker) -> Tracker:
    add_user(seeded.db, "alice", "admin")
    add_user(seeded.db, "wendy", "writer")
    return seeded


def _signed(db: str, name: str) -> tuple[Any, str]:
    """A client signed in as `name`, and its form token."""
    client = web_client(db)
    assert sign_in(client, name).status_code == 303
    return client, csrf_of(client.get("/parties").text)


def test_a_writer_adds_records_and_may_not_correct_them(team: Tracker) -> None:
    writer, csrf = _signed(team.db, "wendy")
    added = writer.post(
        "/parties", data={"csrf_token": csrf, "slug": "poland", "name": "Poland", "aliases": "PL"}
    )
    assert added.status_code == 200 and "Added party poland" in unescape(added.text)
    added = writer.post(
        "/issues", data={"csrf_token": csrf, "slug": "ceasefire", "title": "Ceasefire"}
    )
    assert added.status_code == 200 and "Added issue ceasefire" in unescape(added.text)
    taken = writer.post("/parties", data={"csrf_token": csrf, "slug": "x", "name": "Ukraine"})
    assert taken.status_code == 400 and "Ukraine" in unescape(taken.text)
    for action in ("edit", "merge", "remove"):
        refused = writer.post(f"/parties/poland/{action}", data={"csrf_token": csrf, "into": "eu"})
        assert refused.status_code == 403, action
    assert json.loads(team("party", "show", "pl", "--format", "json").stdout)["slug"] == "poland"


def test_an_admin_edits_and_is_told_what_changed_nothing(team: Tracker) -> None:
    admin, csrf = _signed(team.db, "alice")
    done = admin.post("/parties/ukraine/edit", data={"csrf_token": csrf, "add_alias": "Ukraina"})
    assert done.status_code == 200 and "Updated party ukraine" in unescape(done.text)
    again = admin.post("/parties/ukraine/edit", data={"csrf_token": csrf, "add_alias": "Ukraina"})
    assert "already" in unescape(again.text)
    history = json.loads(team("party", "show", "ukraine", "--history", "-f", "json").stdout)
    assert [h["new"] for h in history["history"]].count("Ukraina") == 1


def test_an_admin_merges_issues_as_the_command_does(team: Tracker) -> None:
    team("issue", "add", "nato-barred", "--title", "Barred from NATO",
         "--proposition", "Ukraine is barred from joining NATO")  # fmt: skip
    team("add", "russia", "nato-barred", "demands", "-s", "No NATO", "--date", "2025-11-21")
    admin, csrf = _signed(team.db, "alice")
    form = admin.get("/issues/nato-barred").text
    assert 'name="asks" value="opposite"' in form
    # Without saying how, two different questions are refused with the CLI's words.
    refused = admin.post(
        "/issues/nato-barred/merge", data={"csrf_token": csrf, "into": "nato-membership"}
    )
    message = unescape(refused.text)
    assert refused.status_code == 400 and "ask different questions" in message
    assert "Ukraine is barred from joining NATO" in message
    odd = admin.post(
        "/issues/nato-barred/merge",
        data={"csrf_token": csrf, "into": "nato-membership", "asks": "sideways"},
    )
    assert odd.status_code == 400 and "unknown choice 'sideways'" in unescape(odd.text)
    done = admin.post(
        "/issues/nato-barred/merge",
        data={"csrf_token": csrf, "into": "nato-membership", "asks": "opposite"},
    )
    said = unescape(done.text)
    assert done.status_code == 200 and "1 statement moved, its stance negated" in said, said
    [moved] = json.loads(
        team("log", "-p", "russia", "-i", "nato-membership", "--format", "json").stdout
    )
    assert (moved["stance"], moved["negated"], moved["recorded_by"]) == ("rejects", True, "tester")
    history = json.loads(team("issue", "show", "nato-membership", "--history", "-f", "json").stdout)
    assert any(h["field"] == "merged" and h["recorded_by"] == "alice" for h in history["history"])


def test_an_admin_removes_only_what_nothing_refers_to(team: Tracker) -> None:
    team("party", "add", "typo", "--name", "Typo")
    admin, csrf = _signed(team.db, "alice")
    kept = admin.post("/parties/ukraine/remove", data={"csrf_token": csrf})
    assert kept.status_code == 400 and "tracker party merge" in unescape(kept.text)
    gone = admin.post("/parties/typo/remove", data={"csrf_token": csrf})
    assert gone.status_code == 200 and "Removed party typo." in unescape(gone.text)
    assert "typo" not in team("party", "list").stdout
