"""The people who may sign in to `tracker serve`: user names, roles,
passwords (kept only as argon2id hashes) and API tokens (kept only as
SHA-256 hashes, shown once). What `tracker user ...` does, and what the web
server checks. argon2 is imported only where a password is hashed or checked."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Final, cast

from sqlalchemy import CursorResult, delete, exists, func, insert, select, update
from sqlalchemy.orm import Session

from tracker.dates import utcnow
from tracker.db.schema import ACCOUNT, ACCOUNT_SESSION, ACCOUNT_TOKEN
from tracker.errors import AlreadyExists, Invalid, NotFound

if TYPE_CHECKING:
    from argon2 import PasswordHasher

ROLES: Final = ("reader", "writer", "admin")
MIN_PASSWORD: Final = 10
MAX_PASSWORD: Final = 1024  # hashing a megabyte "password" is a way to slow a server down
NAME_LENGTH: Final = 64
_NAME = re.compile(r"[a-z0-9][a-z0-9._@-]*")
TOKEN_PREFIX: Final = "trk_"


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    name: str
    role: str

    def may(self, role: str) -> bool:
        """Whether this account has `role`'s rights (an admin a writer's, ...)."""
        return ROLES.index(self.role) >= ROLES.index(role)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role}


def check_name(name: str) -> str:
    """A user name: lowercase letters, digits and . _ @ -, at most 64; typed in
    any case, kept lowercase (so `Alice` signs in as `alice`)."""
    folded = name.strip().lower()
    if len(folded) > NAME_LENGTH or not _NAME.fullmatch(folded):
        raise Invalid(
            f"bad user name {name!r}: use letters, digits and . _ @ - (starting with a "
            f"letter or digit), at most {NAME_LENGTH} characters"
        )
    return folded


def check_role(role: str) -> str:
    if role not in ROLES:
        raise Invalid(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    return role


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"a password has at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise Invalid(f"a password has at most {MAX_PASSWORD} characters")
    return password


@cache
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id, RFC 9106's second recommended parameters


def hash_password(password: str) -> str:
    return _hasher().hash(check_password(password))


@cache
def _decoy() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


def password_matches(stored: str | None, password: str) -> bool:
    """Whether `password` is the one `stored` hashes. With no account (None) a
    decoy hash is checked, so that an unknown name takes as long to refuse."""
    from argon2.exceptions import InvalidHashError, VerificationError

    if len(password) > MAX_PASSWORD:
        return False
    try:
        return _hasher().verify(stored or _decoy(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def digest(secret: str) -> str:
    """What the database keeps of a session key or an API token."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _account(row: Any) -> Account:
    return Account(row.id, row.name, row.role)


def get_user(session: Session, name: str) -> Account:
    folded = name.strip().lower()
    row = session.execute(
        select(ACCOUNT.c.id, ACCOUNT.c.name, ACCOUNT.c.role).where(ACCOUNT.c.name == folded)
    ).first()
    if row is None:
        raise NotFound(f"unknown user {name!r} ('tracker user list' shows them all)")
    return _account(row)


def password_hash_of(session: Session, name: str) -> tuple[Account, str] | None:
    row = session.execute(
        select(ACCOUNT.c.id, ACCOUNT.c.name, ACCOUNT.c.role, ACCOUNT.c.password_hash).where(
            ACCOUNT.c.name == name
        )
    ).first()
    return None if row is None else (_account(row), row.password_hash)


def any_user(session: Session) -> bool:
    return bool(session.execute(select(exists().select_from(ACCOUNT))).scalar())


def add_user(session: Session, name: str, role: str, password: str) -> Account:
    folded, role = check_name(name), check_role(role)
    hashed = hash_password(password)
    if session.execute(select(ACCOUNT.c.id).where(ACCOUNT.c.name == folded)).first():
        raise AlreadyExists(f"user {folded!r} already exists")
    inserted = session.execute(
        insert(ACCOUNT).values(name=folded, role=role, password_hash=hashed, created_at=utcnow())
    )
    new_id = cast(CursorResult[Any], inserted).inserted_primary_key
    assert new_id is not None
    return Account(int(new_id[0]), folded, role)


def list_users(session: Session) -> list[Account]:
    rows = session.execute(
        select(ACCOUNT.c.id, ACCOUNT.c.name, ACCOUNT.c.role).order_by(ACCOUNT.c.name)
    )
    return [_account(r) for r in rows]


def revoke(session: Session, account: Account) -> int:
    """End every session and API token of `account`: how many."""
    ended = 0
    for table in (ACCOUNT_SESSION, ACCOUNT_TOKEN):
        done = session.execute(delete(table).where(table.c.account_id == account.id))
        ended += int(done.rowcount)  # type: ignore[attr-defined]
    return ended


def edit_user(
    session: Session,
    name: str,
    role: str | None = None,
    password: str | None = None,
    revoke_all: bool = False,
) -> Account:
    """A new role and/or password; a new password, or `revoke_all`, ends the
    user's sessions and tokens (every worker checks them on each request)."""
    account = get_user(session, name)
    values: dict[str, str] = {}
    if role is not None:
        values["role"] = check_role(role)
    if password is not None:
        values["password_hash"] = hash_password(password)
    if values:
        session.execute(update(ACCOUNT).where(ACCOUNT.c.id == account.id).values(**values))
    if password is not None or revoke_all:
        revoke(session, account)
    return Account(account.id, account.name, values.get("role", account.role))


def remove_user(session: Session, name: str) -> Account:
    """The user, their sessions and tokens are gone; what they logged keeps
    their name in `recorded_by`."""
    account = get_user(session, name)
    revoke(session, account)
    session.execute(delete(ACCOUNT).where(ACCOUNT.c.id == account.id))
    return account


def new_token(session: Session, name: str) -> str:
    """A new API token for the user: returned once, kept only as its hash."""
    account = get_user(session, name)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.execute(
        insert(ACCOUNT_TOKEN).values(
            account_id=account.id, key_hash=digest(token), created_at=utcnow()
        )
    )
    return token


def token_owner(session: Session, token: str) -> Account | None:
    """The account an API token belongs to, if it is one."""
    row = session.execute(
        select(ACCOUNT.c.id, ACCOUNT.c.name, ACCOUNT.c.role)
        .join(ACCOUNT_TOKEN, ACCOUNT_TOKEN.c.account_id == ACCOUNT.c.id)
        .where(ACCOUNT_TOKEN.c.key_hash == digest(token))
    ).first()
    return None if row is None else _account(row)


def counts(session: Session) -> dict[int, tuple[int, int]]:
    """Per account id: (sessions, tokens), for `user list`."""
    found: dict[int, list[int]] = {}
    for n, table in enumerate((ACCOUNT_SESSION, ACCOUNT_TOKEN)):
        rows = session.execute(
            select(table.c.account_id, func.count()).group_by(table.c.account_id)
        )
        for account_id, number in rows:
            found.setdefault(account_id, [0, 0])[n] = int(number)
    return {k: (v[0], v[1]) for k, v in found.items()}
