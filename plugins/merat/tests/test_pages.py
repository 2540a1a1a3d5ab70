"""The member's credit report, the profile form, the history pages, and the staff look-up.

The officers here are administrators of a region: they hold every permission there, Merat's
report permission included (the loans plugin's credit officers hold it too, where it is installed).
"""

from __future__ import annotations

import re

from resalat_merat import services
from resalat_merat.models import FinancialProfile, FinancialProfileChange, ScoreLine, ScoringRequest
from sqlalchemy import select

from resalat_core.sdk import Member

from .conftest import score_in, work


def field_error(html: str, name: str) -> str:
    marker = f'id="e-{name}">'
    return html.split(marker, 1)[1].split("</div>", 1)[0] if marker in html else ""


def test_a_member_computes_their_score_and_reads_the_report(app, client_as):
    me = client_as()
    empty = me.get("/merat/").get_data(as_text=True)
    assert 'data-testid="no-score"' in empty

    answer = me.form("/merat/recompute", {}, token_from="/merat/", follow_redirects=True)

    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert 'data-testid="score"' in html and 'data-testid="rating"' in html
    assert 'data-kind="membership_days"' in html
    # Valid until, in Jalali with Persian digits.
    valid = re.search(r'data-testid="valid-until">([^<]+)<', html).group(1)
    assert re.fullmatch(r"[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2}", valid)
    with work(app) as s:
        (asked,) = s.scalars(select(ScoringRequest).where(ScoringRequest.member_id == me.member_id))
        assert (asked.reason, asked.requested_by_id) == ("on_demand", me.member_id)


def test_a_money_weight_reads_in_tomans_and_a_count_weight_as_a_number(app, client_as):
    me = client_as()
    me.form(
        "/merat/profile",
        {"monthly_income": "30000000", "monthly_expenses": "10000000"},
        token_from="/merat/",
    )
    html = me.form("/merat/recompute", {}, token_from="/merat/", follow_redirects=True).get_data(as_text=True)

    def line(kind: str) -> str:
        return html.split(f'data-kind="{kind}"', 1)[1].split("</li>", 1)[0]

    assert "تومان" in line("monthly_surplus")  # per 1,000,000 tomans, not 10,000,000 bare rials
    assert "تومان" not in line("membership_days")
    history = me.get("/merat/history").get_data(as_text=True)
    assert history.count("تومان") >= 1


def test_the_profile_form_stores_tomans_as_rials_with_history(app, client_as):
    me = client_as()
    for income in ("۳۰٬۰۰۰٬۰۰۰", "35,000,000"):
        answer = me.form(
            "/merat/profile",
            {"monthly_income": income, "monthly_expenses": "18000000", "note": "فروش شیر"},
            token_from="/merat/",
        )
        assert answer.status_code == 302
    with work(app) as s:
        profile = s.scalars(select(FinancialProfile).where(FinancialProfile.member_id == me.member_id)).one()
        assert (profile.monthly_income, profile.monthly_expenses) == (350_000_000, 180_000_000)
        changes = s.scalars(select(FinancialProfileChange.monthly_income).order_by(FinancialProfileChange.id))
        assert list(changes) == [300_000_000, 350_000_000]
    page = me.get("/merat/").get_data(as_text=True)
    assert 'value="35000000"' in page
    assert page.count('data-testid="profile-change"') == 2


def test_bad_amounts_on_the_profile_form_are_explained_and_change_nothing(app, client_as, snapshot):
    me = client_as()
    me.form("/merat/profile", {"monthly_income": "1000", "monthly_expenses": "500"}, token_from="/merat/")
    before = snapshot()
    for income, expenses, bad in [
        ("-5000", "100", "monthly_income"),
        ("سی میلیون", "100", "monthly_income"),
        ("1000", "", "monthly_expenses"),
        ("99999999999999999", "100", "monthly_income"),
        ("1000", "12.345", "monthly_expenses"),
    ]:
        answer = me.form(
            "/merat/profile", {"monthly_income": income, "monthly_expenses": expenses}, token_from="/merat/"
        )
        assert answer.status_code == 400, (income, expenses)
        assert field_error(answer.get_data(as_text=True), bad), (income, expenses)
    assert snapshot() == before


def test_the_history_page_does_not_query_per_score(app, client_as, count_queries):
    me = client_as()
    score_in(app, me.member_id)
    me.get("/merat/history")  # warm up
    with count_queries() as few:
        assert me.get("/merat/history").status_code == 200
    for _ in range(6):
        score_in(app, me.member_id)
    with count_queries() as many:
        html = me.get("/merat/history").get_data(as_text=True)
    assert html.count('data-testid="history-score"') == 7
    assert many.count == few.count


def test_the_requests_page_does_not_query_per_request(app, client_as, count_queries, make_member):
    me = client_as()
    officer = make_member("admin")
    with work(app) as s:
        services.staff_lookup(s, s.get(Member, officer), me.member_id)
    me.get("/merat/requests")  # warm up
    with count_queries() as few:
        assert me.get("/merat/requests").status_code == 200
    for reason in ("periodic", "loan_request", "on_demand"):
        score_in(app, me.member_id, reason=reason, requested_by=None)
        with work(app) as s:
            services.staff_lookup(s, s.get(Member, officer), me.member_id)
    with count_queries() as many:
        html = me.get("/merat/requests").get_data(as_text=True)
    assert html.count('data-testid="request"') == 7
    assert many.count == few.count


def test_a_member_sees_only_their_own_report(app, client_as, make_member):
    other = make_member()
    score_in(app, other)
    me = client_as()
    assert me.get(f"/merat/staff/members/{other}").status_code == 403
    assert me.get("/merat/staff").status_code == 403
    assert me.form("/merat/staff", {"member": "09350000000"}, token_from="/merat/").status_code == 403
    assert me.form(f"/merat/staff/members/{other}/recompute", {}, token_from="/merat/").status_code == 403


def test_an_officer_looks_up_a_member_of_their_region_and_it_is_recorded(app, client_as, make_member):
    member = make_member(region="zanjan/gorg-tappeh", name="مریم احمدی")
    officer = client_as("admin", region="zanjan/zanjan")
    with work(app) as s:
        mobile = s.get(Member, member).mobile

    answer = officer.form("/merat/staff", {"member": mobile}, token_from="/merat/staff")

    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/merat/staff/members/{member}")
    html = officer.get(f"/merat/staff/members/{member}").get_data(as_text=True)
    assert "مریم احمدی" in html and 'data-testid="score"' in html
    with work(app) as s:
        (asked,) = s.scalars(select(ScoringRequest).where(ScoringRequest.member_id == member))
        assert (asked.reason, asked.requested_by_id) == ("on_demand", officer.member_id)
    # A second look-up reuses the valid score, and is recorded too.
    officer.form("/merat/staff", {"member": mobile}, token_from="/merat/staff")
    with work(app) as s:
        asked = list(s.scalars(select(ScoringRequest).where(ScoringRequest.member_id == member)))
        assert len(asked) == 2 and asked[0].score_id == asked[1].score_id


def test_an_officer_cannot_see_a_member_of_another_region(app, client_as, make_member, snapshot):
    far = make_member(region="sistan-baluchestan/arbab")
    score_in(app, far)
    officer = client_as("admin", region="zanjan/zanjan")
    with work(app) as s:
        mobile = s.get(Member, far).mobile
    before = snapshot()

    refused = officer.form("/merat/staff", {"member": mobile}, token_from="/merat/staff")
    unknown = officer.form("/merat/staff", {"member": "09359999999"}, token_from="/merat/staff")
    empty = officer.form("/merat/staff", {"member": "  "}, token_from="/merat/staff")

    assert refused.status_code == 403 and field_error(refused.get_data(as_text=True), "member")
    assert unknown.status_code == 404 and field_error(unknown.get_data(as_text=True), "member")
    assert empty.status_code == 400
    assert officer.get(f"/merat/staff/members/{far}").status_code == 403
    assert officer.get("/merat/staff/members/999999").status_code == 404
    assert snapshot() == before


def test_an_officer_recomputes_a_members_score(app, client_as, make_member):
    member = make_member()
    first = score_in(app, member)
    officer = client_as("admin")
    answer = officer.form(f"/merat/staff/members/{member}/recompute", {}, token_from="/merat/staff")
    assert answer.status_code == 302
    with work(app) as s:
        newest = services.newest_score(s, s.get(Member, member))
        assert newest.id != first["id"]
        asked = s.scalars(select(ScoringRequest).where(ScoringRequest.score_id == newest.id)).one()
        assert asked.requested_by_id == officer.member_id


def test_the_home_tile_shows_the_score(app, client_as):
    me = client_as()
    score_in(app, me.member_id)
    home = me.get("/").get_data(as_text=True)
    assert "/merat/" in home and "مرآت" in home


def test_each_line_reads_in_the_readers_language_and_shows_no_code(app, client_as):
    me = client_as()
    me.form(
        "/merat/profile",
        {"monthly_income": "30000000", "monthly_expenses": "18000000"},
        token_from="/merat/",
    )
    me.form("/merat/recompute", {}, token_from="/merat/")

    persian = me.get("/merat/").get_data(as_text=True)
    me.get("/lang/en")
    english = me.get("/merat/").get_data(as_text=True)

    surplus = persian.split('data-kind="monthly_surplus"', 1)[1].split("</li>", 1)[0]
    assert "درآمد ماهانه‌ی اعلام‌شده ۳۰٬۰۰۰٬۰۰۰ تومان و هزینه‌ی ماهانه ۱۸٬۰۰۰٬۰۰۰ تومان" in surplus
    days = persian.split('data-kind="membership_days"', 1)[1].split("</li>", 1)[0]
    assert "۰ روز عضویت در ام‌رسالت" in days
    assert "Declared monthly income 30,000,000 tomans and expenses 18,000,000 tomans" in english
    for code in ("merat:", "membership_days<", "monthly_surplus<", ">membership_days", ">monthly_surplus"):
        assert code not in persian and code not in english


def test_a_line_stored_before_kinds_were_declared_reads_as_it_was_written(app, client_as):
    me = client_as()
    made = score_in(app, me.member_id)
    with work(app) as s:
        s.add(
            ScoreLine(
                score_id=made["id"],
                source="leaders",
                kind="social_guarantee",
                value=1,
                points=15,
                weight_points=15,
                weight_per=1,
                weight_max=150,
                params={"description_fa": "ضمانت اجتماعی از فاطمه قادری", "description_en": "A guarantee"},
            )
        )

    persian = me.get("/merat/").get_data(as_text=True)
    me.get("/lang/en")
    english = me.get("/merat/").get_data(as_text=True)

    assert "ضمانت اجتماعی از فاطمه قادری" in persian and "A guarantee" in english
