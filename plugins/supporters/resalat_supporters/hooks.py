"""How the supporters plugin plugs into the host: wiring, Merat's credit signal, figures and demo."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import url_for
from resalat_centers.services import centres_query
from resalat_cores.services import ACTIVE, cores_of_member
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import (
    CreditSignal,
    Figure,
    Member,
    Permission,
    Registration,
    Tile,
    _l,
    db_session,
    find_member,
    grant_role,
    hookimpl,
    national_code_with_check_digit,
    register_member,
    to_persian_digits,
)
from resalat_supporters import plugin, services
from resalat_supporters.api import bp as api_bp
from resalat_supporters.cli import supporters as supporters_cli
from resalat_supporters.views import bp as pages_bp

SIGNAL_KIND = "credit_behaviour_sponsorship"


def _session_of(member: Member) -> Session:
    # The caller's own session, so what we read shares its transaction.
    return object_session(member) or db_session()


# --- wiring ------------------------------------------------------------------------------------


@hookimpl
def resalat_blueprints() -> list[Any]:
    return [pages_bp, api_bp]


@hookimpl
def resalat_cli() -> Any:
    return supporters_cli


@hookimpl
def resalat_permissions() -> list[Permission]:
    # Supporters hold these whatever their kind; the services check the kind each act needs.
    return [
        Permission("supporters.act", _l("Record support given"), ("supporter", "admin")),
        Permission(
            "supporters.introduce",
            _l("Introduce a core member for a Qard al-Hasan loan"),
            ("supporter", "admin"),
        ),
        Permission(
            "supporters.sponsor",
            _l("Sponsor a cooperation centre's credit behaviour"),
            ("supporter", "admin"),
        ),
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    # One query: the introductions waiting for this member's answer make the badge.
    awaiting = services.awaiting_count(_session_of(member), member)
    if services.kinds_of(member):
        description = _l("Record support, introduce for loans, sponsor centres")
    else:
        description = _l("Support you received and your loan introductions")
    return [
        Tile(
            title=plugin.title,
            url=url_for("supporters.home"),
            icon="hands",
            description=description,
            badge=awaiting or None,
            order=40,
        )
    ]


# --- questions ---------------------------------------------------------------------------------


@hookimpl(optionalhook=True)
def resalat_credit_signals(member: Member) -> list[CreditSignal]:
    """While a credit-behaviour supporter sponsors one of the member's centres, Merat hears of it."""
    count = services.sponsorships_covering(_session_of(member), member)
    if not count:
        return []
    return [
        CreditSignal(
            source=plugin.name,
            kind=SIGNAL_KIND,
            value=count,
            description_fa=(
                f"کانون همیاری این عضو از حمایت {to_persian_digits(str(count))} "
                "حامی بهبود رفتار اعتباری برخوردار است."
            ),
            description_en=f"Active credit-behaviour sponsorships of the member's centres: {count}.",
        )
    ]


@hookimpl
def resalat_stats() -> list[Figure]:
    count, total = services.introduction_totals(db_session())
    return [
        Figure(_l("Loan introductions"), count, _l("introductions")),
        Figure(_l("Amount asked by introductions"), total // 10, _l("tomans")),
    ]


# --- demo --------------------------------------------------------------------------------------

TOMAN = 10
# Light livestock in Gorg Tappeh: a flock worth 600 million tomans, a loan for Afshari ewes.
DEMO_ESTIMATE = 600_000_000 * TOMAN
DEMO_LOAN = 200_000_000 * TOMAN
DEMO_PURPOSE = "خرید ۱۰ رأس میش نژاد افشاری برای اصلاح نژاد گله و علوفه‌ی زمستان"
# A credit-behaviour supporter of their own: the host's personas have none.
SPONSOR_MOBILE = "09123330001"
SPONSOR_BODY = "033300001"
SPONSOR_NAME = "نرگس اعتمادی"
DEMO_PASSWORD = "resalat-1404"  # noqa: S105 (the demo personas' documented password)


def _demo_core(session: Session, world: Any, leader: Member) -> Any:
    core = (world.extras.get("cores") or {}).get("gharajehlou")
    if core is None:
        core = next((c for c in cores_of_member(session, leader) if c.status == ACTIVE), None)
    return core if core is not None and core.status == ACTIVE else None


def _demo_centre(session: Session, world: Any) -> Any:
    centre = (world.extras.get("centers") or {}).get("alghadir")
    if centre is None:
        centre = session.scalars(centres_query(q="الغدیر").limit(1)).first()
    return centre


@hookimpl
def resalat_demo(session: Any, world: Any) -> None:
    made: dict[str, Any] = {}
    today = services.today()
    supporter = world.members.get("supporter")
    leader = world.members.get("core_leader")
    core = _demo_core(session, world, leader) if leader is not None else None
    if supporter is not None and leader is not None and core is not None:
        introduction = services.introduce(
            session,
            supporter,
            core=core.code,
            mobile=leader.mobile,
            national_code=leader.national_code,
            estimate=DEMO_ESTIMATE,
            purpose=DEMO_PURPOSE,
            amount=DEMO_LOAN,
        )
        services.accept_introduction(session, leader, introduction.id)
        made["introduction"] = introduction
        made["actions"] = [
            services.record_action(
                session,
                supporter,
                kind="cultural",
                core=core.code,
                happened_on=today - timedelta(days=12),
                description="جلسه‌ی آشنایی با فرهنگ قرض‌الحسنه و کارآفرینی اجتماعی برای خانواده‌ی هسته",
                hours=3,
            ),
            services.record_action(
                session,
                supporter,
                kind="credit",
                member=leader.mobile,
                happened_on=today - timedelta(days=5),
                description="راهنمایی برای آماده کردن مدارک وام دام سبک و خرید سفته‌ی الکترونیکی",
                hours=1.5,
            ),
        ]
    sponsor = _demo_sponsor(session, world)
    made["credit_behaviour_supporter"] = sponsor
    centre = _demo_centre(session, world)
    if centre is not None:
        made["sponsorship"] = services.sponsor(
            session,
            sponsor,
            centre=centre.id,
            starts_on=today,
            ends_on=today + timedelta(days=364),
            note="تا اعضای کانون زودتر در مرآت اعتبارسنجی شوند",
        )
    world.extras["supporters"] = made


def _demo_sponsor(session: Session, world: Any) -> Member:
    """The credit-behaviour supporter of the demo, who works in Sistan and Baluchestan."""
    member = find_member(session, SPONSOR_MOBILE)
    if member is None:
        member = register_member(
            session,
            Registration(
                national_code=national_code_with_check_digit(SPONSOR_BODY),
                mobile=SPONSOR_MOBILE,
                name=SPONSOR_NAME,
                region="sistan-baluchestan/zabol",
                password=DEMO_PASSWORD,
            ),
        )
    grant_role(
        session, member, "supporter", region=world.region("sistan-baluchestan"), kind="credit_behaviour"
    )
    world.members.setdefault("credit_behaviour_supporter", member)
    return member
