"""What the reader returns: proposals (statements it suggests logging), the
names the catalog lacks, and the document they came from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tracker.stance import label

# The export's statement keys a proposal has (SPEC, "Reading articles"), then its own.
PROPOSAL_FIELDS: tuple[str, ...] = (
    "party", "issue", "stance", "score", "stated_on", "summary", "quote", "speaker",
    "source", "basis", "conditions", "evidence", "cue", "confidence",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Proposal:
    """One statement the text reports. `evidence` is the sentence it comes
    from, `cue` the words that decided the stance, found in the evidence at
    `cue_at` (start, end), and `confidence` how sure the reader is (0 to 1)."""

    party: str
    issue: str
    score: int
    stated_on: dt.date
    summary: str
    quote: str | None
    speaker: str | None
    source: str | None
    basis: str
    conditions: str | None
    evidence: str
    cue: str
    cue_at: tuple[int, int]
    confidence: float

    @property
    def stance(self) -> str:
        return label(self.score)

    def to_json(self) -> dict[str, Any]:
        return {
            "party": self.party,
            "issue": self.issue,
            "stance": self.stance,
            "score": self.score,
            "stated_on": self.stated_on.isoformat(),
            "summary": self.summary,
            "quote": self.quote,
            "speaker": self.speaker,
            "source": self.source,
            "basis": self.basis,
            "conditions": self.conditions,
            "evidence": self.evidence,
            "cue": self.cue,
            "confidence": self.confidence,
        }

    def key(self) -> tuple[str, str, int, dt.date, str | None]:
        """What makes a proposal one the database already holds."""
        return (self.party, self.issue, self.score, self.stated_on, self.source)


@dataclass(frozen=True, slots=True)
class Unknown:
    """A party or person the text names that the catalog lacks; `command` is
    the `tracker party add` or `tracker person add` line that would create it."""

    name: str
    kind: str  # "party" or "person"
    mentions: int
    command: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "mentions": self.mentions}


@dataclass(frozen=True, slots=True)
class Reading:
    """A text read: its title, the date and source its statements carry, the
    proposals in the order of the text, and the names the catalog lacks."""

    title: str | None
    stated_on: dt.date
    source: str | None
    proposals: tuple[Proposal, ...]
    unknown: tuple[Unknown, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "date": self.stated_on.isoformat(),
            "source": self.source,
            "statements": [p.to_json() for p in self.proposals],
            "unknown": [u.to_json() for u in self.unknown],
        }
