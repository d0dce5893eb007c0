"""People who speak for parties: a person's name as PARTY, affiliations over
time, unregistered speakers, shell completion of names."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner

from helpers import Tracker, one_line, setup_pair
from tracker.cli import cli


def _json(tracker: Tracker, *args: str) -> Any:
    return json.loads(tracker(*args, "--format", "json").stdout)


def _kallas(tracker: Tracker) -> None:
    tracker("party", "add", "estonia", "--name", "Estonia")
    tracker("party", "add", "eu", "--name", "European Union")
    tracker("issue", "add", "assets", "--title", "Frozen Russian assets")
    tracker(
        "person", "add", "Kaja Kallas", "--party", "estonia", "--role", "prime minister",
        "--alias", "Kallas", "--from", "2021-01-26",
    )  # fmt: skip
    tracker("person", "affiliate", "kallas", "--party", "eu", "--from", "2024-12-01",
            "--role", "High Representative")  # fmt: skip


def test_a_person_speaks_for_the_party_of_the_day(tracker: Tracker) -> None:
    _kallas(tracker)
    person = _json(tracker, "person", "show", "Kallas")
    assert person["affiliations"] == [
        {"party": "estonia", "role": "prime minister", "from": "2021-01-26", "until": "2024-11-30"},
        {"party": "eu", "role": "High Representative", "from": "2024-12-01", "until": None},
    ]
    out = tracker("add", "kallas", "assets", "supports", "-s", "Use them", "--date", "2025-12-01")
    assert out.stdout == (
        "Added statement #2 (2025-12-01).\n".replace("#2", "#1") + "eu on assets: supports (new)\n"
        "Speaker: Kaja Kallas, for European Union on 2025-12-01\n"
    )
    tracker("add", "KAJA KALLAS", "assets", "opposes", "-s", "Earlier", "--date", "2023-05-01")
    tracker("add", "kallas", "assets", "open", "-s", "x", "--date", "2023-06-01",
            "--speaker", "Her spokesman")  # fmt: skip
    logged = _json(tracker, "log")
    assert [(s["party"], s["speaker"]) for s in logged] == [
        ("eu", "Kaja Kallas"),
        ("estonia", "Her spokesman"),
        ("estonia", "Kaja Kallas"),
    ]
    message = one_line(
        tracker.fails("add", "kallas", "assets", "open", "-s", "x", "--date", "2020-01-01")
    )
    assert "Kaja Kallas spoke for no party on 2020-01-01" in message
    # As a filter: the party on the report's date.
    assert (
        _json(tracker, "report", "-p", "kallas", "--as-of", "2023-12-31")["cells"][0]["party"]
        == "estonia"
    )
    assert (
        _json(tracker, "report", "-p", "kallas", "--as-of", "2025-12-31")["cells"][0]["party"]
        == "eu"
    )
    assert _json(tracker, "log", "-p", "kallas", "--until", "2023-12-31")[0]["party"] == "estonia"


def test_people_are_listed_shown_and_edited(tracker: Tracker) -> None:
    _kallas(tracker)
    listed = _json(tracker, "person", "list")
    assert [p["name"] for p in listed] == ["Kaja Kallas"]
    table = tracker("person", "list").stdout
    assert "eu, High Representative (since 2024-12-01)" in table
    tracker("person", "edit", "kallas", "--name", "Kaja Kallas-Estonia", "--add-alias", "KK")
    tracker("person", "edit", "KK", "--remove-alias", "Kallas", "--name", "Kaja Kallas")
    page = _json(tracker, "person", "show", "kk", "--history")
    assert page["name"] == "Kaja Kallas"
    # A former name stays theirs: statements quote it as speaker.
    assert page["aliases"] == ["KK", "Kaja Kallas-Estonia"]
    fields = [(r["field"], r["old"], r["new"]) for r in page["history"]]
    assert ("name", "Kaja Kallas", "Kaja Kallas-Estonia") in fields
    assert ("alias", "Kallas", None) in fields
    assert (
        "affiliation",
        "estonia|prime minister|2021-01-26|",
        "estonia|prime minister|2021-01-26|2024-11-30",
    ) in fields
    assert "person 'Kaja Kallas' already exists" in tracker.fails(
        "person", "add", "kaja  kallas", "--party", "eu"
    )
    message = tracker.fails("person", "affiliate", "kk", "--party", "eu", "--from", "2024-01-01")
    assert "a new affiliation must begin after that" in message
    # docs/cli.md: exit 1, naming both dates.
    message = one_line(tracker.fails(
        "person", "add", "Someone", "--party", "eu", "--from", "2025-01-01", "--until", "2024-01-01",
    ))  # fmt: skip
    assert message == "Error: --until 2024-01-01 is before --from 2025-01-01\n"


def test_unregistered_speakers(seeded: Tracker) -> None:
    for speaker, party in [
        ("Maria Zakharova", "russia"),
        ("Maria Zakharova", "russia"),
        ("A spokesman", "eu"),
    ]:
        seeded(
            "add", party, "donbas", "open", "-s", "x", "--speaker", speaker, "--date", "2025-11-30"
        )
    found = _json(seeded, "person", "list", "--unregistered")
    assert found and set(found[0]) == {"speaker", "party", "statements"}
    assert found == sorted(
        found, key=lambda u: (-u["statements"], u["speaker"].casefold(), u["party"])
    )
    zakharova = [u for u in found if u["speaker"] == "Maria Zakharova"]
    assert zakharova == [{"speaker": "Maria Zakharova", "party": "russia", "statements": 2}]
    assert all(u["speaker"] != "Volodymyr Zelensky" for u in found)  # a person of the seed
    seeded("person", "add", "Maria Zakharova", "--party", "russia", "--alias", "Zakharova")
    after = _json(seeded, "person", "list", "--unregistered")
    assert all(u["speaker"] != "Maria Zakharova" for u in after)
    assert _json(seeded, "person", "show", "zakharova")["statements"] == 2


def _complete(db: str, words: str) -> list[str]:
    """What click's bash completion offers for the last of `words`."""
    env = {"_TRACKER_COMPLETE": "bash_complete", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1))}  # fmt: skip
    result = CliRunner().invoke(cli, [], env=env, prog_name="tracker")
    lines = result.output.splitlines()
    return [line.split(",", 1)[1] for line in lines if line.startswith("plain,")]


def test_names_complete_from_the_database(tracker: Tracker) -> None:
    setup_pair(tracker)
    tracker("person", "add", "Rustem Umerov", "--party", "ukraine", "--alias", "Umerov")
    db = f"tracker --db {tracker.db}"
    assert _complete(tracker.db, f"{db} add uk") == ["ukraine"]
    assert _complete(tracker.db, f"{db} add um") == ["Umerov"]
    assert _complete(tracker.db, f"{db} add ukraine do") == ["donbas", "Donbas territory"]
    assert _complete(tracker.db, f"{db} add ukraine donbas red") == ["red-line"]
    assert _complete(tracker.db, f"{db} report --party ky") == ["Kyiv"]
    assert "--format" in _complete(tracker.db, f"{db} history ukraine --")
    assert "rustem umerov" in [n.casefold() for n in _complete(tracker.db, f"{db} person show r")]
    assert "--as-of" in [
        line.split(",", 1)[1]
        for line in CliRunner().invoke(
            cli, [], prog_name="tracker",
            env={"_TRACKER_COMPLETE": "bash_complete", "COMP_WORDS": "tracker report --as",
                 "COMP_CWORD": "2"},
        ).output.splitlines()
    ]  # fmt: skip


def test_completion_never_creates_a_database(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    missing = tmp_path / "none.db"
    assert _complete(str(missing), f"tracker --db {missing} add uk") == []
    assert not missing.exists()
