"""Which database `--db` names, and how to show its name without a password."""

from __future__ import annotations

import os
import re
from pathlib import Path

from sqlalchemy import URL, make_url
from sqlalchemy import exc as sa_exc

from tracker.errors import DatabaseError

ENV_VAR = "TRACKER_DB"
DRIVERS = {
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mariadb+pymysql",
}
SECRET_PARAMETERS = ("password", "passwd")


def default_path() -> Path:
    import platformdirs

    return platformdirs.user_data_path("tracker", appauthor=False) / "tracker.db"


def resolve_url(value: str | None) -> URL:
    """`--db` (else $TRACKER_DB, else the default file) as an SQLAlchemy URL.

    A value with `://` is a URL; anything else is a SQLite file path.
    """
    value = value or os.environ.get(ENV_VAR) or None
    if value is None:
        return URL.create("sqlite", database=str(default_path()))
    if "://" not in value:
        return URL.create("sqlite", database=str(Path(value).expanduser().absolute()))
    try:
        url = make_url(value)
    except sa_exc.ArgumentError:
        raise DatabaseError(f"bad database URL {mask(value)!r}") from None
    except ValueError:  # the port is not a number
        raise DatabaseError(
            f"bad database URL {mask(value)!r}: the port must be a number"
        ) from None
    if url.host and "@" in url.host:
        # An '@' in the password ends the user part early; the rest of the
        # password would then be taken for the host, and shown in messages.
        raise DatabaseError(
            f"bad database URL {mask(value)!r}: write an '@' in the password as %40"
        )
    url = url.set(drivername=DRIVERS.get(url.drivername, url.drivername))
    if url.get_backend_name() in ("mysql", "mariadb"):
        if "charset" not in url.query:
            url = url.update_query_dict({"charset": "utf8mb4"})
        _check_charset(url)
    return url


def _check_charset(url: URL) -> None:
    """A charset the driver knows, or one clear line (PyMySQL fails later, on
    None). Only checked when PyMySQL is the driver and is installed."""
    charset = url.query.get("charset")
    if not isinstance(charset, str) or url.get_driver_name() != "pymysql":
        return
    try:
        from pymysql.charset import charset_by_name
    except ImportError:
        return  # said when the engine is made
    if charset_by_name(charset) is None:
        raise DatabaseError(f"unknown charset {charset!r} in database URL {mask(url)!r}")


def mask(value: str | URL) -> str:
    """A URL as it may be shown: never with its password, whether it stands
    before the host or in the query (`?password=`, which libpq reads too)."""
    if isinstance(value, URL):
        text = value.render_as_string(hide_password=True)
    else:
        text = re.sub(r"(://[^:/@]*:)[^/]*@", r"\1***@", value)
    return re.sub(r"([?&](?:password|passwd)=)[^&]*", r"\1***", text, flags=re.IGNORECASE)


def secrets(url: URL) -> list[str]:
    """Every password a URL holds, to scrub from the messages that quote it."""
    found = [str(url.password)] if url.password else []
    for key, value in url.query.items():
        if key.lower() in SECRET_PARAMETERS:
            found += [value] if isinstance(value, str) else list(value)
    return [s for s in found if s]


def describe(url: URL) -> str:
    """What a message calls the database: a file path or a password-free URL."""
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    return mask(url)
