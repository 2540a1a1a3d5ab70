"""`resalat members` and `resalat regions`: what an operator types, and what a script reads back."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from resalat_core.identity import national_code_with_check_digit
from resalat_core.members.models import Member, RoleGrant
from resalat_core.testing import ResalatClient

CODE = national_code_with_check_digit("004498775")
PASSWORD = "sabzi-polo-1404"


def cli(app, *args: str, **kwargs: Any) -> Any:
    return app.test_cli_runner().invoke(args=list(args), **kwargs)


def as_json(result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def create(app, *extra: str, code: str = CODE, mobile: str = "۰۹۱۲ ۳۴۵ ۶۷۸۹", region: str = "zanjan/abhar"):
    return cli(
        app,
        "members",
        "create",
        "--national-code",
        code,
        "--mobile",
        mobile,
        "--name",
        "علي  محمدي",
        "--region",
        region,
        "--password",
        PASSWORD,
        *extra,
    )


def counts(app) -> tuple[int, int]:
    """(members, role grants): what a refused command must leave as it was."""
    with app.extensions["resalat"].db.new_session() as s:
        return s.scalar(select(func.count(Member.id))), s.scalar(select(func.count(RoleGrant.id)))


def test_an_operator_creates_a_member_and_a_script_reads_it_back(app):
    created = as_json(create(app, "--json"))

    assert created["national_code"] == CODE
    assert created["mobile"] == "09123456789"
    assert created["name"] == "علی محمدی"  # Arabic ي folded to Persian ی, spaces collapsed
    assert created["region"] == "zanjan/abhar"
    assert created["roles"] == []
    shown = as_json(cli(app, "members", "show", "09123456789", "--json"))
    assert shown == created


def test_created_members_sign_in_with_the_password_given(app):
    create(app)
    app.test_client_class = ResalatClient
    client = app.test_client()

    response = client.form("/auth/login", {"identifier": CODE, "password": PASSWORD})

    assert response.status_code == 302


def test_the_password_may_be_typed_at_a_hidden_prompt(app):
    result = cli(
        app,
        "members",
        "create",
        "--national-code",
        CODE,
        "--mobile",
        "09123456789",
        "--name",
        "علی محمدی",
        "--region",
        "zanjan",
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )

    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert counts(app) == (1, 0)


def test_a_member_is_shown_by_national_code_too(app):
    create(app)

    result = cli(app, "members", "show", CODE)

    assert result.exit_code == 0
    assert "09123456789" in result.output


def test_an_operator_makes_a_member_guide_of_zanjan(app):
    create(app)

    result = cli(app, "members", "grant", CODE, "steward", "--region", "zanjan")

    assert result.exit_code == 0, result.output
    roles = as_json(cli(app, "members", "show", CODE, "--json"))["roles"]
    assert roles == [{"role": "steward", "region": "zanjan", "kind": None}]


def test_a_supporter_is_granted_with_a_kind_nationwide(app):
    create(app)

    assert cli(app, "members", "grant", CODE, "patron", "--kind", "technical").exit_code == 0

    roles = as_json(cli(app, "members", "show", CODE, "--json"))["roles"]
    assert roles == [{"role": "patron", "region": None, "kind": "technical"}]


def test_a_token_from_the_cli_opens_the_api(app):
    member_id = as_json(create(app, "--json"))["id"]

    issued = as_json(cli(app, "members", "token", CODE, "--name", "laptop", "--json"))

    assert issued["member_id"] == member_id
    assert issued["expires_at"]
    me = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {issued['token']}"})
    assert me.status_code == 200
    assert me.get_json()["id"] == member_id


def test_regions_list_names_the_31_provinces(app):
    provinces = as_json(cli(app, "regions", "list", "--json"))

    assert len(provinces) == 31
    assert {p["kind"] for p in provinces} == {"province"}
    assert {"tehran", "zanjan", "sistan-baluchestan"} <= {p["code"] for p in provinces}
    assert all(p["name_fa"] and p["name_en"] for p in provinces)


def test_regions_list_shows_the_places_of_one_province(app):
    places = as_json(cli(app, "regions", "list", "--province", "zanjan", "--json"))

    assert places and all(p["code"].startswith("zanjan/") for p in places)


# --- refused commands ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"code": "0012345678"}, "national_code"),
        ({"mobile": "12345"}, "mobile"),
        ({"region": "atlantis"}, "region"),
    ],
)
def test_creating_a_member_from_bad_input_fails_clearly_and_creates_nobody(app, changes, says):
    result = create(app, **changes)

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert says in result.output
    assert counts(app) == (0, 0)


def test_the_same_national_code_cannot_be_registered_twice(app):
    create(app)

    result = create(app, mobile="09350000000")

    assert result.exit_code == 1
    assert "national_code" in result.output
    assert counts(app) == (1, 0)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["emperor"], "emperor"),
        (["steward", "--region", "atlantis"], "atlantis"),
        (["patron"], "kind"),
        (["steward", "--kind", "credit"], "kind"),
    ],
)
def test_a_bad_grant_fails_clearly_and_grants_nothing(app, args, says):
    create(app)

    result = cli(app, "members", "grant", CODE, *args)

    assert result.exit_code == 1
    assert says in result.output
    assert "Traceback" not in result.output
    assert counts(app) == (1, 0)


@pytest.mark.parametrize(
    "args", [["show", "09990000000"], ["grant", "09990000000", "steward"], ["token", "09990000000"]]
)
def test_an_unknown_member_fails_clearly(app, args):
    result = cli(app, "members", *args)

    assert result.exit_code == 1
    assert "No member has that mobile or national code." in result.output


def test_regions_list_of_an_unknown_province_fails_clearly(app):
    result = cli(app, "regions", "list", "--province", "atlantis")

    assert result.exit_code == 1
    assert "atlantis" in result.output
