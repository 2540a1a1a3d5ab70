"""Social guarantees on the pages: a leader vouches for a member of her community with her signature."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from resalat_leaders import services
from resalat_leaders.models import SocialGuarantee

from resalat_core.sdk import BadInput, Member, format_date, get_db
from resalat_core.testing import PASSWORD

NEW = "/leaders/guarantees/new"
ZABOL = "sistan-baluchestan/zabol"


def shown(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-testid="guarantee" data-id="(\d+)"', html)]


def field_error(html: str, field: str) -> str:
    """The message under a form field (empty if none)."""
    match = re.search(rf'id="e-{field}">([^<]*)<', html)
    return match.group(1) if match else ""


def form(member: str, cap: str = "50,000,000", **more: str) -> dict[str, str]:
    return {
        "member": member,
        "cap": cap,
        "statement": "زهرا نارویی را سال‌هاست می‌شناسم؛ خیاط چیره‌دست و خوش‌حساب ارباب است.",
        "valid_until": "",
        "password": PASSWORD,
        **more,
    }


def test_ghaderi_vouches_for_a_tailor_of_arbab_with_her_password(db, ghaderi, arbab_member):
    zahra = arbab_member()

    done = ghaderi.form(NEW, form(zahra.mobile, "۵۰٬۰۰۰٬۰۰۰", valid_until="۱۴۹۹/۱۲/۲۹"))

    assert done.status_code == 302
    with db() as s:
        (g,) = s.query(SocialGuarantee).all()
        assert (g.leader_id, g.member_id, g.cap_rials, g.status) == (
            ghaderi.member_id,
            zahra.id,
            500_000_000,
            "active",
        )
        assert g.valid_until.isoformat() == "2121-03-20"  # 1499/12/29
    assert done.headers["Location"] == f"/leaders/guarantees/{g.id}"
    page = ghaderi.get(done.headers["Location"]).get_data(as_text=True)
    assert "۵۰٬۰۰۰٬۰۰۰ تومان" in page
    assert "۱۴۹۹/۱۲/۲۹" in page
    assert "خیاط چیره‌دست" in page
    assert 'data-state="active"' in page
    assert 'data-testid="revoke-form"' in page


def test_the_member_reads_her_guarantee_but_cannot_revoke_it(app, ghaderi, arbab_member, client_as, sign):
    zahra = arbab_member()
    g = sign(ghaderi.member_id, zahra.mobile, "20000000")
    her = client_as(region="sistan-baluchestan/arbab").sign_in(zahra.id)

    mine = her.get("/leaders/mine").get_data(as_text=True)
    detail = her.get(f"/leaders/guarantees/{g.id}")

    assert shown(mine) == [g.id]
    assert "۲۰٬۰۰۰٬۰۰۰ تومان" in mine and "فاطمه قادری" in mine
    assert detail.status_code == 200
    assert 'data-testid="revoke-form"' not in detail.get_data(as_text=True)
    assert (
        her.form(
            f"/leaders/guarantees/{g.id}/revoke", {"reason": "x"}, token_from="/leaders/mine"
        ).status_code
        == 403
    )
    assert her.get("/leaders/guarantees").status_code == 403


def test_nobody_but_the_leader_the_member_and_admins_sees_a_guarantee(
    app, ghaderi, arbab_member, client_as, sign
):
    zahra = arbab_member()
    g = sign(ghaderi.member_id, zahra.mobile)
    neighbour = client_as(region="sistan-baluchestan/arbab")
    other_leader = client_as("social_leader", region="sistan-baluchestan/zabol")
    province_admin = client_as("admin", region=ZABOL)
    zanjan_admin = client_as("admin", region="zanjan/zanjan")

    assert neighbour.get(f"/leaders/guarantees/{g.id}").status_code == 404
    assert other_leader.get(f"/leaders/guarantees/{g.id}").status_code == 404
    assert shown(other_leader.get("/leaders/guarantees").get_data(as_text=True)) == []
    assert zanjan_admin.get(f"/leaders/guarantees/{g.id}").status_code == 404
    assert province_admin.get(f"/leaders/guarantees/{g.id}").status_code == 200
    assert shown(province_admin.get("/leaders/guarantees").get_data(as_text=True)) == [g.id]
    assert shown(neighbour.get("/leaders/mine").get_data(as_text=True)) == []


def test_a_plain_member_cannot_reach_the_leaders_pages_but_has_her_own(client_as):
    member = client_as(region="sistan-baluchestan/arbab")

    for url in (
        "/leaders/",
        "/leaders/guarantees",
        NEW,
        "/leaders/talents",
        "/leaders/trades",
        "/leaders/community",
    ):
        assert member.get(url).status_code == 403, url
    mine = member.get("/leaders/mine")
    assert mine.status_code == 200
    assert 'data-testid="empty"' in mine.get_data(as_text=True)


@pytest.mark.parametrize(
    ("cap", "message"),
    [
        ("0", "بیشتر از صفر"),
        ("۰", "بیشتر از صفر"),
        ("-5000", "منفی"),
        ("5000-", "منفی"),
        ("abc", "رقم"),
        ("", "مبلغ را وارد کنید"),
        ("9" * 40, "بزرگ"),
    ],
)
def test_a_bad_cap_is_refused_and_nothing_is_stored(ghaderi, arbab_member, snapshot, cap, message):
    zahra = arbab_member()
    before = snapshot()

    answer = ghaderi.form(NEW, form(zahra.mobile, cap))

    assert answer.status_code == 400
    assert message in field_error(answer.get_data(as_text=True), "cap")
    assert snapshot() == before


def test_a_member_outside_her_community_is_refused_with_the_reason(ghaderi, outsider, snapshot):
    before = snapshot()

    answer = ghaderi.form(NEW, form(outsider.mobile))

    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "بیرون از جامعه‌ی شما" in field_error(html, "member")
    assert "گرگ‌تپه" in field_error(html, "member")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("self", "ضامن خودتان"),
        ("09359999999", "عضوی با این"),
        ("hello", "عضوی با این"),
        ("", "شماره‌ی همراه یا کد ملی عضو را وارد کنید"),
    ],
)
def test_a_guarantee_to_oneself_or_to_nobody_is_refused(ghaderi, snapshot, who, message, identity_of):
    me = identity_of(ghaderi.member_id)
    before = snapshot()

    answer = ghaderi.form(NEW, form(me.national_code if who == "self" else who))

    assert answer.status_code == 400
    assert message in field_error(answer.get_data(as_text=True), "member")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("until", "message"),
    [("1402/12/29", "گذشته"), ("1404/13/01", "تقویم"), ("tomorrow", "مانند")],
)
def test_a_last_day_in_the_past_or_not_a_date_is_refused(ghaderi, arbab_member, snapshot, until, message):
    zahra = arbab_member()
    before = snapshot()

    answer = ghaderi.form(NEW, form(zahra.mobile, valid_until=until))

    assert answer.status_code == 400
    assert message in field_error(answer.get_data(as_text=True), "valid_until")
    assert snapshot() == before


def test_today_is_still_a_valid_last_day(app, ghaderi, arbab_member):
    zahra = arbab_member()
    today = services.today()
    typed = format_date(today, lang="fa")  # as the member would type it: ۱۴۰۴/۰۹/۱۰

    assert ghaderi.form(NEW, form(zahra.mobile, valid_until=typed)).status_code == 302


def test_every_bad_field_is_reported_at_once(ghaderi, outsider, snapshot):
    before = snapshot()

    answer = ghaderi.form(NEW, {"member": outsider.mobile, "cap": "0", "statement": " ", "password": ""})

    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    for field in ("member", "cap", "statement", "password"):
        assert field_error(html, field), field
    assert snapshot() == before


def test_a_wrong_password_does_not_sign_and_counts_towards_the_sign_in_throttle(
    ghaderi, arbab_member, snapshot
):
    zahra = arbab_member()
    before = snapshot()

    for _attempt in range(5):
        answer = ghaderi.form(NEW, form(zahra.mobile, password="not-my-password"))
        assert answer.status_code == 400
        assert "رمز عبور نادرست" in field_error(answer.get_data(as_text=True), "password")
    locked = ghaderi.form(NEW, form(zahra.mobile))

    assert locked.status_code == 429
    assert "دقیقه" in locked.get_data(as_text=True)
    assert snapshot() == before


def test_a_leader_cannot_vouch_for_more_than_her_limit_at_once(db, ghaderi, arbab_member, sign, snapshot):
    zahra, maryam = arbab_member(), arbab_member("مریم شهرکی")
    sign(ghaderi.member_id, zahra.mobile, "400,000,000")  # the limit is 500,000,000 tomans
    before = snapshot()

    over = ghaderi.form(NEW, form(maryam.mobile, "100,000,001"))

    assert over.status_code == 400
    message = field_error(over.get_data(as_text=True), "cap")
    assert "بیش از سقف" in message and "۱۰۰٬۰۰۰٬۰۰۰ تومان" in message
    assert snapshot() == before
    assert ghaderi.form(NEW, form(maryam.mobile, "100,000,000")).status_code == 302
    with db() as s:
        assert services.active_total(s, s.get(Member, ghaderi.member_id)) == 5_000_000_000


def test_the_limit_comes_from_the_plugin_settings(make_app, make_member, person):
    custom = make_app(plugins={"leaders": {"guarantee_cap_rials": 1_000_000}})
    leader = make_member("social_leader", region="sistan-baluchestan/arbab")
    zahra = person(region="sistan-baluchestan/arbab")
    with custom.app_context():
        s = get_db().session()
        me = s.get(Member, leader)
        assert services.leader_cap() == 1_000_000
        with pytest.raises(BadInput) as refused:
            services.sign_guarantee(
                s, me, member=zahra.mobile, cap_rials=1_000_010, statement="ضامنم", password=PASSWORD
            )
        assert refused.value.code == "over_leader_cap"
        s.rollback()


def test_revoking_needs_a_reason_and_the_member_reads_it(
    app, ghaderi, arbab_member, sign, snapshot, signals_of
):
    zahra = arbab_member()
    g = sign(ghaderi.member_id, zahra.mobile)
    url = f"/leaders/guarantees/{g.id}"
    before = snapshot()

    empty = ghaderi.form(f"{url}/revoke", {"reason": "  "}, token_from=url)
    assert empty.status_code == 400
    assert field_error(empty.get_data(as_text=True), "reason")
    assert snapshot() == before

    done = ghaderi.form(
        f"{url}/revoke", {"reason": "از روستا رفته است و دیگر او را نمی‌بینم."}, token_from=url
    )

    assert done.status_code == 302
    page = ghaderi.get(url).get_data(as_text=True)
    assert 'data-state="revoked"' in page and "از روستا رفته است" in page
    assert 'data-testid="revoke-form"' not in page
    assert signals_of(zahra.id) == []
    again = ghaderi.form(f"{url}/revoke", {"reason": "دوباره"}, token_from="/leaders/guarantees")
    assert again.status_code == 400


def test_another_leader_cannot_revoke_someone_elses_guarantee(
    ghaderi, arbab_member, client_as, sign, snapshot
):
    zahra = arbab_member()
    g = sign(ghaderi.member_id, zahra.mobile)
    other = client_as("social_leader", region="sistan-baluchestan/arbab")
    before = snapshot()

    answer = other.form(
        f"/leaders/guarantees/{g.id}/revoke", {"reason": "حسادت"}, token_from="/leaders/guarantees"
    )

    assert answer.status_code == 404
    assert snapshot() == before


def test_an_admin_of_the_region_may_revoke(ghaderi, arbab_member, client_as, sign):
    zahra = arbab_member()
    g = sign(ghaderi.member_id, zahra.mobile)
    admin = client_as("admin", region=ZABOL)

    answer = admin.form(
        f"/leaders/guarantees/{g.id}/revoke", {"reason": "گزارش نادرست"}, token_from="/leaders/guarantees"
    )

    assert answer.status_code == 302


def test_a_guarantee_past_its_last_day_is_expired_without_any_job(
    ghaderi, arbab_member, sign, long_ago, signals_of
):
    zahra = arbab_member()
    old = sign(
        ghaderi.member_id, zahra.mobile, "300,000,000", valid_until=long_ago + timedelta(days=5), on=long_ago
    )
    fresh = sign(ghaderi.member_id, zahra.mobile, "300,000,000")  # the old one no longer takes room

    listed = ghaderi.get("/leaders/guarantees").get_data(as_text=True)
    expired = ghaderi.get("/leaders/guarantees?status=expired").get_data(as_text=True)
    active = ghaderi.get("/leaders/guarantees?status=active").get_data(as_text=True)

    assert shown(listed) == [fresh.id, old.id]
    assert shown(expired) == [old.id] and shown(active) == [fresh.id]
    assert 'data-state="expired"' in listed
    assert [s.value for s in signals_of(zahra.id)] == [3_000_000_000]
    revoke = ghaderi.form(
        f"/leaders/guarantees/{old.id}/revoke", {"reason": "x"}, token_from=f"/leaders/guarantees/{old.id}"
    )
    assert revoke.status_code == 400
    assert ghaderi.get("/leaders/guarantees?status=lost").status_code == 400


def test_the_guarantee_list_is_paginated_and_costs_the_same_queries_for_3_or_12(
    ghaderi, arbab_member, sign, count_queries
):
    members = [arbab_member() for _ in range(12)]
    for m in members[:3]:
        sign(ghaderi.member_id, m.mobile)
    ghaderi.get("/leaders/guarantees")  # warm caches (templates, translations)

    with count_queries() as few:
        small = ghaderi.get("/leaders/guarantees?per_page=50").get_data(as_text=True)
    for m in members[3:]:
        sign(ghaderi.member_id, m.mobile)
    with count_queries() as many:
        large = ghaderi.get("/leaders/guarantees?per_page=50").get_data(as_text=True)
    second = ghaderi.get("/leaders/guarantees?per_page=10&page=2").get_data(as_text=True)

    assert (len(shown(small)), len(shown(large))) == (3, 12)
    assert few.count == many.count
    assert len(shown(second)) == 2
    assert ghaderi.get("/leaders/guarantees?page=0").status_code == 400


def test_the_members_own_list_costs_the_same_queries_for_2_or_8(
    app, client_as, make_member, arbab_member, sign, count_queries
):
    zahra = arbab_member()
    leaders = [make_member("social_leader", region="sistan-baluchestan/zabol") for _ in range(8)]
    for leader in leaders[:2]:
        sign(leader, zahra.mobile)
    her = client_as(region="sistan-baluchestan/arbab").sign_in(zahra.id)
    her.get("/leaders/mine")

    with count_queries() as few:
        small = her.get("/leaders/mine").get_data(as_text=True)
    for leader in leaders[2:]:
        sign(leader, zahra.mobile)
    with count_queries() as many:
        large = her.get("/leaders/mine").get_data(as_text=True)

    assert (len(shown(small)), len(shown(large))) == (2, 8)
    assert few.count == many.count


def test_the_pages_speak_persian_right_to_left_and_english_by_choice(ghaderi, arbab_member, sign):
    zahra = arbab_member()
    g = sign(ghaderi.member_id, zahra.mobile, "1,250")

    persian = ghaderi.get(f"/leaders/guarantees/{g.id}").get_data(as_text=True)
    assert 'dir="rtl"' in persian and "۱٬۲۵۰ تومان" in persian and "ضمانت اجتماعی" in persian
    assert re.search(r"[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2}", persian)
    form_page = ghaderi.get(NEW).get_data(as_text=True)
    assert 'name="viewport"' in form_page and 'inputmode="numeric"' in form_page
    assert 'type="password"' in form_page

    ghaderi.get("/lang/en")
    english = ghaderi.get(f"/leaders/guarantees/{g.id}").get_data(as_text=True)
    assert "1,250 tomans" in english and "Social guarantee" in english


def test_the_member_is_told_who_vouched_and_up_to_how_much(app, ghaderi, arbab_member, monkeypatch):
    told = []
    # What the SDK's notify() would hand to a notification plugin, where one is switched on.
    monkeypatch.setattr(services, "notify", lambda member, message: told.append((member.id, message)))
    zahra = arbab_member()

    assert ghaderi.form(NEW, form(zahra.mobile, "50,000,000")).status_code == 302

    ((member_id, message),) = told
    assert (member_id, message.source, message.kind.kind) == (zahra.id, "leaders", "guarantee.signed")
    with app.test_request_context():  # read in the reader's language (Persian by default)
        assert message.title == "فاطمه قادری ضمانت اجتماعی شما را امضا کرد"
        assert message.body.startswith("تا سقف ۵۰٬۰۰۰٬۰۰۰ تومان؛")
