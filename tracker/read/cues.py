"""The words that carry a stance, mapped onto the scale, and what turns them
round: a negation ("did not rule out"), a verb that takes the proposition
back ("refused to abandon NATO membership" is for membership), a demand
for a say rather than for an outcome ("require European involvement"), and
a draft's provision ("a plan that would require Ukraine to cede ...")."""

from __future__ import annotations

import re
from dataclasses import dataclass

_BACK = "".join(
    f"(?<!{verb} )"
    for verb in (
        "pull", "pulls", "pulled", "pulling", "scale", "scaled", "scaling", "step", "stepped",
        "fall", "fell", "come", "came", "go", "went", "roll", "rolled", "cut", "turn", "turned",
        "hold", "held", "get", "got", "bring", "brought", "way",
    )
)  # fmt: skip

_CUES: tuple[tuple[int, str], ...] = (
    # rejects
    (-2, r"refus\w*|reject\w*|rul(?:e|es|ed|ing) out|red[ -]lines?|never|non-negotiable"),
    (-2, r"(?:will|would|could|can|cannot|can't|won't|wouldn't) (?:not )?(?:ever )?accept"),
    (-2, r"unacceptable|out of the question|under no circumstances|veto(?:ed|es)?"),
    # opposes
    (-1, r"oppos\w*|criticis\w*|criticiz\w*|(?:warn|caution)\w* against|object\w* to"),
    (-1, r"push\w* back|pushback|resist\w*|denounc\w*|condemn\w*|dismiss\w*"),
    # "against" of a stance ("is against", "voted against"), not of a thing ("sanctions against").
    (-1, r"(?:is|are|was|were|be|been|remains?|firmly|strongly|squarely) against"),
    (-1, r"(?:vot|argu|spok|speak|campaign|lobbi|turn)\w* against|came out against"),
    (-1, r"balk\w*|soften\w*|water\w* down|reservations"),
    (-1, r"concerns? (?:about|over|related to|regarding|with|at)"),
    (-1, r"(?:displeasure|dissatisfaction|unhappiness|frustration|anger) (?:with|over|at|about)"),
    (-1, r"(?:sceptical|skeptical|wary) (?:of|about)|disagree\w*|objection\w*"),
    # open
    (0, r"open to|consider\w*|weigh\w*|unresolved|undecided|unsettled|left open|leaves? open"),
    (0, r"(?:ready|willing|prepared) to (?:discuss|negotiate|talk|consider|look at)"),
    (0, r"not (?:yet )?(?:been )?(?:finali[sz]ed|settled|decided|agreed)"),
    (0, r"no final(?:i[sz]ed)? (?:plan|deal|agreement|decision)|up for (?:discussion|negotiation)"),
    (0, r"(?:remain|remains|remained) open|to be (?:negotiated|discussed)|on the table"),
    # supports
    # "back" of backing, not of moving ("pull back from", "scaling back").
    (1, _BACK + r"back(?:s|ed|ing)?(?! down)(?! off)(?! away)(?! to)(?! from)"),
    (1, r"support\w*|welcom\w*|endors\w*"),
    (1, r"agree(?:s|d|ing)?(?! with)|approv\w*|accept\w*|in favou?r of|favou?r\w*|embrac\w*"),
    (1, r"call(?:s|ed|ing)? for|propos(?:e|es|ed|ing)|urg(?:e|es|ed|ing)|pledg\w*"),
    (1, r"commit(?:s|ted|ting)?"),
    (1, r"wants?|wanted|seek(?:s|ing)?|sought|offer(?:s|ed|ing)?|ask(?:s|ed|ing)? for"),
    (1, r"acknowledg\w*|focus(?:es|ed|ing)? on|prioriti[sz]\w*"),
    # What a party signs or concludes it accepts; what it threatens it backs.
    (1, r"sign(?:s|ed|ing)?|initial(?:l)?ed|ratif(?:y|ies|ied|ying)|assent\w*"),
    (1, r"reach(?:es|ed)? (?:an |a )?(?:agreement|deal|accord|settlement)"),
    (1, r"threat(?:en\w*|s)? (?:to|with)|(?:willing|ready|prepared)(?:ness)? to"),
    (1, r"aim(?:s|ed|ing)? (?:to|at|for)|intend(?:s|ed)? to|intention to|plan(?:s|ned)? to"),
    # demands
    (2, r"insist\w*|demand\w*|must|as (?:a )?conditions?|precondition\w*|requir\w*"),
    (2, r"(?:has|have|had) to|non-starter without|only if|only with|conditional on"),
)
CUE = re.compile(
    r"(?<![\w\-‑‐])(?:" + "|".join(f"(?P<c{n}>{p})" for n, (_, p) in enumerate(_CUES)) + r")(?!\w)",
    re.IGNORECASE,
)

# Verbs and nouns that take away what follows them ("abandon NATO membership",
# "restrictions on hosting NATO forces", "terms negotiated solely between").
NEGATORS = re.compile(
    r"(?<!\w)(?:abandon\w*|give up|giving up|gave up|renounc\w*|drop\w*|withdraw\w*|"
    r"cede\w*|ceding|surrender\w*|restrict\w*|limit\w*|ban|bans|banned|banning|bar|barred|"
    r"barring|curb\w*|block\w*|prevent\w*|lift\w*|eas(?:e|es|ed|ing)|remov\w*|end(?:s|ed|ing)?|"
    r"without|solely|alone|over the heads? of|forc(?:e|es|ed|ing) \w+ to|"
    r"exclud\w*|deny|denies|denied|denying|cap|caps|capped|reduc\w*|scrap\w*|stop\w*|halt\w*|"
    r"ceas(?:e|es|ed|ing)|suspend\w*|lower(?:s|ed|ing)?|freez\w*|froze|dismantl\w*|abrogat\w*|"
    r"terminat\w*|annul\w*|revok\w*|expel\w*|expulsion|oust\w*|barriers?|obstacles?)(?!\w)",
    re.IGNORECASE,
)
NEGATION = re.compile(
    r"(?<!\w)(?:not|n't|no longer|neither|nor|hardly|did not|does not|do not|would not|"
    r"will not|cannot|won't|wouldn't|didn't|doesn't|don't)(?!\w)",
    re.IGNORECASE,
)
# What a draft does: a plan "that would limit", "would have required", "calls for".
PROVISIONS = re.compile(
    r"(?<!\w)(?:(?:would|will|could)(?: have)? (?:\w+ )?(?:requir\w*|limit\w*|forc\w*|"
    r"oblige?\w*|give\w*|grant\w*|allow\w*|lift\w*|restrict\w*|bar\w*|ban\w*|see|mean|"
    r"leave|let|cap\w*|guarantee\w*|recogni[sz]e\w*|cede|hand)|includ\w*|call\w* for|"
    r"provid\w* for|foresee\w*|envisag\w*|stipulat\w*|requir\w*|propos\w*|offer\w*|"
    r"roadmap (?:to|for)|"
    # Any act a draft or a phase of it "would" bring: "the first phase would include ...",
    # "hostages would be released".
    r"(?:would|will)(?: also| then| still| now)? (?:be [a-z]+ed|(?!be\b|not\b|have\b|take\b)[a-z]+))"
    r"(?!\w)",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r";|(?<!\w)(?:while|whereas|but|although|though|because)(?!\w)")
PLANS = re.compile(
    r"(?<!\w)(?:plan|plans|draft|drafts|proposal|proposals|framework|blueprint|roadmap|"
    r"road map|initiative|compromise)(?!\w)",
    re.IGNORECASE,
)
# What its parties agreed is theirs as a draft is its authors'.
AGREEMENTS = re.compile(
    r"(?<!\w)(?:agreement|agreements|deal|accord|accords|treaty|treaties|memorandum|"
    r"declaration|communiqu[eé]|arrangement)(?!\w)",
    re.IGNORECASE,
)
# A draft named again: "It required ...", "the first phase would ...", "the deal would ...".
REFERENCE = re.compile(
    r"(?i)(?<!\w)(?:it|this|these|the (?:first|second|third|final|next|last) phase|"
    r"phase (?:one|two|three|1|2|3)|the (?:deal|agreement|accord|treaty|plan|proposal|framework|"
    r"arrangement|offer|draft))(?!\w)"
)


# A demand put on someone else: "X said Y must ..." is X's.
MODAL = re.compile(r"(?i)must|(?:has|have|had) to|non-starter|only (?:if|with)|conditional")


@dataclass(frozen=True, slots=True)
class Cue:
    start: int
    end: int
    text: str
    score: int
    negated: bool
    # An issue's own verb ("the PLO renounced terrorism") speaks of that issue only.
    issue: str | None = None

    @property
    def effective(self) -> int:
        """The score once a negation is applied: not rejecting is being open,
        not supporting or not demanding is opposing, not opposing is open."""
        if not self.negated:
            return self.score
        return {-2: 0, -1: 0, 0: -1, 1: -1, 2: -1}[self.score]


def find(text: str) -> list[Cue]:
    """The cues of a sentence, in order; a cue inside the reach of an earlier
    one ("refused to agree to ...") is the earlier one's, and left out."""
    cues: list[Cue] = []
    for m in CUE.finditer(text):
        if _in_name(text, m.start()) or _not_a_stance(text, m):
            continue
        group = next(name for name, value in m.groupdict().items() if value is not None)
        score = _CUES[int(group[1:])][0]
        before = text[max(0, m.start() - 24) : m.start()]
        negated = (bool(NEGATION.search(before[-14:])) and score != -2) or (
            bool(re.search(r"(?<!\w)(?:not|n't)\s+$", before)) and score == -2
        )
        if re.match(r"(?i)(?:will|would|could|can|cannot|can't|won't|wouldn't)", m.group()):
            negated = False  # "would not accept" is its own rejection
        cue = Cue(m.start(), m.end(), m.group(), score, negated)
        if cues and m.start() - cues[-1].end <= 12 and not re.search(r"[,;]", before[-12:]):
            # "refused to agree" is the refusal; "intend to consider" is the considering.
            if not INTENT.fullmatch(cues[-1].text):
                continue
            cue = Cue(cue.start, cue.end, cue.text, score, negated or cues.pop().negated)
        cues.append(cue)
    return cues


# Cues that say only that a party means to do what the next one says.
INTENT = re.compile(
    r"(?i)(?:intend(?:s|ed)?|plan(?:s|ned)?|aim(?:s|ed|ing)?|want(?:s|ed)?|seek(?:s|ing)?|"
    r"(?:willing|ready|prepared)(?:ness)?|agree(?:s|d)?|commit(?:s|ted)?|intention) to"
)


def _not_a_stance(text: str, m: re.Match[str]) -> bool:
    """A cue word that says no stance of a subject: "had never established"
    (a fact of the past), "the treaty, originally signed in 1954" (a
    participle after its noun), "the current offer" (a noun)."""
    before = text[: m.start()]
    word = m.group().lower()
    if word == "never" and re.search(r"(?i)(?<!\w)(?:has|have|had)\s+$", before):
        return True
    if word.endswith("ed") and re.search(
        r",\s+(?:originally|first|formerly|previously|jointly|already|once)\s+$", before
    ):
        return True
    nouns = ("offer", "offers", "demand", "demands", "support", "proposal")
    determiner = r"(?i)(?<!\w)(?:the|a|an|this|that|these|their|its|current|new|latest|final)\s+$"
    return word in nouns and re.search(determiner, before) is not None


def _in_name(text: str, at: int) -> bool:
    """Whether a capitalised word inside a sentence is part of a name."""
    if not text[at : at + 1].isupper():
        return False
    before = text[:at].rstrip()
    return bool(before) and before[-1] not in '.:;!?"“‘(—–-'


# Words that keep what the proposition takes away ("keep sanctions" against
# "sanctions are lifted").
RETAINERS = re.compile(
    r"(?<!\w)(?:keep\w*|kept|retain\w*|maintain\w*|hold on to|holding on to|preserv\w*|"
    r"extend\w*|tighten\w*|expand\w*|hold\w* (?:on|onto)|stay(?:s|ed|ing)?)(?!\w)",
    re.IGNORECASE,
)


def turns(text: str, proposition: str) -> bool:
    """Whether the words that govern an issue's term take the proposition
    back: a negator where the proposition has none ("refused to abandon
    NATO membership" is for "Ukraine may join NATO"), or a word that keeps
    what the proposition takes away ("insists on keeping Donetsk" is against
    "Ukraine withdraws ..."). Where both hold a negator, they agree:
    refusing to withdraw from Donetsk is refusing the proposition."""
    in_issue = bool(NEGATORS.search(proposition))
    if in_issue:
        return bool(RETAINERS.search(text)) and not NEGATORS.search(text)
    return bool(NEGATORS.search(text))


def scope(text: str, cue_end: int, term_start: int, term_end: int) -> str:
    """The words that govern a term: from the cue (or the last "and", "or" or
    comma before the term, if nearer) to the term's end and the three words
    after it ("force Kyiv to accept"). A term before its cue is governed by
    its own words only."""
    after = " ".join(text[term_end:].split()[:3])
    after = re.split(r"(?<!\w)(?:and|or)(?!\w)|,|;", after)[0]  # "statehood and withdrawal"
    if term_start < cue_end:
        return text[term_start:term_end] + " " + after
    between = text[cue_end:term_start]
    cut = max(
        (m.end() for m in re.finditer(r"(?<!\w)(?:and|or)(?!\w)|,|;| — | - ", between)),
        default=0,
    )
    return between[cut:] + text[term_start:term_end] + " " + after


def provision(text: str, cue: Cue, plan_at: int | None) -> bool:
    """Whether a cue is a draft's provision: a plan noun before it and a
    provision verb at it ("a plan that would limit ...")."""
    if plan_at is None or plan_at > cue.start:
        return False
    return bool(PROVISIONS.match(text, cue.start)) or bool(
        PROVISIONS.search(text[plan_at : cue.end])
    )


DRAFT, AGREEMENT, AGAIN, CONTINUED = "draft", "agreement", "again", "continued"


def plan_at(text: str) -> tuple[int | None, str]:
    """Where a draft is named as the subject of what follows ("a plan that
    would limit ..."): the first plan noun with a provision verb after it;
    and what it is: a draft, an agreement (whose parties the sentence must
    name), or a draft named before and referred to again ("It required
    ...", "Here's what it would include: ...", "Under its terms, ...")."""
    for kind, nouns in ((DRAFT, PLANS), (AGREEMENT, AGREEMENTS)):
        for m in nouns.finditer(text):
            after = text[m.end() : m.end() + 120]
            provision = PROVISIONS.search(after)
            if provision is not None and not _CLAUSE_END.search(after[: provision.start()]):
                return m.start(), kind
    for m in REFERENCE.finditer(text):
        provision = PROVISIONS.match(text, m.end() + 1)
        if provision is not None and text[m.end() : m.end() + 1] == " ":
            return m.start(), AGAIN
    terms = _TERMS.search(text)  # "Under its terms, Ukraine would cede ..."
    if terms is not None and PROVISIONS.search(text, terms.end()) is not None:
        return terms.start(), AGAIN
    for m in REFERENCE.finditer(text, 0, 40):  # "Then phase two: ... forces would withdraw"
        if _WOULD.search(text, m.end()) is not None:
            return m.start(), AGAIN
    would = _WOULD.search(text)  # the description of a draft goes on: "Aid would surge ..."
    if would is not None:
        return 0, CONTINUED
    return None, DRAFT


_WOULD = re.compile(
    r"(?<!\w)would(?: also| then| still)? (?:be [a-z]+ed|(?!be\b|not\b|have\b)[a-z]+)(?!\w)"
)


_TERMS = re.compile(r"(?i)(?<!\w)under (?:its|the|their|the plan's|the deal's) terms(?!\w)")
