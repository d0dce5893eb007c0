"""Word lists the reader's rules share: the nouns that name an actor, the
words of a role, titles before a name, prepositions of place, and a crude
stemmer to compare word forms."""

from __future__ import annotations

import re


def words(text: str) -> frozenset[str]:
    """The words of a list written as text, one set."""
    return frozenset(text.split())


# Nouns that make the party before them an actor ("Ukrainian negotiators").
ACTOR_NOUNS = words(
    """
    officials official negotiators negotiator delegation delegations president presidents
    government governments leader leaders minister ministers ministry side diplomats
    diplomat authorities envoy envoys spokesman spokeswoman spokesperson administration team
    chancellor parliament lawmakers cabinet premier representatives representative mediators
    mediator ambassador prime chief head foreign office camp counterparts counterpart allies
    partners
    """
)

# Nouns of a stance or an act: the party before them holds it ("Iran's
# refusal", "Israel's withdrawal", "U.S. concerns", "the Israeli proposal").
STANCE_NOUNS = words(
    """
    refusal refusals acceptance rejection insistence demand demands proposal proposals offer
    offers commitment commitments support opposition objection objections concern concerns
    reservations position positions pledge promise withdrawal recognition agreement consent
    plan draft initiative veto aim goal goals policy diplomacy view views stance approval
    renunciation decision
    """
)

# Words of a role between a party and a person's name ("US presidential envoy").
ROLE_WORDS = ACTOR_NOUNS | words(
    """
    presidential national security adviser advisor policy secretary state special deputy
    defence defense military committee chairman chairwoman chair top senior general admiral
    commander intelligence economy finance trade interior vice commissioner high the a its
    his her their former acting new led by labour conservative party general-secretary
    secretary-general
    """
)

# Capitalised words that stand before a name and are not part of it.
TITLES = words(
    """
    President Prime Minister Chancellor Admiral General Sir Dame Dr Mr Mrs Ms Secretary
    Senator King Queen Pope Ambassador Envoy Foreign Defence Defense Vice Deputy
    Commissioner Chairman Chief Sheikh Emir Crown Prince Lord Lady Colonel Marshal Premier
    Speaker Representative Governor Mayor Judge Justice Professor
    """
)

# A capitalised run ending in one of these is an institution, not a person.
INSTITUTION_ENDS = words(
    """
    News Times Post Journal Ministry Council Committee Agency Union Party Organization
    Organisation Office Bank Fund House Street Palace Army Forces Articles Court Conference
    Summit Treaty Plan Group Commission Parliament Assembly Institute University Airport Sea
    Ocean River Square Region Republic Federation Kingdom States Nations League Alliance
    Front Movement Force Guard Service Services Corporation Company
    """
)

# A capitalised run holding one of these is a thing, a document or a place,
# not a person ("Joint Declaration", "Gaza Strip", "Foreign Affairs").
THINGS = INSTITUTION_ENDS | words(
    """
    Statement Statements Declaration Communiqué Agreement Agreements Accord Accords Framework
    Protocol Memorandum Arrangement Arrangements Corridor Strip Peninsula Heights Mount
    Plantation City College Convention Talks War Act Directive Regulation Mechanism Reform
    Means Games Diplomacy Affairs Resolution Missile Missiles Explosions Equipment Bodies
    Annex Nation Trade Call Briefing Remarks Section Initiative Doctrine Process Program
    Programme Strategy Canal Zone Camp Island Islands Valley Gulf Bay Lake Desert Province
    County State Asia Africa Europe America Americas East West Middle Central Pacific
    Atlantic Arctic Plaza Building Center Centre Station Port Route Road Bridge Dam Base
    Fleet Command Navy Regime Government Administration Authority Chamber Senate Congress
    Bloc Coalition Foundation Review Press Television Radio Peace Security Cooperation
    Relations Development Energy Climate Nuclear Defense Defence Economic Rights Recognition
    New North South Northern Southern Upper Lower Greater Wadi
    """
)

# Capitalised words that begin sentences or name times, never people.
NOT_NAMES = words(
    """
    No Between Both Each Every All Two Three Four Most Many Some Other
    The A An On In At As And But Or If When While After Before Since During Under Over This
    That These Those It Its He She They We I You His Her Their Our Your There Here Monday
    Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June
    July August September October November December Analysts Critics Officials Western
    Eastern Northern Southern European Asian African Similar Related Read More According
    Meanwhile However Earlier Later Also Asked Speaking
    """
)

LOCATIVE = words(
    """
    in to at from into near across around outside inside via through toward towards visit
    visited visiting reach reached arrived left
    """
)

PRONOUNS = frozenset({"he", "she"})

# Nouns of a process (who takes part, who agrees) rather than of an outcome:
# a demand for Europe's "involvement" on sanctions is no stance on sanctions.
PROCESS_NOUNS = words(
    """
    involvement participation say consultation consultations seat role dialogue talks
    negotiation negotiations input coordination consent agreement approval voice oversight
    """
)

WORD = re.compile(r"[\w’'‑-]+|[^\w\s]")

_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "ial", "ed",
             "es", "al", "s", "y", "e")  # fmt: skip


def stem(word: str) -> str:
    """A crude stem: "territorial" and "territory" both give "territor"."""
    w = word.lower().replace("’", "'").removesuffix("'s").replace("iz", "is")
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            return w[: -len(suffix)]
    return w


def tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, token) for each word and punctuation mark."""
    return [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]


def is_capitalised(token: str) -> bool:
    return token[:1].isupper() and any(c.islower() for c in token[1:])
