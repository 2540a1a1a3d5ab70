"""Credit-behaviour supporters sponsor a cooperation centre; while it runs, Merat hears of every member."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from resalat_centers import services as centres
from resalat_supporters import hooks, services
from resalat_supporters.models import Sponsorship

from resalat_core.sdk import Member, format_date, render, to_latin_digits


def day(offset: int = 0) -> str:
    """A Jalali day as the form takes it, ``offset`` days from today (Tehran)."""
    return to_latin_digits(format_date(services.today() + timedelta(days=offset), lang="fa"))


def shown_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-testid="sponsorship" data-id="(\d+)"', html)]


@pytest.fixture
def narges(client_as):
    """Narges, a credit-behaviour supporter in Sistan and Baluchestan."""
    return client_as(
        "supporter", kind="credit_behaviour", region="sistan-baluchestan/zabol", name="نرگس اعتمادی"
    )


def sponsor(client, centre_id, **changes):
    data = {"centre": str(centre_id), "starts_on": day(), "ends_on": day(364), "note": "", **changes}
    return client.form("/supporters/sponsorships/new", data)


def test_a_sponsored_centres_members_get_a_credit_signal_while_it_runs(
    narges, make_member, make_centre, signals_of
):
    fatemeh = make_member(region="sistan-baluchestan/arbab", name="فاطمه قادری")
    sewer = make_member(region="sistan-baluchestan/arbab", name="خیاط کانون")
    outsider = make_member(region="sistan-baluchestan/arbab")
    centre = make_centre(fatemeh, members=(sewer,), name="کانون الغدیر")

    form = narges.get("/supporters/sponsorships/new").get_data(as_text=True)
    assert "کانون الغدیر" in form
    done = sponsor(narges, centre, note="تا زودتر اعتبارسنجی شوند")

    assert done.status_code == 302
    listed = narges.get("/supporters/sponsorships").get_data(as_text=True)
    assert "حمایت ثبت شد" in listed and "کانون الغدیر" in listed
    assert 'data-active="true"' in listed
    for member_id in (fatemeh, sewer):
        (signal,) = signals_of(member_id)
        assert (signal.kind, signal.value) == ("credit_behaviour_sponsorship", 1)
    assert signals_of(outsider) == []


def test_the_sponsorship_signal_is_declared_with_its_default_weight(app):
    (kind,) = hooks.resalat_credit_signal_kinds()

    assert (kind.kind, kind.points, kind.per, kind.cap, kind.money) == (
        "credit_behaviour_sponsorship",
        40,
        1,
        80,
        False,
    )
    with app.test_request_context("/"):
        # Merat fills the description with the signal's value, written the reader's way.
        assert "۲" in render(kind.description, {"value": 2})


def test_the_signal_counts_every_running_sponsorship_of_every_centre_of_the_member(
    narges, client_as, make_member, make_centre, signals_of
):
    other = client_as("supporter", kind="credit_behaviour", region="sistan-baluchestan/zahedan")
    member = make_member(region="sistan-baluchestan/arbab")
    first = make_centre(members=(member,))
    second = make_centre(members=(member,), region="sistan-baluchestan/zabol")

    for client, centre in ((narges, first), (other, first), (narges, second)):
        assert sponsor(client, centre).status_code == 302

    (signal,) = signals_of(member)
    assert signal.value == 3


def test_only_running_sponsorships_count(narges, make_member, make_centre, signals_of, db):
    member = make_member(region="sistan-baluchestan/arbab")
    centre = make_centre(members=(member,))
    assert sponsor(narges, centre, starts_on=day(10), ends_on=day(40)).status_code == 302
    assert signals_of(member) == []  # not started yet

    with db() as s:
        sponsorship = s.query(Sponsorship).one()
        sponsorship.starts_on = services.today() - timedelta(days=40)
        sponsorship.ends_on = services.today() - timedelta(days=1)
    assert signals_of(member) == []  # over

    with db() as s:
        s.query(Sponsorship).one().ends_on = services.today()
    assert [sig.value for sig in signals_of(member)] == [1]  # the last day still counts

    sponsorship_id = shown_ids(narges.get("/supporters/sponsorships").get_data(as_text=True))[0]
    ended = narges.form(f"/supporters/sponsorships/{sponsorship_id}/end", {}, token_from="/supporters/")
    assert ended.status_code == 302
    assert signals_of(member) == []  # ended early by the supporter
    again = narges.form(f"/supporters/sponsorships/{sponsorship_id}/end", {}, token_from="/supporters/")
    assert "پیش‌تر به پایان رسیده" in narges.get(again.headers["Location"]).get_data(as_text=True)


def test_the_signal_takes_one_query_however_many_centres(
    app, narges, make_member, make_centre, db, count_queries
):
    member = make_member(region="sistan-baluchestan/arbab")

    def add_centres(n: int) -> None:
        for _ in range(n):
            assert sponsor(narges, make_centre(members=(member,))).status_code == 302

    add_centres(1)
    with db() as s:
        me = s.get(Member, member)
        with count_queries() as one:
            assert hooks.resalat_credit_signals(member=me)[0].value == 1
    add_centres(6)
    with db() as s:
        me = s.get(Member, member)
        with count_queries() as seven:
            assert hooks.resalat_credit_signals(member=me)[0].value == 7

    assert one.count == seven.count <= 2


def test_belonging_to_a_centre_means_what_the_centers_plugin_says(
    narges, make_member, make_centre, signals_of, db
):
    leader = make_member(region="sistan-baluchestan/arbab")
    listed = make_member(region="sistan-baluchestan/arbab")
    outsider = make_member(region="sistan-baluchestan/arbab")
    assert sponsor(narges, make_centre(leader, members=(listed,))).status_code == 302

    for member_id in (leader, listed, outsider):
        with db() as s:
            in_centres = len(centres.centres_of_member(s, s.get(Member, member_id)))
        assert sum(sig.value for sig in signals_of(member_id)) == in_centres


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"starts_on": "{d30}", "ends_on": "{d10}"}, "ends_on", "پس از آن"),
        ({"starts_on": "{m20}", "ends_on": "{m1}"}, "ends_on", "پیش‌تر به پایان رسیده"),
        ({"ends_on": "{d1200}"}, "ends_on", "سه سال"),
        ({"starts_on": "1404/02/32"}, "starts_on", "تقویم"),
        ({"ends_on": ""}, "ends_on", "تاریخ"),
        ({"centre": "999999"}, "centre", "از فهرست"),
        ({"centre": "الغدیر"}, "centre", "از فهرست"),
        ({"note": "ی" * 501}, "note", "۵۰۰"),
    ],
)
def test_bad_sponsorships_are_refused_field_by_field(
    narges, make_centre, snapshot, field_error, changes, field, message
):
    centre = make_centre()
    fill = {"d30": day(30), "d10": day(10), "m20": day(-20), "m1": day(-1), "d1200": day(1200)}
    before = snapshot()

    answer = sponsor(narges, centre, **{k: v.format(**fill) for k, v in changes.items()})

    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert message in field_error(html, field), field_error(html, field)
    assert snapshot() == before


def test_only_credit_behaviour_supporters_sponsor(client_as, make_centre, snapshot):
    credit = client_as("supporter", kind="credit", region="sistan-baluchestan/zabol")
    centre = make_centre()
    before = snapshot()

    page = credit.get("/supporters/sponsorships/new")
    sent = sponsor(credit, centre, csrf_token=credit.csrf_token("/supporters/"))

    for answer in (page, sent):
        assert answer.status_code == 403
        assert "فقط حامیان بهبود رفتار اعتباری" in answer.get_data(as_text=True)
    assert client_as("member").get("/supporters/sponsorships").status_code == 403
    assert snapshot() == before


def test_a_supporter_sponsors_only_where_their_role_reaches(narges, make_centre, snapshot):
    in_yazd = make_centre(region="yazd/ardakan", name="کانون اردکان")
    before = snapshot()

    form = narges.get("/supporters/sponsorships/new").get_data(as_text=True)
    answer = sponsor(narges, in_yazd)

    assert "کانون اردکان" not in form
    assert answer.status_code == 403
    assert "نمی‌رسد" in answer.get_data(as_text=True)
    assert snapshot() == before


def test_overlapping_periods_of_the_same_centre_are_a_conflict(narges, make_centre, snapshot):
    centre = make_centre()
    assert sponsor(narges, centre, starts_on=day(), ends_on=day(100)).status_code == 302
    before = snapshot()

    overlap = sponsor(narges, centre, starts_on=day(100), ends_on=day(200))

    assert overlap.status_code == 409
    assert "در بخشی از این دوره" in overlap.get_data(as_text=True)
    assert snapshot() == before
    assert sponsor(narges, centre, starts_on=day(101), ends_on=day(200)).status_code == 302


def test_no_one_ends_someone_elses_sponsorship(narges, client_as, make_centre, snapshot):
    assert sponsor(narges, make_centre()).status_code == 302
    (sponsorship_id,) = shown_ids(narges.get("/supporters/sponsorships").get_data(as_text=True))
    other = client_as("supporter", kind="credit_behaviour", region="sistan-baluchestan/zabol")
    before = snapshot()

    answer = other.form(f"/supporters/sponsorships/{sponsorship_id}/end", {}, token_from="/supporters/")

    assert answer.status_code == 404
    assert shown_ids(other.get("/supporters/sponsorships").get_data(as_text=True)) == []
    assert snapshot() == before


def test_the_sponsorship_list_costs_the_same_queries_for_2_or_12_rows(narges, make_centre, count_queries):
    def add(n: int) -> None:
        for i in range(n):
            assert (
                sponsor(
                    narges, make_centre(region=f"sistan-baluchestan/{('arbab', 'zabol')[i % 2]}")
                ).status_code
                == 302
            )

    add(2)
    narges.get("/supporters/sponsorships")
    with count_queries() as few:
        narges.get("/supporters/sponsorships")
    add(10)
    with count_queries() as many:
        html = narges.get("/supporters/sponsorships").get_data(as_text=True)

    assert len(shown_ids(html)) == 12
    assert few.count == many.count
