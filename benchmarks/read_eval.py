"""How well `tracker read` reads: its proposals scored against annotated texts.

The corpus (`tests/data/read/corpus/`, see its README and
docs/read-annotation.md) holds public texts on fifteen negotiations, split
once by negotiation into a development half and a test half. Each text's
`NAME.gold.json` gives the positions an analyst logged from it (party,
issue, stance); the negotiation's `world.json` is its catalog. The three
texts written for the project (`tests/data/read/*.gold.json`) and the seed
article (when its path is given: `--seed PATH`, or the environment variable
TRACKER_SEED_ARTICLE) are scored apart, as extra development material.

For each text, negotiation, half and in total: the precision and recall of
the (party, issue) pairs proposed and their F1; on the pairs both hold, how
often the proposed stance (that of the surest proposal for the pair) is one
the analyst logged, exactly, within one step, and exactly on the pairs whose
stances are all other than "supports"; the precision of the proposals whose
confidence is at least 0.8. Beside each: a co-occurrence baseline on the same
catalog (every party and issue named in one sentence, "supports"). Then,
for the test half, each negotiation alone (none of them shaped a rule), the
confusion of stances, the failures by class, and the time to read an article
of 5,000 words, the fetch and the file left out.

    python benchmarks/read_eval.py [--seed PATH] [--runs 5] [--half test]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks import read_report as report  # noqa: E402
from benchmarks.read_report import Case, Run, Score  # noqa: E402
from tracker.read import known, propose, source  # noqa: E402
from tracker.read.types import Proposal  # noqa: E402

DATA = REPO / "tests" / "data" / "read"
CORPUS = DATA / "corpus"
SEED = REPO / "seeds" / "ukraine-2025.json"
SEED_ENV = "TRACKER_SEED_ARTICLE"
SEED_SOURCE = "CRBC News"  # the seed's statements drawn from the article cite it so
HALVES = ("development", "test")
EXTRA = "extra"  # texts written for the project, and the seed article
SURE = 0.8


def _pairs(statements: list[dict[str, str]]) -> dict[tuple[str, str], set[str]]:
    gold: dict[tuple[str, str], set[str]] = {}
    for s in statements:
        gold.setdefault((s["party"], s["issue"]), set()).add(s["stance"])
    return gold


def split() -> dict[str, str]:
    """Each negotiation's half."""
    doc = json.loads((CORPUS / "split.json").read_text(encoding="utf-8"))
    return {neg: half for half in HALVES for neg in doc[half]}


def corpus_cases(halves: Iterable[str] = HALVES) -> list[Case]:
    wanted = set(halves)
    found = []
    for neg, half in sorted(split().items()):
        if half not in wanted:
            continue
        for path in sorted((CORPUS / neg).glob("*.gold.json")):
            doc = json.loads(path.read_text(encoding="utf-8"))
            found.append(
                Case(
                    path.name.removesuffix(".gold.json"), path.parent / doc["text"],
                    path.parent / "world.json", dt.date.fromisoformat(doc["date"]),
                    _pairs(doc["statements"]), neg, doc["register"], half,
                )
            )  # fmt: skip
    return found


def cases(seed_article: Path | None = None) -> list[Case]:
    """The texts written for the project, and the seed article if given."""
    found = []
    for path in sorted(DATA.glob("*.gold.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        found.append(
            Case(
                path.name.removesuffix(".gold.json"), DATA / doc["text"], DATA / doc["world"],
                dt.date.fromisoformat(doc["date"]), _pairs(doc["statements"]),
                "written for the project", "news", EXTRA,
            )
        )  # fmt: skip
    if seed_article is not None:
        seed = json.loads(SEED.read_text(encoding="utf-8"))
        statements = [s for s in seed["statements"] if (s["source"] or "").startswith(SEED_SOURCE)]
        found.append(
            Case(
                "seed article", seed_article, DATA / "ukraine-world.json",
                dt.date(2025, 12, 1), _pairs(statements), "seed", "news", EXTRA,
            )
        )  # fmt: skip
    return found


def catalog(case: Case) -> known.Known:
    return known.from_json(json.loads(case.world.read_text(encoding="utf-8")))


def read(case: Case) -> tuple[Proposal, ...]:
    doc = source.load(str(case.text))
    return propose.read(doc, catalog(case), case.day, None).proposals


def surest(proposals: Iterable[Proposal]) -> dict[tuple[str, str], Proposal]:
    """The surest proposal for each (party, issue) pair."""
    best: dict[tuple[str, str], Proposal] = {}
    for p in proposals:
        pair = (p.party, p.issue)
        if pair not in best or p.confidence > best[pair].confidence:
            best[pair] = p
    return best


def score(case: Case, proposals: tuple[Proposal, ...]) -> Score:
    return report.score(case.name, case.gold, surest(proposals), SURE)


def total(scores: list[Score], name: str = "total") -> Score:
    return report.total(scores, name)


def run(case: Case) -> Run:
    proposals = read(case)
    touched, together = report.found(source.load(str(case.text)).text, catalog(case), case.day)
    base = report.score(case.name, case.gold, report.baseline(together), SURE)
    return Run(
        case, proposals, score(case, proposals), base, frozenset(touched), frozenset(together)
    )


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
    parser.add_argument("--half", choices=HALVES, help="Only this half of the corpus.")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None and args.seed.exists() else None
    halves = [args.half] if args.half else list(HALVES)
    runs = {half: [run(c) for c in corpus_cases([half])] for half in halves}
    extra = [run(c) for c in cases(seed)]
    for half in halves:
        print(f"## {half} half\n")
        print(report.by_text(runs[half]))
        print(report.by_negotiation(runs[half]))
    print("## Both halves and the extra texts\n")
    print(report.halves({**runs, EXTRA: extra}))
    if "test" in runs:
        print(report.each_alone(runs["test"]))
        print(report.confusion(runs["test"]))
    for half in halves:
        print(report.failures(runs[half], half))
    if seed is None:
        print(f"(the seed article is left out: give --seed PATH or set {SEED_ENV})\n")
    every = [r.case for rs in runs.values() for r in rs] + [r.case for r in extra]
    words, seconds = timing(every, runs=args.runs)
    print(f"read {words:,} words in {seconds * 1000:.0f} ms (median of {args.runs})")


if __name__ == "__main__":
    main()
