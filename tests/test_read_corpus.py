"""The reader's evaluation corpus (tests/data/read/corpus/) holds what
docs/read-annotation.md promises: enough texts, negotiations, positions and
registers; a licence and a source in every file; annotations that name the
catalog's parties and issues; catalogs whose long keywords are not lifted
from their texts; a split that puts each negotiation in one half."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from helpers import READ_DATA

CORPUS = READ_DATA / "corpus"
SPLIT = json.loads((CORPUS / "split.json").read_text(encoding="utf-8"))
GOLD = sorted(CORPUS.glob("*/*.gold.json"))
STANCES = {"rejects", "opposes", "open", "supports", "demands"}


def _doc(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_corpus_is_large_enough() -> None:
    docs = [_doc(p) for p in GOLD]
    positions = {
        (p.name, s["party"], s["issue"])
        for p, d in zip(GOLD, docs, strict=True)
        for s in d["statements"]
    }
    assert len(GOLD) >= 24
    assert len({d["negotiation"] for d in docs}) >= 8
    assert len(positions) >= 300
    assert {d["register"] for d in docs} == {"encyclopedic", "statement", "transcript"}


def test_each_negotiation_is_in_one_half_and_each_half_has_every_register() -> None:
    dev, test = set(SPLIT["development"]), set(SPLIT["test"])
    folders = {p.name for p in CORPUS.iterdir() if p.is_dir()}
    assert dev.isdisjoint(test) and dev | test == folders
    for half in (dev, test):
        registers = {_doc(p)["register"] for p in GOLD if p.parent.name in half}
        assert registers == {"encyclopedic", "statement", "transcript"}


def test_every_text_names_its_source_and_licence() -> None:
    for path in GOLD:
        doc = _doc(path)
        text = (path.parent / str(doc["text"])).read_text(encoding="utf-8")
        assert str(doc["source"]).startswith("https://") and doc["source"] in text, path
        assert "public domain" in str(doc["licence"]).lower(), path
        assert "Licence: public domain" in text.strip().splitlines()[-1], path


def test_annotations_use_the_catalog() -> None:
    for path in GOLD:
        doc = _doc(path)
        world = _doc(path.parent / "world.json")
        parties = {p["slug"] for p in world["parties"]}
        issues = {i["slug"] for i in world["issues"]}
        for s in doc["statements"]:
            assert s["party"] in parties and s["issue"] in issues, (path.name, s)
            assert s["stance"] in STANCES and s["basis"] in ("stated", "reported", "inferred")
            assert s["evidence"], (path.name, s)


def test_no_long_keyword_is_lifted_from_its_texts() -> None:
    """A keyword of three words or more that a text of its negotiation holds
    word for word would be a phrase copied from the text, not what an analyst
    types before reading."""
    lifted = []
    for folder in (p for p in CORPUS.iterdir() if p.is_dir()):
        world = _doc(folder / "world.json")
        texts = [t.read_text(encoding="utf-8").lower() for t in folder.glob("*.txt")]
        for issue in world["issues"]:
            for keyword in issue["keywords"]:
                if len(keyword.split()) < 3:
                    continue
                pattern = re.compile(r"(?<!\w)" + re.escape(keyword.lower()) + r"(?!\w)")
                if any(pattern.search(t) for t in texts):
                    lifted.append((folder.name, keyword))
    assert lifted == []


@pytest.mark.slow
def test_the_reader_on_the_test_half() -> None:
    """The figures of the test half the reader holds to (docs/read.md): its
    proposals are mostly right, and the sure ones more so."""
    from benchmarks import read_eval

    runs = [read_eval.run(c) for c in read_eval.corpus_cases(["test"])]
    total = read_eval.total([r.score for r in runs])
    assert total.precision >= 0.6
    assert total.sure_precision >= 0.8
    assert total.stance_exact >= 0.7
