"""What the data model accepts in a statement's values, and what identifies
its content: text rules, the basis, the recorder, the content fingerprint.
`add`, the catalog and the import all check values here."""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import os
from collections.abc import Iterator
from contextvars import ContextVar

from tracker.db.schema import NAME_LENGTH
from tracker.errors import Invalid
from tracker.stance import BASES

# A statement's text fields are capped: a megabyte "summary" is a paste gone wrong.
TEXT_LIMIT = 100_000


# The signed-in user a web request writes as (`acting_as`): their name is
# what `recorded_by` and the catalog's revisions keep.
_ACTING: ContextVar[str | None] = ContextVar("tracker_acting_user", default=None)


@contextlib.contextmanager
def acting_as(name: str) -> Iterator[None]:
    """Everything written inside is recorded as written by `name`."""
    token = _ACTING.set(name)
    try:
        yield
    finally:
        _ACTING.reset(token)


def recorder() -> str:
    """Who is logging: the signed-in user of a web request, else
    $TRACKER_USER, else the login name."""
    acting = _ACTING.get()
    if acting is not None:
        return acting[:NAME_LENGTH]
    user = os.environ.get("TRACKER_USER", "").strip()
    if user:
        return user[:NAME_LENGTH]
    try:
        return getpass.getuser()[:NAME_LENGTH]
    except (OSError, KeyError):
        return "unknown"


def fingerprint_input(
    score: int,
    stated_on: str,
    summary: str,
    quote: str | None,
    speaker: str | None,
    source: str | None,
    basis: str,
    conditions: str | None,
) -> str:
    """The text a fingerprint hashes: a statement's content, its fields joined
    by NUL, None as "". Not its party and issue: a re-import compares the
    fingerprint together with their ids, so renaming or merging them leaves
    fingerprints as they are.

    Stored text never holds NUL and is never "" (absent is None), so this is
    one-to-one. Raises ValueError if a field holds NUL (see `clean_text`)."""
    raw = (
        f"{score}\0{stated_on}\0{summary}\0{quote or ''}\0"
        f"{speaker or ''}\0{source or ''}\0{basis}\0{conditions or ''}"
    )
    if raw.count("\0") != 7:
        raise ValueError("a field holds a NUL character")
    return raw


def fingerprint_of(raw: str) -> str:
    """The hash of `fingerprint_input`'s text; UnicodeEncodeError (a ValueError)
    on a lone surrogate."""
    return hashlib.blake2b(raw.encode("utf-8"), digest_size=16).hexdigest()


def clean_text(value: str | None, field: str) -> str | None:
    """Stored verbatim; only blank means absent. Raises Invalid past the cap or on
    characters no database can store (NUL, lone surrogates)."""
    if value is None:
        return None
    if not isinstance(value, str):  # from a JSON file
        raise Invalid(f"{field} must be text, not {type(value).__name__}")
    if not value.strip():
        return None
    if len(value) > TEXT_LIMIT:
        raise Invalid(
            f"{field} is {len(value):,} characters long; at most {TEXT_LIMIT:,} are allowed"
        )
    if "\x00" in value:
        raise Invalid(f"{field} contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid(f"{field} is not valid Unicode text (lone surrogate)") from None
    return value


def check_basis(basis: str | None) -> str:
    basis = (basis or "stated").strip().lower()
    if basis not in BASES:
        raise Invalid(f"unknown basis {basis!r}; use one of {', '.join(BASES)}")
    return basis
