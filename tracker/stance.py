"""The five-point stance scale and the change between two stances."""

from __future__ import annotations

from typing import Final

LABELS: Final[dict[int, str]] = {
    -2: "rejects",
    -1: "opposes",
    0: "open",
    1: "supports",
    2: "demands",
}
SCORES: Final[dict[str, int]] = {label: score for score, label in LABELS.items()}
ALIASES: Final[dict[str, str]] = {
    "red-line": "rejects",
    "against": "opposes",
    "neutral": "open",
    "undecided": "open",
    "for": "supports",
    "insists": "demands",
}
BASES: Final[tuple[str, ...]] = ("stated", "reported", "inferred")

# Change kinds, in the order reports list them.
NEW: Final = "new"
REVERSED: Final = "reversed"
HARDENED: Final = "hardened"
SOFTENED: Final = "softened"
REAFFIRMED: Final = "reaffirmed"
UNCHANGED: Final = "unchanged"
CHANGES: Final[tuple[str, ...]] = (NEW, REVERSED, HARDENED, SOFTENED, REAFFIRMED, UNCHANGED)
MOVES: Final[frozenset[str]] = frozenset({NEW, REVERSED, HARDENED, SOFTENED})

# An issue's trend between two dates, in the order reports list them.
CONVERGING: Final = "converging"
DIVERGING: Final = "diverging"
STEADY: Final = "steady"
TRENDS: Final[tuple[str, ...]] = (CONVERGING, DIVERGING, STEADY)


def accepted_words() -> list[str]:
    """Every word `parse_stance` accepts, labels first."""
    return [*SCORES, *ALIASES]


def parse_stance(text: str) -> int:
    """The score of a stance label or alias (case-insensitive); ValueError if unknown."""
    word = text.strip().lower()
    word = ALIASES.get(word, word)
    if word in SCORES:
        return SCORES[word]
    raise ValueError(
        f"unknown stance {text!r}; use one of {', '.join(LABELS.values())} "
        f"(or {', '.join(ALIASES)})"
    )


def label(score: int) -> str:
    return LABELS[score]


def classify(before: int | None, after: int, activity: bool) -> str:
    """SPEC's change between the stance at FROM (`before`) and at TO (`after`).

    `activity`: some statement on the pair has FROM < stated_on <= TO.
    """
    if before is None:
        return NEW
    if before * after < 0:
        return REVERSED
    if abs(after) > abs(before):
        return HARDENED
    if abs(after) < abs(before):
        return SOFTENED
    # Equal magnitudes and no sign flip: the same stance.
    return REAFFIRMED if activity else UNCHANGED


def spread(scores: list[int]) -> int | None:
    """Max minus min score among parties with a stance; None for fewer than two."""
    if len(scores) < 2:
        return None
    return max(scores) - min(scores)


def trend(spread_from: int | None, spread_to: int | None) -> str | None:
    if spread_from is None or spread_to is None:
        return None
    if spread_to < spread_from:
        return CONVERGING
    if spread_to > spread_from:
        return DIVERGING
    return STEADY
