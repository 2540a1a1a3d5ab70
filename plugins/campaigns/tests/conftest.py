"""Fixtures for the campaigns' tests: the Zanjan guide, Jafar's livestock core in Gorg Tappeh, an
admin of Zanjan, donors with money, and helpers that act as another request would (each in a
transaction of its own, committed before it returns)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import count
from typing import Any

import pytest
from flask import Flask
from resalat_campaigns import services
from resalat_campaigns.models import Campaign, CampaignUpdate, Donation
from resalat_cores import services as cores
from sqlalchemy import func, select

from resalat_core.sdk import Account, Member, Transfer, verify_ledger
from resalat_core.testing import work

TOMAN = 10
_n = count(1)


@dataclass
class World:
    app: Flask
    guide: int
    admin: int
    leader: int
    core_id: int
    donors: list[int]
    responsible: int
    give: Callable[..., Any]

    def open(self, organiser: int | None = None, **kw: Any) -> int:
        """A campaign for the core's equipment, opened by the guide and approved by the admin."""
        kw.setdefault("title", "آبشخور برای هسته")
        kw.setdefault("story", "هسته به آبشخور تازه نیاز دارد.")
        kw.setdefault("goal", 1_000_000 * TOMAN)
        kw.setdefault("deadline", services.today() + timedelta(days=10))
        kw.setdefault("cause", "core")
        if kw["cause"] == "core":
            kw.setdefault("core_id", self.core_id)
        approve = kw.pop("approve", True)
        with work(self.app) as s:
            c = services.open_campaign(s, s.get(Member, organiser or self.guide), services.NewCampaign(**kw))
            if approve and c.status == "draft":
                services.approve(s, s.get(Member, self.admin), c.id)
            return c.id

    def donate(self, campaign_id: int, donor: int | None = None, tomans: int = 100_000, **kw: Any) -> int:
        kw.setdefault("key", f"k{next(_n)}")
        with work(self.app) as s:
            member = s.get(Member, donor or self.donors[0])
            return services.donate(s, member, campaign_id, amount=tomans * TOMAN, **kw).id

    def campaign(self, campaign_id: int) -> dict[str, Any]:
        with work(self.app) as s:
            c = s.get(Campaign, campaign_id)
            return {
                "status": c.status,
                "raised": c.raised,
                "donations": c.donations,
                "delivered": c.delivered,
                "refunded": c.refunded,
                "account_id": c.account_id,
            }

    def balance(self, member_id: int) -> int:
        with work(self.app) as s:
            return s.scalar(select(Account.posted).where(Account.code == f"member:{member_id}:main")) or 0

    def pool(self) -> int:
        with work(self.app) as s:
            return services.pool_balance(s)

    def verify(self) -> None:
        with work(self.app) as s:
            report = verify_ledger(s)
            assert report.ok, report.problems
            # The pool holds exactly what open campaigns raised: nothing more, nothing less.
            held = s.scalar(
                select(func.coalesce(func.sum(Campaign.raised), 0)).where(Campaign.status == "open")
            )
            assert services.pool_balance(s) == held

    def snapshot(self) -> tuple[Any, ...]:
        with work(self.app) as s:
            return (
                tuple(
                    s.execute(select(Campaign.id, Campaign.status, Campaign.raised, Campaign.donations)).all()
                ),
                s.scalar(select(func.count(Donation.id))),
                s.scalar(select(func.count(CampaignUpdate.id))),
                tuple(s.execute(select(Account.code, Account.posted).order_by(Account.code)).all()),
                s.scalar(select(func.count(Transfer.id))),
            )

    def shift(self, campaign_id: int, days: int) -> None:
        """The calendar runs on: the campaign's last day comes ``days`` earlier."""
        with work(self.app) as s:
            c = s.get(Campaign, campaign_id)
            c.deadline = c.deadline - timedelta(days=days)


@pytest.fixture
def world(app: Flask, make_member: Callable[..., int], top_up: Callable[..., Any]) -> World:
    admin = make_member("admin", region="zanjan/zanjan", name="مدیر زنجان")
    guide = make_member("campaigns_organiser", region="zanjan/zanjan", name="علی رهیار")
    leader = make_member(name="جعفر قراجه‌لو")
    responsible = make_member(region="sistan-baluchestan/arbab", name="فاطمه قادری")
    donors = [make_member(name=f"نیکوکار {n}") for n in ("یکم", "دوم", "سوم")]
    for d in donors:
        top_up(d, rials=5_000_000 * TOMAN)
    with work(app) as s:
        cores.ensure_default_fields(s)
        core = cores.register_core(
            s,
            leader=s.get(Member, leader),
            name="دامداری قراجه‌لو",
            field="livestock",
            region=s.get(Member, leader).region,
            existed_before=True,
            description="",
            family=[],
            actor=s.get(Member, leader),
        )
        cores.approve_core(s, core, actor=s.get(Member, admin))
        core_id = core.id
    return World(app, guide, admin, leader, core_id, donors, responsible, top_up)


def far(days: int = 10) -> date:
    return services.today() + timedelta(days=days)
