"""What a slug is: its length, its form, and the one way a name becomes one.
The schema, the resolver, the import and the reader all use this module, so
it imports nothing of tracker's."""

from __future__ import annotations

import re

SLUG_LENGTH = 64
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def slug_from(name: str) -> str:
    """Lowercase letters and digits of `name`, runs of anything else as one
    `-`, at most SLUG_LENGTH characters: "" when `name` has none of them."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")
    return slug[:SLUG_LENGTH].rstrip("-")
