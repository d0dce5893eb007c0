"""Write a realistic CSV of N statements for `tracker import`, reproducible from a seed.

The shape of a tracker that follows a multilateral process: 200 parties, 500
issues, statements dated over five years, all five stances, and text columns
of the lengths people write (a one- or two-sentence summary, a quote on about
half the rows, a speaker, a source URL, conditions on some). Parties and
issues are named by their names, not slugs, so `import --create-missing`
does the name-to-id work a real file asks of it.

    python benchmarks/generate.py 1000000 statements.csv [--seed 1]

The same N and seed always give the same file, byte for byte.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
from collections.abc import Iterator
from pathlib import Path

PARTIES = 200
ISSUES = 500
FIRST_DAY = dt.date(2021, 1, 1)
DAYS = 5 * 365
HEADER = (
    "party", "issue", "stance", "stated_on", "summary",
    "quote", "speaker", "source", "basis", "conditions",
)  # fmt: skip
STANCES = ("rejects", "opposes", "open", "supports", "demands")

_SYLLABLES = (
    "al", "ba", "cor", "da", "el", "fen", "gar", "hal", "is", "jor", "kel", "lan",
    "mar", "nor", "os", "pra", "quel", "ros", "sal", "tor", "ur", "val", "wes", "zan",
)  # fmt: skip
_FORMS = ("Republic of {}", "Kingdom of {}", "{}", "{} Federation", "United {}", "State of {}")
_FIELDS = (
    "fisheries", "maritime", "agricultural", "digital", "climate", "nuclear", "border",
    "trade", "energy", "water", "migration", "health", "financial", "space", "arms",
    "labour", "forest", "transit", "tariff", "mineral", "refugee", "cyber", "ocean",
    "aviation", "data",
)  # fmt: skip
_MATTERS = (
    "subsidies", "quotas", "verification", "safeguards", "transparency", "financing",
    "dispute settlement", "emission caps", "inspections", "liability", "sanctions relief",
    "market access", "reporting", "moratorium", "compensation", "standards", "licensing",
    "monitoring", "exemptions", "phase-out",
)  # fmt: skip
_PROSE = (
    "the delegation said it would not accept any text that weakens the existing "
    "commitments and called for a review mechanism before the next session while "
    "signalling flexibility on timelines provided that financing is agreed and "
    "verification remains independent the minister told reporters that talks had "
    "made progress but warned that red lines on sovereignty and security were not "
    "up for negotiation officials close to the talks described the proposal as a "
    "basis for discussion rather than a final offer and said a compromise on "
    "phasing could be reached within weeks if partners showed good faith"
)
_WORDS = _PROSE.split(" ")
_FIRST = ("Anna", "Omar", "Li", "Maria", "Sergei", "Amina", "John", "Ines", "Kofi", "Yuki")
_LAST = ("Kovalenko", "Haddad", "Wei", "Santos", "Ivanov", "Diallo", "Smith", "Garcia", "Mensah")
_TITLES = ("foreign minister", "chief negotiator", "spokesperson", "ambassador", "envoy")
_OUTLETS = ("apnews.com", "reuters.com", "bbc.co.uk", "lemonde.fr", "dw.com", "aljazeera.com")
_CONDITIONS = (
    "if sanctions are lifted in stages",
    "provided a ceasefire holds for thirty days",
    "only with international monitoring",
    "subject to ratification by parliament",
    "if the other side withdraws first",
)


def party_names(rng: random.Random) -> list[str]:
    names: dict[str, None] = {}
    while len(names) < PARTIES:
        root = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        names[rng.choice(_FORMS).format(root)] = None
    return list(names)


def issue_titles() -> list[str]:
    return [f"{field.capitalize()} {matter}" for field in _FIELDS for matter in _MATTERS]


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = rng.choices(_WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize() + "."


def rows(count: int, seed: int) -> Iterator[tuple[str, ...]]:
    rng = random.Random(seed)
    parties = party_names(rng)
    issues = issue_titles()
    assert len(issues) == ISSUES
    for n in range(count):
        party = rng.choice(parties)
        day = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
        summary = _sentence(rng, 8, 35)
        quote = f"“{_sentence(rng, 12, 60)}”" if rng.random() < 0.5 else ""
        speaker = (
            f"{rng.choice(_FIRST)} {rng.choice(_LAST)}, {rng.choice(_TITLES)}"
            if rng.random() < 0.8
            else ""
        )
        source = (
            f"https://www.{rng.choice(_OUTLETS)}/{day:%Y/%m/%d}/article-{n:07d}"
            if rng.random() < 0.9
            else ""
        )
        basis = rng.choices(("stated", "reported", "inferred"), weights=(6, 3, 1))[0]
        conditions = rng.choice(_CONDITIONS) if rng.random() < 0.15 else ""
        yield (
            party,
            rng.choice(issues),
            rng.choice(STANCES),
            day.isoformat(),
            summary,
            quote,
            speaker,
            source,
            basis,
            conditions,
        )


def write(path: Path, count: int, seed: int = 1) -> Path:
    """Write the file through a temporary name, so an interrupted run leaves none."""
    tmp = path.with_name(f".{path.name}.partial")
    with tmp.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows(count, seed))
    tmp.replace(path)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="number of statements")
    parser.add_argument("output", type=Path, help="CSV file to write")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args()
    write(args.output, args.count, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
