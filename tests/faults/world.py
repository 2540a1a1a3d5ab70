"""The fault test's world on top of the demo: buyers with money and vouchers, loan requests waiting
for the officer, a few scarce goods; and what the checks compare afterwards (stock, escrow)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, select

# Goods of booths that offer pickup (no delivery fee to account for) and sell in instalments.
SCARCE = 3  # the first few goods run out under the load: refusals for stock, never a lost piece
SCARCE_STOCK = 8
LOAN_RIALS = 400_000_000  # the solar programme's amounts start at 300,000,000 rials
TOPUP_RIALS = 3_000_000_000
VOUCHER_RIALS = 20_000_000


_LETTERS = ["الف", "ب", "پ", "ت", "ث", "ج", "چ", "ح", "خ", "د", "ذ", "ر", "ز", "ژ", "س", "ش"]


@dataclass
class Actor:
    member_id: int
    mobile: str
    token: str


@dataclass
class World:
    buyers: list[Actor]
    officer: Actor
    loans: list[tuple[int, int]]  # (loan id, amount) waiting for the officer
    borrowers: dict[int, Actor]  # loan id: the member who asked for it
    products: list[tuple[int, int]]  # (product id, booth id)
    stock_before: dict[int, int]
    escrow_before: int
    loan_fund_before: int
    last_order_id: int
    last_transfer_id: int

    @property
    def buyer_ids(self) -> list[int]:
        return [b.member_id for b in self.buyers]


def _persona(session: Any, key: str) -> Any:
    from resalat_core.demo import personas
    from resalat_core.members.models import Member

    mobile = next(p.mobile for _, p in personas() if p.key == key)
    return session.scalar(select(Member).where(Member.mobile == mobile))


def _token(session: Any, member: Any) -> str:
    from resalat_core.auth.services import issue_token

    plain, _token_row = issue_token(session, member, "faults")
    return str(plain)


def prepare(app: Flask, *, buyers: int, loans: int) -> World:
    """Buyers in Gorg Tappeh with money and a voucher each, members whose solar loan requests wait in
    the Zanjan officer's queue, and the goods the buyers will fight over (their stock cut short)."""
    from resalat_bazaar.models import Order, Product
    from resalat_icap import services as icap
    from resalat_loans import services as loans_services
    from resalat_merat import services as merat
    from resalat_vouchers import services as vouchers
    from resalat_vouchers.models import BY_ADMIN

    from resalat_core.members.models import Member
    from resalat_core.sdk import Transfer, main_account, system_account, today_in_iran, transfer
    from resalat_core.testing import Roles, work

    make = Roles(app)
    buyer_ids = [make(None, name=f"خریدار آزمون {_LETTERS[n % len(_LETTERS)]}") for n in range(buyers)]
    borrower_ids = [make(None, name=f"وام‌گیر آزمون {_LETTERS[n % len(_LETTERS)]}") for n in range(loans)]
    with work(app) as s:
        admin = _persona(s, "admin")
        officer = _persona(s, "credit_officer")
        people = [s.get(Member, i) for i in buyer_ids + borrower_ids]
        for member in people:
            # A declared month and a fresh score: Merat's rating opens the instalment plans.
            merat.save_profile(s, member, monthly_income=1_000_000_000, monthly_expenses=100_000_000)
            merat.score_member(s, member, requested_by=member, reason="on_demand")
            transfer(
                s,
                f"faults:topup:{member.id}",
                system_account(s, "cash_in"),
                main_account(s, member),
                TOPUP_RIALS,
                "admin_adjustment",
            )
        vouchers.fund_budget(s, VOUCHER_RIALS * buyers * 2, key="faults:vouchers", actor=admin)
        vouchers.issue_batch(
            s,
            admin,
            kind=BY_ADMIN,
            title="بن آزمون خرابی",
            amount=VOUCHER_RIALS,
            expires_on=today_in_iran() + timedelta(days=30),
            mobiles=[m.mobile for m in people[:buyers]],
            key="faults:vouchers",
        )
        loans_services.fund(s, LOAN_RIALS * (loans + 1), key="faults:loans", actor=admin)
        waiting, asked = [], {}
        for member in people[buyers:]:
            merat.score_member(s, member, requested_by=officer, reason=merat.LOAN_REQUEST)
            fee = loans_services.fee_for(LOAN_RIALS, 200)
            note = icap.issue_note(
                s,
                member,
                amount=LOAN_RIALS + fee,
                due_date=None,
                payee_name="",
                payee_code="",
                purpose="تضمین وام قرض‌الحسنه",
                place_of_payment="زنجان",
                guarantors=[],
                key=f"faults:note:{member.id}",
            )
            loan = loans_services.request_loan(
                s,
                member,
                product="solar",
                amount=LOAN_RIALS,
                instalments=24,
                key=f"faults:loan:{member.id}",
                note=note.id,
                purpose="پنل خورشیدی برای آزمون خرابی",
            )
            waiting.append((loan.id, loan.amount))
            asked[loan.id] = Actor(member.id, member.mobile, _token(s, member))
        goods = [
            p
            for p in s.scalars(select(Product).order_by(Product.id))
            if p.listed
            and not p.hidden
            and p.kind == "goods"
            and "pickup" in (p.booth.delivery_options or [])
            and 1_000_000 <= p.price <= 30_000_000
        ]
        for p in goods[:SCARCE]:
            p.stock = min(p.stock, SCARCE_STOCK)
        s.flush()
        world = World(
            buyers=[Actor(m.id, m.mobile, _token(s, m)) for m in people[:buyers]],
            officer=Actor(officer.id, officer.mobile, _token(s, officer)),
            loans=waiting,
            borrowers=asked,
            products=[(p.id, p.booth_id) for p in goods],
            stock_before={p.id: p.stock for p in goods},
            escrow_before=system_account(s, "escrow").posted,
            loan_fund_before=system_account(s, "loan_fund").posted,
            last_order_id=s.scalar(select(func.coalesce(func.max(Order.id), 0))),
            last_transfer_id=s.scalar(select(func.coalesce(func.max(Transfer.id), 0))),
        )
    return world
