"""The people of a core: its leader adds and removes family members; their national codes stay private."""

from __future__ import annotations

import re

import pytest
from resalat_cores import services
from resalat_cores.models import Core

from resalat_core.sdk import BadInput, Member, NotAllowed, Registration, register_member, to_persian_digits
from resalat_core.testing import PASSWORD


@pytest.fixture
def jafar(client_as):
    return client_as(name="جعفر قراجه‌لو")


@pytest.fixture
def core_id(jafar, new_core, make_member):
    return new_core(jafar.member_id, approve_by=make_member("admin", role_region=None))


def test_the_leader_adds_his_wife_and_removes_a_relative(jafar, core_id, core_of, new_code):
    wife, cousin = new_code(), new_code()

    added = jafar.form(
        f"/cores/{core_id}/members", {"name": "صغری محمدی", "national_code": wife, "relation": "spouse"}
    )
    jafar.form(
        f"/cores/{core_id}/members", {"name": "حسن قراجه‌لو", "national_code": cousin, "relation": "relative"}
    )
    people = core_of(core_id)["members"]
    assert [p[:3] for p in people[1:]] == [
        ("صغری محمدی", wife, "spouse"),
        ("حسن قراجه‌لو", cousin, "relative"),
    ]

    page = jafar.get(f"/cores/{core_id}/members").get_data(as_text=True)
    cousin_row = re.search(r'data-testid="person" data-id="(\d+)">\s*<div[^>]*>\s*<span[^>]*>حسن', page)
    removed = jafar.form(
        f"/cores/{core_id}/members/{cousin_row.group(1)}/remove", {}, token_from=f"/cores/{core_id}/members"
    )

    assert added.status_code == removed.status_code == 302
    assert [p[1] for p in core_of(core_id)["members"][1:]] == [wife]


def test_the_same_national_code_twice_in_one_core_is_refused(jafar, core_id, snapshot, new_code):
    code = new_code()
    jafar.form(
        f"/cores/{core_id}/members", {"name": "صغری محمدی", "national_code": code, "relation": "spouse"}
    )
    before = snapshot()

    again = jafar.form(
        f"/cores/{core_id}/members",
        {"name": "صغری", "national_code": "  " + code[:3] + "-" + code[3:], "relation": "spouse"},
    )

    assert again.status_code == 400
    assert "پیش‌تر عضو این هسته است" in again.get_data(as_text=True)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "علی", "national_code": "1234567890", "relation": "child"}, "national_code"),
        ({"name": "علی", "national_code": "", "relation": "child"}, "national_code"),
        ({"name": "", "national_code": "0012345679", "relation": "child"}, "name"),
        ({"name": "علی", "national_code": "0012345679", "relation": "boss"}, "relation"),
        ({"name": "علی", "national_code": "0012345679", "relation": "child", "mobile": "0912"}, "mobile"),
    ],
)
def test_a_bad_person_is_refused_and_named(jafar, core_id, snapshot, values, field):
    before = snapshot()

    page = jafar.form(f"/cores/{core_id}/members", values)

    assert page.status_code == 400
    assert f'id="e-{field}"' in page.get_data(as_text=True)
    assert snapshot() == before


def test_the_api_reports_a_duplicate_on_national_code(api_as, new_core, new_code, snapshot):
    api = api_as(name="جعفر قراجه‌لو")
    core_id = new_core(api.member_id)
    code = new_code()
    person = {"name": "صغری محمدی", "national_code": code, "relation": "spouse"}
    first = api.post(f"/api/v1/cores/{core_id}/members", json=person)
    before = snapshot()

    again = api.post(f"/api/v1/cores/{core_id}/members", json=person)

    assert first.status_code == 201
    # Someone else's code, even the spouse's the leader typed: only its last four digits come back.
    assert first.get_json()["national_code"] == "\u2022" * 6 + code[-4:]
    assert again.status_code == 400
    assert list(again.get_json()["error"]["fields"]) == ["national_code"]
    assert snapshot() == before
    listed = api.get(f"/api/v1/cores/{core_id}/members").get_json()
    assert [p["relation"] for p in listed["items"]] == ["leader", "spouse"]
    assert api.delete(f"/api/v1/cores/{core_id}/members/{first.get_json()['id']}").status_code == 204
    assert api.get(f"/api/v1/cores/{core_id}/members").get_json()["meta"]["total"] == 1


def test_the_leader_cannot_be_removed_from_their_own_core(db, jafar, core_id, snapshot):
    before = snapshot()

    with pytest.raises(BadInput), db() as s:
        core = s.get(Core, core_id)
        leader_row = core.members[0]
        services.remove_core_member(s, core, leader_row.id, actor=s.get(Member, jafar.member_id))

    assert snapshot() == before


def test_another_members_core_people_answer_404(client_as, api_as, core_id, snapshot):
    neighbour = client_as()
    before = snapshot()

    assert neighbour.get(f"/cores/{core_id}/members").status_code == 404
    assert (
        neighbour.form(
            f"/cores/{core_id}/members",
            {"name": "علی", "national_code": "0012345679", "relation": "child"},
            token_from="/cores/mine",
        ).status_code
        == 404
    )
    api = api_as()
    assert api.get(f"/api/v1/cores/{core_id}/members").status_code == 404
    assert api.delete(f"/api/v1/cores/{core_id}/members/1").status_code == 404
    assert snapshot() == before


def test_the_service_refuses_a_stranger(db, core_id, make_member):
    stranger = make_member()

    with pytest.raises(NotAllowed), db() as s:
        services.add_core_member(
            s,
            s.get(Core, core_id),
            name="علی",
            national_code="0012345679",
            relation="child",
            actor=s.get(Member, stranger),
        )


def test_the_areas_reviewer_sees_the_people_with_their_national_codes_masked(
    client_as, core_id, member_info, jafar
):
    reviewer = client_as("admin", region="zanjan/zanjan")

    html = reviewer.get(f"/cores/{core_id}/members").get_data(as_text=True)

    code = member_info(jafar.member_id).national_code
    assert to_persian_digits(code) not in html  # another member's code: only its last four digits
    assert "••••••" + to_persian_digits(code[-4:]) in html
    assert 'data-testid="person"' in html


def test_the_public_page_shows_no_national_code_or_mobile(client, core_id, member_info, jafar):
    me = member_info(jafar.member_id)

    html = client.get(f"/cores/{core_id}").get_data(as_text=True)
    body = client.get(f"/api/v1/cores/{core_id}").get_json()

    for secret in (
        me.national_code,
        me.mobile,
        to_persian_digits(me.national_code),
        to_persian_digits(me.mobile),
    ):
        assert secret not in html
        assert secret not in str(body)
    assert body["members_count"] == 1
    assert body["leader_name"] == me.name


def test_a_family_member_who_joins_later_is_linked_to_their_core(app, db, core_id, jafar, new_code, core_of):
    code = new_code()
    with db() as s:
        services.add_core_member(
            s,
            s.get(Core, core_id),
            name="علی قراجه‌لو",
            national_code=code,
            relation="child",
            actor=s.get(Member, jafar.member_id),
        )

    result = app.test_cli_runner().invoke(
        args=[
            "members",
            "create",
            "--national-code",
            code,
            "--mobile",
            "09351112233",
            "--name",
            "علی قراجه‌لو",
            "--region",
            "zanjan/gorg-tappeh",
            "--password",
            "a-long-pass-1404",
        ]
    )

    assert result.exit_code == 0, result.output
    assert core_of(core_id)["members"][1][3] is not None
    with db() as s:
        son = s.query(Member).filter_by(national_code=code).one()
        assert [c.id for c in services.cores_of_member(s, son)] == [core_id]


def test_a_wife_listed_before_she_joined_is_linked_to_her_new_account(db, jafar, new_core, core_of, new_code):
    wife = new_code()
    core = new_core(
        jafar.member_id, family=[{"name": "صغری محمدی", "national_code": wife, "relation": "spouse"}]
    )
    assert core_of(core)["members"][1][3] is None  # not a member yet

    # However she joins (the sign-up page, the CLI, the API), the registration tells the cores.
    with db() as s:
        sughra = register_member(
            s,
            Registration(
                national_code=wife,
                mobile="09351112233",
                name="صغری محمدی",
                region="zanjan/gorg-tappeh",
                password=PASSWORD,
            ),
        )
        sughra_id = sughra.id

    assert core_of(core)["members"][1][3] == sughra_id
