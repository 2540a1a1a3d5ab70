"""The one pagination helper: pages and API lists both use it."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import current_app, has_app_context, request
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from resalat_core.errors import BadInput
from resalat_core.i18n import _
from resalat_core.text import to_latin_digits

T = TypeVar("T")

# A page number past this is refused: no list is that long, and (page - 1) × per_page must stay
# an OFFSET the database accepts.
MAX_PAGE = 100_000
_WHOLE = re.compile(r"[+-]?[0-9]+")


@dataclass
class Page(Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    def meta(self) -> dict[str, int]:
        return {
            "page": self.page,
            "per_page": self.per_page,
            "total": self.total,
            "pages": self.pages,
        }


def _limits() -> tuple[int, int]:
    if has_app_context():
        cfg = current_app.config["RESALAT"]
        return int(cfg.get("per_page", 20)), int(cfg.get("max_per_page", 100))
    return 20, 100


def _field_label(field: str) -> str:
    """The query field as the reader calls it (the page shows the message, not the address)."""
    return _("Page number") if field == "page" else _("Items per page")


def _positive_int(raw: Any, field: str, upper: int) -> int:
    text = to_latin_digits(str(raw)).strip()
    if not _WHOLE.fullmatch(text):
        raise BadInput(
            _("%(field)s must be a whole number.", field=_field_label(field)),
            fields={field: _("Must be a whole number.")},
        )
    # Past the upper bound already when longer than it: no need to read a thousand digits.
    value = int(text) if len(text.lstrip("+-")) <= len(str(upper)) else upper + 1
    if value < 1 or value > upper:
        message = _("Must be between 1 and %(max)d.", max=upper)
        raise BadInput(message, fields={field: message})
    return value


def page_args(args: Any = None) -> tuple[int, int]:
    """``?page=&per_page=`` read and checked: bad values are a 400 naming the field."""
    args = request.args if args is None else args
    default, ceiling = _limits()
    page = _positive_int(args.get("page", 1), "page", MAX_PAGE)
    per_page = _positive_int(args.get("per_page", default), "per_page", ceiling)
    return page, per_page


def paginate(
    session: Session, stmt: Select[Any], page: int | None = None, per_page: int | None = None
) -> Page[Any]:
    """Run ``stmt`` for one page: two queries (the count and the rows), whatever the size."""
    if page is None or per_page is None:
        page, per_page = page_args()
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return Page(items=list(rows), page=page, per_page=per_page, total=total)
