"""How supervision plugs in: permissions, tiles, figures, the order-completed invitation, the demo."""

from __future__ import annotations

import json

import pytest
from resalat_supervision import hooks, services
from resalat_supervision.messages import REVIEW_INVITE
from resalat_supervision.models import BOOTH, PRODUCT, QUALITY, Report, Review
from sqlalchemy import select

from resalat_core.sdk import Member, get_db, get_region, ids_under, to_persian_digits


def test_the_permissions_and_who_holds_them(app):
    permissions = app.extensions["resalat"].permissions

    assert permissions["supervision.review"].roles == ("member",)
    assert permissions["supervision.report"].roles == ("member",)
    assert set(permissions["supervision.handle"].roles) == {"social_leader", "admin"}


def test_completing_an_order_invites_the_buyer_to_review_it(market, make_member, told, read):
    booth = market.booth()
    product = market.product(booth)
    buyer = make_member()

    order = market.order(buyer, [product])

    invitations = [(who, m) for who, m in told if m.kind == REVIEW_INVITE]
    assert len(invitations) == 1
    who, message = invitations[0]
    assert (who, message.source) == (buyer, "supervision")
    assert message.url == f"/supervision/orders/{order}/review"
    assert message.params == {"order": order}
    assert read(lambda: message.title, "fa") and read(lambda: message.title, "en")
    assert str(order) in read(lambda: message.body, "en")
    assert to_persian_digits(str(order)) in read(lambda: message.body, "fa")


def test_the_invitation_reaches_the_buyers_inbox(app, market, make_member, db):
    if not app.extensions["resalat"].plugins.is_loaded("notifications"):
        pytest.skip("no inbox installed: notify() delivers nothing, by design")
    booth = market.booth()
    buyer = make_member()
    order = market.order(buyer, [market.product(booth)])
    with db() as s:
        mobile = s.get(Member, buyer).mobile
    token = json.loads(app.test_cli_runner().invoke(args=["members", "token", mobile, "--json"]).output)[
        "token"
    ]

    inbox = app.test_client().get("/api/v1/notifications", headers={"Authorization": f"Bearer {token}"})

    assert f"/supervision/orders/{order}/review" in [n["url"] for n in inbox.get_json()["items"]]


def test_a_handlers_tile_counts_the_reports_waiting_in_their_area(app, shop, db, make_member, read):
    with db() as s:
        services.file_report(
            s,
            s.get(Member, make_member()),
            kind=BOOTH,
            subject_id=shop.booth,
            category=QUALITY,
            description="بد",
        )
        services.file_report(
            s,
            s.get(Member, make_member()),
            kind=PRODUCT,
            subject_id=shop.products[0],
            category=QUALITY,
            description="بد",
        )

    with app.test_request_context(), db() as s:
        (handler_tile,) = hooks.resalat_tiles(s.get(Member, shop.handler))
        (far_tile,) = hooks.resalat_tiles(s.get(Member, shop.far_handler))
        (member_tile,) = hooks.resalat_tiles(s.get(Member, shop.buyer))

    assert (handler_tile.badge, handler_tile.url) == (2, "/supervision/queue")
    assert "۲" in read(handler_tile.description, "fa") and "2" in read(handler_tile.description, "en")
    assert far_tile.badge is None
    assert (member_tile.badge, member_tile.url) == (None, "/supervision/")


def test_the_home_screen_shows_the_tile(app, shop):
    from resalat_core.testing import ResalatClient

    app.test_client_class = ResalatClient
    home = app.test_client().sign_in(shop.handler).get("/").get_data(as_text=True)

    assert "/supervision/queue" in home and "نظارت اجتماعی" in home


def test_dashboard_figures_count_within_the_administrators_area(shop, db, make_member, read):
    with db() as s:
        services.create_review(s, s.get(Member, shop.buyer), kind=BOOTH, subject_id=shop.booth, stars=5)
        services.file_report(
            s,
            s.get(Member, make_member()),
            kind=BOOTH,
            subject_id=shop.booth,
            category=QUALITY,
            description="بد",
        )
        zanjan = ids_under(s, [get_region(s, "zanjan")])
        sistan = ids_under(s, [get_region(s, "sistan-baluchestan")])

        def figures(area):
            return {read(f.label, "en"): f.value for f in hooks.resalat_stats(session=s, area=area)}

        assert figures(None) == {"Buyers' reviews": 1, "Reports waiting": 1, "Reports decided": 0}
        assert figures(zanjan) == figures(None)
        assert figures(sistan) == {"Buyers' reviews": 0, "Reports waiting": 0, "Reports decided": 0}


def test_the_demo_adds_reviews_of_completed_orders_and_open_reports_in_zanjan(app):
    from resalat_bazaar import services as bazaar

    from resalat_core.sdk import Region

    runner = app.test_cli_runner()

    with app.app_context():
        loaded = runner.invoke(args=["demo"])

    assert loaded.exit_code == 0, loaded.output
    with app.test_request_context():
        s = get_db().session
        reports = s.scalars(select(Report).order_by(Report.id)).all()
        reviewed_orders = set(s.scalars(select(Review.order_id)))
        completed = set(s.scalars(select(bazaar.Order.id).where(bazaar.Order.status == bazaar.COMPLETED)))
        zanjan = set(s.scalars(select(Region.id).where(Region.code.like("zanjan%"))))
        admin = s.scalar(select(Member).where(Member.mobile == "09120000001"))
        zanjan_booths = [b for b in s.scalars(select(bazaar.Booth)) if b.region_id in zanjan]

        assert reviewed_orders == completed
        assert all(r.region_id in zanjan for r in reports)
        if zanjan_booths:
            assert sum(r.status == "open" for r in reports) >= 2
            assert any(r.outcome == "warned" for r in reports)
            assert services.queue(s, admin).total >= 2
    stats = json.loads(runner.invoke(args=["supervision", "stats", "--json"]).output)
    assert stats["pending"] == sum(r.status == "open" for r in reports)
    if not zanjan_booths:
        return

    # The rows at size: two new buyers review every reviewed subject and report the first report's;
    # the member writes two more reviews and has two more handled reports.
    from resalat_core.testing import demo_world

    with app.test_request_context():
        s = get_db().session
        member = s.scalar(select(Member).where(Member.mobile == "09120000002"))
        subjects = s.execute(select(Review.kind, Review.subject_id).distinct()).all()
        queued, mine = services.queue(s, admin).total, services.reports_by(s, member).total
        reviews = {(k, i): services.reviews_of(s, k, i).total for k, i in subjects}
        hooks.resalat_demo_rows(session=s, world=demo_world(s), rows=2)
        s.commit()
        grown = {(k, i): services.reviews_of(s, k, i).total - n for (k, i), n in reviews.items()}
        assert services.queue(s, admin).total == queued + 2
        assert services.reports_by(s, member).total == mine + 2
        assert services.reviews_by(s, member).total >= 2
        assert sorted(grown.values())[0] >= 2  # a booth's page also counts its products' reviews
        steps = [
            [a.action for a in services.get_report(s, admin, r.id).actions]
            for r in services.queue(s, admin, per_page=100).items
            if r.reporter_id not in {member.id, admin.id}
        ]
        assert steps and all(a[0] == "opened" for a in steps)


def test_switched_off_in_a_region_it_is_gone_there_and_nowhere_else(app, shop, db):
    from resalat_bazaar import services as bazaar

    from resalat_core.testing import ResalatClient

    off = app.test_cli_runner().invoke(args=["modules", "disable", "supervision", "--region", "zanjan"])
    assert off.exit_code == 0, off.output
    app.test_client_class = ResalatClient

    zanjani = app.test_client().sign_in(shop.buyer)
    arbabi = app.test_client().sign_in(shop.far_handler)

    assert zanjani.get("/supervision/").status_code == 404
    assert "/supervision/" not in zanjani.get("/").get_data(as_text=True)
    assert arbabi.get("/supervision/queue").status_code == 200
    with db() as s:
        buyer, far = s.get(Member, shop.buyer), s.get(Member, shop.far_handler)
        assert bazaar.reputation("booth", shop.booth, buyer, buyer.region) is None
        shown = bazaar.reputation("booth", shop.booth, far, far.region)
        assert shown.url == f"/supervision/booths/{shop.booth}"
