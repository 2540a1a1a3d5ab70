"""The public page of achievements: headline figures by province and period, with bar charts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_login import current_user

from resalat_core.sdk import (
    Region,
    area_of,
    current_language,
    db_session,
    format_money,
    format_number,
    public,
)

from . import VIEW_ALL, plugin, services, setting
from .charts import bar_chart
from .periods import KINDS, MONTH, Period, parse_period, period_of
from .services import provinces, scope_of

bp = Blueprint(plugin.name, __name__, url_prefix=f"/{plugin.name}")


def viewer_area(session: Any) -> tuple[bool, list[int] | None]:
    """(holds view-all somewhere, the area where it holds it) for the current reader."""
    if not getattr(current_user, "is_authenticated", False):
        return False, []
    area = area_of(session, current_user, VIEW_ALL)
    return (area is None or bool(area)), area


def choose(session: Any, args: dict[str, Any]) -> tuple[Region | None, Period]:
    """The scope and period a request asks for; BadInput naming the field for a bad one."""
    region = scope_of(session, args.get("region") or None)
    kind = args.get("kind") or MONTH
    if args.get("period"):
        period = parse_period(args["period"])
    else:
        period = services.latest_period(session, kind if kind in KINDS else MONTH)
    return region, period


def value_text(money: bool, lang: str) -> Any:
    if money:
        return lambda v: format_money(v, lang=lang)
    return lambda v: format_number(v, lang=lang)


@bp.get("/")
@public
def index() -> Any:
    """Headline figures for visitors; an administrator sees every figure of their area."""
    session = db_session()
    lang = current_language()
    region, period = choose(session, request.args.to_dict())
    holds, area = viewer_area(session)
    everything = services.may_see_all(area, region, holds)
    rows = services.table(session, region, period, everything=everything, lang=lang)
    kept = {r.name for r in rows}
    shown = [n for n in services.public_names() if n in kept][: int(setting("charts"))]
    charts = [
        (
            s,
            bar_chart(
                [(p.name(lang), v) for p, v in s.points],
                title=s.label,
                value_text=value_text(s.money, lang),
                testid=f"chart-{s.name}",
            ),
        )
        for s in services.history(session, region, period, shown, lang=lang)
    ]
    kinds = [(k, period_of(period.first_day, k)) for k in KINDS]
    recent = [period.previous().previous(), period.previous(), period, period.next()]
    return render_template(
        "stats/index.html",
        plugin=plugin,
        region=region,
        period=period,
        kinds=kinds,
        recent=recent,
        provinces=provinces(session),
        rows=rows,
        charts=charts,
        everything=everything,
        lang=lang,
        value_text=value_text,
    )
