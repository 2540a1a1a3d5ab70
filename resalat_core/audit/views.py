"""The audit trail's page (``/admin/audit``) and its CSV export, within the reader's area."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_login import current_user

from resalat_core.access import permission_required
from resalat_core.audit.services import (
    Shown,
    batches,
    declared_actions,
    entries_query,
    read_filter,
    shown,
)
from resalat_core.db import db_session
from resalat_core.errors import BadInput
from resalat_core.formats import format_date
from resalat_core.i18n import _
from resalat_core.members.services import area_of
from resalat_core.pagination import page_args, paginate
from resalat_core.web.templating import current_language, place

bp = Blueprint("audit", __name__)
READ = "core.audit.read"
FILTER_FIELDS = ("event", "actor", "since", "until", "subject")


def _actions() -> list[tuple[str, str]]:
    """Every declared action as (code, title), by title: the filter's choices."""
    return sorted(((a.code, str(a.title)) for a in declared_actions().values()), key=lambda c: c[1])


@bp.get("/admin/audit")
@permission_required(READ)
def log() -> Any:
    """Who did what, newest first, within the admin's area; filtered by the query's arguments."""
    session = db_session()
    area = area_of(session, current_user, READ)
    try:
        chosen, values = read_filter(session, request.args)
        page_number, per_page = page_args()
    except BadInput as exc:
        fields = {k: str(v) for k, v in (exc.fields or {}).items()}
        values = {k: str(request.args.get(k, "")) for k in FILTER_FIELDS}
        if not set(fields) <= set(FILTER_FIELDS):  # the pager's arguments: no field to mark
            fields["_form"] = str(exc.message)
        return render_template(
            "core/audit.html", rows=[], page=None, values=values, errors=fields,
            actions=_actions(), subject_name="", export_args={}, clear_args={},
        ), 400  # fmt: skip
    page = paginate(session, entries_query(area, chosen), page_number, per_page)
    rows = shown(session, page.items)
    # Named only through an entry the reader may see: a guessed "member:5" names nobody.
    subject_name = next((r.subject for r in rows if r.entry.subject == chosen.subject), _("a record"))
    export_args = chosen.args() | {k: values[k] for k in ("since", "until") if values[k]}
    return render_template(
        "core/audit.html",
        rows=rows,
        page=page,
        values=values,
        errors={},
        actions=_actions(),
        subject_name=subject_name,
        export_args=export_args,
        clear_args={k: v for k, v in export_args.items() if k != "subject"},
    )


def _cell(value: str) -> str:
    """A cell a spreadsheet will not run: a leading =, +, - or @ makes a formula of the text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _csv_row(row: Shown) -> list[str]:
    e = row.entry
    lang = current_language()
    return [
        _cell(value)
        for value in (
            str(e.id),
            format_date(e.at, lang=lang, with_time=True),
            e.at.isoformat() + "Z",
            row.title,
            e.action,
            row.actor.name if row.actor else _("The system"),
            row.actor.mobile if row.actor else "",
            place(row.region) if row.region else _("Nationwide"),
            row.subject,
            e.subject or "",
            json.dumps(e.before, ensure_ascii=False) if e.before is not None else "",
            json.dumps(e.after, ensure_ascii=False) if e.after is not None else "",
            e.address or "",
        )
    ]


@bp.get("/admin/audit.csv")
@permission_required(READ)
def export() -> Any:
    """The filtered entries as CSV, streamed a batch at a time (UTF-8 with a BOM, for Excel)."""
    session = db_session()
    area = area_of(session, current_user, READ)
    chosen, _values = read_filter(session, request.args)  # BadInput: a 400 with the message
    query = entries_query(area, chosen)
    header = [
        _("Number"),
        _("Time"),
        _("Time (UTC)"),
        _("Action"),
        _("Action code"),
        _("By"),
        _("Mobile"),
        _("Region"),
        _("Subject"),
        _("Reference"),
        _("Before"),
        _("After"),
        _("Internet address"),
    ]

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow(header)
        for batch in batches(session, query):
            for row in shown(session, batch):
                writer.writerow(_csv_row(row))
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        # Read only: the transaction (on SQLite, its lock) ends with the last row, not when the
        # server gets round to closing the response.
        session.rollback()
        yield buffer.getvalue()

    response = Response(stream_with_context(lines()), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="audit.csv"'
    return response
