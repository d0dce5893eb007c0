"""The tables, in SQLAlchemy Core: what the database holds.

The typed ORM classes in `tracker.db.models` are mapped onto these tables. The
hot paths (add, report, diff, import, export) query the tables directly, so
they neither build the ORM mappings at start-up nor go through the ORM's
per-statement work.

MySQL/MariaDB table options (InnoDB, utf8mb4, binary collation) are set by
the migration, not here: declaring them here would load the MySQL dialect
on every start-up, on every backend.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.types import TypeEngine

from tracker.slugs import SLUG_LENGTH

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING_CONVENTION)

# "Stance of P on I as of D": one index seek per pair, newest first. The last
# two columns are not for ordering: they let a report read the visibility and
# the score from the index alone, never from the table.
STANCE_INDEX_NAME = "ix_statement_stance"
STANCE_INDEX = (
    "party_id", "issue_id", "stated_on", "recorded_at", "id", "retracted_at", "score",
)  # fmt: skip
NAME_LENGTH = 200


def _is_mysql(dialect: Dialect) -> bool:
    return dialect.name in ("mysql", "mariadb")


class LongText(TypeDecorator[str]):
    """Text of any length the tool accepts: MEDIUMTEXT on MySQL, whose TEXT holds
    only 64 KiB. (The MySQL dialect is imported only when it is in use.)"""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if _is_mysql(dialect):
            from sqlalchemy.dialects.mysql import MEDIUMTEXT

            return MEDIUMTEXT()
        return Text()


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An aware UTC timestamp, stored naive in UTC, microseconds on every backend."""

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if _is_mysql(dialect):
            from sqlalchemy.dialects.mysql import DATETIME

            return DATETIME(fsp=6)
        return DateTime()

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC timestamp")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # SQLite text through a raw query
            value = dt.datetime.fromisoformat(value)
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC)


PARTY = Table(
    "party",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(SLUG_LENGTH), nullable=False, unique=True),
    Column("name", String(NAME_LENGTH), nullable=False),
    Column("kind", String(SLUG_LENGTH)),
    Column("description", LongText()),
    # Set only while a merge moves this party's statements to another (see
    # `core/merge.py`): the ledger lets a statement be re-pointed only there.
    Column("merged_into", Integer),
)

# Another name a party goes by ("Kyiv"). `key` is the case-folded alias and is
# unique across all parties, so a name points at one party only.
ALIAS = Table(
    "party_alias",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "party_id",
        ForeignKey("party.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("alias", String(NAME_LENGTH), nullable=False),
    Column("key", String(NAME_LENGTH), nullable=False, unique=True),
)

ISSUE = Table(
    "issue",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(SLUG_LENGTH), nullable=False, unique=True),
    Column("title", String(NAME_LENGTH), nullable=False),
    Column("proposition", LongText()),
    Column("description", LongText()),
    # As party.merged_into.
    Column("merged_into", Integer),
    # Set with merged_into by `issue merge --negate`: the statements moved
    # change the sign of their stance (see STATEMENT's `negated`).
    Column("merge_negates", Boolean),
)

# Another name an issue goes by (a merged issue's slug and title). Like a
# party's aliases: `key` is case-folded and unique.
ISSUE_ALIAS = Table(
    "issue_alias",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("issue_id", ForeignKey("issue.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("alias", String(NAME_LENGTH), nullable=False),
    Column("key", String(NAME_LENGTH), nullable=False, unique=True),
    # A name of an issue merged into this one with `issue merge --negate`: it
    # asks the opposite question, so a stance logged under it is negated here
    # (revision 0010).
    Column("negated", Boolean, nullable=False, default=False, server_default=false()),
)

# The words and phrases that signal an issue in text ("Donetsk", "line of
# contact"): search widens to them, and the article reader looks for them.
KEYWORD = Table(
    "issue_keyword",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("issue_id", ForeignKey("issue.id", ondelete="CASCADE"), nullable=False),
    Column("keyword", String(NAME_LENGTH), nullable=False),
    Column("key", String(NAME_LENGTH), nullable=False),
    UniqueConstraint("issue_id", "key"),
)

# Someone who speaks for a party: a name (unique, case-folded in `key`) and
# the spans of dates they spoke for which party (`AFFILIATION`).
PERSON = Table(
    "person",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(NAME_LENGTH), nullable=False),
    Column("key", String(NAME_LENGTH), nullable=False, unique=True),
)

PERSON_ALIAS = Table(
    "person_alias",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("person.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("alias", String(NAME_LENGTH), nullable=False),
    Column("key", String(NAME_LENGTH), nullable=False, unique=True),
)

# A person spoke for a party from `starts_on` to `ends_on`, both inclusive;
# an absent end is open.
AFFILIATION = Table(
    "affiliation",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("person.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("party_id", ForeignKey("party.id", ondelete="RESTRICT"), nullable=False, index=True),
    Column("role", String(NAME_LENGTH)),
    Column("starts_on", Date),
    Column("ends_on", Date),
    CheckConstraint(
        "starts_on IS NULL OR ends_on IS NULL OR starts_on <= ends_on", name="span_ordered"
    ),
)

# Every change made to a party, an issue or a person: nothing in the catalog
# is overwritten without a trace. `old` and `new` are text (None: absent);
# an alias or a keyword added has only `new`, one removed only `old`.
REVISION = Table(
    "revision",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(8), nullable=False),
    Column("record_id", Integer, nullable=False),
    # A merged record's revisions keep its slug before the field: "truce: title".
    Column("field", String(NAME_LENGTH), nullable=False),
    Column("old", LongText()),
    Column("new", LongText()),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("recorded_by", String(NAME_LENGTH), nullable=False),
    CheckConstraint("kind IN ('party', 'issue', 'person')", name="kind_known"),
    Index("ix_revision_record", "kind", "record_id", "id"),
)

# One logged position of a party on an issue. Append-only: a wrong one is
# retracted (retracted_at, retraction_reason), never edited or deleted.
STATEMENT = Table(
    "statement",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("party_id", ForeignKey("party.id", ondelete="RESTRICT"), nullable=False),
    Column("issue_id", ForeignKey("issue.id", ondelete="RESTRICT"), nullable=False),
    Column("score", SmallInteger, nullable=False),
    Column("stated_on", Date, nullable=False),
    Column("summary", LongText(), nullable=False),
    Column("quote", LongText()),
    Column("speaker", LongText()),
    Column("source", LongText()),
    Column("basis", String(8), nullable=False, default="stated"),
    Column("conditions", LongText()),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("recorded_by", String(NAME_LENGTH), nullable=False),
    Column("retracted_at", UTCDateTime()),
    Column("retraction_reason", LongText()),
    # Hash of the statement's content: re-importing a file finds what it holds.
    Column("fingerprint", String(32), nullable=False, index=True),
    # The stance is the opposite of the one logged: the statement was logged
    # on an issue asking the opposite question, merged into this one with
    # --negate. Its fingerprint is of its content as logged.
    Column("negated", Boolean, nullable=False, default=False, server_default=false()),
    CheckConstraint("score BETWEEN -2 AND 2", name="score_range"),
    CheckConstraint("basis IN ('stated', 'reported', 'inferred')", name="basis_known"),
    CheckConstraint(
        "retracted_at IS NULL OR retraction_reason IS NOT NULL", name="retraction_reason"
    ),
    # Revision 0008 (SQLite, which adds no constraint to a table in place:
    # the trigger statement_insert_guard).
    CheckConstraint(
        "retracted_at IS NULL OR retracted_at >= recorded_at", name="retracted_after_recording"
    ),
    # See STANCE_INDEX.
    Index(STANCE_INDEX_NAME, *STANCE_INDEX),
)

# --- drafts: the texts under negotiation (migration 0006) --------------------

# A text the parties negotiate over, kept as a series of versions.
DRAFT = Table(
    "draft",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(SLUG_LENGTH), nullable=False, unique=True),
    Column("title", String(NAME_LENGTH), nullable=False),
    Column("description", LongText()),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("recorded_by", String(NAME_LENGTH), nullable=False),
)

# One version of a draft: its text verbatim (`body`), split into points when
# read (`core/draft_text.py`). Append-only like the ledger: triggers refuse
# any DELETE and any UPDATE but a first withdrawal with its reason. A label
# names one text of its draft, ever: a withdrawn version keeps its label.
DRAFT_VERSION = Table(
    "draft_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("draft_id", ForeignKey("draft.id", ondelete="RESTRICT"), nullable=False),
    Column("label", String(NAME_LENGTH), nullable=False),
    Column("dated_on", Date, nullable=False),
    Column("source", LongText()),
    Column("body", LongText(), nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("recorded_by", String(NAME_LENGTH), nullable=False),
    Column("withdrawn_at", UTCDateTime()),
    Column("withdrawal_reason", LongText()),
    UniqueConstraint("draft_id", "label"),
    CheckConstraint(
        "withdrawn_at IS NULL OR withdrawal_reason IS NOT NULL", name="withdrawal_reason"
    ),
    Index("ix_draft_version_order", "draft_id", "dated_on", "id"),
)

# The parties that put a version forward (`--by`). A merge moves them.
DRAFT_VERSION_PARTY = Table(
    "draft_version_party",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version_id", ForeignKey("draft_version.id", ondelete="RESTRICT"), nullable=False),
    Column("party_id", ForeignKey("party.id", ondelete="RESTRICT"), nullable=False, index=True),
    UniqueConstraint("version_id", "party_id"),
)

# A point of a version (its `position` among the version's points, from 1)
# linked to an issue it settles: found in its text (`found`), inherited
# from the point it pairs with in the previous version (`inherited`), or
# added by hand (`linked`). `draft unlink` deletes the row.
DRAFT_LINK = Table(
    "draft_link",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version_id", ForeignKey("draft_version.id", ondelete="RESTRICT"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("issue_id", ForeignKey("issue.id", ondelete="RESTRICT"), nullable=False, index=True),
    Column("origin", String(9), nullable=False),
    UniqueConstraint("version_id", "position", "issue_id"),
    CheckConstraint("origin IN ('found', 'inherited', 'linked')", name="origin_known"),
)


# --- serving a team (`tracker serve`, revision 0007) ------------------------

# Who may sign in to the web pages and the API, and as what. `name` is kept
# lowercase; `password_hash` is an argon2id hash, never the password.
ACCOUNT = Table(
    "account",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(8), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    CheckConstraint("role IN ('reader', 'writer', 'admin')", name="role_known"),
)

# A signed-in browser: the cookie holds a random key, the table its SHA-256
# (`key_hash`), so that the table alone signs no one in. `csrf_token` is the
# one every form of the session carries. Idle after a day (`seen_at`),
# over after a week (`created_at`).
ACCOUNT_SESSION = Table(
    "account_session",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", ForeignKey("account.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("seen_at", UTCDateTime(), nullable=False),
)

# An API token (`tracker user token`), stored as its SHA-256 only: shown once.
ACCOUNT_TOKEN = Table(
    "account_token",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", ForeignKey("account.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime(), nullable=False),
)

# Failed log-ins by user name (any name typed, known or not), for throttling.
LOGIN_FAILURE = Table(
    "login_failure",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False),
    Column("failed_at", UTCDateTime(), nullable=False),
    Index("ix_login_failure_name", "name", "failed_at"),
)

# One row: the data's version. Every transaction that writes data adds one
# to `counter` just before it commits (`Database.session`); `epoch` is drawn
# when the table is made, so a version never comes back after the table is
# dropped and made again. The server keys its cache and its ETags by it.
DATA_VERSION = Table(
    "data_version",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("epoch", String(32), nullable=False),
    Column("counter", BigInteger, nullable=False),
)
