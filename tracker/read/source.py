"""Where a text comes from: a file, standard input or an http(s) URL; what it
is (plain text, Markdown or HTML); and its plain text, title, publication
date and canonical URL. HTML goes through trafilatura, which keeps the
article and drops the page's navigation and boilerplate; it is imported
only for HTML."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from tracker.errors import TrackerError

# Seconds for a whole fetch: connecting, the answer's headers, its body,
# every redirect. A server that sends a few bytes a second is cut off.
DEADLINE = 20.0
FOLLOWED = ("http", "https")  # the schemes a URL, and a redirect, may have
SIZE_LIMIT = 10 * 1024 * 1024  # bytes: no article page is larger
USER_AGENT = "tracker-read (+https://example.org/tracker)"


class SourceError(TrackerError):
    """A text that cannot be had: a fetch that failed, a file too large."""


@dataclass(frozen=True, slots=True)
class Document:
    """A text to read: paragraphs separated by blank lines, and what the page
    says about itself (None where it says nothing). `verbatim` is the text
    as it came, decoded, its lines as written (HTML: the text extracted from
    the page): what `tracker draft version` stores ("" if not kept)."""

    text: str
    title: str | None = None
    date: dt.date | None = None
    url: str | None = None
    verbatim: str = ""

    @property
    def stored(self) -> str:
        """What a draft's version stores: the text as it came, else as read."""
        return self.verbatim or self.text


def is_url(source: str) -> bool:
    return re.match(r"https?://", source, re.IGNORECASE) is not None


def load(source: str, stdin: IO[bytes] | None = None) -> Document:
    """A document from a file path, `-` (read from `stdin`) or an http(s) URL."""
    if is_url(source):
        raw, content_type, final_url = fetch(source, DEADLINE)
        return document(raw, content_type=content_type, url=final_url)
    if source == "-":
        if stdin is None:
            raise SourceError("no standard input to read")
        raw = stdin.read(SIZE_LIMIT + 1)
        name = None
    else:
        path = Path(source)
        with path.open("rb") as f:
            raw = f.read(SIZE_LIMIT + 1)
        name = path.name
    if len(raw) > SIZE_LIMIT:
        raise SourceError(f"{source} is larger than {SIZE_LIMIT // (1024 * 1024)} MB")
    return document(raw, name=name)


def fetch(
    url: str, deadline: float | None = None, limit: int = SIZE_LIMIT
) -> tuple[bytes, str, str]:
    """The body, content type and final URL of `url`; SourceError, in one
    line (`cannot fetch URL: reason`), on any failure: a malformed URL, no
    complete answer within `deadline` seconds (DEADLINE) from the start, an
    HTTP error, a malformed answer, a redirect elsewhere than http(s), a
    body over `limit` bytes.

    The fetch runs in a thread of its own, so that the deadline holds
    whatever the server does (sends a byte a second, never ends its
    headers) and whatever the name lookup does; at the deadline its
    connection is shut, and the thread ends with it."""
    import threading

    seconds = DEADLINE if deadline is None else deadline
    _check_url(url)
    done: list[tuple[bytes, str, str] | BaseException] = []
    opened: list[Any] = []
    worker = threading.Thread(
        target=_fetch_into, args=(url, seconds, limit, done, opened), daemon=True
    )
    worker.start()
    worker.join(seconds)
    if not done:
        for connection in opened:
            _shut(connection)
        plural = "" if seconds == 1 else "s"
        raise SourceError(
            f"cannot fetch {url}: no complete answer within {seconds:g} second{plural}"
        )
    result = done[0]
    if isinstance(result, BaseException):
        raise result
    return result


def _check_url(url: str) -> None:
    """SourceError unless `url` is an http(s) URL with a host that a request can carry."""
    from urllib.parse import urlsplit

    if re.search(r"[\x00-\x20\x7f]", url):
        raise SourceError(
            f"cannot fetch {url}: a URL cannot hold spaces or control characters "
            "(write a space as %20)"
        )
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError on a bad port)
    except ValueError as err:
        raise SourceError(f"cannot fetch {url}: not a valid URL ({err})") from None
    if parts.scheme.lower() not in FOLLOWED or not parts.hostname:
        raise SourceError(f"cannot fetch {url}: not an http or https URL with a host")


def _fetch_into(url: str, timeout: float, limit: int, done: list[Any], opened: list[Any]) -> None:
    try:
        done.append(_fetch(url, timeout, limit, opened))
    except BaseException as err:  # handed to the caller's thread, whatever it is
        done.append(err)


def _fetch(url: str, timeout: float, limit: int, opened: list[Any]) -> tuple[bytes, str, str]:
    import http.client
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    opener = urllib.request.build_opener(*_handlers(url, opened))
    try:
        with opener.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length is not None and length.isdigit() and int(length) > limit:
                raise SourceError(f"cannot fetch {url}: larger than {limit // 1024} KB")
            body = response.read(limit + 1)
            if len(body) > limit:
                raise SourceError(f"cannot fetch {url}: larger than {limit // 1024} KB")
            if length is not None and length.isdigit() and len(body) < int(length):
                raise SourceError(
                    f"cannot fetch {url}: the answer ended early ({len(body)} of {length} bytes)"
                )
            return body, response.headers.get("Content-Type", ""), response.geturl()
    except urllib.error.HTTPError as err:
        raise SourceError(f"cannot fetch {url}: HTTP {err.code} {err.reason}") from None
    except urllib.error.URLError as err:
        raise SourceError(f"cannot fetch {url}: {_reason(err.reason)}") from None
    except TimeoutError:
        raise SourceError(f"cannot fetch {url}: no answer within {timeout:g} seconds") from None
    except http.client.IncompleteRead as err:
        got = len(err.partial)
        raise SourceError(
            f"cannot fetch {url}: the answer's body is incomplete ({got} bytes read)"
        ) from None
    except http.client.HTTPException as err:
        raise SourceError(f"cannot fetch {url}: not a valid HTTP answer ({_reason(err)})") from None
    except (OSError, ValueError) as err:
        raise SourceError(f"cannot fetch {url}: {_reason(err)}") from None


def _reason(err: object) -> str:
    """What went wrong, short: a server's bytes may be anything, and long."""
    text = str(err).strip() or type(err).__name__
    return text if len(text) <= 200 else text[:199] + "…"


def _handlers(url: str, opened: list[Any]) -> list[Any]:
    """urllib's handlers for http and https that keep each connection they
    open in `opened` (for the deadline to shut), and one for redirects that
    follows only http and https."""
    import http.client
    import urllib.request
    from urllib.parse import urljoin, urlsplit

    def kept(kind: type[http.client.HTTPConnection]) -> Any:
        def connection(host: str, **options: Any) -> http.client.HTTPConnection:
            made = kind(host, **options)
            opened.append(made)
            return made

        return connection

    class Http(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> Any:
            return self.do_open(kept(http.client.HTTPConnection), req)

    class Https(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> Any:
            return self.do_open(kept(http.client.HTTPSConnection), req)

    class Redirects(urllib.request.HTTPRedirectHandler):
        def http_error_302(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
            target = headers.get("location") or headers.get("uri")
            if target is not None:
                newurl = urljoin(req.full_url, target)
                if urlsplit(newurl).scheme.lower() not in FOLLOWED:
                    raise SourceError(
                        f"cannot fetch {url}: redirected to {newurl}, "
                        "and tracker follows only http and https"
                    )
            return super().http_error_302(req, fp, code, msg, headers)

        http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    return [Http(), Https(), Redirects()]


def _shut(connection: Any) -> None:
    """Ends a connection another thread may be reading from."""
    import socket

    sock = getattr(connection, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _decode(raw: bytes, content_type: str = "") -> str:
    found = re.search(r"charset=([\w-]+)", content_type, re.IGNORECASE)
    for encoding in (found[1] if found else "utf-8", "utf-8", "cp1252"):
        try:
            return raw.decode(encoding).removeprefix("\ufeff")
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("utf-8", errors="replace")


def kind_of(text: str, name: str | None = None, content_type: str = "") -> str:
    """ "html", "markdown" or "text": by the content type, the file's name,
    then the text itself."""
    suffix = Path(name).suffix.lower() if name else ""
    if "html" in content_type.lower() or suffix in (".html", ".htm", ".xhtml"):
        return "html"
    if suffix in (".md", ".markdown"):
        return "markdown"
    head = text[:2000].lstrip().lower()
    if head.startswith(("<!doctype html", "<html")) or re.search(r"<(body|p|div|article)\b", head):
        return "html"
    if re.search(r"^(#{1,6} \S|\s*[-*] \S)", text[:5000], re.MULTILINE) or re.search(
        r"\[[^\]\n]+\]\([^)\s]+\)", text[:5000]
    ):
        return "markdown"
    return "text"


def document(
    raw: bytes, *, name: str | None = None, content_type: str = "", url: str | None = None
) -> Document:
    text = _decode(raw, content_type)
    kind = kind_of(text, name or url, content_type)
    if kind == "html":
        return from_html(raw, url)
    verbatim = text
    if kind == "markdown":
        text = markdown_text(text)
    return _with_dateline(Document(plain(text), _first_line(text), None, url, verbatim))


def from_html(raw: bytes | str, url: str | None = None) -> Document:
    import trafilatura

    found = trafilatura.bare_extraction(
        raw, url=url, with_metadata=True, include_comments=False, include_tables=False
    )
    if found is None or isinstance(found, dict) or not found.text:
        raise SourceError(f"found no article text in {url or 'the page'}")
    # trafilatura gives a paragraph a line; the reader takes blank lines between them.
    text = "\n\n".join(line for line in found.text.splitlines() if line.strip())
    day = None
    if found.date:
        try:
            day = dt.date.fromisoformat(found.date[:10])
        except ValueError:
            day = None
    doc = Document(text, found.title or None, day, found.url or url, text)
    return doc if day is not None else _with_dateline(doc)


_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_MD_MARK = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")


def markdown_text(text: str) -> str:
    """Markdown as plain text: headings, emphasis, links and list marks
    dropped, the words kept."""
    out = []
    for line in text.splitlines():
        line = re.sub(r"^\s{0,3}#{1,6}\s+", "", line)
        line = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line)
        line = re.sub(r"^\s*>\s?", "", line)
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_MARK.sub(r"\2", line)
        out.append(line)
    return "\n".join(out)


def plain(text: str) -> str:
    """Paragraphs separated by one blank line, each on one line (hard-wrapped
    text is joined back)."""
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip():
            return " ".join(line.split())[:200]
    return None


_MONTH_NAMES = (
    "jan january, feb february, mar march, apr april, may, jun june, jul july, aug august, "
    "sep sept september, oct october, nov november, dec december"
)
MONTHS = {name: n + 1 for n, names in enumerate(_MONTH_NAMES.split(", ")) for name in names.split()}
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2}) ([A-Za-z]{3,9})\.? (\d{4})\b")
_MONTH_DAY_YEAR = re.compile(r"\b([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def dateline(text: str) -> dt.date | None:
    """The date a news text gives at its head ("KYIV, Nov. 30 (Reuters) -",
    "Published 30 November 2025", "2025-11-30"): the first full date in its
    first 600 characters."""
    head = text[:600]
    found: list[tuple[int, dt.date]] = []
    for pattern, order in ((_DAY_MONTH_YEAR, "dmy"), (_MONTH_DAY_YEAR, "mdy"), (_ISO, "iso")):
        for m in pattern.finditer(head):
            try:
                if order == "iso":
                    day = dt.date(int(m[1]), int(m[2]), int(m[3]))
                elif order == "dmy":
                    day = dt.date(int(m[3]), MONTHS[m[2].lower()], int(m[1]))
                else:
                    day = dt.date(int(m[3]), MONTHS[m[1].lower()], int(m[2]))
            except (KeyError, ValueError):
                continue
            found.append((m.start(), day))
    return min(found)[1] if found else None


def _with_dateline(doc: Document) -> Document:
    return dataclasses.replace(doc, date=dateline(doc.text))
