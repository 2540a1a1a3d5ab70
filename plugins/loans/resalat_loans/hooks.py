"""How the loans plugin plugs into the host: wiring, tiles, next steps, Merat's signals, figures, demo."""

from __future__ import annotations

from typing import Any

from flask import g, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import (
    AuditAction,
    CreditSignal,
    Day,
    Figure,
    Member,
    Money,
    Named,
    NavItem,
    NextStep,
    Number,
    PeriodicJob,
    Permission,
    Reference,
    Region,
    SignalKind,
    Tile,
    _,
    _l,
    can,
    current_member,
    db_session,
    hookimpl,
)
from resalat_loans import plugin, services
from resalat_loans.api import bp as api_bp
from resalat_loans.cli import RUN_DUE
from resalat_loans.cli import loans as loans_cli
from resalat_loans.demo import add_rows, load_demo
from resalat_loans.models import DISBURSED, REQUESTED, Instalment, Loan
from resalat_loans.mydata import resalat_closing_blockers as resalat_closing_blockers
from resalat_loans.mydata import resalat_member_data as resalat_member_data
from resalat_loans.views import DECIDE
from resalat_loans.views import bp as pages_bp


def _session_of(member: Member) -> Session:
    # The caller's own session, so what we read shares its transaction.
    return object_session(member) or db_session()


@hookimpl
def resalat_blueprints() -> list[Any]:
    return [pages_bp, api_bp]


@hookimpl
def resalat_cli() -> Any:
    return loans_cli


@hookimpl
def resalat_periodic_jobs() -> list[PeriodicJob]:
    # After midnight in Tehran, so that the day's reminders reach members in the morning.
    return [
        PeriodicJob(
            RUN_DUE,
            _l("Loans: reminders, delinquency buckets and guarantees"),
            "30 0 * * *",
            plan=services.plan_run_due,
            run_chunk=services.run_due_chunk,
        )
    ]


@hookimpl
def resalat_permissions() -> list[Permission]:
    return [
        Permission("loans.decide", _l("Review and decide loan requests"), ("credit_officer", "admin")),
        Permission("loans.admin", _l("Define and edit loan products"), ("admin",)),
        Permission(
            "loans.follow", _l("Follow the loans of the members one introduced"), ("supporter", "admin")
        ),
    ]


@hookimpl
def resalat_audit_actions() -> list[AuditAction]:
    return [
        AuditAction("loans.approved", _l("Loan approved and paid out")),
        AuditAction("loans.rejected", _l("Loan request rejected")),
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    # One query: the member's running loans make the badge.
    running = (
        _session_of(member).scalar(
            select(func.count(Loan.id)).where(Loan.member_id == member.id, Loan.status == DISBURSED)
        )
        or 0
    )
    tiles = [
        Tile(
            title=plugin.title,
            url=url_for("loans.home"),
            icon=plugin.icon,
            description=_l("My loans, instalments and loan requests"),
            badge=running or None,
            order=35,
        )
    ]
    if can("loans.decide", member=member):
        tiles.append(
            Tile(
                title=_l("Loan requests"),
                url=url_for("loans.officer_queue"),
                icon="inbox",
                description=_l("Loan requests of your area"),
                order=36,
            )
        )
    if can("loans.admin", member=member):
        tiles.append(
            Tile(
                title=_l("Loan products"),
                url=url_for("loans.products"),
                icon="sliders",
                description=_l("Define Qard al-Hasan loan products and programmes"),
                order=37,
            )
        )
    return tiles


@hookimpl
def resalat_introduction_next_steps(introduction: Any, viewer: Member) -> list[NavItem]:
    """After accepting an introduction, the member goes straight to the request form for it."""
    if viewer.id != introduction.member_id or introduction.status not in services.OPEN_FOR_A_LOAN:
        return []
    url = url_for("loans.new", introduction=introduction.id)
    return [NavItem(title=_l("Ask for this loan"), url=url, icon="cash-coin")]


@hookimpl
def resalat_next_steps(member: Member) -> list[NextStep]:
    """An officer's queue, the member's next instalment, a request waiting for its decision and an
    introduction waiting for its request: a few indexed queries, none growing with the history."""
    session = _session_of(member)
    steps = []
    if can("loans.decide", member=member):
        waiting = (
            session.scalar(
                select(func.count()).select_from(
                    services.queue_query(session, member, status=REQUESTED).order_by(None).subquery()
                )
            )
            or 0
        )
        if waiting:
            steps.append(
                NextStep(
                    _l("Loan requests waiting for your decision"),
                    _l("Requests in your area: %(count)s", count=Number(waiting)),
                    url_for("loans.officer_queue"),
                    priority=80,
                    icon="inbox",
                )
            )
    due = session.execute(
        select(Instalment.loan_id, Instalment.due_on, Instalment.principal + Instalment.fee)
        .join(Loan, Loan.id == Instalment.loan_id)
        .where(Loan.member_id == member.id, Loan.status == DISBURSED, Instalment.paid_at.is_(None))
        .order_by(Instalment.due_on, Instalment.id)
        .limit(1)
    ).first()
    if due is not None:
        loan_id, due_on, amount = due
        late = due_on < services.today()
        steps.append(
            NextStep(
                _l("Your instalment is overdue") if late else _l("Your next instalment"),
                _l("%(amount)s, due on %(day)s", amount=Money(amount), day=Day(due_on)),
                url_for("loans.confirm_pay", loan_id=loan_id),
                priority=100 if late else 70,
                icon="calendar-check",
            )
        )
    asked = session.execute(
        select(Loan.id, Loan.amount).where(Loan.member_id == member.id, Loan.status == REQUESTED).limit(1)
    ).first()
    if asked is not None:
        steps.append(
            NextStep(
                _l("Your loan request is with the credit officer"),
                _l("%(amount)s asked for; you will be told of the decision.", amount=Money(asked.amount)),
                url_for("loans.loan", loan_id=asked.id),
                priority=30,
                icon="hourglass-split",
            )
        )
    else:
        # A supporter's introduction the member accepted and has not yet asked a loan for.
        intro = next(iter(services.open_introductions(session, member)), None)
        if intro is not None:
            steps.append(
                NextStep(
                    _l("Ask for the loan you were introduced for"),
                    _l(
                        "A supporter introduced you for %(amount)s: finish your request.",
                        amount=Money(intro.amount),
                    ),
                    url_for("loans.new", introduction=intro.id),
                    priority=90,
                    icon="cash-coin",
                )
            )
    return steps


@hookimpl
def resalat_credit_signal_kinds() -> list[SignalKind]:
    """Repayment history's signals, with their default weights (loans requires Merat)."""
    return list(services.SIGNAL_KINDS)


@hookimpl
def resalat_credit_signals(member: Member) -> list[CreditSignal]:
    """Repayment history: instalments on time, late and overdue, and loans repaid."""
    return services.credit_signals(_session_of(member), member)


@hookimpl
def resalat_credit_signals_many(session: Session, members: list[Member]) -> dict[int, list[CreditSignal]]:
    """The same for a whole chunk of members, in two queries (Merat's refresh)."""
    return services.credit_signals_many(session, [m.id for m in members])


@hookimpl
def resalat_stats(session: Session, area: list[int] | None) -> list[Figure]:
    lent, total, repaid = services.figures(session, area)
    # Keyed: the stats plugin keeps their history (the brochure's loans, and money by programme).
    return [
        Figure(_l("Loans paid out"), lent, unit=_l("loans"), key="loans_granted"),
        Figure(_l("Amount lent"), total, money=True, key="amount_lent"),
        Figure(_l("Loans repaid"), repaid, unit=_l("loans"), key="loans_repaid"),
        *(
            Figure(
                _l("Amount lent in %(product)s", product=Named(p.name_fa, p.name_en)),
                amount,
                money=True,
                key=f"amount_lent_{p.code}",
            )
            for p, _n, amount in services.lent_by_product(session, area)
        ),
    ]


@hookimpl
def resalat_demo(session: Session, world: Any) -> None:
    load_demo(session, world)


@hookimpl
def resalat_demo_rows(session: Session, world: Any, rows: int) -> None:
    add_rows(session, world, rows)


@hookimpl
def resalat_reference(kind: str, ident: int) -> Reference | None:
    """A stored "loan:12" (a Merat request's reason, a note's pledge) named as the loan it is."""
    if kind != "loan":
        return None
    name = _("Qard al-Hasan loan no. %(number)s", number=ident)
    found = _whose(ident)
    if found is None:
        return Reference(name=name)
    member_id, region_id = found
    viewer = current_member()
    if viewer is not None and viewer.id == member_id:
        return Reference(name=name, url=url_for("loans.loan", loan_id=ident))
    if viewer is not None and _may_decide_in(viewer, region_id):
        return Reference(name=name, url=url_for("loans.decision", loan_id=ident))
    return Reference(name=name)  # someone else's loan: named, not opened


def _may_decide_in(viewer: Member, region_id: int) -> bool:
    """Whether the viewer decides loans in the region, asked once a request for each region (a
    page of one member's references names loans of one or two regions)."""
    asked: dict[tuple[int, int], bool] = g.setdefault("loans_may_decide", {})
    if (viewer.id, region_id) not in asked:
        asked[viewer.id, region_id] = can(DECIDE, db_session().get(Region, region_id), member=viewer)
    return asked[viewer.id, region_id]


def _whose(ident: int) -> tuple[int, int] | None:
    """(member, region) of loan ``ident``, or None. The references a page lists are one member's
    records (Merat's requests of a member, each naming its loan), so the first look-up reads every
    loan of that member, and the rest of the page is named without a query: once a request."""
    known: dict[int, tuple[int, int]] = g.setdefault("loans_whose", {})
    if ident not in known:
        session = db_session()
        owner = session.scalar(select(Loan.member_id).where(Loan.id == ident))
        if owner is None:
            return None
        rows = session.execute(select(Loan.id, Loan.member_id, Loan.region_id).where(Loan.member_id == owner))
        known.update({loan_id: (member_id, region_id) for loan_id, member_id, region_id in rows})
    return known.get(ident)
