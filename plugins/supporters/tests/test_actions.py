"""Supporters record what they did for members and cores; members see the support they received."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from resalat_supporters import services
from resalat_supporters.models import SupportAction
from sqlalchemy import select

from resalat_core.sdk import Member, format_date, get_db, grant_role, to_latin_digits


def shown_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-testid="action" data-id="(\d+)"', html)]


def jalali(days_ago: int = 0) -> str:
    return to_latin_digits(format_date(services.today() - timedelta(days=days_ago), lang="fa"))


@pytest.fixture
def zahra(client_as):
    """Zahra, a technical and commercial supporter in Zanjan."""
    client = client_as("supporter", kind="technical", name="زهرا فنی")
    with client.application.app_context():
        s = get_db().session()
        member = s.get(Member, client.member_id)
        grant_role(s, member, "supporter", region=member.region.parent, kind="commercial")
        s.commit()
    return client


def record(client, **changes):
    data = {
        "kind": "technical",
        "member": "",
        "core": "",
        "happened_on": jalali(2),
        "description": "آموزش تغذیه‌ی دام و ساخت آخور",
        "hours": "",
        "amount": "",
        **changes,
    }
    return client.form("/supporters/actions/new", data)


def test_a_supporter_records_help_to_a_core_and_its_family_sees_it(zahra, client, make_member, make_core, db):
    son = make_member(name="علی قراجه‌لو")
    core = make_core(members=(son,))

    form = zahra.get("/supporters/actions/new").get_data(as_text=True)
    assert 'value="technical"' in form and 'value="commercial"' in form and 'value="credit"' not in form
    done = record(zahra, core=core.code.lower(), hours="۱٫۵", amount="۲٬۵۰۰٬۰۰۰")

    assert done.status_code == 302
    assert done.headers["Location"] == "/supporters/actions"
    history = zahra.get("/supporters/actions").get_data(as_text=True)
    assert "حمایت شما ثبت شد" in history
    assert "حامی فنی" in history and "دامداری قراجه‌لو" in history
    assert "۱٫۵ ساعت" in history and "۲٬۵۰۰٬۰۰۰ تومان" in history
    for member_id in (son, core.leader_id):
        received = client.sign_in(member_id).get("/supporters/received").get_data(as_text=True)
        assert len(shown_ids(received)) == 1
        assert "زهرا فنی" in received
    with db() as s:
        action = s.scalars(select(SupportAction)).one()
        assert (action.minutes, action.amount, action.beneficiary_core_id) == (90, 25_000_000, core.id)


def test_help_to_a_member_is_found_by_national_code_and_seen_only_by_them(
    zahra, client, make_member, identity
):
    maryam = make_member(name="مریم احمدی")
    neighbour = make_member(name="همسایه")

    done = record(
        zahra, kind="commercial", member=identity(maryam).national_code, description="فروش  پشم به تعاوني شهر"
    )

    assert done.status_code == 302
    hers = client.sign_in(maryam).get("/supporters/received").get_data(as_text=True)
    assert "فروش پشم به تعاونی شهر" in hers  # spaces collapsed, Arabic yeh made Persian
    assert "حامی تجاری" in hers
    assert shown_ids(client.sign_in(neighbour).get("/supporters/received").get_data(as_text=True)) == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"kind": "credit"}, "kind", "شما حامی اعتباری نیستید"),
        ({"kind": "space"}, "kind", "از فهرست"),
        ({}, "member", "یا عضو"),  # no beneficiary
        ({"member": "{maryam}", "core": "{core}"}, "core", "نه هر دو"),
        ({"member": "09359999999"}, "member", "عضوی با این"),
        ({"member": "{self}"}, "member", "خودتان"),
        ({"core": "ZNJ-LIVESTOCK-999999"}, "core", "هیچ هسته‌ای این شناسه را ندارد"),
        ({"member": "{maryam}", "happened_on": "{tomorrow}"}, "happened_on", "آینده"),
        ({"member": "{maryam}", "happened_on": "1404/13/01"}, "happened_on", "تقویم"),
        ({"member": "{maryam}", "happened_on": "دیروز"}, "happened_on", "۱۴۰۴/۰۱/۳۱"),
        ({"member": "{maryam}", "description": "  "}, "description", "الزامی"),
        ({"member": "{maryam}", "hours": "یک ساعت"}, "hours", "عدد"),
        ({"member": "{maryam}", "hours": "0"}, "hours", "بین"),
        ({"member": "{maryam}", "hours": "1.25"}, "hours", "عدد"),
        ({"member": "{maryam}", "amount": "-500"}, "amount", "منفی"),
        ({"member": "{maryam}", "amount": "0"}, "amount", "بیشتر از صفر"),
    ],
)
def test_bad_support_records_are_refused_field_by_field(
    zahra, make_member, make_core, person, identity, snapshot, field_error, changes, field, message
):
    maryam = person(name="مریم احمدی")
    core = make_core()
    fill = {
        "maryam": maryam.mobile,
        "core": core.code,
        "self": identity(zahra.member_id).mobile,
        "tomorrow": to_latin_digits(format_date(services.today() + timedelta(days=1), lang="fa")),
    }
    before = snapshot()

    answer = record(zahra, **{k: v.format(**fill) for k, v in changes.items()})

    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert message in field_error(html, field), field_error(html, field)
    assert snapshot() == before


def test_a_supporter_acts_only_where_their_role_reaches(zahra, make_member, make_core, snapshot, field_error):
    in_yazd = make_core(region="yazd/ardakan", name="کاربافی اردکان")
    before = snapshot()

    answer = record(zahra, core=in_yazd.code)

    assert answer.status_code == 400
    assert "نمی‌رسد" in field_error(answer.get_data(as_text=True), "kind")
    assert snapshot() == before


def test_only_supporters_record_support(client_as, snapshot):
    member = client_as("member")
    admin = client_as("admin", role_region=None)
    before = snapshot()

    assert member.get("/supporters/actions/new").status_code == 403
    assert member.get("/supporters/actions").status_code == 403
    refused = admin.get("/supporters/actions/new")
    assert refused.status_code == 403
    assert "فقط حامیان می‌توانند حمایت ثبت کنند" in refused.get_data(as_text=True)
    sent = record(admin, member="09120000002", csrf_token=admin.csrf_token("/supporters/"))
    assert sent.status_code == 403
    assert snapshot() == before


def test_the_history_is_newest_first_and_paginated(zahra, make_member, person, db):
    maryam = person()
    with db() as s:
        me = s.get(Member, zahra.member_id)
        ids = [
            services.record_action(
                s,
                me,
                kind="technical",
                member=maryam.mobile,
                happened_on=services.today(),
                description=f"جلسه {n}",
            ).id
            for n in range(23)
        ]

    first = zahra.get("/supporters/actions").get_data(as_text=True)
    second = zahra.get("/supporters/actions?page=2").get_data(as_text=True)

    assert shown_ids(first) == ids[::-1][:20]
    assert shown_ids(second) == ids[::-1][20:]
    assert 'href="/supporters/actions?page=2"' in first
    assert zahra.get("/supporters/actions?per_page=1000").status_code == 400


def test_the_support_lists_cost_the_same_queries_for_2_or_12_rows(
    zahra, client, make_member, make_core, identity, db, count_queries
):
    maryam = make_member(name="مریم احمدی")
    core = make_core(members=(maryam,))

    maryam_mobile = identity(maryam).mobile

    def give(n: int) -> None:
        with db() as s:
            me = s.get(Member, zahra.member_id)
            for i in range(n):
                target = {"core": core.code} if i % 2 else {"member": maryam_mobile}
                services.record_action(
                    s,
                    me,
                    kind="technical",
                    happened_on=services.today(),
                    description=f"کمک {i}",
                    minutes=60,
                    **target,
                )

    give(2)
    viewer = client.sign_in(maryam)
    zahra.get("/supporters/actions")  # warm caches
    viewer.get("/supporters/received")
    with count_queries() as given_few:
        zahra.get("/supporters/actions")
    with count_queries() as received_few:
        viewer.get("/supporters/received")
    give(10)
    with count_queries() as given_many:
        given = zahra.get("/supporters/actions").get_data(as_text=True)
    with count_queries() as received_many:
        received = viewer.get("/supporters/received").get_data(as_text=True)

    assert (len(shown_ids(given)), len(shown_ids(received))) == (12, 12)
    assert given_few.count == given_many.count
    assert received_few.count == received_many.count
