"""A draft's points and their pairing (SPEC, "Drafts: the texts under
negotiation"): the split rules, and pairing's properties on random texts
(Hypothesis). Pure functions: no database."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.core.draft_pairing import Pair, pair
from tracker.core.draft_text import Point, key, split, word_diff
from tracker.core.draft_types import ADDED, REMOVED, REWORDED, UNCHANGED
from tracker.core.draft_types import REMOVED as LOST

# --- the split rules ---------------------------------------------------------------


def test_points_by_number_with_their_sub_items_and_a_preamble() -> None:
    text = (
        "Framework for peace (written for the project's tests)\n\n"
        "1. The parties confirm\nthe ceasefire line.\n"
        "   a) monitored by observers;\n   - reported weekly.\n\n"
        "2) Prisoners are exchanged all for all.\n"
        "   1. first the wounded;\n   2. then the rest.\n"
        "12. Sanctions are lifted in 1.5 stages.\n"
    )
    found = split(text)
    assert found.preamble == "Framework for peace (written for the project's tests)"
    assert [(p.position, p.number) for p in found.points] == [(1, 1), (2, 2), (3, 12)]
    assert found.points[0].text == (
        "The parties confirm\nthe ceasefire line.\n   a) monitored by observers;\n"
        "   - reported weekly."
    )
    assert found.points[1].text.endswith("   1. first the wounded;\n   2. then the rest.")
    assert found.points[2].text == "Sanctions are lifted in 1.5 stages."


@pytest.mark.parametrize(
    "marker", ["Point 7:", "point 7", "POINT 7.", "Article 7", "article 7:", "ARTICLE 7."]
)
def test_point_and_article_markers(marker: str) -> None:
    found = split(f"Title\r\n{marker} Text of the point.\r\nMore of it.")
    assert found.preamble == "Title"
    assert [(p.number, p.text) for p in found.points] == [(7, "Text of the point.\nMore of it.")]


def test_what_is_no_marker() -> None:
    """A number not followed by . or ) and a blank, or a word other than
    Point or Article, starts no point: the text is its paragraphs."""
    text = "1.5 million troops.\n\n2025. A year.x\n\nPointed 3: no.\n\nSection 4. Not either."
    found = split(text.replace("2025. A year.x", "2025.A year"))
    assert found.preamble is None
    assert [(p.number, p.text) for p in found.points] == [
        (1, "1.5 million troops."),
        (2, "2025.A year"),
        (3, "Pointed 3: no."),
        (4, "Section 4. Not either."),
    ]


def test_paragraphs_are_points_when_nothing_is_numbered() -> None:
    found = split("  \nFirst paragraph,\nwrapped.\n \t\nSecond.\n\n\n\nThird.\n")
    assert [(p.number, p.text) for p in found.points] == [
        (1, "First paragraph,\nwrapped."),
        (2, "Second."),
        (3, "Third."),
    ]


def test_numbers_as_written_and_an_empty_point() -> None:
    found = split("3. Three\n3. Three again\n10)\n7. Seven")
    assert [(p.position, p.number, p.text) for p in found.points] == [
        (1, 3, "Three"),
        (2, 3, "Three again"),
        (3, 10, ""),
        (4, 7, "Seven"),
    ]


def test_key_and_word_diff() -> None:
    assert key("The  Parties, agree!\n") == key("the parties agree") == "thepartiesagree"
    segments = word_diff("Ukraine will receive reliable guarantees.", "Ukraine will get guarantees")
    assert segments == [
        ("same", "Ukraine will "),
        ("removed", "receive reliable "),
        ("added", "get "),
        ("same", "guarantees"),
    ]


# --- random drafts -------------------------------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyzéüßøжщ"
word = st.text(alphabet=LETTERS, min_size=1, max_size=7)
point_text = st.lists(word, min_size=2, max_size=12).map(" ".join)
points = st.lists(point_text, min_size=1, max_size=12)
STYLES = ("{n}. ", "{n}) ", "Point {n}: ", "Article {n}. ", "")


def render(texts: list[str], style: str, numbers: list[int] | None = None) -> str:
    """A version's text: its points in `style` ("" for paragraphs)."""
    numbers = numbers or list(range(1, len(texts) + 1))
    if not style:
        return "\n\n".join(texts) + "\n"
    return "".join(style.format(n=n) + t + "\n" for n, t in zip(numbers, texts, strict=True))


def diffed(old: str, new: str) -> list[Pair]:
    return pair(split(old).points, split(new).points)


def by_content(pairs: list[Pair]) -> Counter[tuple[str, str | None, str | None]]:
    def content(point: Point | None) -> str | None:
        return None if point is None else key(point.text)

    return Counter((p.change, content(p.old), content(p.new)) for p in pairs)


def changed(texts: list[str], rnd: random.Random) -> list[str]:
    """Another version: some points reworded, some dropped, some added, and
    some split in two rewordings as near to it as each other (a tie that
    only the texts may break, never their places)."""
    out = []
    for t in texts:
        roll = rnd.random()
        if roll < 0.2:
            continue
        w = t.split()
        at = rnd.randrange(len(w))
        if roll < 0.45:
            t = " ".join([*w[:at], "changed", *w[at + 1 :]])
        elif roll < 0.6:
            out.append(" ".join([*w[:at], "altered", *w[at + 1 :]]))
            t = " ".join([*w[:at], "amended", *w[at + 1 :]])
        out.append(t)
    if rnd.random() < 0.5:
        out.insert(rnd.randrange(len(out) + 1), "an entirely new point here")
    return out or ["one point left"]


@given(points, st.sampled_from(STYLES))
def test_a_version_diffed_with_itself_is_all_unchanged(texts: list[str], style: str) -> None:
    text = render(texts, style)
    found = diffed(text, text)
    assert [p.change for p in found] == [UNCHANGED] * len(texts)
    assert all(p.old == p.new for p in found)


@given(points, st.sampled_from(STYLES), st.sampled_from(STYLES), st.randoms())
def test_renumbering_or_reordering_changes_no_pair(
    texts: list[str], style: str, other_style: str, rnd: random.Random
) -> None:
    old = render(texts, style)
    new_texts = changed(texts, rnd)
    base = by_content(diffed(old, render(new_texts, style)))
    shuffled = new_texts[:]
    rnd.shuffle(shuffled)
    numbers = rnd.sample(range(1, 100), len(shuffled))
    assert by_content(diffed(old, render(shuffled, other_style, numbers))) == base
    old_shuffled = texts[:]
    rnd.shuffle(old_shuffled)
    assert by_content(diffed(render(old_shuffled, other_style), render(new_texts, style))) == base


@given(points, st.sampled_from(STYLES), st.data())
def test_deleting_k_points_gives_k_removed(
    texts: list[str], style: str, data: st.DataObject
) -> None:
    k = data.draw(st.integers(0, len(texts)))
    gone = set(data.draw(st.permutations(range(len(texts))))[:k])
    kept = [t for n, t in enumerate(texts) if n not in gone] or None
    if kept is None:
        return  # a version has at least one point
    counts = Counter(p.change for p in diffed(render(texts, style), render(kept, style)))
    assert counts == Counter({UNCHANGED: len(kept), REMOVED: k} if k else {UNCHANGED: len(kept)})


def reworn(text: str, rnd: random.Random) -> str:
    """The same words: their case changed, punctuation put in or taken out,
    the lines wrapped elsewhere."""
    out = []
    for n, w in enumerate(text.split()):
        w = rnd.choice((w, w.upper(), w.lower(), w.title()))
        w = rnd.choice(("", "", "(", "«", "'")) + w + rnd.choice(("", "", ",", ";", ".", "!", ")"))
        out.append(w if n == 0 else rnd.choice((" ", "  ", "\n", "\n   ", " - ")) + w)
    return "".join(out)


@given(points, st.sampled_from(STYLES), st.randoms())
def test_case_punctuation_and_wrapping_alone_stay_unchanged(
    texts: list[str], style: str, rnd: random.Random
) -> None:
    old = render(texts, style)
    new = render([reworn(t, rnd) for t in texts], style)
    found = diffed(old, new)
    assert [p.change for p in found] == [UNCHANGED] * len(texts)


@given(point_text, point_text)
def test_a_word_diff_spells_the_new_text(old: str, new: str) -> None:
    segments = word_diff(old, new)
    assert "".join(t for kind, t in segments if kind != LOST) == new
    assert all(text for _, text in segments)


@settings(max_examples=50)
@given(points, st.randoms())
def test_every_point_is_paired_once_and_in_the_new_order(
    texts: list[str], rnd: random.Random
) -> None:
    new_texts = changed(texts, rnd)
    found = diffed(render(texts, "{n}. "), render(new_texts, "{n}. "))
    olds = [p.old.position for p in found if p.old]
    news = [p.new.position for p in found if p.new]
    assert sorted(olds) == list(range(1, len(texts) + 1))
    assert news == list(range(1, len(new_texts) + 1))  # TO's order
    for p in found:
        assert (p.change in (UNCHANGED, REWORDED)) == (p.old is not None and p.new is not None)
        assert (p.change == ADDED) == (p.old is None)
