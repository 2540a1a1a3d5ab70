"""The host's pages: the home screen (next steps, then tiles), the language switch, health and error pages."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user

from resalat_core.access import permission_required, public
from resalat_core.db import db_session
from resalat_core.i18n import LANGUAGES
from resalat_core.plugins.activation import is_active, region_hook
from resalat_core.plugins.base import NextStep, Tile
from resalat_core.web.membercache import cached_items, cached_page, member_cache
from resalat_core.web.safety import safe_next

log = logging.getLogger(__name__)

bp = Blueprint("web", __name__)


def home_tiles(member: Any) -> list[Tile]:
    """The tiles of the modules active in ``member``'s region, in a stable order (cached per
    member: see ``membercache``)."""

    def compute() -> list[Tile]:
        caller = region_hook("resalat_tiles", member)
        tiles = [tile for result in caller(member=member) for tile in (result or [])]
        return sorted(tiles, key=lambda t: (t.order, str(t.title)))

    return cached_items(member, "tiles", compute, Tile)


def next_steps(member: Any) -> list[NextStep]:
    """The "what to do next" cards of the modules active in ``member``'s region, most urgent first
    (ties by title, so the order is stable; cached per member)."""

    def compute() -> list[NextStep]:
        caller = region_hook("resalat_next_steps", member)
        steps = [step for result in caller(member=member) for step in (result or [])]
        return sorted(steps, key=lambda s: (-s.priority, str(s.title)))

    return cached_items(member, "steps", compute, NextStep)


@bp.get("/")
@public
def home() -> Any:
    if not current_user.is_authenticated:
        return render_template("core/welcome.html")
    # Everything on it is the member's (name, place, next steps, tiles, the bar): kept whole under
    # their generation when the member cache is on.
    member = current_user
    return cached_page(
        member,
        "home",
        lambda: render_template("core/home.html", steps=next_steps(member), tiles=home_tiles(member)),
    )


@bp.get("/lang/<code>")
@public
def set_language(code: str) -> Any:
    """Switch the interface language (Persian or English) and go back where the member was."""
    if code in LANGUAGES:
        session["lang"] = code
        if current_user.is_authenticated and current_user.language != code:
            current_user.language = code
            db_session().commit()
    return redirect(safe_next(request.args.get("next")) or url_for("web.home"))


@bp.get("/healthz")
@public
def health() -> Any:
    """Liveness: this worker answers requests. It asks nothing of the database or the cache, so a
    load balancer or supervisor may call it as often as it likes, and a database that is down does
    not make every worker look dead (restarting them would not bring it back): ``/readyz`` says
    whether a worker can serve."""
    return {"status": "ok"}


@bp.get("/readyz")
@public
def ready() -> Any:
    """Readiness: the database answers (and the member cache, when one is set); 503 naming what
    does not, so a load balancer sends no member to a machine that cannot serve them."""
    from sqlalchemy import text

    from resalat_core.db import get_db, is_sqlite

    checks: dict[str, str] = {}
    try:
        engine = get_db().engine
        if is_sqlite(engine):
            # The embedded set-up begins its transactions itself (resalat_core.db); no round trip.
            db_session().execute(text("SELECT 1"))
        else:
            # One round trip: no transaction to begin and roll back around the probe's statement.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - what a probe reports, not a failure of the probe
        log.warning("readiness: the database does not answer", exc_info=True)
        checks["database"] = "unavailable"
    cache = member_cache()
    if cache is not None:
        try:
            cache.client.ping()
            checks["member_cache"] = "ok"
        except Exception:  # noqa: BLE001
            log.warning("readiness: the member cache does not answer", exc_info=True)
            checks["member_cache"] = "unavailable"
    ok = all(state == "ok" for state in checks.values())
    return {"status": "ok" if ok else "unavailable", **checks}, 200 if ok else 503


@dataclass(frozen=True)
class Section:
    """One plugin's part of the dashboard."""

    plugin: str
    title: str
    figures: list[Any]


def dashboard_sections(member: Any) -> list[Section]:
    """Every active plugin's figures, counted within the area where ``member`` oversees them.

    Each plugin is asked on its own, so one that fails is logged and left out; the rest show.
    """
    from flask import current_app

    from resalat_core.members.services import area_of

    session = db_session()
    area = area_of(session, member, "core.dashboard.view")
    manager = current_app.extensions["resalat"].plugins
    sections = []
    for name, impl in manager.impls("resalat_stats"):
        if not is_active(name, member):
            continue
        try:
            with session.begin_nested():
                figures = list(impl(session=session, area=area) or [])
        except Exception:
            log.exception("the figures of %s could not be counted", name)
            continue
        plugin = manager.plugin(name)
        if figures and plugin is not None:
            sections.append(Section(name, str(plugin.title), figures))
    return sections


@bp.get("/admin")
@permission_required("core.dashboard.view")
def dashboard() -> Any:
    """The administrators' dashboard: each sub-system's figures within the admin's area."""
    return render_template(
        "core/dashboard.html",
        sections=dashboard_sections(current_user),
        reads_outbox=_reads_outbox(db_session(), current_user),
    )


def _reads_outbox(session: Any, member: Any) -> bool:
    """Does ``member`` hold ``core.sms.view`` nationwide (the only way it may be used)?"""
    from resalat_core.access import can
    from resalat_core.members.services import area_of

    return can("core.sms.view", member=member) and area_of(session, member, "core.sms.view") is None


@bp.get("/admin/sms")
@permission_required("core.sms.view")
def sms_outbox() -> Any:
    """The SMS outbox, newest first: what the ``outbox`` provider kept instead of sending."""
    from resalat_core.errors import NotAllowed
    from resalat_core.i18n import _
    from resalat_core.pagination import page_args
    from resalat_core.sms.services import outbox_page

    session = db_session()
    # Messages carry every member's recovery codes, whatever their region: a regional admin would
    # be able to take over accounts outside their area, so only a nationwide holder reads them.
    if not _reads_outbox(session, current_user):
        raise NotAllowed(_("Only a nationwide administrator may read the text message outbox."))
    page, per_page = page_args()
    return render_template("core/sms_outbox.html", page=outbox_page(session, page, per_page))


def render_error(status: int, message: str) -> Any:
    return render_template("core/error.html", status=status, message=message), status


def _module_area(session: Any) -> list[Any]:
    """The provinces where the signed-in admin may switch modules (every one for a nationwide admin)."""
    from sqlalchemy import select

    from resalat_core.members.services import area_of
    from resalat_core.regions.models import Region

    area = area_of(session, current_user, "core.modules.manage")
    query = select(Region).where(Region.parent_id.is_(None)).order_by(Region.code)
    if area is not None:
        query = query.where(Region.id.in_(area))
    return list(session.scalars(query))


@bp.route("/admin/modules", methods=["GET", "POST"])
@permission_required("core.modules.manage")
def modules() -> Any:
    """Switch each sub-system on or off in a province: what the CLI's ``resalat modules`` does."""
    from flask import abort, current_app

    from resalat_core.i18n import _
    from resalat_core.plugins.activation import load_activation, set_module
    from resalat_core.web.edge import handle_form

    session = db_session()
    provinces = _module_area(session)
    if not provinces:
        abort(403)
    by_code = {p.code: p for p in provinces}
    code = request.values.get("region", "")
    if code and code not in by_code:
        abort(403)  # a province outside the admin's area (or none at all)
    province = by_code.get(code, provinces[0])
    host = current_app.extensions["resalat"]
    # A module with neither pages nor hooks (one that only declares words) shows members nothing:
    # there is nothing to switch.
    with_pages = set(host.blueprint_owner.values())
    switchable = [r for r in host.plugins.loaded if r.hooks is not None or r.name in with_pages]

    def page(errors: dict[str, str] | None = None, status: int = 200) -> Any:
        snap = load_activation(session)
        rows = [(r.name, str(r.plugin.title), snap.is_active(r.name, province)) for r in switchable]
        return render_template(
            "core/modules.html",
            provinces=provinces,
            province=province,
            rows=rows,
            errors=errors or {},
        ), status

    if request.method == "GET":
        return page()
    module = request.form.get("module", "")
    enabled = request.form.get("enabled") == "1"

    def act(s: Any) -> str:
        set_module(s, module, enabled=enabled, region=province)
        return module

    return handle_form(
        act,
        again=lambda errors, status: page(errors, status),
        to=url_for("web.modules", region=province.code),
        done=_("Switched on.") if enabled else _("Switched off."),
    )
