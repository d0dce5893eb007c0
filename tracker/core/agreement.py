"""Where a deal is possible (`outlook`) and who stands with whom (`align`),
as SPEC's "Outlook and alignment" defines them.

Both are plain functions of a report's cells, and of the report at the
compare date (`positions.report`, or `positions.reports` for both dates:
one set-based statement for every pair either way). Nothing here queries
per issue, party or pair: `align` turns each party's stances into bit sets
over the issues in one pass over the cells, then reads every pair's shared
issues and distance off those sets with a handful of integer operations
(19,900 pairs of 200 parties in about a tenth of a second).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace
from fractions import Fraction

from sqlalchemy.orm import Session

from tracker.core import positions
from tracker.core.agreement_types import (
    AGREED,
    CLASS_RANK,
    CONTESTED,
    DEADLOCKED,
    DEFAULT_THRESHOLD,
    WITHIN_REACH,
    Alignment,
    IssueOutlook,
    Outlook,
    PairAlignment,
    Standing,
)
from tracker.core.types import IssueRef, PartyRef, Report
from tracker.errors import Invalid

# --- outlook -----------------------------------------------------------------


def classify(scores: Sequence[int]) -> tuple[str, str | None]:
    """SPEC's class of an issue from its holders' scores (two or more), and
    the side when it is agreed: the first rule that applies."""
    low, high = min(scores), max(scores)
    if low >= 1:
        return AGREED, "for"
    if high <= -1:
        return AGREED, "against"
    if low == -2 and high == 2:
        return DEADLOCKED, None
    if high - low <= 1:
        return WITHIN_REACH, None
    return CONTESTED, None


def _by_slug(parties: Iterable[PartyRef]) -> tuple[PartyRef, ...]:
    return tuple(sorted(parties, key=lambda p: p.slug))


Holding = list[tuple[PartyRef, int]]


def _holdings(rep: Report) -> dict[int, tuple[IssueRef, Holding]]:
    """Each issue's holders and their scores, by issue id."""
    found: dict[int, tuple[IssueRef, Holding]] = {}
    for cell in rep.cells:
        entry = found.get(cell.issue.id)
        if entry is None:
            entry = found[cell.issue.id] = (cell.issue, [])
        entry[1].append((cell.party, cell.score))
    return found


def _issue_outlook(issue: IssueRef, held: Holding) -> IssueOutlook:
    scores = [score for _, score in held]
    kind, side = classify(scores)
    low, high = min(scores), max(scores)
    in_favour = sum(1 for s in scores if s >= 1)
    against = sum(1 for s in scores if s <= -1)
    if in_favour > against:
        holdouts = [p for p, s in held if s <= -1]
    elif in_favour < against:
        holdouts = [p for p, s in held if s >= 1]
    else:
        holdouts = []
    return IssueOutlook(
        issue=issue,
        kind=kind,
        side=side,
        spread=high - low,
        holders=len(held),
        low=_by_slug(p for p, s in held if s == low),
        high=_by_slug(p for p, s in held if s == high),
        low_score=low,
        high_score=high,
        holdouts=_by_slug(holdouts),
        undecided=_by_slug(p for p, s in held if s == 0),
    )


def _classes(rep: Report) -> dict[int, str]:
    """The class of each issue with two or more holders, by issue id."""
    return {
        issue_id: classify([s for _, s in held])[0]
        for issue_id, (_, held) in _holdings(rep).items()
        if len(held) >= 2
    }


def outlook_of(rep: Report, then: Report | None = None) -> Outlook:
    """The outlook of every issue of `rep` with two or more holders, closest
    to a deal first; with `then` (the report at the compare date), the class
    each had then."""
    before = _classes(then) if then is not None else {}
    items = [
        _issue_outlook(issue, held) for issue, held in _holdings(rep).values() if len(held) >= 2
    ]
    if then is not None:
        items = [replace(item, compare_class=before.get(item.issue.id)) for item in items]
    items.sort(key=lambda o: (CLASS_RANK[o.kind], o.spread, o.issue.slug))
    compare = then.as_of if then is not None else None
    return Outlook(rep.as_of, rep.known_at, compare, tuple(items))


# --- alignment -----------------------------------------------------------------

# A party's stances as bit sets over the issues (bit n: the report's n-th
# issue with a stance): the issues it holds a stance on, and for each t of
# -1, 0, 1, 2 those where its score is >= t. On an issue both hold,
# |a - b| is the number of those four sets that hold the issue for exactly
# one of the two parties.
Bits = tuple[int, int, int, int, int]


def _bits(rep: Report) -> list[tuple[PartyRef, Bits]]:
    """Each party's bit sets, the parties by slug: one pass over the cells,
    which go into one set per party and score, then the sets are combined."""
    index: dict[int, int] = {}
    by_score: dict[tuple[int, int], int] = {}
    refs: dict[int, PartyRef] = {}
    for cell in rep.cells:
        n = index.get(cell.issue.id)
        if n is None:
            n = index[cell.issue.id] = len(index)
        key = (cell.party.id, cell.score)
        by_score[key] = by_score.get(key, 0) | (1 << n)
        refs[cell.party.id] = cell.party
    found = []
    for pid, party in sorted(refs.items(), key=lambda item: item[1].slug):
        rejects, opposes, open_, supports, demands = (
            by_score.get((pid, score), 0) for score in (-2, -1, 0, 1, 2)
        )
        at_least_1 = supports | demands
        at_least_0 = at_least_1 | open_
        at_least_minus_1 = at_least_0 | opposes
        held = at_least_minus_1 | rejects
        found.append((party, (held, at_least_minus_1, at_least_0, at_least_1, demands)))
    return found


Pairs = dict[tuple[int, int], tuple[PartyRef, PartyRef, int, Fraction]]


def _pairs(rep: Report) -> Pairs:
    """Every pair of parties with a shared issue: (a, b, shared, agreement),
    by (a's id, b's id), in the order of a's slug, then b's."""
    parties = _bits(rep)
    found: Pairs = {}
    agreements: dict[tuple[int, int], Fraction] = {}  # the same few values recur
    for n, (a, (held_a, a1, a2, a3, a4)) in enumerate(parties):
        for b, (held_b, b1, b2, b3, b4) in parties[n + 1 :]:
            both = held_a & held_b
            if not both:
                continue
            shared = both.bit_count()
            apart = (
                ((a1 ^ b1) & both).bit_count()
                + ((a2 ^ b2) & both).bit_count()
                + ((a3 ^ b3) & both).bit_count()
                + ((a4 ^ b4) & both).bit_count()
            )
            # distance = apart / shared; agreement = 1 - distance / 4
            agreement = agreements.get((shared, apart))
            if agreement is None:
                agreement = agreements[shared, apart] = Fraction(4 * shared - apart, 4 * shared)
            found[a.id, b.id] = (a, b, shared, agreement)
    return found


def check_threshold(threshold: Fraction) -> Fraction:
    if not 0 <= threshold <= 1:
        raise Invalid(f"threshold {float(threshold):g} is not between 0 and 1")
    return threshold


def parse_threshold(text: str) -> Fraction:
    """A threshold as typed, kept exact: "0.7" is seven tenths, not the float
    nearest to it, so a pair whose agreement is exactly 0.7 reaches it.
    ValueError, naming the text, if it is not a number from 0 to 1."""
    try:
        found = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"{text!r} is not a number from 0 to 1 (such as 0.75)") from None
    if not 0 <= found <= 1:
        raise ValueError(f"{text!r} is not between 0 and 1")
    return found


def _blocs(
    parties: Sequence[PartyRef], pairs: Iterable[PairAlignment], threshold: Fraction
) -> tuple[tuple[PartyRef, ...], ...]:
    """The connected groups of two or more parties joined by pairs whose exact
    agreement is >= threshold: largest first, then by first slug."""
    parent = {p.id: p.id for p in parties}

    def root(pid: int) -> int:
        while parent[pid] != pid:
            parent[pid] = parent[parent[pid]]
            pid = parent[pid]
        return pid

    for pair in pairs:
        if pair.agreement >= threshold:
            parent[root(pair.a.id)] = root(pair.b.id)
    groups: dict[int, list[PartyRef]] = {}
    for p in parties:
        groups.setdefault(root(p.id), []).append(p)
    blocs = [_by_slug(members) for members in groups.values() if len(members) >= 2]
    blocs.sort(key=lambda bloc: (-len(bloc), bloc[0].slug))
    return tuple(blocs)


def _moved_most(pair: PairAlignment) -> tuple[bool, float, Fraction]:
    """The key that puts the pairs that moved most (apart or together) first,
    sorted in reverse; those with no agreement at the compare date last. The
    float decides cheaply, the exact value where floats tie."""
    change = pair.change
    if change is None:
        return (False, 0.0, Fraction(0))
    fast = float(change)  # never 0.0 for a change that is not 0, so its sign is right
    return (True, abs(fast), change if fast >= 0 else -change)


def alignment_of(
    rep: Report, then: Report | None = None, threshold: Fraction = DEFAULT_THRESHOLD
) -> Alignment:
    """Every pair of `rep`'s parties with a shared issue, and their blocs.
    With `then` (the report at the compare date), each pair's agreement then,
    and the pairs that moved most first."""
    check_threshold(threshold)
    before = _pairs(then) if then is not None else {}
    pairs = [  # by a's slug, then b's
        PairAlignment(a, b, shared, agreement, before[key][3] if key in before else None)
        for key, (a, b, shared, agreement) in _pairs(rep).items()
    ]
    if then is not None:
        pairs.sort(key=_moved_most, reverse=True)  # stable: ties keep the slugs' order
    holders = _by_slug({c.party.id: c.party for c in rep.cells}.values())
    blocs = _blocs(holders, pairs, threshold)
    grouped = [p for bloc in blocs for p in bloc]
    in_bloc = {p.id for p in grouped}
    order = (*grouped, *(p for p in holders if p.id not in in_bloc))
    compare = then.as_of if then is not None else None
    return Alignment(rep.as_of, rep.known_at, compare, threshold, order, tuple(pairs), blocs)


def standing(rep: Report) -> Standing:
    """The outlook and the alignment of a report, for its page."""
    return Standing(outlook_of(rep), alignment_of(rep))


# --- the questions ---------------------------------------------------------------


def _reports(
    session: Session,
    as_of: dt.date,
    known_at: dt.datetime | None,
    parties: Sequence[str],
    issues: Sequence[str],
    compare: dt.date | None,
) -> tuple[Report, Report | None]:
    """The report as of `as_of` and, when asked, as of `compare` (both as known
    at `known_at`, both after the filters): one statement either way."""
    if compare is None:
        return positions.report(session, as_of, known_at, parties, issues), None
    rep, then = positions.reports(session, [as_of, compare], known_at, parties, issues)
    return rep, then


def outlook(
    session: Session,
    as_of: dt.date,
    known_at: dt.datetime | None = None,
    parties: Sequence[str] = (),
    issues: Sequence[str] = (),
    compare: dt.date | None = None,
) -> Outlook:
    """`tracker outlook`: each issue's class, spread, ends, holdouts and
    undecided, as of `as_of`, and its class as of `compare`."""
    return outlook_of(*_reports(session, as_of, known_at, parties, issues, compare))


def align(
    session: Session,
    as_of: dt.date,
    known_at: dt.datetime | None = None,
    parties: Sequence[str] = (),
    issues: Sequence[str] = (),
    compare: dt.date | None = None,
    threshold: Fraction = DEFAULT_THRESHOLD,
) -> Alignment:
    """`tracker align`: every pair's shared issues and agreement as of `as_of`
    (and `compare`), and the blocs at `threshold`."""
    check_threshold(threshold)
    rep, then = _reports(session, as_of, known_at, parties, issues, compare)
    return alignment_of(rep, then, threshold)
