"""Fixtures for M-Bimeh's tests: Jafar's livestock core in Gorg Tappeh and his disbursed loan, the
Zanjan insurer, a funded pool.

Each helper works in an app context and a transaction of its own, committed before it returns, the
way another request would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import count
from typing import Any

import pytest
from flask import Flask
from resalat_bimeh import services
from resalat_bimeh.models import Claim, Offer, Policy, Premium
from resalat_cores import services as cores
from resalat_loans import services as loans
from sqlalchemy import func, select

from resalat_core.sdk import Account, Member, Transfer, get_region, hookimpl, verify_ledger
from resalat_core.testing import token_client, work

TOMAN = 10
_n = count(1)
# Loan products as a deployment might keep them: the livestock programme (what M-Bimeh offers
# livestock insurance on) and a general loan; no note, introduction or guarantor is needed here.
PRODUCTS: tuple[dict[str, Any], ...] = tuple(
    {
        "code": code,
        "name_fa": name_fa,
        "name_en": name_en,
        "programme": programme,
        "amount_min": 1_000_000 * TOMAN,
        "amount_max": 500_000_000 * TOMAN,
        "instalments_min": 3,
        "instalments_max": 36,
        "fee_bps": 200,
        "min_score": 0,
        "requires_note": False,
        "guarantors_required": 0,
        "uses_points": False,
        "introduction_required": False,
        "categories": ["livestock", "feed"],
    }
    for code, name_fa, name_en, programme in (
        ("livestock", "برنامه‌ی دام سبک", "Light livestock programme", "livestock"),
        ("general", "وام عمومی", "General loan", None),
    )
)


@dataclass
class World:
    """Jafar (a core leader with a livestock loan to ask for), the officer, the insurer, an admin."""

    app: Flask
    member: int
    officer: int
    insurer: int
    admin: int
    core_id: int
    core_code: str
    give: Callable[..., Any]

    def top_up(self, member_id: int, tomans: int) -> None:
        self.give(member_id, rials=tomans * TOMAN)

    def loan(self, tomans: int = 100_000_000, instalments: int = 12, product: str = "livestock") -> int:
        """A disbursed loan of Jafar's, approved by the Zanjan officer."""
        with work(self.app) as s:
            loan = loans.request_loan(
                s,
                s.get(Member, self.member),
                product=product,
                amount=tomans * TOMAN,
                instalments=instalments,
                key=f"test:req:{next(_n)}",
            )
            loans.decide(s, s.get(Member, self.officer), loan.id, approve=True, reason="")
            return loan.id

    def pay_loan(self, loan_id: int, count: int = 1) -> None:
        with work(self.app) as s:
            loans.pay(s, s.get(Member, self.member), loan_id, key=f"test:pay:{next(_n)}", count=count)

    def loan_status(self, loan_id: int) -> str:
        with work(self.app) as s:
            return s.get(loans.Loan, loan_id).status

    def offers(self, member_id: int | None = None) -> list[tuple[str, str, int]]:
        with work(self.app) as s:
            rows = s.execute(
                select(Offer.product, Offer.source, Offer.source_id)
                .where(Offer.member_id == (member_id or self.member))
                .order_by(Offer.id)
            ).all()
            return [tuple(r) for r in rows]

    def offer_id(self, product: str, member_id: int | None = None) -> int:
        with work(self.app) as s:
            return s.scalar(
                select(Offer.id).where(
                    Offer.member_id == (member_id or self.member), Offer.product == product
                )
            )

    def buy(self, product: str, member_id: int | None = None, **kw: Any) -> int:
        kw.setdefault("key", f"test:buy:{next(_n)}")
        with work(self.app) as s:
            return services.buy(s, s.get(Member, member_id or self.member), product=product, **kw).id

    def claim(self, policy_id: int, member_id: int | None = None, **kw: Any) -> int:
        kw.setdefault("key", f"test:claim:{next(_n)}")
        kw.setdefault("description", "دو رأس بره بر اثر بیماری تلف شدند.")
        kw.setdefault("loss_on", services.today())
        with work(self.app) as s:
            return services.file_claim(s, s.get(Member, member_id or self.member), policy_id, **kw).id

    def decide(self, claim_id: int, insurer: int | None = None, **kw: Any) -> str:
        with work(self.app) as s:
            return services.decide(s, s.get(Member, insurer or self.insurer), claim_id, **kw).status

    def policy(self, policy_id: int) -> dict[str, Any]:
        with work(self.app) as s:
            p = s.get(Policy, policy_id)
            return {
                "status": p.status,
                "product": p.product,
                "premium": p.premium,
                "insured_sum": services.insured_sum(s, p),
                "premiums": [(i.seq, i.amount, i.due_on, i.paid_on) for i in p.premiums],
                "starts_on": p.starts_on,
                "ends_on": p.ends_on,
            }

    def shift(self, policy_id: int, days: int) -> None:
        """The calendar runs on: the policy began ``days`` earlier, its instalments fall due earlier."""
        from datetime import timedelta

        with work(self.app) as s:
            p = s.get(Policy, policy_id)
            p.starts_on -= timedelta(days=days)
            p.ends_on -= timedelta(days=days)
            for item in p.premiums:
                item.due_on -= timedelta(days=days)

    def balance(self, member_id: int | None = None, *, code: str | None = None) -> int:
        with work(self.app) as s:
            code = code or f"member:{member_id or self.member}:main"
            return s.scalar(select(Account.posted).where(Account.code == code)) or 0

    def pool(self) -> int:
        with work(self.app) as s:
            return services.pool_balance(s)

    def fund(self, tomans: int) -> None:
        with work(self.app) as s:
            services.fund(s, tomans * TOMAN, key=f"test:fund:{next(_n)}")

    def verify(self) -> bool:
        with work(self.app) as s:
            report = verify_ledger(s)
            assert report.ok, report.problems
            return True

    def snapshot(self) -> tuple[Any, ...]:
        """Every M-Bimeh row that matters, balances and transfers: to prove a refusal changed nothing."""
        with work(self.app) as s:
            return (
                tuple(s.execute(select(Policy.id, Policy.status)).all()),
                tuple(s.execute(select(Premium.id, Premium.paid_at)).all()),
                tuple(s.execute(select(Claim.id, Claim.status, Claim.paid)).all()),
                tuple(s.execute(select(Offer.id, Offer.status)).all()),
                tuple(s.execute(select(Account.code, Account.posted).order_by(Account.code)).all()),
                s.scalar(select(func.count(Transfer.id))),
                tuple(s.execute(select(loans.Loan.id, loans.Loan.status)).all()),
            )

    def run_due(self, day: date | None = None) -> dict[str, int]:
        with work(self.app) as s:
            return services.run_due(s, day).as_dict()


@pytest.fixture
def world(app: Flask, make_member: Callable[..., int], top_up: Callable[..., Any]) -> World:
    admin = make_member("admin", role_region=None, name="مدیر آزمایشی")
    jafar = make_member(name="جعفر قراجه‌لو")
    officer = make_member("credit_officer", region="zanjan/zanjan", name="کارشناس اعتباری زنجان")
    insurer = make_member("bimeh_insurer", region="zanjan/zanjan", name="بیمه‌گر زنجان")
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
        core_id, code = core.id, core.code
        for product in PRODUCTS:
            loans.save_product(s, dict(product))
        loans.fund(s, 10_000_000_000 * TOMAN, key="test")
        services.fund(s, 2_000_000_000 * TOMAN, key="test:pool")
    w = World(app, jafar, officer, insurer, admin, core_id, code, top_up)
    w.top_up(jafar, 50_000_000)
    # Merat's repayment capacity (which loans asks for) comes from the month Jafar declares, told
    # through Merat's own API: M-Bimeh does not require Merat.
    answer = token_client(app, jafar).put(
        "/api/v1/merat/me/profile",
        json={"monthly_income_rials": 100_000_000 * TOMAN, "monthly_expenses_rials": 20_000_000 * TOMAN},
    )
    assert answer.status_code == 200, answer.get_json()
    return w


class Told:
    """Hears what M-Bimeh tells members, as a notification plugin would."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    @hookimpl
    def resalat_notify(self, member: Any, message: Any) -> None:
        if message.source == "bimeh":
            self.sent.append((member.id, message.kind.kind))
        return None


@pytest.fixture
def told(app: Flask) -> Iterator[Callable[[int], list[str]]]:
    """``told(member_id)``: the kinds of what M-Bimeh told the member, oldest first."""
    hears = Told()
    pm = app.extensions["resalat"].plugins.pm
    pm.register(hears, name="bimeh_test_told")
    try:
        yield lambda member_id: [kind for who, kind in hears.sent if who == member_id]
    finally:
        pm.unregister(hears)
