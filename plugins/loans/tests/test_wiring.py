"""The plugin in its host: the demo, the CLI for scripts, tiles, figures and the English interface."""

from __future__ import annotations

import json
from types import SimpleNamespace

from resalat_loans import hooks
from resalat_loans.models import Loan, LoanProduct
from resalat_supporters import services as supporters
from sqlalchemy import func, select

from resalat_core.sdk import Account, Entry, Member, get_region, verify_ledger

TOMAN = 10


def test_the_demo_lends_jafar_for_livestock_and_queues_a_request(world, db):
    intro = world.introduce()
    world.profile(world.supporter)  # stands in for the demo's Maryam, who asks for a solar loan
    with db() as s:
        # The products the world fixture seeded are saved again by the demo: it is safe to rerun.
        demo_world = SimpleNamespace(
            members={
                "core_leader": s.get(Member, world.member),
                "credit_officer": s.get(Member, world.officer),
                "member": s.get(Member, world.supporter),
            },
            extras={"supporters": {"introduction": supporters.get_introduction(s, intro)}},
            region=lambda code: get_region(s, code),
        )
        hooks.resalat_demo(session=s, world=demo_world)
        made = demo_world.extras["loans"]
        assert set(made["products"]) == {"general", "livestock", "solar", "family_business"}
        jafar = made["jafar_loan"]
        assert jafar.status == "disbursed" and jafar.product.code == "livestock"
        assert sum(1 for i in jafar.schedule if i.paid_at is not None) == 3
        assert made["pending"].status == "requested"
    world.verify()


def test_in_the_whole_demo_jafar_buys_lambs_and_hay_with_his_loan(app, db):
    loaded = app.test_cli_runner().invoke(args=["demo"])
    assert loaded.exit_code == 0, loaded.output
    with db() as s:
        jafar = s.scalar(select(Member).where(Member.mobile == "09120000003"))
        loan = s.scalar(select(Loan).where(Loan.member_id == jafar.id))
        account = s.get(Account, loan.account_id)
        spent = -s.scalar(
            select(func.sum(Entry.amount)).where(Entry.account_id == account.id, Entry.amount < 0)
        )
        # 400 kg of hay at 12,000 tomans and ten lambs at 9,500,000 tomans: from the loan, into escrow.
        assert spent == (400 * 12_000 + 10 * 9_500_000) * TOMAN
        assert account.posted == loan.amount - spent
        # No stand-in loan money beside the real one.
        codes = set(s.scalars(select(Account.code).where(Account.owner_id == jafar.id)))
        assert not {c for c in codes if "demo:livestock" in c}
        assert verify_ledger(s).ok


def test_the_demo_does_without_an_introduction(db):
    with db() as s:
        demo_world = SimpleNamespace(members={}, extras={}, region=lambda code: get_region(s, code))
        hooks.resalat_demo(session=s, world=demo_world)
        assert demo_world.extras["loans"]["jafar_loan"] is None
        # The three products and the example cores' family-business loan; without the cores no loan.
        assert s.scalar(select(func.count(LoanProduct.id))) == 4
        assert s.scalar(select(func.count(Loan.id))) == 0


def test_the_cli_lists_products_and_loans_for_scripts(app, world):
    runner = app.test_cli_runner()
    products = json.loads(runner.invoke(args=["loans", "products", "--json"]).output)
    assert {p["code"] for p in products} == {"general", "livestock", "solar"}
    assert all(p["fee_bps"] == 200 for p in products)
    intro = world.introduce()
    world.request(
        product="livestock", amount=100_000_000 * TOMAN, instalments=12, introduction=intro, note=world.note()
    )
    listed = json.loads(runner.invoke(args=["loans", "list", "--status", "requested", "--json"]).output)
    assert [row["status"] for row in listed] == ["requested"]
    funded = runner.invoke(args=["loans", "fund", "1000", "--key", "k", "--json"])
    again = runner.invoke(args=["loans", "fund", "1000", "--key", "k", "--json"])
    assert json.loads(funded.output) == json.loads(again.output)  # the key moves it once
    bad = runner.invoke(args=["loans", "product", "general", "--fee-bps", "500"])
    assert bad.exit_code == 1 and "fee" in bad.output.lower()
    changed = runner.invoke(args=["loans", "product", "solar", "--fee-bps", "150", "--json"])
    assert json.loads(changed.output)["fee_bps"] == 150


def test_tiles_and_english_pages(app, world):
    from resalat_core.testing import ResalatClient

    app.test_client_class = ResalatClient
    officer = app.test_client().sign_in(world.officer)
    home = officer.get("/").get_data(as_text=True)
    assert "/loans/officer" in home
    officer.get("/lang/en")
    queue = officer.get("/loans/officer").get_data(as_text=True)
    assert "Loan requests in your area" in queue


def test_every_page_renders_in_both_languages(app, world):
    from resalat_core.testing import ResalatClient

    intro = world.introduce()
    loan = world.request(
        product="livestock", amount=100_000_000 * TOMAN, instalments=12, introduction=intro, note=world.note()
    )
    app.test_client_class = ResalatClient
    pages = {
        world.officer: ["/loans/officer", f"/loans/officer/{loan}", "/loans/officer?status=&product=solar"],
        world.member: ["/loans/", "/loans/new", "/loans/new?product=solar", f"/loans/{loan}"],
        world.supporter: ["/loans/introductions"],
    }
    for lang in ("fa", "en"):
        for who, paths in pages.items():
            client = app.test_client().sign_in(who)
            client.get(f"/lang/{lang}")
            for path in paths:
                assert client.get(path).status_code == 200, (lang, path)
    world.decide(loan)
    world.top_up(world.member, 20_000_000)
    member = app.test_client().sign_in(world.member)
    for path in (
        f"/loans/{loan}",
        f"/loans/{loan}/pay?count=2",
        f"/loans/{loan}/pay?all=1",
        f"/loans/{loan}/pay?count=x",
    ):
        assert member.get(path).status_code == 200, path


def test_the_admin_edits_a_product_and_a_bad_fee_changes_nothing(app, world, db):
    from resalat_loans import services

    from resalat_core.testing import ResalatClient

    app.test_client_class = ResalatClient
    admin = app.test_client().sign_in(world.admin)
    listing = admin.get("/loans/products").get_data(as_text=True)
    assert listing.count('data-testid="product"') == 3
    form = admin.get("/loans/products/solar")
    assert form.status_code == 200
    values = {
        "existing": "1",
        "code": "solar",
        "name_fa": "برنامه‌ی نیروگاه خورشیدی خانگی",
        "name_en": "Home solar programme",
        "programme": "solar",
        "amount_min": "30000000",
        "amount_max": "300000000",
        "instalments_min": "12",
        "instalments_max": "48",
        "min_score": "300",
        "guarantors_required": "0",
        "categories": "solar_kits, repair",
        "programmes": "solar",
        "requires_note": "1",
        "active": "1",
    }
    bad = admin.form("/loans/products", {**values, "fee_bps": "500"}, token_from="/loans/products/solar")
    assert bad.status_code == 400
    with db() as s:
        assert services.get_product(s, "solar").fee_bps == 200
    saved = admin.form("/loans/products", {**values, "fee_bps": "150"}, token_from="/loans/products/solar")
    assert saved.status_code == 302
    with db() as s:
        product = services.get_product(s, "solar")
        assert (product.fee_bps, product.amount_max, product.uses_points) == (150, 300_000_000 * TOMAN, False)
    member = app.test_client().sign_in(world.member)
    assert member.get("/loans/products").status_code == 403
    assert admin.get("/loans/products/new").status_code == 200


def test_the_dashboard_counts_loans_where_their_members_live(world, db, count_queries):
    with db() as s, count_queries() as none_yet:
        assert {f.key: f.value for f in hooks.resalat_stats(session=s, area=None)}["loans_granted"] == 0
    intro = world.introduce()
    loan = world.request(
        product="livestock", amount=100_000_000 * TOMAN, instalments=12, introduction=intro, note=world.note()
    )
    world.decide(loan)
    with db() as s, count_queries() as one_loan:
        everywhere = hooks.resalat_stats(session=s, area=None)
    assert one_loan.count == none_yet.count  # a query per kind of figure, not per loan or product
    with db() as s:
        in_zanjan = hooks.resalat_stats(session=s, area=[get_region(s, "zanjan/gorg-tappeh").id])
        in_yazd = hooks.resalat_stats(session=s, area=[get_region(s, "yazd/ardakan").id])
    assert [(f.value, f.money) for f in everywhere][:3] == [
        (1, False),
        (100_000_000 * TOMAN, True),
        (0, False),
    ]
    assert [f.value for f in in_zanjan] == [f.value for f in everywhere]
    assert [f.value for f in in_yazd] == [0, 0, 0]
    # Keyed for the stats plugin, with the money of each programme lent in the area.
    keyed = {f.key: f.value for f in everywhere}
    assert keyed == {
        "loans_granted": 1,
        "amount_lent": 100_000_000 * TOMAN,
        "loans_repaid": 0,
        "amount_lent_livestock": 100_000_000 * TOMAN,
    }


def test_repayment_signals_are_declared_with_their_default_weights():
    weights = {k.kind: (k.points, k.per, k.cap, k.money) for k in hooks.resalat_credit_signal_kinds()}
    assert weights == {
        "loans_repaid": (30, 1, 120, False),
        "instalments_on_time": (5, 1, 150, False),
        "instalments_late": (-15, 1, -150, False),
        "instalments_overdue": (-60, 1, -400, False),
    }


def test_a_credit_officer_holds_what_deciding_needs_in_merat_icap_and_deposits(app):
    permissions = app.extensions["resalat"].permissions
    for name in ("merat.view_reports", "icap.view_all", "deposits.view_totals", "loans.decide"):
        assert "credit_officer" in permissions[name].roles, name
