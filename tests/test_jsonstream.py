"""The JSON import's stream reader against `json.loads`: the same values for
any document, however the file is cut into chunks, and the same error, at
the same line and column, for a broken one."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.core import jsonstream

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
documents = st.dictionaries(
    st.sampled_from(["parties", "issues", "statements", "other", ""]) | st.text(max_size=3),
    values | st.lists(values, max_size=6),
    max_size=4,
)


def read(text: str, chunk: int) -> dict[str, Any]:
    """The document as `members` gives it, every array's elements one by one."""
    reader = jsonstream.Reader(io.StringIO(text), chunk=chunk)
    found: dict[str, Any] = {}
    for key, value in jsonstream.members(reader, lambda k: True):
        found[key] = list(value) if isinstance(value, Iterator) else value
    return found


def json_error(text: str) -> tuple[str, int, int] | None:
    try:
        json.loads(text)
    except json.JSONDecodeError as err:
        return err.msg, err.lineno, err.colno
    return None


def stream_error(text: str, chunk: int) -> tuple[str, int, int] | None:
    try:
        read(text, chunk)
    except json.JSONDecodeError as err:
        return err.msg, err.lineno, err.colno
    return None


@pytest.mark.slow  # 300 documents, each read in chunks
@settings(max_examples=300)
@given(
    doc=documents,
    indent=st.sampled_from([None, 0, 1, 2, "\t", " \r\n "]),
    chunk=st.integers(min_value=1, max_value=40),
)
def test_values_are_those_of_json_loads(doc: dict[str, Any], indent: Any, chunk: int) -> None:
    if indent == " \r\n ":  # white space of every kind between the tokens
        text = json.dumps(doc, separators=(indent + "," + indent, indent + ":" + indent))
    else:
        text = json.dumps(doc, indent=indent)
    assert read(text, chunk) == json.loads(text)


@pytest.mark.slow  # 400 broken documents
@settings(max_examples=400)
@given(
    doc=documents,
    cut=st.integers(min_value=0),
    junk=st.sampled_from(["", ",", "]", "}", "x", '"', "1.", "{", ":", " ", "\n", "tru"]),
    chunk=st.integers(min_value=1, max_value=40),
)
def test_a_broken_file_fails_where_json_loads_does(
    doc: dict[str, Any], cut: int, junk: str, chunk: int
) -> None:
    """Cut a document anywhere and put junk there: the reader refuses it with
    json's own message, line and column, or reads it exactly as json does."""
    text = json.dumps(doc, indent=1)
    at = cut % (len(text) + 1)
    broken = text[:at] + junk + text[at:]
    expected = json_error(broken)
    if expected is None:
        if isinstance(json.loads(broken), dict):
            assert read(broken, chunk) == json.loads(broken)
        return
    assert stream_error(broken, chunk) == expected


@pytest.mark.parametrize(
    "text",
    ["[1, 2]", '"text"', "12", "null"],
)
def test_a_value_that_is_not_an_object(text: str) -> None:
    with pytest.raises(jsonstream.NotAnObject):
        read(text, 3)


def test_a_number_cut_by_a_chunk_is_read_whole() -> None:
    assert read('{"statements": 12.5e3}', 1) == {"statements": 12500.0}
    assert read('{"a": [1, 22, 333.25]}', 2) == {"a": [1, 22, 333.25]}


class CountingStream(io.StringIO):
    """A file that counts its reads and the characters they took."""

    reads = 0
    taken = 0

    def read(self, size: int | None = -1) -> str:
        data = super().read(size)
        self.reads += 1
        self.taken += len(data)
        return data


def test_a_syntax_error_is_reported_without_reading_on() -> None:
    statement = '{"summary": "' + "x" * 100 + '"}'
    body = ", ".join([statement] * 20_000)  # 2.4 MB after the error
    stream = CountingStream('{"statements": [{"a": tru}, ' + body + "]}")
    reader = jsonstream.Reader(stream, chunk=1000)
    with pytest.raises(json.JSONDecodeError) as caught:
        for _key, value in jsonstream.members(reader, lambda k: True):
            list(value)
    assert (caught.value.msg, caught.value.colno) == ("Expecting value", 23)
    assert stream.taken <= 2000


def test_a_long_value_is_read_in_growing_chunks() -> None:
    """A value far longer than a chunk is decoded a few times, not once per
    chunk (which would be quadratic in its length)."""
    long = "y" * 3_000_000
    stream = CountingStream('{"parties": ["' + long + '"], "issues": [1, 2]}')
    reader = jsonstream.Reader(stream, chunk=1000)
    found = dict(jsonstream.members(reader, lambda k: False))
    assert found == {"parties": [long], "issues": [1, 2]}
    assert stream.reads < 20


@pytest.mark.parametrize(
    "text", ['{"a": 1,}', '{"a": 1 , \n }', '{"statements": [1, 2, ]}', "[1,]"]
)
@pytest.mark.parametrize("chunk", [1, 2, 5, 100])
def test_a_trailing_comma_as_json_reports_it(text: str, chunk: int) -> None:
    expected = json_error(text)
    assert expected is not None
    if text.startswith("["):
        with pytest.raises(json.JSONDecodeError) as caught:
            read(text, chunk)
        assert (caught.value.msg, caught.value.lineno, caught.value.colno) == expected
    else:
        assert stream_error(text, chunk) == expected
