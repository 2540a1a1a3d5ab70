"""Loading and looking up regions."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from resalat_core.errors import NotFound
from resalat_core.i18n import _
from resalat_core.regions.models import Region

DATA = Path(__file__).with_name("data.json")


def region_data() -> list[dict[str, Any]]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def load_regions(session: Session) -> tuple[int, int]:
    """Insert or update the 31 provinces and their places; returns (added, updated)."""
    existing = {r.code: r for r in session.scalars(select(Region))}
    added = updated = 0

    def upsert(code: str, name_fa: str, name_en: str, kind: str, parent: Region | None) -> Region:
        nonlocal added, updated
        region = existing.get(code)
        if region is None:
            region = Region(code=code, name_fa=name_fa, name_en=name_en, kind=kind, parent=parent)
            session.add(region)
            existing[code] = region
            added += 1
        elif (region.name_fa, region.name_en, region.kind) != (name_fa, name_en, kind):
            region.name_fa, region.name_en, region.kind = name_fa, name_en, kind
            updated += 1
        return region

    for province in region_data():
        prov = upsert(province["code"], province["name_fa"], province["name_en"], "province", None)
        for place in province.get("places", []):
            upsert(place["code"], place["name_fa"], place["name_en"], place["kind"], prov)
    session.flush()
    if added or updated:
        from resalat_core.web.membercache import touch_modules

        # Every worker's kept region pickers (``region_choices``), once this commits.
        touch_modules(session)
    return added, updated


def get_region(session: Session, ref: str | int | Region) -> Region:
    """A region by id or code; NotFound with a clear message otherwise."""
    if isinstance(ref, Region):
        return ref
    region = None
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdecimal()):
        region = session.get(Region, int(ref))
    elif isinstance(ref, str):
        region = session.scalar(select(Region).where(Region.code == ref.strip().lower()))
    if region is None:
        raise NotFound(_("No region has the code %(code)s.", code=ref), code="unknown_region")
    return region


def covers(outer: Region | None, inner: Region | None) -> bool:
    """Does ``outer`` cover ``inner``: the same region, its province, or nationwide (None)?"""
    if outer is None:
        return True
    if inner is None:
        return False
    return outer.id in (inner.id, inner.parent_id)


def ids_under(session: Session, regions: Iterable[Region | int]) -> list[int]:
    """The ids of ``regions`` and of every place under them, in one query."""
    ids = [r.id if isinstance(r, Region) else int(r) for r in regions]
    if not ids:
        return []
    return list(
        session.scalars(
            select(Region.id).where(Region.id.in_(ids) | Region.parent_id.in_(ids)).order_by(Region.id)
        )
    )


def _kept_rows(session: Session) -> list[tuple[int, str, int | None, str, str]]:
    """(id, code, parent id, Persian name, English name) of every region in picker order, kept by
    the worker between requests (``kept_by_worker``)."""
    from resalat_core.web.membercache import kept_by_worker

    def rows() -> list[tuple[int, str, int | None, str, str]]:
        return [(r.id, r.code, r.parent_id, r.name_fa, r.name_en) for r in all_regions(session)]

    return kept_by_worker("regions", rows)


def region_choices(
    session: Session, lang: str = "fa", within: list[int] | None = None
) -> list[tuple[str, str]]:
    """(code, label) pairs for a region picker: each province, then its places indented.

    ``within`` keeps only those region ids (an area from ``area_of``); None keeps all. The rows
    are kept by the worker between requests: 158 regions were read on every search page.
    """
    keep = None if within is None else set(within)
    return [
        (code, f"— {label}" if parent_id else label)
        for region_id, code, parent_id, name_fa, name_en in _kept_rows(session)
        if keep is None or region_id in keep
        for label in [name_fa if lang == "fa" else name_en]
    ]


def kept_names(session: Session) -> dict[int, dict[str, str]] | None:
    """Every region's names by id, as this worker keeps them (``name_fa``, ``name_en``); None
    without the member cache, where nothing is kept between requests."""
    from resalat_core.web.membercache import kept_by_worker, modules_generation

    if modules_generation() is None:
        return None
    # Kept as it is: ``place`` asks for it once a row.
    return kept_by_worker(
        "region-names",
        lambda: {rid: {"name_fa": fa, "name_en": en} for rid, _code, _parent, fa, en in _kept_rows(session)},
    )


def provinces(session: Session) -> list[Region]:
    return list(session.scalars(select(Region).where(Region.parent_id.is_(None)).order_by(Region.code)))


def places_of(session: Session, province: Region) -> list[Region]:
    return list(session.scalars(select(Region).where(Region.parent_id == province.id).order_by(Region.code)))


def all_regions(session: Session) -> list[Region]:
    """Provinces, each followed by its places: for select boxes."""
    rows = list(session.scalars(select(Region).order_by(Region.code)))
    children: dict[int, list[Region]] = {}
    for r in rows:
        if r.parent_id is not None:
            children.setdefault(r.parent_id, []).append(r)
    ordered: list[Region] = []
    for r in rows:
        if r.parent_id is None:
            ordered.append(r)
            ordered.extend(children.get(r.id, []))
    return ordered
