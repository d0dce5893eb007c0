"""The catalog's pages: the lists of parties, issues and people (and, for
writers, the form that adds one), and each record in full, with its
stances and history (and, for admins, the forms that correct it). A
record's address holds its slug, or a person's name, quoted: a name may
hold `/`, `?`, `#`, `%` or spaces."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any
from urllib.parse import quote

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from tracker.core import catalog, people
from tracker.core import pages as record_pages
from tracker.web import questions as ask_
from tracker.web.cache import Drawn
from tracker.web.pages import not_found, site_of, takes_none
from tracker.web.params import Problem, Query
from tracker.web.respond import Asking, ask

KINDS = {"parties": "party", "issues": "issue", "people": "person"}


def link(kind: str, name: str) -> str:
    """A record's address: `kind` the list's (`parties`), `name` its slug or name."""
    return f"/{kind}/{quote(name, safe='')}"


def records(request: Request) -> Response:
    """/parties, /issues, /people: the list, and (for writers) a form to add one."""
    kind = {"/parties": "party", "/issues": "issue", "/people": "person"}[request.url.path]

    def draw(a: Asking) -> Drawn:
        return Drawn.of(records_page(a, kind))

    return ask(request, takes_none(request), draw, api=False)


def records_page(a: Asking, kind: str, **values: Any) -> str:
    from tracker.core.names import spellings
    from tracker.render import site as render_site

    here = {"party": "parties", "issue": "issues", "person": "people"}[kind]
    if kind == "party":
        views = catalog.list_parties(a.session)
        rows: list[tuple[str, tuple[str | None, ...]]] = [
            (link("parties", v.slug), (v.slug, v.name, v.kind, "; ".join(v.aliases))) for v in views
        ]
        headers: tuple[str, ...] = ("Slug", "Name", "Kind", "Also")
    elif kind == "issue":
        issues = catalog.list_issues(a.session)
        rows = [(link("issues", v.slug), (v.slug, v.title, v.proposition)) for v in issues]
        headers = ("Slug", "Title", "Proposition")
    else:
        from tracker.render.messages import affiliations

        found = people.list_people(a.session)
        rows = [
            (link("people", v.name), (v.name, "; ".join(v.aliases), affiliations(v))) for v in found
        ]
        headers = ("Name", "Also", "Speaks for")
    values.setdefault("v", {})
    return render_site.render(
        "records.html", site_of(a, here), title=here.capitalize(), headers=headers, rows=rows,
        kind=kind, action=f"/{here}", party_names=spellings(a.session, "party"), **values,
    )  # fmt: skip


def record(request: Request) -> Response:
    """/parties/NAME, /issues/NAME, /people/NAME: a record in full."""
    kind = request.url.path.split("/")[1]
    name = request.path_params["name"]
    q = Query(request.query_params)

    def draw(a: Asking) -> Drawn:
        from tracker.errors import NotFound

        try:
            return Drawn.of(record_page(a, kind, name, q))
        except (NotFound, Problem) as err:
            return not_found(a, kind, Problem(404, str(err)))

    def question() -> Hashable:
        return ask_.record_asked(q.only("as_of", "history"), name), q.shown(("as_of",))["as_of"]

    return ask(request, question, draw, api=False, mistake=lambda a, p: not_found(a, kind, p))


def record_page(a: Asking, kind: str, name: str, q: Query, **values: Any) -> str:
    from tracker.render import site as render_site

    asked = ask_.record_asked(q, name)
    shown = q.shown(("as_of",), ("history",))
    if kind == "parties":
        p = record_pages.party_page(a.session, name, asked.as_of, asked.history)
        v = p.party
        fields = [("Slug", v.slug), ("Kind", v.kind), ("Also", "; ".join(v.aliases)),
                  ("Description", v.description), ("People", "; ".join(p.people))]  # fmt: skip
        edit = [("name", "Name", v.name), ("kind", "Kind", v.kind or ""),
                ("description", "Description", v.description or ""),
                ("add_alias", "Add another name", ""), ("remove_alias", "Remove a name", ""),
                ("rename", "New slug (the old one stays a name)", "")]  # fmt: skip
        extra = {"title": v.name, "activity": p.activity, "other": "issue", "slug": v.slug,
                 "history": p.history, "base": link("parties", v.slug)}  # fmt: skip
    elif kind == "issues":
        i = record_pages.issue_page(a.session, name, asked.as_of, asked.history)
        w = i.issue
        also = "; ".join(f"{n} (negated)" if n in w.negated_aliases else n for n in w.aliases)
        fields = [("Slug", w.slug), ("Proposition", w.proposition), ("Keywords", "; ".join(w.keywords)),
                  ("Also", also), ("Description", w.description)]  # fmt: skip
        edit = [("title", "Title", w.title), ("proposition", "Proposition", w.proposition or ""),
                ("force", "Change the proposition although statements were logged against it", ""),
                ("description", "Description", w.description or ""),
                ("add_keyword", "Add a keyword", ""), ("remove_keyword", "Remove a keyword", ""),
                ("rename", "New slug (the old one stays a name)", "")]  # fmt: skip
        extra = {"title": w.title, "activity": i.activity, "other": "party", "slug": w.slug,
                 "history": i.history, "wordings": i.wordings if len(i.wordings) > 1 else (),
                 "base": link("issues", w.slug)}  # fmt: skip
    else:
        person = people.person_page(a.session, name, asked.history)
        pv = person.person
        from tracker.render.messages import affiliations

        fields = [("Also", "; ".join(pv.aliases)), ("Speaks for", affiliations(pv)),
                  ("Statements naming them", str(person.statements))]  # fmt: skip
        edit = [("name", "Name", pv.name), ("add_alias", "Add another name", ""),
                ("remove_alias", "Remove a name", "")]  # fmt: skip
        extra = {"title": pv.name, "activity": None, "history": person.history,
                 "base": link("people", pv.name)}  # fmt: skip
    site = site_of(a, kind, _record_controls(shown, str(extra["base"])))
    return render_site.render(
        "record.html", site, fields=fields, edit=edit, kind=KINDS[kind], **{**extra, **values},
    )  # fmt: skip


def _record_controls(shown: dict[str, Any], action: str) -> Markup:
    from tracker.render import site

    return site.controls("record", q=shown, action=action)
