"""Export: the database as one JSON document (what `import` reads back), or
its statements as CSV; both stream, in the order statements were recorded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy.orm import Session

from tracker.core.query import statement_select, to_view
from tracker.core.transfer.catalog_out import catalog_documents
from tracker.core.transfer.drafts_io import draft_documents
from tracker.core.types import STATEMENT_FIELDS, StatementView
from tracker.db.schema import STATEMENT
from tracker.text import json_c1, write_csv


def _statements_in_recorded_order(session: Session) -> Iterator[StatementView]:
    query = statement_select().order_by(STATEMENT.c.recorded_at, STATEMENT.c.id)
    for row in session.execute(query.execution_options(yield_per=2_000)):
        yield to_view(row)


def _dump(value: Any) -> str:
    return json_c1(json.dumps(value, ensure_ascii=False))


def export_json(session: Session, out: IO[str]) -> int:
    """Streams the database as one JSON document (its drafts last: they name
    parties and issues); returns the statement count."""
    parties, issues, people = catalog_documents(session)
    out.write('{\n  "parties": [')
    out.write(",".join("\n    " + _dump(p) for p in parties))
    out.write('\n  ],\n  "issues": [')
    out.write(",".join("\n    " + _dump(i) for i in issues))
    out.write('\n  ],\n  "people": [')
    out.write(",".join("\n    " + _dump(p) for p in people))
    out.write('\n  ],\n  "statements": [')
    count = 0
    for view in _statements_in_recorded_order(session):
        out.write(("," if count else "") + "\n    " + _dump(view.to_json()))
        count += 1
    out.write('\n  ],\n  "drafts": [')
    out.write(",".join("\n    " + _dump(d) for d in draft_documents(session)))
    out.write("\n  ]\n}\n")
    return count


def export_csv(session: Session, out: IO[str], *, escape_formulas: bool = True) -> int:
    rows = (view.to_row() for view in _statements_in_recorded_order(session))
    return write_csv(out, STATEMENT_FIELDS, rows, escape_formulas=escape_formulas)
