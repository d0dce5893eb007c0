"""Domain errors. The core raises these; the CLI turns them into one line and exit 1."""

from __future__ import annotations


class TrackerError(Exception):
    """A request that cannot be carried out (exit 1)."""


class NotFound(TrackerError):
    """A party, issue or statement that does not exist."""


class Ambiguous(NotFound):
    """A name that two records share: the user must say which (by slug)."""


class AlreadyExists(TrackerError):
    """A slug, alias or name that is taken."""


class Taken(AlreadyExists):
    """A name that was free when the command looked, refused by a unique
    constraint when it wrote: another transaction took it meanwhile."""


class Invalid(TrackerError):
    """A value the data model refuses (bad slug, date out of range, ...)."""


class DatabaseError(TrackerError):
    """The database cannot be reached, opened or used at this revision."""


class ImportFailed(TrackerError):
    """An import file with a bad row; nothing was written."""


class Conflict(TrackerError):
    """A write that lost a race: what it was about to create was created by
    another transaction meanwhile. Nothing was written; the whole command may
    run again, and will then find it (the command line does, a few times)."""
