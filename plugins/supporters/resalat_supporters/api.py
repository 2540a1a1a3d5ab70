"""The supporters JSON API: support actions, loan introductions and centre sponsorships."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, request

from resalat_core.sdk import (
    FieldReader,
    Member,
    api_doc,
    db_session,
    dump,
    format_date,
    load,
    login_required,
    me,
    page_args,
    permission_required,
    to_latin_digits,
)
from resalat_supporters import services
from resalat_supporters.models import Introduction, Sponsorship, SupportAction
from resalat_supporters.reading import read_minutes
from resalat_supporters.schemas import (
    ActionBodySchema,
    ActionSchema,
    CeilingQuerySchema,
    CeilingSchema,
    IntroductionBodySchema,
    IntroductionSchema,
    IntroductionsQuerySchema,
    MeSchema,
    ReasonSchema,
    SponsorshipBodySchema,
    SponsorshipSchema,
)

bp = Blueprint("supporters_api", __name__, url_prefix="/api/v1/supporters")


def _jalali(day: date) -> str:
    return to_latin_digits(format_date(day, lang="fa"))


def _person(m: Member | None) -> dict[str, Any] | None:
    return None if m is None else {"id": m.id, "name": m.name}


def _core(c: Any) -> dict[str, Any] | None:
    return None if c is None else {"id": c.id, "code": c.code, "name": c.name}


def _action(a: SupportAction) -> dict[str, Any]:
    return {
        "id": a.id,
        "kind": a.kind,
        "supporter": _person(a.supporter),
        "beneficiary_member": _person(a.beneficiary_member),
        "beneficiary_core": _core(a.beneficiary_core),
        "happened_on": a.happened_on,
        "happened_on_jalali": _jalali(a.happened_on),
        "description": a.description,
        "hours": a.hours,
        "amount_rials": a.amount,
        "created_at": a.created_at,
    }


def _introduction(i: Introduction) -> dict[str, Any]:
    return {
        "id": i.id,
        "status": i.status,
        "status_note": i.status_note,
        "supporter": _person(i.supporter),
        "member": _person(i.member),
        "core": _core(i.core),
        "estimate_rials": i.estimate,
        "amount_rials": i.amount,
        "ceiling_rials": i.ceiling,
        "purpose": i.purpose,
        "created_at": i.created_at,
        "answered_at": i.answered_at,
        "status_changed_at": i.status_changed_at,
    }


def _sponsorship(s: Sponsorship) -> dict[str, Any]:
    return {
        "id": s.id,
        "centre": {"id": s.centre.id, "name": s.centre.name},
        "starts_on": s.starts_on,
        "ends_on": s.ends_on,
        "starts_on_jalali": _jalali(s.starts_on),
        "ends_on_jalali": _jalali(s.ends_on),
        "note": s.note,
        "active": s.is_active_on(services.today()),
        "ended_at": s.ended_at,
        "created_at": s.created_at,
    }


def _listed(page: Any, shape: Any, schema: Any) -> dict[str, Any]:
    return {"items": dump(schema, [shape(x) for x in page.items], many=True), "meta": page.meta()}


def _optional_body(schema: Any) -> dict[str, Any]:
    """A body that may be left out entirely (declining needs no reason)."""
    return load(schema, request.get_json(silent=True) or {})


# --- me ----------------------------------------------------------------------------------------


@bp.get("/me")
@api_doc(summary="My supporter kinds, and how many introductions await my answer", response=MeSchema)
@login_required
def aboutme() -> Any:
    member = me()
    return dump(
        MeSchema,
        {
            "kinds": services.kinds_of(member),
            "awaiting_introductions": services.awaiting_count(db_session(), member),
        },
    )


# --- support actions ---------------------------------------------------------------------------


@bp.get("/actions")
@api_doc(summary="The support I gave, newest first", response=ActionSchema, paginated=True)
@permission_required("supporters.act")
def list_actions() -> Any:
    page, per_page = page_args()
    return _listed(services.actions_by(db_session(), me(), page, per_page), _action, ActionSchema)


@bp.post("/actions")
@api_doc(summary="Record support I gave", body=ActionBodySchema, response=ActionSchema, status=201)
@permission_required("supporters.act")
def create_action() -> Any:
    """The kind must be one I hold where the beneficiary is; name a member (mobile or national
    code) or a core (core ID), not both; the day is Jalali and not in the future."""
    data = load(ActionBodySchema)
    session = db_session()
    read = FieldReader()
    happened_on = read.day(data["happened_on"], "happened_on")
    minutes = read_minutes(read, data["hours"])
    action = read.run(
        lambda: services.record_action(
            session,
            me(),
            kind=data["kind"],
            member=data["member"],
            core=data["core"],
            happened_on=happened_on,
            description=data["description"],
            minutes=minutes,
            amount=data["amount"],
        )
    )
    session.commit()
    return dump(ActionSchema, _action(action)), 201


@bp.get("/actions/received")
@api_doc(
    summary="The support I received, directly or through my cores", response=ActionSchema, paginated=True
)
@login_required
def received_actions() -> Any:
    page, per_page = page_args()
    return _listed(services.actions_received(db_session(), me(), page, per_page), _action, ActionSchema)


# --- introductions -----------------------------------------------------------------------------


@bp.get("/introductions")
@api_doc(
    summary="My introductions and their outcome, newest first",
    response=IntroductionSchema,
    paginated=True,
    query={"status": "only introductions in this status"},
)
@permission_required("supporters.introduce")
def list_introductions() -> Any:
    args = load(IntroductionsQuerySchema, request.args.to_dict())
    page, per_page = page_args()
    result = services.introductions_by(
        db_session(), me(), status=args["status"], page=page, per_page=per_page
    )
    return _listed(result, _introduction, IntroductionSchema)


@bp.post("/introductions")
@api_doc(
    summary="Introduce a core member for a Qard al-Hasan loan",
    body=IntroductionBodySchema,
    response=IntroductionSchema,
    status=201,
)
@permission_required("supporters.introduce")
def create_introduction() -> Any:
    """Only credit supporters (403 otherwise). The mobile and national code must be one member's,
    who leads or works in the active core with this core ID; ``amount_rials`` may not exceed the
    ceiling (see ``/introductions/ceiling``). The introduction awaits the member's acceptance."""
    data = load(IntroductionBodySchema)
    session = db_session()
    introduction = services.introduce(
        session,
        me(),
        core=data["core"],
        mobile=data["mobile"],
        national_code=data["national_code"],
        estimate=data["estimate"],
        purpose=data["purpose"],
        amount=data["amount"],
    )
    session.commit()
    return dump(IntroductionSchema, _introduction(introduction)), 201


@bp.get("/introductions/ceiling")
@api_doc(
    summary="The most an introduction may ask for, for an estimated value",
    response=CeilingSchema,
    query={"estimate_rials": "the business's estimated value, rials"},
)
@permission_required("supporters.introduce")
def ceiling() -> Any:
    args = load(CeilingQuerySchema, request.args.to_dict())
    value = services.ceiling_for(args["estimate"])
    lim = services.limits()
    return dump(
        CeilingSchema,
        {
            "estimate_rials": args["estimate"],
            "ceiling_rials": value,
            "ratio_percent": lim.ratio_percent,
            "max_rials": lim.max_rials,
        },
    )


@bp.get("/introductions/received")
@api_doc(summary="Introductions of me, awaiting ones first", response=IntroductionSchema, paginated=True)
@login_required
def received_introductions() -> Any:
    page, per_page = page_args()
    result = services.introductions_of(db_session(), me(), page, per_page)
    return _listed(result, _introduction, IntroductionSchema)


@bp.get("/introductions/<int:introduction_id>")
@api_doc(summary="One introduction I made or received", response=IntroductionSchema)
@login_required
def show_introduction(introduction_id: int) -> Any:
    """Anyone else's id answers 404, as a missing one does."""
    return dump(
        IntroductionSchema, _introduction(services.visible_introduction(db_session(), me(), introduction_id))
    )


@bp.post("/introductions/<int:introduction_id>/accept")
@api_doc(summary="Accept an introduction of me", response=IntroductionSchema)
@login_required
def accept_introduction(introduction_id: int) -> Any:
    """It then counts, and the loans plugin may move it along. 409 if it is no longer awaiting."""
    session = db_session()
    introduction = services.accept_introduction(session, me(), introduction_id)
    session.commit()
    return dump(IntroductionSchema, _introduction(introduction))


@bp.post("/introductions/<int:introduction_id>/decline")
@api_doc(summary="Decline an introduction of me", body=ReasonSchema, response=IntroductionSchema)
@login_required
def decline_introduction(introduction_id: int) -> Any:
    data = _optional_body(ReasonSchema)
    session = db_session()
    introduction = services.decline_introduction(session, me(), introduction_id, data["reason"])
    session.commit()
    return dump(IntroductionSchema, _introduction(introduction))


@bp.post("/introductions/<int:introduction_id>/withdraw")
@api_doc(summary="Withdraw one of my introductions", body=ReasonSchema, response=IntroductionSchema)
@permission_required("supporters.introduce")
def withdraw_introduction(introduction_id: int) -> Any:
    """A reason is required; possible until the member has requested the loan (409 after)."""
    data = _optional_body(ReasonSchema)
    session = db_session()
    introduction = services.withdraw_introduction(session, me(), introduction_id, data["reason"])
    session.commit()
    return dump(IntroductionSchema, _introduction(introduction))


# --- sponsorships ------------------------------------------------------------------------------


@bp.get("/sponsorships")
@api_doc(summary="My centre sponsorships, newest first", response=SponsorshipSchema, paginated=True)
@permission_required("supporters.sponsor")
def list_sponsorships() -> Any:
    page, per_page = page_args()
    return _listed(
        services.sponsorships_by(db_session(), me(), page, per_page), _sponsorship, SponsorshipSchema
    )


@bp.post("/sponsorships")
@api_doc(
    summary="Sponsor a cooperation centre for a period",
    body=SponsorshipBodySchema,
    response=SponsorshipSchema,
    status=201,
)
@permission_required("supporters.sponsor")
def create_sponsorship() -> Any:
    """Only credit-behaviour supporters (403 otherwise). Days are Jalali, both included; the end
    may not be before the start nor in the past. While it runs, every member of the centre has a
    credit signal for Merat."""
    data = load(SponsorshipBodySchema)
    session = db_session()
    read = FieldReader()
    starts_on = read.day(data["starts_on"], "starts_on")
    ends_on = read.day(data["ends_on"], "ends_on")
    sponsorship = read.run(
        lambda: services.sponsor(
            session,
            me(),
            centre=data["centre"],
            starts_on=starts_on,
            ends_on=ends_on,
            note=data["note"],
        )
    )
    session.commit()
    return dump(SponsorshipSchema, _sponsorship(sponsorship)), 201


@bp.post("/sponsorships/<int:sponsorship_id>/end")
@api_doc(summary="End one of my sponsorships now", response=SponsorshipSchema)
@permission_required("supporters.sponsor")
def end_sponsorship(sponsorship_id: int) -> Any:
    session = db_session()
    sponsorship = services.end_sponsorship(session, me(), sponsorship_id)
    session.commit()
    return dump(SponsorshipSchema, _sponsorship(sponsorship))
