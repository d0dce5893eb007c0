"""How well `tracker read` reads: its proposals scored against annotated texts.

Each `tests/data/read/NAME.gold.json` names a text beside it, the catalog of
its world (a JSON file in the export's shape, with people and issue
keywords), the statements' date, and the positions an analyst logged from it
(party, issue, stance). The seed article is scored too when its path is given
(`--seed PATH`, or the environment variable TRACKER_SEED_ARTICLE): its
positions are the seed's statements whose source is the article
(`seeds/ukraine-2025.json`, see docs/seed-sources.md).

For each text and in total: the precision and recall of the (party, issue)
pairs proposed, and on the pairs both hold, how often the proposed stance
(that of the surest proposal for the pair) is one the analyst logged for it,
exactly or within one step of the scale. Then the time to read an article
of 5,000 words, the fetch and the file left out.

    python benchmarks/read_eval.py [--seed PATH] [--runs 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tracker.read import known, propose, source  # noqa: E402
from tracker.read.types import Proposal  # noqa: E402
from tracker.stance import SCORES  # noqa: E402

DATA = REPO / "tests" / "data" / "read"
SEED = REPO / "seeds" / "ukraine-2025.json"
SEED_ENV = "TRACKER_SEED_ARTICLE"
SEED_SOURCE = "CRBC News"  # the seed's statements drawn from the article cite it so


@dataclass(frozen=True)
class Case:
    name: str
    text: Path
    world: Path
    day: dt.date
    gold: dict[tuple[str, str], set[str]]


@dataclass(frozen=True)
class Score:
    name: str
    gold: int
    proposed: int
    matched: int
    exact: int
    near: int

    @property
    def precision(self) -> float:
        return self.matched / self.proposed if self.proposed else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def stance_exact(self) -> float:
        return self.exact / self.matched if self.matched else 0.0

    @property
    def stance_near(self) -> float:
        return self.near / self.matched if self.matched else 0.0


def _pairs(statements: list[dict[str, str]]) -> dict[tuple[str, str], set[str]]:
    gold: dict[tuple[str, str], set[str]] = {}
    for s in statements:
        gold.setdefault((s["party"], s["issue"]), set()).add(s["stance"])
    return gold


def cases(seed_article: Path | None = None) -> list[Case]:
    found = []
    for path in sorted(DATA.glob("*.gold.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        found.append(
            Case(
                path.name.removesuffix(".gold.json"),
                DATA / doc["text"],
                DATA / doc["world"],
                dt.date.fromisoformat(doc["date"]),
                _pairs(doc["statements"]),
            )
        )
    if seed_article is not None:
        seed = json.loads(SEED.read_text(encoding="utf-8"))
        statements = [s for s in seed["statements"] if (s["source"] or "").startswith(SEED_SOURCE)]
        found.append(
            Case(
                "seed article", seed_article, DATA / "ukraine-world.json",
                dt.date(2025, 12, 1), _pairs(statements),
            )
        )  # fmt: skip
    return found


def read(case: Case) -> tuple[Proposal, ...]:
    world = known.from_json(json.loads(case.world.read_text(encoding="utf-8")))
    doc = source.load(str(case.text))
    return propose.read(doc, world, case.day, None).proposals


def score(case: Case, proposals: tuple[Proposal, ...]) -> Score:
    surest: dict[tuple[str, str], Proposal] = {}
    for p in proposals:
        pair = (p.party, p.issue)
        if pair not in surest or p.confidence > surest[pair].confidence:
            surest[pair] = p
    matched = set(surest) & set(case.gold)
    exact = sum(1 for pair in matched if surest[pair].stance in case.gold[pair])
    near = sum(
        1
        for pair in matched
        if min(abs(surest[pair].score - SCORES[s]) for s in case.gold[pair]) <= 1
    )
    return Score(case.name, len(case.gold), len(surest), len(matched), exact, near)


def total(scores: list[Score]) -> Score:
    return Score(
        "total",
        sum(s.gold for s in scores),
        sum(s.proposed for s in scores),
        sum(s.matched for s in scores),
        sum(s.exact for s in scores),
        sum(s.near for s in scores),
    )


def table(scores: list[Score]) -> str:
    lines = [
        f"{'text':<18} {'gold':>4} {'prop':>4} {'match':>5} {'precision':>9} {'recall':>6} "
        f"{'stance exact':>12} {'within one':>10}"
    ]
    for s in [*scores, total(scores)]:
        lines.append(
            f"{s.name:<18} {s.gold:>4} {s.proposed:>4} {s.matched:>5} {s.precision:>9.2f} "
            f"{s.recall:>6.2f} {s.stance_exact:>12.2f} {s.stance_near:>10.2f}"
        )
    return "\n".join(lines)


def timing(all_cases: list[Case], words: int = 5000, runs: int = 5) -> tuple[int, float]:
    """The median time to read an article of at least `words` words, made of
    the texts above one after another, with the Ukraine world's catalog."""
    texts = [source.load(str(c.text)).text for c in all_cases]
    parts: list[str] = []
    while sum(len(p.split()) for p in parts) < words:
        parts.append(texts[len(parts) % len(texts)])
    doc = source.Document("\n\n".join(parts))
    world = known.from_json(json.loads((DATA / "ukraine-world.json").read_text(encoding="utf-8")))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        propose.read(doc, world, dt.date(2025, 12, 1), None)
        times.append(time.perf_counter() - start)
    return len(doc.text.split()), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=Path, default=os.environ.get(SEED_ENV) or None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None and args.seed.exists() else None
    all_cases = cases(seed)
    print(table([score(c, read(c)) for c in all_cases]))
    if seed is None:
        print(f"(the seed article is left out: give --seed PATH or set {SEED_ENV})")
    words, seconds = timing(all_cases, runs=args.runs)
    print(f"read {words:,} words in {seconds * 1000:.0f} ms (median of {args.runs})")


if __name__ == "__main__":
    main()
