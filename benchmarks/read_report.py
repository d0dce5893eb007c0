"""The figures `benchmarks/read_eval.py` prints: scores of (party, issue)
pairs and stances, the co-occurrence baseline, the confusion of stances and
the failures by class, as Markdown tables."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from tracker.read.issues import Issues
from tracker.read.known import Known
from tracker.read.mentions import Names
from tracker.read.sentences import split
from tracker.read.types import Proposal
from tracker.stance import LABELS, SCORES

Pair = tuple[str, str]
STANCES = tuple(LABELS[s] for s in sorted(LABELS))


@dataclass(frozen=True)
class Case:
    name: str
    text: Path
    world: Path
    day: dt.date
    gold: dict[Pair, set[str]]
    negotiation: str
    register: str
    half: str


class Guess(Protocol):
    @property
    def stance(self) -> str: ...
    @property
    def confidence(self) -> float: ...


@dataclass(frozen=True)
class Cooccurs:
    """The baseline's guess: a party and an issue named in one sentence."""

    stance: str = "supports"
    confidence: float = 0.0


@dataclass(frozen=True)
class Score:
    name: str
    gold: int
    proposed: int
    matched: int
    exact: int
    near: int
    others: int = 0  # matched pairs whose stances are all other than "supports"
    others_exact: int = 0
    sure: int = 0  # proposed pairs with confidence >= the threshold
    sure_right: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.proposed if self.proposed else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def stance_exact(self) -> float:
        return self.exact / self.matched if self.matched else 0.0

    @property
    def stance_near(self) -> float:
        return self.near / self.matched if self.matched else 0.0

    @property
    def others_rate(self) -> float:
        return self.others_exact / self.others if self.others else 0.0

    @property
    def sure_precision(self) -> float:
        return self.sure_right / self.sure if self.sure else 0.0


def score(
    name: str, gold: Mapping[Pair, set[str]], guesses: Mapping[Pair, Guess], sure: float
) -> Score:
    matched = set(guesses) & set(gold)
    exact = {p for p in matched if guesses[p].stance in gold[p]}
    near = {
        p for p in matched if min(abs(SCORES[guesses[p].stance] - SCORES[s]) for s in gold[p]) <= 1
    }
    others = {p for p in matched if "supports" not in gold[p]}
    confident = {p for p, g in guesses.items() if g.confidence >= sure}
    return Score(
        name, len(gold), len(guesses), len(matched), len(exact), len(near),
        len(others), len(others & exact), len(confident), len(confident & set(gold)),
    )  # fmt: skip


def total(scores: Iterable[Score], name: str = "total") -> Score:
    scores = list(scores)
    fields = ("gold", "proposed", "matched", "exact", "near", "others", "others_exact", "sure",
              "sure_right")  # fmt: skip
    sums = {f: sum(getattr(s, f) for s in scores) for f in fields}
    return Score(name, **sums)


def found(text: str, catalog: Known, day: dt.date) -> tuple[set[str], set[Pair]]:
    """The issues the text touches, and the (party, issue) pairs named in one sentence."""
    names = Names(catalog, day)
    issues = Issues(catalog, names)
    touched: set[str] = set()
    together: set[Pair] = set()
    for s in split(text):
        found = {t.issue for t in issues.find(s.text)}
        parties = {m.party for m in names.find(s.text) if m.party}
        touched |= found
        together |= {(p, i) for p in parties for i in found}
    return touched, together


def baseline(together: Iterable[Pair]) -> dict[Pair, Guess]:
    """Every party and issue named in one sentence, "supports"."""
    return {pair: Cooccurs() for pair in together}


@dataclass(frozen=True)
class Run:
    """A case read: its proposals, the reader's score and the baseline's, the
    issues the text touches and the pairs it names in one sentence."""

    case: Case
    proposals: tuple[Proposal, ...]
    score: Score
    baseline: Score
    touched: frozenset[str]
    together: frozenset[Pair]


def _row(s: Score, base: Score | None = None) -> str:
    cells = [
        s.name, str(s.gold), str(s.proposed), str(s.matched), f"{s.precision:.2f}",
        f"{s.recall:.2f}", f"{s.f1:.2f}", f"{s.stance_exact:.2f}", f"{s.stance_near:.2f}",
        f"{s.others_rate:.2f} ({s.others})", f"{s.sure_precision:.2f} ({s.sure})",
    ]  # fmt: skip
    if base is not None:
        cells.append(f"{base.f1:.2f}")
    return "| " + " | ".join(cells) + " |"


_HEAD = (
    "| {} | positions | proposed | matched | precision | recall | F1 | stance exact | within one "
    "| exact, not supports | precision, conf ≥ 0.8 | baseline F1 |"
)


def _table(title: str, rows: list[tuple[Score, Score]], last: tuple[Score, Score] | None) -> str:
    lines = [_HEAD.format(title), "|" + "---|" * 12]
    lines += [_row(s, b) for s, b in rows]
    if last is not None:
        lines.append(_row(*last).replace(f"| {last[0].name} |", f"| **{last[0].name}** |", 1))
    return "\n".join(lines) + "\n"


def _totals(runs: list[Run], name: str) -> tuple[Score, Score]:
    return total((r.score for r in runs), name), total((r.baseline for r in runs), name)


def by_text(runs: list[Run]) -> str:
    rows = [(r.score, r.baseline) for r in runs]
    return _table("text", rows, _totals(runs, "total"))


def _groups(runs: list[Run]) -> dict[str, list[Run]]:
    groups: dict[str, list[Run]] = {}
    for r in runs:
        groups.setdefault(r.case.negotiation, []).append(r)
    return groups


def by_negotiation(runs: list[Run]) -> str:
    rows = [_totals(rs, neg) for neg, rs in _groups(runs).items()]
    return _table("negotiation", rows, _totals(runs, "total"))


def halves(runs: Mapping[str, list[Run]]) -> str:
    rows = [_totals(rs, half) for half, rs in runs.items() if rs]
    every = [r for rs in runs.values() for r in rs if r.case.half != "extra"]
    return _table("half", rows, _totals(every, "corpus, both halves"))


def each_alone(runs: list[Run]) -> str:
    """Leave one negotiation out: each test negotiation, none of whose texts
    shaped a rule, scored alone; their mean and the worst."""
    scores = [total(r.score for r in rs) for rs in _groups(runs).values()]
    if not scores:
        return ""
    mean = {
        f: _mean([getattr(s, f) for s in scores])
        for f in ("precision", "recall", "f1", "stance_exact")
    }
    worst = min(scores, key=lambda s: s.f1)
    return (
        f"Each test negotiation alone ({len(scores)}): mean precision {mean['precision']:.2f}, "
        f"recall {mean['recall']:.2f}, F1 {mean['f1']:.2f}, stance exact "
        f"{mean['stance_exact']:.2f}; the worst F1 {worst.f1:.2f}.\n"
    )


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def confusion(runs: list[Run]) -> str:
    """Stances logged (rows) against stances proposed (columns), on the pairs both hold."""
    counts: Counter[tuple[str, str]] = Counter()
    for r in runs:
        best = _surest(r)
        for pair, stances in r.case.gold.items():
            if pair not in best:
                continue
            said = best[pair]
            truth = (
                said
                if said in stances
                else min(stances, key=lambda s: abs(SCORES[s] - SCORES[said]))
            )
            counts[(truth, said)] += 1
    lines = ["| logged \\ proposed | " + " | ".join(STANCES) + " |", "|" + "---|" * 6]
    for truth in STANCES:
        cells = [str(counts[(truth, said)]) for said in STANCES]
        lines.append(f"| {truth} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _surest(r: Run) -> dict[Pair, str]:
    best: dict[Pair, tuple[float, str]] = {}
    for p in r.proposals:
        pair = (p.party, p.issue)
        if pair not in best or p.confidence > best[pair][0]:
            best[pair] = (p.confidence, p.stance)
    return {pair: stance for pair, (_, stance) in best.items()}


def failures(runs: list[Run], half: str) -> str:
    """Every error, by class: pairs missed, pairs proposed wrongly, stances off."""
    counts: Counter[str] = Counter()
    for r in runs:
        touched, together = r.touched, r.together
        best = _surest(r)
        parties = {p for p, _ in r.case.gold}
        issues = {i for _, i in r.case.gold}
        for pair, stances in r.case.gold.items():
            if pair not in best:
                if pair[1] not in touched:
                    counts["missed: the issue is not recognised in the text"] += 1
                elif pair not in together:
                    counts["missed: party and issue never named in one sentence"] += 1
                else:
                    counts["missed: named together, no stance read for the party"] += 1
            elif best[pair] not in stances:
                diff = min(SCORES[best[pair]] - SCORES[s] for s in stances)
                if "open" in stances or best[pair] == "open":
                    counts["stance: open against a side"] += 1
                elif all(SCORES[best[pair]] * SCORES[s] < 0 for s in stances):
                    counts["stance: the opposite side"] += 1
                elif abs(diff) == 1:
                    counts["stance: one step off"] += 1
                else:
                    counts["stance: off by more"] += 1
        for pair in set(best) - set(r.case.gold):
            if pair[1] not in issues:
                counts["wrong: the issue is not at stake in the text"] += 1
            elif pair[0] not in parties:
                counts["wrong: the party holds no position in the text"] += 1
            else:
                counts["wrong: both at stake, not this party on this issue"] += 1
    lines = [f"Failures, {half} half:\n", "| class | count |", "|---|---|"]
    lines += [f"| {k} | {n} |" for k, n in sorted(counts.items())]
    return "\n".join(lines) + "\n"
