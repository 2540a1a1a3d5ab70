"""A guide's area: where a member acts as a guide, and the small checks every guide's form shares.

A guide acts only in their area: the regions where they hold ``guides.manage`` (as a guide, or
as an administrator there) and the places under them. A candidate or core outside it is NotFound
when named by id in an address, and a field error when named in a form, so an id reveals nothing
about another area.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from resalat_cores import services as cores
from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    BadInput,
    Member,
    NotFound,
    Region,
    _,
    area_of,
    get_region,
    normalize_text,
    parse_jalali_date,
    to_latin_digits,
    today_in_iran,
)

# The permission a guide's work needs; the ``guide`` role holds it (administrators too).
MANAGE = "guides.manage"

# Iranian calendar days (due dates, advice days) end at Tehran's midnight.
today = today_in_iran


@dataclass(frozen=True)
class GuideScope:
    """A member acting as a guide, and the region ids of their area (None: nationwide).

    ``member`` is None only for read-only scripts (the CLI's listing); every change names its actor.
    """

    member: Member | None
    area: list[int] | None

    @property
    def actor(self) -> Member:
        assert self.member is not None, "a change needs the guide who makes it"
        return self.member

    def within(self, region_ids: Iterable[int]) -> GuideScope:
        """The same guide, narrowed to ``region_ids`` (only what is in both)."""
        wanted = set(region_ids)
        area = wanted if self.area is None else wanted & set(self.area)
        return GuideScope(member=self.member, area=sorted(area))

    @property
    def is_guide(self) -> bool:
        return self.area is None or bool(self.area)

    def covers(self, region_id: int | None) -> bool:
        return self.area is None or region_id in self.area

    def where(self, column: Any) -> ColumnElement[bool]:
        """``column`` (a region id) lies in the area: one condition, so every list is one query."""
        return true() if self.area is None else column.in_(self.area)


def scope_of(session: Session, member: Member) -> GuideScope:
    """Where ``member`` acts as a guide; an empty area when they are no guide anywhere."""
    return GuideScope(member=member, area=area_of(session, member, MANAGE))


def guide_scope(session: Session, member: Member) -> GuideScope:
    """``scope_of``, refusing a member who is no guide (the CLI names members by mobile)."""
    scope = scope_of(session, member)
    if not scope.is_guide:
        raise BadInput(
            _("%(name)s is not a guide anywhere.", name=member.name), fields={"member": _("Not a guide.")}
        )
    return scope


def area_regions(session: Session, scope: GuideScope) -> list[Region]:
    """The places a guide may record candidates in, provinces first then their places (for forms)."""
    return list(session.scalars(select(Region).where(scope.where(Region.id)).order_by(Region.code)))


# --- small checks ------------------------------------------------------------------------------


def whole_number(value: Any, field: str, low: int, high: int, errors: dict[str, Any]) -> int | None:
    text = to_latin_digits(str(value if value is not None else "")).strip()
    if isinstance(value, bool) or not text.isdecimal():
        errors[field] = _("Enter a whole number between %(low)d and %(high)d.", low=low, high=high)
        return None
    number = int(text)
    if not low <= number <= high:
        errors[field] = _("Enter a whole number between %(low)d and %(high)d.", low=low, high=high)
        return None
    return number


def paragraphs(text: Any) -> str:
    """Normalised text that keeps its line breaks (normalize_text folds every space into one)."""
    if not isinstance(text, str):
        return ""
    lines = [normalize_text(line) for line in text.replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def short_text(value: Any, field: str, limit: int, errors: dict[str, Any], *, required: bool) -> str:
    text = normalize_text(value) if isinstance(value, str) else ""
    if required and not text:
        errors[field] = _("Required.")
    elif len(text) > limit:
        errors[field] = _("At most %(max)d characters.", max=limit)
    return text


def read_day(value: date | str | None, field: str, errors: dict[str, Any]) -> date | None:
    """A date given as a date, or typed as a Jalali date (۱۴۰۴/۰۱/۳۱); None when left empty.

    A page hands the text as typed: a date is the one kind of text the guides' services read,
    with the host's Jalali reader, so a form and the API accept the same days.
    """
    if value is None or isinstance(value, date):
        return value
    if not str(value).strip():
        return None
    try:
        return parse_jalali_date(str(value), field=field)
    except BadInput as exc:
        errors[field] = exc.fields.get(field, exc.message)
        return None


def is_id(value: Any) -> bool:
    """A value that can be a row id: a URL may carry any number, PostgreSQL only 32-bit integers."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


def check_errors(errors: dict[str, Any]) -> None:
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)


def field_choices(session: Session) -> list[Any]:
    """The fields (رشته‌ها) a candidate's business can be in, from the cores registry."""
    return list(cores.fields(session))


def field_by_code(session: Session, code: Any, errors: dict[str, Any]) -> Any:
    wanted = code.strip().lower() if isinstance(code, str) else ""
    for found in cores.fields(session):
        if found.code == wanted:
            return found
    errors["field"] = _("Choose a field from the list.")
    return None


def region_in_area(session: Session, scope: GuideScope, ref: Any, errors: dict[str, Any]) -> Region | None:
    if ref in (None, ""):
        errors["region"] = _("Choose a place from the list.")
        return None
    try:
        region = get_region(session, ref)
    except (BadInput, NotFound):
        errors["region"] = _("Choose a place from the list.")
        return None
    if not scope.covers(region.id):
        errors["region"] = _("This place is outside your area.")
        return None
    return region
