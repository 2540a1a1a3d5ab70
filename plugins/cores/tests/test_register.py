"""Registering a core: a member their own family business, a reviewer one for a member of their area."""

from __future__ import annotations

import re

import pytest
from resalat_cores import services

from resalat_core.sdk import BadInput, Member, NotAllowed

REGISTER = "/cores/register"


def family_row(i: int, name: str = "", national_code: str = "", relation: str = "", mobile: str = "") -> dict:
    return {
        f"family-{i}-name": name,
        f"family-{i}-national_code": national_code,
        f"family-{i}-relation": relation,
        f"family-{i}-mobile": mobile,
    }


def test_jafar_registers_his_family_livestock_core_as_a_candidate(client_as, core_of, member_info, new_code):
    jafar = client_as(name="جعفر قراجه‌لو")
    wife, son = new_code(), new_code()

    response = jafar.form(
        REGISTER,
        {
            "name": "  هسته‌ی دام سبك قراجه‌لو ",  # an Arabic kaf, extra spaces
            "field": "livestock",
            "region": "zanjan/gorg-tappeh",
            "existed_before": "1",
            "description": "پرورش گوسفند\nو بز",
            **family_row(0, "صغری محمدی", wife, "spouse", "۰۹۱۲ ۱۲۳ ۴۵۶۷"),
            **family_row(1, "علی قراجه‌لو", son, "child"),
        },
    )

    assert response.status_code == 302
    core_id = int(re.search(r"/cores/(\d+)$", response.headers["Location"]).group(1))
    core = core_of(core_id)
    me = member_info(jafar.member_id)
    assert core["name"] == "هسته‌ی دام سبک قراجه‌لو"
    assert (core["status"], core["code"]) == ("candidate", None)
    assert core["members"] == [
        (me.name, me.national_code, "leader", me.id),
        ("صغری محمدی", wife, "spouse", None),
        ("علی قراجه‌لو", son, "child", None),
    ]
    assert core["history"] == [(None, "candidate", "", me.id)]
    page = jafar.get(response.headers["Location"]).get_data(as_text=True)
    assert "هنوز صادر نشده" in page  # no core ID before a reviewer approves it


def test_the_registration_form_is_persian_right_to_left_and_phone_friendly(client_as):
    html = client_as().get(REGISTER).get_data(as_text=True)

    assert '<html lang="fa" dir="rtl">' in html
    assert "ثبت هسته" in html
    assert 'id="f-family-0-national_code"' in html
    assert re.search(r'id="f-family-0-national_code"[^>]*inputmode="numeric"', html)
    assert 'id="f-leader"' not in html  # only reviewers register for others


def test_every_bad_field_is_reported_at_once_and_nothing_is_stored(client_as, snapshot, new_code):
    member = client_as()
    before = snapshot()

    response = member.form(
        REGISTER,
        {
            "name": "",
            "field": "camels",
            "region": "atlantis",
            **family_row(0, "زهرا", "0012345678", "child"),  # a bad check digit
            **family_row(1, "حسین", new_code(), ""),  # no relation
            **family_row(2, "رضا", new_code(), "child", "12345"),  # a bad mobile
        },
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for field in (
        "name",
        "field",
        "region",
        "family-0-national_code",
        "family-1-relation",
        "family-2-mobile",
    ):
        assert f'id="e-{field}"' in html, field
    assert "کد ملی معتبر نیست" in html
    assert snapshot() == before


@pytest.mark.parametrize(
    ("rows", "field"),
    [
        ([{"name": "زهرا", "national_code": "1111111111", "relation": "child"}], "family.0.national_code"),
        ([{"name": "زهرا", "national_code": "12", "relation": "child"}], "family.0.national_code"),
        ([{"name": "زهرا۲", "national_code": "0012345679", "relation": "child"}], "family.0.name"),
        ([{"name": "زهرا", "national_code": "0012345679", "relation": "leader"}], "family.0.relation"),
        ([{"name": "زهرا", "national_code": "0012345679", "relation": "cousin"}], "family.0.relation"),
        (
            [
                {"name": "زهرا", "national_code": "0012345679", "relation": "child"},
                {
                    "name": "زینب",
                    "national_code": "۰۰۱۲۳۴۵۶۷۹",
                    "relation": "child",
                },  # the same, in Persian digits
            ],
            "family.1.national_code",
        ),
        (["not a row"], "family.0"),
    ],
)
def test_a_bad_family_row_is_named_and_nothing_is_stored(db, make_member, snapshot, rows, field):
    leader_id = make_member()
    before = snapshot()

    with pytest.raises(BadInput) as caught, db() as s:
        services.register_core(
            s,
            leader=s.get(Member, leader_id),
            name="هسته‌ی خانوادگی",
            field="saffron",
            region="khorasan-south/qaen",
            existed_before=True,
            family=rows,
        )

    assert field in caught.value.fields
    assert snapshot() == before


def test_the_leader_is_not_listed_twice(db, make_member, person):
    leader = person()

    with pytest.raises(BadInput) as caught, db() as s:
        services.register_core(
            s,
            leader=s.get(Member, leader.id),
            name="هسته‌ی خانوادگی",
            field="saffron",
            region="khorasan-south/qaen",
            existed_before=True,
            family=[{"name": "خودم", "national_code": leader.national_code, "relation": "sibling"}],
        )

    assert "family.0.national_code" in caught.value.fields


def test_a_family_member_already_in_m_resalat_is_linked_to_their_account(
    new_core, core_of, make_member, person
):
    leader_id = make_member()
    wife = person(name="صغری محمدی")

    core_id = new_core(
        leader_id, family=[{"name": wife.name, "national_code": wife.national_code, "relation": "spouse"}]
    )

    assert core_of(core_id)["members"][1][3] == wife.id


def test_the_same_leader_cannot_register_two_cores_of_the_same_name(db, new_core, make_member, snapshot):
    leader_id = make_member()
    new_core(leader_id, name="هسته‌ی زعفران یاس")
    before = snapshot()

    with pytest.raises(BadInput) as caught, db() as s:
        services.register_core(
            s,
            leader=s.get(Member, leader_id),
            name="هسته‌ي زعفران ياس",  # Arabic yeh: the same name to a reader
            field="saffron",
            region="zanjan/gorg-tappeh",
            existed_before=True,
        )

    assert "name" in caught.value.fields
    assert snapshot() == before


def test_a_reviewer_registers_a_core_for_a_member_of_their_area(client_as, make_member, core_of, person):
    reviewer = client_as("admin", region="zanjan/zanjan")
    maryam = person(name="مریم احمدی")
    assert 'id="f-leader"' in reviewer.get(REGISTER).get_data(as_text=True)

    response = reviewer.form(
        REGISTER,
        {
            "leader": maryam.mobile,
            "name": "هسته‌ی لبنیات محلی",
            "field": "food",
            "region": "zanjan/gorg-tappeh",
        },
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    core = core_of(int(response.headers["Location"].rsplit("/", 1)[1]))
    assert core["members"][0][3] == maryam.id  # Maryam leads it
    assert core["history"][0][3] == reviewer.member_id  # the reviewer registered it


def test_a_reviewer_cannot_register_a_core_outside_their_area(client_as, make_member, snapshot, person):
    reviewer = client_as("admin", region="zanjan/zanjan")
    zahra = person(region="yazd/ardakan")
    before = snapshot()

    response = reviewer.form(
        REGISTER,
        {"leader": zahra.mobile, "name": "کاربافان", "field": "hand_weaving", "region": "yazd/ardakan"},
    )

    assert response.status_code == 403
    assert "فقط رهیار منطقه" in response.get_data(as_text=True)
    assert snapshot() == before


def test_a_plain_member_cannot_register_a_core_in_someone_elses_name(
    client_as, make_member, snapshot, person
):
    member = client_as()
    other = person()
    before = snapshot()

    response = member.form(
        REGISTER,
        {"leader": other.mobile, "name": "هسته‌ی دیگری", "field": "food", "region": "zanjan/gorg-tappeh"},
    )

    assert response.status_code == 403
    assert snapshot() == before


def test_an_unknown_leader_is_named_on_the_form(client_as, snapshot):
    reviewer = client_as("admin", region="zanjan/zanjan")
    before = snapshot()

    response = reviewer.form(
        REGISTER, {"leader": "09359999999", "name": "هسته", "field": "food", "region": "zanjan/gorg-tappeh"}
    )

    assert response.status_code == 400
    assert 'id="e-leader"' in response.get_data(as_text=True)
    assert snapshot() == before


def test_the_service_refuses_anyone_but_a_reviewer_registering_for_another(db, make_member):
    leader_id, neighbour_id = make_member(), make_member()

    with pytest.raises(NotAllowed), db() as s:
        services.register_core(
            s,
            leader=s.get(Member, leader_id),
            name="هسته",
            field="food",
            region="zanjan/gorg-tappeh",
            existed_before=False,
            actor=s.get(Member, neighbour_id),
        )


def test_registering_needs_a_signed_in_member(client):
    response = client.get(REGISTER)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
