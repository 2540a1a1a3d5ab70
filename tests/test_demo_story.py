"""The demo world tells the brochure's story: cores in several provinces with their families and
booths full of photographed goods, loans in every state, parcels delivered and on their way, a
policy, a course with a learner, posts, a fair taking applications, campaigns with money raised,
vouchers issued and spent, the Al-Ghadir centre's shared order; ``resalat demo --reset`` loads the
same world again and the ledger still balances.

It needs the plugins the story is told by; with any of them missing it is skipped (the host's tests
run with no plugin too)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

STORY_PLUGINS = (
    "cores",
    "bazaar",
    "loans",
    "stm",
    "bimeh",
    "maher",
    "rasan",
    "festivals",
    "campaigns",
    "vouchers",
    "centers",
)
for _name in STORY_PLUGINS:
    pytest.importorskip(f"resalat_{_name}", reason=f"the demo's story needs the {_name} plugin")

from resalat_bazaar.models import Booth, Product, ProductPhoto  # noqa: E402
from resalat_bimeh.models import Policy  # noqa: E402
from resalat_campaigns.models import Campaign  # noqa: E402
from resalat_centers.models import Centre, Share  # noqa: E402
from resalat_centers.models import Order as CentreOrder  # noqa: E402
from resalat_cores.demo import CORES  # noqa: E402
from resalat_cores.models import LEADER, Core  # noqa: E402
from resalat_festivals.models import Festival  # noqa: E402
from resalat_loans.models import Loan  # noqa: E402
from resalat_maher.models import Enrolment  # noqa: E402
from resalat_rasan.models import RasanPost  # noqa: E402
from resalat_stm.models import Shipment  # noqa: E402
from resalat_vouchers.models import Voucher, VoucherUse  # noqa: E402

from resalat_core.demo import DEMO_PASSWORD  # noqa: E402
from resalat_core.members.passwords import verify_password  # noqa: E402
from resalat_core.sdk import Member, today_in_iran  # noqa: E402

# The brochure's example cores (the cores demo's keys), one of Al-Ghadir's fifteen for them all.
EXAMPLES = ("gharajehlou", "samiei", "asipour", "andisheh_sabz", "safarnia", "sharifinia", "alghadir_1")
LOAN_STATES = {"requested", "rejected", "cancelled", "disbursed", "repaid"}
ON_THE_WAY = {"assigned", "picked_up", "in_transit"}


def _count(s: Any, model: Any, *where: Any) -> int:
    return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _story(s: Any) -> dict[str, Any]:
    """Check the story on the loaded demo; return the figures a reload must give again."""
    cores = list(s.scalars(select(Core)))
    provinces = {c.region.code.split("/")[0] for c in cores}
    assert len(provinces) >= 3, provinces

    names = {spec.name: spec.key for spec in CORES if spec.key in EXAMPLES}
    examples = {names[c.name]: c for c in cores if c.name in names}
    assert set(examples) == set(EXAMPLES)
    photo_keys: set[str] = set()
    for key, core in examples.items():
        assert any(m.relation != LEADER for m in core.members), f"{key} has no family"
        booth = s.scalar(select(Booth).where(Booth.owner_id == core.leader_id))
        assert booth is not None, f"{key} has no booth"
        products = list(s.scalars(select(Product).where(Product.booth_id == booth.id)))
        assert len(products) >= 4, f"{key}'s booth has {len(products)} products"
        for product in products:
            keys = list(s.scalars(select(ProductPhoto.key).where(ProductPhoto.product_id == product.id)))
            assert keys, f"{product.title} has no photo"
            photo_keys.update(keys)
    # A picture of each kind of goods, not one placeholder for all.
    assert len(photo_keys) >= 15

    loans = Counter(s.scalars(select(Loan.status)))
    assert set(loans) >= LOAN_STATES, loans
    buckets = set(s.scalars(select(Loan.bucket).where(Loan.status == "disbursed")))
    assert "current" in buckets and buckets - {"current"}, "a loan repaid on time and one overdue"

    shipments = Counter(s.scalars(select(Shipment.status)))
    assert shipments["delivered"] >= 1 and ON_THE_WAY & set(shipments), shipments
    assert _count(s, Policy, Policy.status == "active") >= 1
    assert _count(s, Enrolment) >= 1
    assert _count(s, RasanPost) >= 3
    today = today_in_iran()
    assert _count(s, Festival, Festival.status == "announced", Festival.apply_by >= today) >= 1
    campaigns = list(s.scalars(select(Campaign)))
    assert any(c.status == "open" and c.raised > 0 for c in campaigns)
    assert any(c.delivered > 0 for c in campaigns)
    assert _count(s, Voucher) >= 1 and _count(s, VoucherUse) >= 1

    centre = s.scalar(select(Centre).where(Centre.name.contains("الغدیر")))
    assert centre is not None
    orders = list(s.scalars(select(CentreOrder.id).where(CentreOrder.centre_id == centre.id)))
    accepted = _count(s, Share, Share.order_id.in_(orders), Share.status == "accepted")
    assert accepted >= 2, "the centre's order is shared among its cores"

    return {
        "members": _count(s, Member),
        "cores": len(cores),
        "provinces": sorted(provinces),
        "booths": _count(s, Booth),
        "products": _count(s, Product),
        "photos": _count(s, ProductPhoto),
        "loans": sorted(loans.items()),
        "shipments": sorted(shipments.items()),
        "campaigns": sorted((c.status, c.raised) for c in campaigns),
        "vouchers": (_count(s, Voucher), _count(s, VoucherUse)),
        "shares": accepted,
    }


def test_the_demo_tells_the_brochures_story_and_reloads_the_same(app: Flask, db: Any) -> None:
    runner = app.test_cli_runner()
    with app.app_context():
        loaded = runner.invoke(args=["demo"])
    assert loaded.exit_code == 0, loaded.output
    assert "09120000018" in loaded.output  # every persona's sign-in is printed
    with db() as s:
        first = _story(s)
        organiser = s.scalar(select(Member).where(Member.mobile == "09120000018"))
        assert verify_password(organiser.password_hash, DEMO_PASSWORD)

    with app.app_context():
        again = runner.invoke(args=["demo"])
        assert again.exit_code == 0 and "already loaded" in again.output
        reloaded = runner.invoke(args=["demo", "--reset"])
    assert reloaded.exit_code == 0, reloaded.output
    with db() as s:
        assert _story(s) == first

    with app.app_context():
        verified = runner.invoke(args=["wallet", "verify"])
    assert verified.exit_code == 0, verified.output
