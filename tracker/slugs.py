"""What a slug is: its length, its form, and the one way a name becomes one.
The schema, the resolver, the import and the reader all use this module, so
it imports nothing of tracker's."""

from __future__ import annotations

import re
import unicodedata

SLUG_LENGTH = 64
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def slug_from(name: str) -> str:
    """Lowercase letters and digits of `name`, runs of anything else as one
    `-`, at most SLUG_LENGTH characters: "" when `name` has none of them.
    `name` is read in Unicode's composed form (NFC), so that a name typed
    with a combining accent ("e" and U+0301) makes the slug its composed
    form ("é") makes, as every database does."""
    composed = unicodedata.normalize("NFC", name)
    slug = re.sub(r"[^a-z0-9]+", "-", composed.casefold()).strip("-")
    return slug[:SLUG_LENGTH].rstrip("-")
