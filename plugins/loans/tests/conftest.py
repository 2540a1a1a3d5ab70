"""Fixtures for the loans tests: Jafar's livestock core in Gorg Tappeh, his supporter, the Zanjan officer.

Each helper works in an app context and a transaction of its own, committed before it returns, the
way another request would (holding the ``session`` fixture across client requests would keep a
SQLite write transaction open and lock the requests out).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from itertools import count
from typing import Any

import pytest
from flask import Flask
from resalat_bazaar import services as bazaar
from resalat_cores import services as cores
from resalat_deposits import services as deposits
from resalat_icap import services as icap
from resalat_loans import services
from resalat_loans.demo import PRODUCTS
from resalat_loans.models import Instalment, Loan, LoanEvent, LoanGuarantee, Payment
from resalat_merat import services as merat
from resalat_supporters import services as supporters
from sqlalchemy import func, select, update

from resalat_core.sdk import Account, Entry, Member, Transfer, get_region, hookimpl, utcnow, verify_ledger
from resalat_core.testing import work

TOMAN = 10
_n = count(1)
Note = icap.Note
Intro = supporters.Introduction


@dataclass
class World:
    """The people of a loan: the member (a core leader), a credit supporter, the officer, an admin."""

    app: Flask
    member: int
    supporter: int
    officer: int
    admin: int
    core_code: str
    give: Callable[..., Any]

    def top_up(self, member_id: int, tomans: int) -> None:
        """Money the member brings in (the host's ``top_up``)."""
        self.give(member_id, rials=tomans * TOMAN)

    def profile(self, member_id: int, income: int = 100_000_000, expenses: int = 20_000_000) -> None:
        """A declared month (tomans) in Merat: the surplus sets the repayment capacity."""
        with work(self.app) as s:
            merat.save_profile(
                s, s.get(Member, member_id), monthly_income=income * TOMAN, monthly_expenses=expenses * TOMAN
            )

    def introduce(self, tomans: int = 200_000_000) -> int:
        """The credit supporter introduces the member; the member accepts. The introduction's id."""
        with work(self.app) as s:
            member = s.get(Member, self.member)
            intro = supporters.introduce(
                s,
                s.get(Member, self.supporter),
                core=self.core_code,
                mobile=member.mobile,
                national_code=member.national_code,
                estimate=tomans * 3 * TOMAN,
                purpose="خرید ده رأس میش افشاری و علوفه",
                amount=tomans * TOMAN,
            )
            supporters.accept_introduction(s, member, intro.id)
            return intro.id

    def note(self, member_id: int | None = None, rials: int = 250_000_000 * TOMAN) -> int:
        """An iCAP note the member issues (stamp duty from the main account)."""
        member_id = member_id or self.member
        with work(self.app) as s:
            note = icap.issue_note(
                s,
                s.get(Member, member_id),
                amount=rials,
                due_date=None,
                payee_name="",
                payee_code="",
                purpose="تضمین وام",
                place_of_payment="زنجان",
                guarantors=[],
                key=f"test:note:{next(_n)}",
            )
            return note.id

    def points(self, member_id: int, tomans: int, days_ago: int = 200) -> None:
        """A Qard al-Hasan deposit made ``days_ago`` (its entries moved back: time makes points)."""
        self.top_up(member_id, tomans)
        with work(self.app) as s:
            t = deposits.deposit(s, s.get(Member, member_id), tomans * TOMAN, key=f"test:dep:{next(_n)}")
            s.execute(
                update(Entry)
                .where(Entry.transfer_id == t.id)
                .values(created_at=utcnow() - timedelta(days=days_ago))
            )

    def request(self, member_id: int | None = None, **kw: Any) -> int:
        member_id = member_id or self.member
        kw.setdefault("key", f"test:req:{next(_n)}")
        with work(self.app) as s:
            return services.request_loan(s, s.get(Member, member_id), **kw).id

    def decide(self, loan_id: int, approve: bool = True, reason: str = "", officer: int | None = None) -> str:
        with work(self.app) as s:
            return services.decide(
                s, s.get(Member, officer or self.officer), loan_id, approve=approve, reason=reason
            ).status

    def pay(self, loan_id: int, member_id: int | None = None, **kw: Any) -> int:
        kw.setdefault("key", f"test:pay:{next(_n)}")
        with work(self.app) as s:
            return services.pay(s, s.get(Member, member_id or self.member), loan_id, **kw).id

    def shift(self, loan_id: int, days: int) -> None:
        """The calendar runs on: every unpaid instalment of the loan falls due ``days`` earlier."""
        with work(self.app) as s:
            for item in s.scalars(
                select(Instalment).where(Instalment.loan_id == loan_id, Instalment.paid_at.is_(None))
            ):
                item.due_on -= timedelta(days=days)

    def run_due(self, day: Any) -> dict[str, int]:
        with work(self.app) as s:
            return services.run_due(s, day).as_dict()

    def loan(self, loan_id: int) -> dict[str, Any]:
        with work(self.app) as s:
            loan = s.get(Loan, loan_id)
            return {
                "status": loan.status,
                "bucket": loan.bucket,
                "amount": loan.amount,
                "fee": loan.fee,
                "account_id": loan.account_id,
                "note_id": loan.note_id,
                "introduction_id": loan.introduction_id,
                "schedule": [(i.seq, i.due_on, i.principal, i.fee, i.paid_on) for i in loan.schedule],
            }

    def balance(
        self, member_id: int | None = None, *, account_id: int | None = None, code: str | None = None
    ) -> int:
        with work(self.app) as s:
            if account_id is not None:
                return s.get(Account, account_id).posted
            code = code or f"member:{member_id}:main"
            return s.scalar(select(Account.posted).where(Account.code == code)) or 0

    def verify(self) -> bool:
        with work(self.app) as s:
            report = verify_ledger(s)
            assert report.ok, report.problems
            return True

    def snapshot(self) -> tuple[Any, ...]:
        """Rows of every loans table, ledger balances and transfers, note and introduction states."""
        with work(self.app) as s:
            return (
                tuple(s.execute(select(Loan.id, Loan.status, Loan.bucket)).all()),
                s.scalar(select(func.count(Instalment.id))),
                tuple(s.execute(select(Instalment.id, Instalment.paid_at)).all()),
                s.scalar(select(func.count(Payment.id))),
                s.scalar(select(func.count(LoanEvent.id))),
                s.scalar(select(func.count(LoanGuarantee.id))),
                tuple(s.execute(select(Account.code, Account.posted).order_by(Account.code)).all()),
                s.scalar(select(func.count(Transfer.id))),
                tuple(s.execute(select(Note.id, Note.status).order_by(Note.id)).all()),
                tuple(s.execute(select(Intro.id, Intro.status).order_by(Intro.id)).all()),
                s.scalar(select(func.count(merat.Score.id))),
            )


@pytest.fixture
def world(app: Flask, make_member: Callable[..., int], top_up: Callable[..., Any]) -> World:
    """Jafar leads an active livestock core in Gorg Tappeh; Hossein is his credit supporter; the
    Zanjan credit officer decides; the products are seeded and the loan fund holds money."""
    admin = make_member("admin", role_region=None, name="مدیر آزمایشی")
    jafar = make_member(name="جعفر قراجه‌لو")
    hossein = make_member("supporter", kind="credit", name="حسین حامی")
    officer = make_member("credit_officer", region="zanjan/zanjan", name="کارشناس اعتباری زنجان")
    with work(app) as s:
        cores.ensure_default_fields(s)
        core = cores.register_core(
            s,
            leader=s.get(Member, jafar),
            name="دامداری قراجه‌لو",
            field="livestock",
            region=get_region(s, "zanjan/gorg-tappeh"),
            existed_before=True,
        )
        cores.approve_core(s, core, actor=s.get(Member, admin))
        s.flush()
        code = core.code
        for product in PRODUCTS:
            services.save_product(s, dict(product))
        services.fund(s, 10_000_000_000 * TOMAN, key="test")
        bazaar.ensure_categories(s)
    w = World(app, jafar, hossein, officer, admin, code, top_up)
    w.top_up(jafar, 5_000_000)
    w.profile(jafar)
    return w


@pytest.fixture
def shop(app: Flask, make_member: Callable[..., int]) -> Callable[..., dict[str, int]]:
    """``shop()``: a Gorg Tappeh booth selling an Afshari ewe (livestock) and a carpet (textiles)."""

    def build() -> dict[str, int]:
        owner = make_member(name="فروشنده‌ی دام")
        with work(app) as s:
            seller = s.get(Member, owner)
            booth = bazaar.open_booth(
                s,
                seller,
                {
                    "name": "دام سبک گرگ‌تپه",
                    "description": "",
                    "region": "zanjan/gorg-tappeh",
                    "delivery_options": ["pickup"],
                },
            )
            ewe = bazaar.create_product(
                s,
                booth,
                seller,
                {
                    "title": "میش افشاری",
                    "category": "sheep",
                    "price": 150_000_000,  # 15,000,000 tomans, in rials
                    "stock": 20,
                    "programmes": ["livestock"],
                },
            )
            carpet = bazaar.create_product(
                s,
                booth,
                seller,
                {"title": "گلیم دستباف", "category": "handicrafts", "price": 30_000_000, "stock": 5},
            )
            return {"owner": owner, "booth": booth.id, "ewe": ewe.id, "carpet": carpet.id}

    return build


@pytest.fixture
def buy(app: Flask) -> Callable[..., list[int]]:
    """``buy(member_id, [(product_id, qty)], account_id)``: checkout with the loan's money."""

    def run(member_id: int, lines: list[tuple[int, int]], account_id: int, **kw: Any) -> list[int]:
        with work(app) as s:
            member = s.get(Member, member_id)
            for product_id, quantity in lines:
                bazaar.set_cart_quantity(s, member, product_id, quantity)
        with work(app) as s:
            result = bazaar.checkout(
                s,
                s.get(Member, member_id),
                bazaar.CheckoutRequest(
                    key=kw.pop("key", f"test:checkout:{next(_n)}"),
                    funding="earmarked",
                    earmarked_account_id=account_id,
                    address="زنجان، گرگ‌تپه",
                    delivery=kw.pop("delivery", {}),
                ),
            )
            return [o.id for o in result.orders]

    return run


class Told:
    """Hears what this plugin tells members, as a notification plugin would, and passes it on."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    @hookimpl
    def resalat_notify(self, member: Any, message: Any) -> None:
        if message.source == "loans":
            self.sent.append((member.id, message.kind.kind))
        return None  # not an answer: the notifications plugin, if any, still delivers it


@pytest.fixture
def notifications(app: Flask) -> Iterator[Callable[[int], list[str]]]:
    """``notifications(member_id)``: the kinds of what this plugin told the member, oldest first."""
    told = Told()
    pm = app.extensions["resalat"].plugins.pm
    pm.register(told, name="loans_test_told")
    try:
        yield lambda member_id: [kind for who, kind in told.sent if who == member_id]
    finally:
        pm.unregister(told)


@pytest.fixture
def person_mobile(app: Flask) -> Callable[[int], str]:
    """``person_mobile(member_id)``: the member's mobile, as a form would name them."""

    def read(member_id: int) -> str:
        with work(app) as s:
            return s.get(Member, member_id).mobile

    return read
