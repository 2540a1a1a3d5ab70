"""The doors (issue 19): passwords checked against a shipped list, a new session at sign-in and at
a role change, production refusing an unsafe start, and other members' numbers masked."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import render_template_string
from sqlalchemy import func, select

from resalat_core import testing
from resalat_core.app import create_app
from resalat_core.config import UnsafeConfiguration
from resalat_core.identity import mask_mobile, mask_national_code
from resalat_core.members.models import Member
from resalat_core.members.passwords import common_passwords, validate_new_password
from resalat_core.members.services import grant_role
from resalat_core.regions.services import get_region
from resalat_core.testing import PASSWORD

VALID_CODE = "0012345679"


def registration(**changes: str) -> dict[str, str]:
    data = {
        "name": "زهرا رضایی",
        "national_code": VALID_CODE,
        "mobile": "09121234567",
        "region": "zanjan/zanjan",
        "password": "chai-o-nabat-1404",
        "confirm": "chai-o-nabat-1404",
    }
    data.update(changes)
    return data


def field_error(html: str, name: str) -> str:
    match = re.search(rf'<div class="invalid-feedback" id="e-{name}">(.*?)</div>', html, re.S)
    assert match, f"no message under {name}"
    return unescape(match.group(1)).strip()


def members(app) -> int:
    with app.extensions["resalat"].db.new_session() as s:
        return s.scalar(select(func.count(Member.id)))


# --- passwords ------------------------------------------------------------------------------------


def test_the_shipped_list_holds_thousands_of_common_passwords_and_folds_case_and_digits():
    listed = common_passwords()
    assert len(listed) > 8000
    assert {"password1", "qwertyuiop", "iloveyou1", "mohammad"} <= listed
    assert validate_new_password("Password1") is not None
    assert validate_new_password("PASSWORD۱") is not None  # Persian digits are the same guess
    assert validate_new_password("iran۱۴۰۴") is not None
    assert validate_new_password("chai-o-nabat-1404") is None


def test_a_password_holding_the_members_own_mobile_or_national_code_is_refused():
    personal = ("09121234567", VALID_CODE)
    assert validate_new_password("zahra09121234567", personal) is not None
    assert validate_new_password("x9121234567x", personal) is not None  # without the leading zero
    assert validate_new_password(f"code{VALID_CODE}", personal) is not None
    assert validate_new_password("chai-o-nabat-1404", personal) is None


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password1", "این رمز از رایج‌ترین رمزهاست"),
        ("Qwertyuiop", "این رمز از رایج‌ترین رمزهاست"),
        ("mine-09121234567", "شماره همراه یا کد ملی"),
    ],
)
def test_sign_up_refuses_a_common_or_personal_password_in_persian_and_creates_nobody(
    app, client, password, message
):
    response = client.form("/auth/register", registration(password=password, confirm=password))

    assert response.status_code == 400
    assert message in field_error(response.get_data(as_text=True), "password")
    assert members(app) == 0


def test_a_password_change_to_a_common_password_is_refused_and_the_old_one_still_works(app, client_as):
    client = client_as()
    response = client.form(
        "/auth/password", {"current": PASSWORD, "new": "iloveyou1", "confirm": "iloveyou1"}
    )
    assert response.status_code == 400
    assert "رایج‌ترین" in field_error(response.get_data(as_text=True), "new")
    with app.extensions["resalat"].db.new_session() as s:
        from resalat_core.members.passwords import verify_password

        assert verify_password(s.get(Member, client.member_id).password_hash, PASSWORD)


# --- sessions -------------------------------------------------------------------------------------


def mobile_of(app, member_id: int) -> str:
    with app.extensions["resalat"].db.new_session() as s:
        return s.get(Member, member_id).mobile


def session_of(client) -> dict:
    with client.session_transaction() as sess:
        return dict(sess)


def test_signing_in_starts_a_session_that_shares_nothing_with_the_one_before(app, client, make_member):
    member_id = make_member()
    client.get("/lang/en")
    before_token = client.csrf_token()
    before = session_of(client)
    assert before.get("csrf_token")

    response = client.post(
        "/auth/login",
        data={"identifier": mobile_of(app, member_id), "password": PASSWORD, "csrf_token": before_token},
    )
    assert response.status_code == 302
    after = session_of(client)
    assert after["_user_id"].startswith(f"{member_id}:")
    assert after.get("sid") and after.get("sid") != before.get("sid")
    assert after.get("csrf_token") != before["csrf_token"]  # the token known before is gone
    assert after.get("lang") == "en"  # the reader's choice of language is kept

    # A form carrying the token from before sign-in is refused and changes nothing.
    refused = client.post("/auth/logout", data={"csrf_token": before_token})
    assert refused.status_code == 400
    assert client.get("/auth/password").status_code == 200


def test_a_role_granted_renews_the_members_session_and_keeps_them_signed_in(app, client_as):
    client = client_as()
    client.get("/")
    first = session_of(client)
    old_token = client.csrf_token("/auth/password")

    with app.extensions["resalat"].db.new_session() as s:
        grant_role(s, s.get(Member, client.member_id), "admin", region=get_region(s, "zanjan"))
        s.commit()

    assert client.get("/").status_code == 200
    renewed = session_of(client)
    assert renewed.get("sid") and renewed["sid"] != first.get("sid")
    assert renewed.get("csrf_token") != old_token
    assert client.get("/auth/password").status_code == 200  # still signed in
    # Nothing changes on the next request: the session holds the new roles' stamp.
    client.get("/")
    assert session_of(client)["sid"] == renewed["sid"]


# --- production -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"secret_key": "dev-only-change-me"}, "published default"),
        ({"secret_key": "short-secret"}, "shorter than 32"),
        ({"debug": True}, "debug is on"),
        ({"session_cookie_secure": False}, "plain HTTP"),
    ],
)
def test_production_refuses_to_start_when_unsafe_and_says_why(database_url, overrides, reason):
    config = testing.test_config(
        database_url,
        environment="production",
        secret_key="s" * 48,
        session_cookie_secure=True,
        testing=False,
    )
    config.update(overrides)
    with pytest.raises(UnsafeConfiguration, match=reason):
        create_app(config)


def test_production_starts_with_a_secret_of_its_own_and_secure_cookies(database_url):
    config = testing.test_config(database_url, environment="production", secret_key="s" * 48)
    config.update(session_cookie_secure=True, testing=False)
    app = create_app(config)
    assert app.config["SESSION_COOKIE_SECURE"] is True


# --- masked numbers -------------------------------------------------------------------------------


def test_numbers_are_masked_for_everyone_but_their_owner(app, make_member):
    owner, other = make_member(), make_member()
    assert mask_mobile("09121234567") == "0912\u2022\u2022\u20224567"
    assert mask_national_code(VALID_CODE) == "\u2022" * 6 + "5679"
    template = "{{ m|mobile(owner) }} {{ c|national_code(owner) }}"
    for viewer, whole in ((owner, True), (other, False)):
        with app.test_request_context("/"):
            from flask_login import login_user

            from resalat_core.db import db_session

            login_user(db_session().get(Member, viewer))
            html = render_template_string(template, m="09121234567", c=VALID_CODE, owner=owner)
        assert ("۰۹۱۲۱۲۳۴۵۶۷" in html) is whole, html
        assert ("۰۰۱۲۳۴۵۶۷۹" in html) is whole, html
        assert "۴۵۶۷" in html and "۵۶۷۹" in html
