"""What a post's body holds, read strictly: a URL-encoded form (no uploads)
or a JSON object, else a 400 saying what is wrong with it. The body's size
is capped before it is read (`tracker.web.guard`)."""

from __future__ import annotations

import json
from typing import Any, NoReturn
from urllib.parse import parse_qsl

from starlette.datastructures import ImmutableMultiDict
from starlette.requests import Request

from tracker.web.params import Problem

MAX_FORM_FIELDS = 2000


async def form_of(request: Request) -> ImmutableMultiDict[str, str]:
    """A posted form (application/x-www-form-urlencoded), or a 400."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise Problem(400, "send the form as application/x-www-form-urlencoded")
    body = await request.body()
    try:
        text = body.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
    except (UnicodeDecodeError, ValueError) as err:
        raise Problem(400, f"cannot read the form: {err}") from None
    return ImmutableMultiDict(pairs)


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON value")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"the field {key!r} is given twice")
        found[key] = value
    return found


async def json_of(request: Request) -> dict[str, Any]:
    """A JSON object, or a 400: not UTF-8, not JSON (NaN and Infinity are
    not), nested too deeply, a field given twice, or not an object."""
    body = await request.body()
    try:
        value = json.loads(
            body.decode("utf-8"), object_pairs_hook=_object, parse_constant=_no_constant
        )
    except (UnicodeDecodeError, ValueError) as err:
        raise Problem(400, f"the body is not JSON: {err}") from None
    except RecursionError:
        raise Problem(400, "the body is not JSON this server reads: nested too deeply") from None
    if not isinstance(value, dict):
        raise Problem(400, f"the body must be a JSON object, not {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    names = {list: "an array", str: "a string", bool: "true or false", type(None): "null"}
    return names.get(type(value), "a number")
