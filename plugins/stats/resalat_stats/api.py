"""The stats JSON API: kept figures by region and period, and the periods that hold snapshots."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from resalat_core.sdk import Page, api_doc, current_language, db_session, dump, load, page_args, public

from . import plugin, services
from .periods import period_of
from .schemas import FigureSchema, PeriodSchema, ReportQuerySchema
from .views import choose, viewer_area

bp = Blueprint(f"{plugin.name}_api", __name__, url_prefix=f"/api/v1/{plugin.name}")
TAGS = ["stats"]


def _page(items: list[Any]) -> Page[Any]:
    page, per_page = page_args()
    start = (page - 1) * per_page
    return Page(items=items[start : start + per_page], page=page, per_page=per_page, total=len(items))


@bp.get("/figures")
@api_doc(
    summary="Kept figures of a region and period, with the change since the period before",
    tags=TAGS,
    response=FigureSchema,
    paginated=True,
    query={
        "region": "a region's code (a place's code means its province); none: nationwide",
        "period": "1405-09 (a Jalali month), 1405-S3 (a season) or 1405 (a year); none: the newest",
        "kind": "month, season or year: the newest period of this kind when no period is given",
    },
)
@public
def figures() -> Any:
    """Visitors get the public figures; an administrator gets every figure of a scope in their area.

    A figure's value in a period is its value on the last snapshot day within the period. An
    unknown region or a malformed period is 400 naming the field.
    """
    args = load(ReportQuerySchema, request.args.to_dict())
    session = db_session()
    region, period = choose(session, args)
    holds, area = viewer_area(session)
    rows = services.table(session, region, period, everything=services.may_see_all(area, region, holds))
    result = _page(rows)
    items = [
        dump(FigureSchema, {**r.__dict__, "change": r.change})
        for r in result.items  # a frozen dataclass
    ]
    return {"items": items, "meta": result.meta()}


@bp.get("/periods")
@api_doc(
    summary="The periods holding nationwide snapshots, newest first",
    tags=TAGS,
    response=PeriodSchema,
    paginated=True,
    query={"kind": "month (default), season or year"},
)
@public
def periods() -> Any:
    """Each period of the kind that holds at least one snapshot day."""
    args = load(ReportQuerySchema, request.args.to_dict())
    session = db_session()
    lang = current_language()
    found = list(dict.fromkeys(period_of(d, args["kind"]) for d in services.snapshot_days(session)))
    result = _page(found)
    items = [
        dump(
            PeriodSchema,
            {"code": p.code, "name": p.name(lang), "first_day": p.first_day, "last_day": p.last_day},
        )
        for p in result.items
    ]
    return {"items": items, "meta": result.meta()}
