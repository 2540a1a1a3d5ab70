"""The inbox as a member meets it: what other plugins say lands here, is counted, and is theirs alone."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from resalat_fixture_sender.messages import ORDER_PAID, ORDER_SHIPPED
from resalat_notifications import hooks, services
from resalat_notifications.messages import ANNOUNCEMENT
from resalat_notifications.models import Notification

from resalat_core.sdk import BadInput, Member, MessageKind, Money, get_member, notify

SHIPPED = ORDER_SHIPPED(url="/bazaar/orders/7")


def shown_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-testid="notification" data-id="(\d+)"', html)]


def unread_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-id="(\d+)" data-unread="true"', html)]


def test_what_the_bazaar_tells_a_member_lands_in_their_inbox(reader_as, notify_member):
    client = reader_as("member")

    stored = notify_member(client.member_id, SHIPPED)

    assert isinstance(stored, Notification)
    assert (stored.member_id, stored.source, stored.kind, stored.read_at) == (
        client.member_id,
        "sender",
        "order.shipped",
        None,
    )
    html = client.get("/notifications/").get_data(as_text=True)
    assert "سفارش شما ارسال شد" in html
    assert "بسته‌ی شما فردا به دستتان می‌رسد." in html
    assert unread_ids(html) == [stored.id]


def test_the_inbox_speaks_the_members_language_and_calendar(reader_as, notify_member):
    client = reader_as("member")
    stored = notify_member(client.member_id, SHIPPED)

    persian = client.get("/notifications/").get_data(as_text=True)
    assert 'dir="rtl"' in persian
    # A Jalali date with a time, in Persian digits: ۱۴۰۵/۰۹/۰۹ ۱۳:۴۵
    assert re.search(r"<time [^>]*>[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2} [۰-۹]{2}:[۰-۹]{2}</time>", persian)

    client.get("/lang/en")
    english = client.get("/notifications/").get_data(as_text=True)
    assert "Your order has shipped" in english and "سفارش شما ارسال شد" not in english
    assert stored.created_at.strftime("%Y-") in english


def test_the_unread_count_shows_as_a_badge_in_the_layout(reader_as, fill_inbox):
    client = reader_as("member")
    assert 'data-testid="nav-badge"' not in client.get("/").get_data(as_text=True)

    fill_inbox(client.member_id, 3)

    home = client.get("/").get_data(as_text=True)
    assert re.search(r'data-testid="nav-badge">\s*۳\s*<', home)
    assert 'href="/notifications/"' in home


def test_the_nav_badge_costs_exactly_one_query(
    app, session, member_with_empty_inbox, fill_inbox, count_queries
):
    member_id = member_with_empty_inbox()
    fill_inbox(member_id, 5)
    member = get_member(session, member_id)

    with app.test_request_context("/"), count_queries() as q:
        items = hooks.resalat_nav_items(member=member)

    assert q.count == 1
    assert [(i.url, i.badge) for i in items] == [("/notifications/", 5)]


def test_the_inbox_costs_the_same_queries_for_3_or_30_notifications(reader_as, fill_inbox, count_queries):
    client = reader_as("member")
    fill_inbox(client.member_id, 3)
    client.get("/notifications/?per_page=50")  # first request warms caches (translations, templates)

    with count_queries() as few:
        small = client.get("/notifications/?per_page=50").get_data(as_text=True)
    fill_inbox(client.member_id, 27)
    with count_queries() as many:
        large = client.get("/notifications/?per_page=50").get_data(as_text=True)

    assert (len(shown_ids(small)), len(shown_ids(large))) == (3, 30)
    assert few.count == many.count


def test_the_inbox_is_newest_first_paginated_and_filters_unread(reader_as, fill_inbox):
    client = reader_as("member")
    ids = fill_inbox(client.member_id, 25)
    client.form(f"/notifications/{ids[-1]}/read", {}, token_from="/notifications/")

    first = client.get("/notifications/").get_data(as_text=True)
    second = client.get("/notifications/?page=2").get_data(as_text=True)
    unread = client.get("/notifications/?unread=1").get_data(as_text=True)

    assert shown_ids(first) == ids[::-1][:20]
    assert shown_ids(second) == ids[::-1][20:]
    assert shown_ids(unread) == ids[::-1][1:21]
    assert ids[-1] not in unread_ids(first)
    assert 'href="/notifications/?page=2"' in first
    assert 'href="/notifications/?page=2&amp;unread=1"' in unread
    assert client.get("/notifications/?page=0").status_code == 400


def test_marking_one_read_from_the_inbox_keeps_the_page_and_needs_the_form_token(
    reader_as, fill_inbox, unread_of
):
    client = reader_as("member")
    first, second = fill_inbox(client.member_id, 2)

    forged = client.post(f"/notifications/{first}/read", data={})
    assert forged.status_code == 400
    assert unread_of(client.member_id) == 2

    done = client.form(
        f"/notifications/{first}/read", {"page": "1", "unread": "1"}, token_from="/notifications/"
    )
    assert done.status_code == 302
    assert done.headers["Location"] == "/notifications/?page=1&unread=1"
    assert unread_of(client.member_id) == 1
    assert unread_ids(client.get("/notifications/").get_data(as_text=True)) == [second]


def test_marking_all_read_empties_the_unread_list_and_the_badge(reader_as, fill_inbox, unread_of):
    client = reader_as("member")
    fill_inbox(client.member_id, 4)

    done = client.form("/notifications/read-all", {}, token_from="/notifications/")

    assert done.status_code == 302
    assert unread_of(client.member_id) == 0
    assert 'data-testid="empty"' in client.get("/notifications/?unread=1").get_data(as_text=True)
    assert 'data-testid="nav-badge"' not in client.get("/").get_data(as_text=True)


def test_following_a_notification_opens_its_page_and_reads_it(reader_as, fill_inbox, unread_of):
    client = reader_as("member")
    (with_link,) = fill_inbox(client.member_id, url="/bazaar/orders/7")
    (without_link,) = fill_inbox(client.member_id)

    html = client.get("/notifications/").get_data(as_text=True)
    assert f'href="/notifications/{with_link}/open"' in html
    assert f'href="/notifications/{without_link}/open"' not in html

    opened = client.get(f"/notifications/{with_link}/open")
    assert (opened.status_code, opened.headers["Location"]) == (302, "/bazaar/orders/7")
    assert unread_of(client.member_id) == 1
    # Opening again is harmless; with no link it comes back to the inbox.
    assert client.get(f"/notifications/{with_link}/open").headers["Location"] == "/bazaar/orders/7"
    assert client.get(f"/notifications/{without_link}/open").headers["Location"] == "/notifications/"
    assert unread_of(client.member_id) == 0


def test_a_member_cannot_see_open_or_mark_another_members_notifications(reader_as, fill_inbox, unread_of):
    maryam = reader_as("member")
    jafar = reader_as("member")
    (hers,) = fill_inbox(maryam.member_id, title_fa="وام شما تأیید شد", url="/loans/1")

    assert "وام شما تأیید شد" not in jafar.get("/notifications/").get_data(as_text=True)
    assert jafar.get(f"/notifications/{hers}/open").status_code == 404
    assert jafar.form(f"/notifications/{hers}/read", {}, token_from="/notifications/").status_code == 404
    jafar.form("/notifications/read-all", {}, token_from="/notifications/")

    assert unread_of(maryam.member_id) == 1
    assert unread_ids(maryam.get("/notifications/").get_data(as_text=True)) == [hers]


def test_the_inbox_asks_a_visitor_to_sign_in(client):
    answer = client.get("/notifications/")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/auth/login")


def test_the_inbox_fits_a_phone_and_shows_who_is_unread(reader_as, fill_inbox):
    client = reader_as("member")
    fill_inbox(client.member_id, 2)
    html = client.get("/notifications/").get_data(as_text=True)

    assert 'name="viewport" content="width=device-width' in html
    assert html.count("list-group-item-warning") == 2
    assert html.count('data-testid="mark-read"') == 2
    assert 'data-testid="read-all"' in html


def test_a_message_must_be_complete_and_link_only_to_this_site(session, member_with_empty_inbox):
    member = get_member(session, member_with_empty_inbox())
    bad = [
        (ANNOUNCEMENT(title_fa="", title_en="Paid"), "title_fa"),
        (ANNOUNCEMENT(title_fa="پرداخت", title_en="  "), "title_en"),
        (ANNOUNCEMENT(title_fa="پ" * 201, title_en="Paid"), "title_fa"),
        (ORDER_SHIPPED(url="https://evil.example/"), "url"),
        (ORDER_SHIPPED(url="//evil.example/"), "url"),
        (ORDER_SHIPPED(url="/\\evil.example"), "url"),
        (ORDER_SHIPPED(url="javascript:alert(1)"), "url"),
        (MessageKind("paid", "Paid", source="Bazaar!")(), "source"),
        (MessageKind("", "Paid", source="sender")(), "kind"),
        (MessageKind("paid", "Paid")(), "source"),  # declared nowhere: no plugin owns it
    ]
    for message, field in bad:
        with pytest.raises(BadInput) as caught:
            services.deliver(session, member, message)
        assert field in caught.value.fields, message
    assert services.unread_count(session, member) == 0


def test_an_announcements_persian_is_normalised_but_paragraphs_are_kept(session, make_member):
    member = get_member(session, make_member())
    stored = services.deliver(
        session,
        member,
        ANNOUNCEMENT(
            title_fa="كالاي  شما", title_en="Your goods", body_fa="خط يك\nخط دو", body_en="one\r\ntwo"
        ),
    )
    params = stored.params
    assert (params["title_fa"], params["body_fa"], params["body_en"]) == (
        "کالای شما",
        "خط یک\nخط دو",
        "one\ntwo",
    )


def test_a_notification_is_read_in_the_readers_language_whenever_it_is_read(app, session, make_member):
    member = get_member(session, make_member())
    stored = services.deliver(session, member, ORDER_PAID(number=8, amount=Money(15)))
    session.commit()
    with app.test_request_context(), force_locale("fa"):
        assert services.text(stored) == ("سفارش ۸ شما پرداخت شد", "۱٫۵ تومان پرداخت کردید.")
    with app.test_request_context(), force_locale("en"):
        assert services.text(stored) == ("Your order 8 was paid", "You paid 1.5 tomans.")
    # The sentence is not stored: the kind and its typed variables are.
    assert (stored.source, stored.kind) == ("sender", "order.paid")
    assert stored.params == {"number": 8, "amount": {"$money": 15}}


def test_a_notification_rolls_back_with_the_transaction_that_sent_it(session, member_with_empty_inbox):
    member = get_member(session, member_with_empty_inbox())
    notify(member, SHIPPED)
    session.rollback()  # the order failed after all: its notification must not survive it

    member = session.get(Member, member.id)
    assert services.unread_count(session, member) == 0


def test_a_new_member_is_welcomed(app, session, make_member):
    member = get_member(session, make_member())

    hooks.resalat_member_joined(member=member)
    session.commit()

    page = services.inbox(session, member)
    # Registering welcomed the member already; the hook welcomes whoever it is told joined.
    assert [n.kind for n in page.items if n.source == "notifications"] == ["welcome"] * 2


def test_the_demo_personas_find_notifications_in_both_languages(session, make_member):
    ids = {key: make_member() for key in ("member", "core_leader", "guide")}
    members = {key: get_member(session, member_id) for key, member_id in ids.items()}
    world = SimpleNamespace(members=members, extras={})

    hooks.resalat_demo(session=session, world=world)
    session.commit()

    maryam = services.inbox(session, members["member"]).items
    assert len(maryam) >= 2
    assert all(all(services.text(n)) for n in maryam)
    assert services.unread_count(session, members["member"]) == len(maryam) - 1
    assert services.unread_count(session, members["guide"]) >= 1
    assert world.extras["notifications"]
