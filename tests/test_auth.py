"""Signing up and in: registration, sessions, CSRF, throttling, password changes and redirects."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from resalat_core.auth.models import LoginAttempt
from resalat_core.identity import national_code_with_check_digit
from resalat_core.members.models import Member
from resalat_core.testing import PASSWORD, ResalatClient

VALID_CODE = "0012345679"
NEW_PASSWORD = "a-new-secret-1404"


def member_count(app) -> int:
    with app.extensions["resalat"].db.new_session() as s:
        return s.scalar(select(func.count(Member.id)))


def load_member(app, **where) -> Member | None:
    with app.extensions["resalat"].db.new_session() as s:
        return s.scalar(select(Member).filter_by(**where))


def field_error(html: str, name: str) -> str | None:
    """The error text the form shows under field ``name``, or None."""
    match = re.search(rf'<div class="invalid-feedback" id="e-{name}">(.*?)</div>', html, re.S)
    return unescape(match.group(1)).strip() if match else None


def in_english(client):
    """Messages are then the English originals, whatever catalogs are installed."""
    client.get("/lang/en")
    return client


def registration(**changes) -> dict[str, str]:
    data = {
        "name": "زهرا  رضایی",
        "national_code": VALID_CODE,
        "mobile": "۰۹۱۲۱۲۳۴۵۶۷",
        "region": "zanjan/zanjan",
        "password": "chai-o-nabat-1404",
        "confirm": "chai-o-nabat-1404",
    }
    data.update(changes)
    return data


def sign_in(client, identifier: str, password: str = PASSWORD, **extra):
    return client.form("/auth/login", {"identifier": identifier, "password": password, **extra})


def is_signed_in(client) -> bool:
    return client.get("/auth/password").status_code == 200


def member_id_of(app, mobile: str) -> int:
    member = load_member(app, mobile=mobile)
    assert member is not None
    return member.id


# --- registering --------------------------------------------------------------------------------


def test_a_villager_registers_with_persian_digits_and_lands_signed_in(app, client):
    response = client.form("/auth/register", registration())

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    member = load_member(app, national_code=VALID_CODE)
    assert member is not None
    assert member.mobile == "09121234567"
    assert member.name == "زهرا رضایی"
    assert is_signed_in(client)


def test_a_member_registers_with_an_international_mobile_and_a_computed_national_code(app, client):
    code = national_code_with_check_digit("448877523")
    response = client.form(
        "/auth/register", registration(national_code=code, mobile="+98 912 765 4321", region="tehran")
    )

    assert response.status_code == 302
    member = load_member(app, national_code=code)
    assert member.mobile == "09127654321"
    with app.extensions["resalat"].db.new_session() as s:
        assert s.get(Member, member.id).region.code == "tehran"


def test_passwords_are_stored_as_argon2id_hashes(app, client):
    client.form("/auth/register", registration())

    stored = load_member(app, national_code=VALID_CODE).password_hash
    assert stored.startswith("$argon2id$")
    assert "chai-o-nabat-1404" not in stored


@pytest.mark.parametrize(
    ("field", "changes", "message"),
    [
        ("national_code", {"national_code": "0012345678"}, "This national code is not valid."),
        ("mobile", {"mobile": "0812345678"}, "Enter a mobile number like 09121234567."),
        ("name", {"name": "  "}, "Enter a name."),
        ("password", {"password": "short1", "confirm": "short1"}, "at least 8 characters"),
        ("confirm", {"confirm": "something-else-1"}, "The two passwords differ."),
    ],
)
def test_bad_registration_shows_the_fields_problem_and_creates_nobody(app, client, field, changes, message):
    in_english(client)

    response = client.form("/auth/register", registration(**changes))

    assert response.status_code == 400
    shown = field_error(response.get_data(as_text=True), field)
    assert shown is not None and message in shown
    assert member_count(app) == 0


def test_an_unknown_region_is_refused_and_named(app, client):
    in_english(client)

    response = client.form("/auth/register", registration(region="atlantis"))

    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "region") == "Choose your region from the list."
    assert member_count(app) == 0


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("national_code", "A member with this national code already exists."),
        ("mobile", "A member with this mobile number already exists."),
    ],
)
def test_a_national_code_or_mobile_can_belong_to_one_member_only(app, client, make_member, field, message):
    existing = make_member()
    with app.extensions["resalat"].db.new_session() as s:
        taken = getattr(s.get(Member, existing), field)
    other = {"national_code": national_code_with_check_digit("123123123"), "mobile": "09190000001"}
    other[field] = taken
    in_english(client)

    response = client.form("/auth/register", registration(**other))

    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), field) == message
    assert member_count(app) == 1


# --- signing in and out --------------------------------------------------------------------------


def test_a_member_signs_in_with_the_mobile_in_any_spelling(app, client, make_member):
    member_id = make_member()
    mobile = load_member(app, id=member_id).mobile

    response = sign_in(client, "+98" + mobile[1:])

    assert response.status_code == 302
    assert is_signed_in(client)


def test_a_member_signs_in_with_the_national_code(app, client, make_member):
    member_id = make_member()
    code = load_member(app, id=member_id).national_code

    response = sign_in(client, code)

    assert response.status_code == 302
    assert is_signed_in(client)


def test_a_wrong_password_is_refused_without_saying_which_half_was_wrong(app, client, make_member):
    member_id = make_member()
    in_english(client)

    response = sign_in(client, load_member(app, id=member_id).mobile, "not-the-password")

    assert response.status_code == 400
    assert "The mobile/national code or the password is wrong." in response.get_data(as_text=True)
    assert not is_signed_in(client)


class CountingHasher:
    """Wraps the argon2 hasher to count the expensive runs (hashing or verifying)."""

    def __init__(self, inner) -> None:
        self.inner, self.runs = inner, 0

    def hash(self, password):
        self.runs += 1
        return self.inner.hash(password)

    def verify(self, stored, password):
        self.runs += 1
        return self.inner.verify(stored, password)

    def check_needs_rehash(self, stored):
        return self.inner.check_needs_rehash(stored)


def test_an_unknown_identifier_costs_as_much_as_a_wrong_password(app, client, make_member, monkeypatch):
    from resalat_core.members import passwords

    mobile = load_member(app, id=make_member()).mobile
    hasher = CountingHasher(passwords._hasher)
    monkeypatch.setattr(passwords, "_hasher", hasher)

    sign_in(client, mobile, "not-the-password")
    known = hasher.runs
    sign_in(client, "09990000000", "not-the-password")

    # Equal work, so the time taken does not reveal whether a mobile belongs to a member.
    assert known == 1
    assert hasher.runs - known == 1


def test_signing_out_takes_a_post_with_the_forms_token(app, client, make_member):
    client.sign_in(make_member())

    response = client.form("/auth/logout", {}, token_from="/")

    assert response.status_code == 302
    assert not is_signed_in(client)


def test_signing_out_by_following_a_link_does_nothing(app, client, make_member):
    client.sign_in(make_member())

    assert client.get("/auth/logout").status_code == 405
    assert is_signed_in(client)


def test_the_session_cookie_is_http_only_and_same_site_lax(app, client, make_member):
    member_id = make_member()

    sign_in(client, load_member(app, id=member_id).mobile)

    cookie = client.get_cookie("session")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_remember_me_keeps_the_member_in_after_the_browser_session_ends(app, client, make_member):
    member_id = make_member()

    sign_in(client, load_member(app, id=member_id).mobile, remember="1")

    remember = client.get_cookie("remember_token")
    assert remember is not None
    assert remember.http_only
    assert remember.same_site == "Lax"
    client.delete_cookie("session")
    assert is_signed_in(client)


def test_without_remember_me_no_remember_cookie_is_set(app, client, make_member):
    sign_in(client, load_member(app, id=make_member()).mobile)

    assert client.get_cookie("remember_token") is None


# --- CSRF ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "tampered-token"])
def test_a_registration_without_a_valid_form_token_is_refused_and_creates_nobody(app, client, token):
    in_english(client)
    data = registration()
    if token is not None:
        data["csrf_token"] = token

    response = client.post("/auth/register", data=data)

    assert response.status_code == 400
    assert "The form has expired or was tampered with" in response.get_data(as_text=True)
    assert member_count(app) == 0


def test_a_forged_sign_out_leaves_the_member_signed_in(app, client, make_member):
    client.sign_in(make_member())

    response = client.post("/auth/logout", data={"csrf_token": "forged"})

    assert response.status_code == 400
    assert is_signed_in(client)


def test_a_forged_password_change_changes_nothing(app, client, make_member):
    member_id = make_member()
    client.sign_in(member_id)
    before = load_member(app, id=member_id).password_hash

    response = client.post(
        "/auth/password", data={"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )

    assert response.status_code == 400
    assert load_member(app, id=member_id).password_hash == before


# --- throttling ----------------------------------------------------------------------------------


def test_after_too_many_failures_even_the_right_password_waits(app, client, make_member):
    victim = load_member(app, id=make_member()).mobile
    bystander = load_member(app, id=make_member()).mobile
    in_english(client)
    for _ in range(app.config["RESALAT"]["login_max_failures"]):
        assert sign_in(client, victim, "guessing-again").status_code == 400

    response = sign_in(client, victim)

    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)
    assert not is_signed_in(client)
    # Throttling one person must not lock out the village centre that shares the address.
    assert sign_in(client, bystander).status_code == 302
    assert is_signed_in(client)


def test_throttling_counts_a_person_however_the_identifier_is_spelled(app, client, make_member):
    mobile = load_member(app, id=make_member()).mobile
    spellings = [
        mobile,
        "+98" + mobile[1:],
        "0098" + mobile[1:],
        mobile.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")),
    ]
    for i in range(app.config["RESALAT"]["login_max_failures"]):
        sign_in(client, spellings[i % len(spellings)], "guessing-again")

    assert sign_in(client, mobile).status_code == 429


# --- changing the password -----------------------------------------------------------------------


def test_changing_the_password_needs_the_current_one(app, client, make_member):
    member_id = make_member()
    client.sign_in(member_id)
    in_english(client)
    before = load_member(app, id=member_id).password_hash

    response = client.form(
        "/auth/password", {"current": "not-it-at-all", "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )

    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "current") == "The current password is wrong."
    assert load_member(app, id=member_id).password_hash == before


def test_a_new_password_works_and_signs_out_every_other_device(app, make_member):
    member_id = make_member()
    mobile = load_member(app, id=member_id).mobile
    app.test_client_class = ResalatClient
    phone, laptop, remembered = app.test_client(), app.test_client(), app.test_client()
    phone.sign_in(member_id)
    laptop.sign_in(member_id)
    sign_in(remembered, mobile, remember="1")
    remembered.delete_cookie("session")
    assert is_signed_in(laptop) and is_signed_in(remembered)

    response = phone.form(
        "/auth/password", {"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert is_signed_in(phone)
    assert not is_signed_in(laptop)
    assert not is_signed_in(remembered)
    stranger = app.test_client()
    assert sign_in(stranger, mobile, PASSWORD).status_code == 400
    assert sign_in(stranger, mobile, NEW_PASSWORD).status_code == 302
    assert load_member(app, id=member_id).password_hash.startswith("$argon2id$")


# --- redirects -----------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["https://evil.example", "//evil.example/x", "/\\evil.example"])
def test_signing_in_never_sends_the_member_to_another_site(app, client, make_member, target):
    mobile = load_member(app, id=make_member()).mobile

    page = client.get("/auth/login", query_string={"next": target})
    response = sign_in(client, mobile, next=target)

    assert 'name="next"' not in page.get_data(as_text=True)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_signing_in_returns_to_the_page_that_asked(app, client, make_member):
    mobile = load_member(app, id=make_member()).mobile

    bounced = client.get("/auth/password")
    assert bounced.status_code == 302
    next_url = re.search(r"next=([^&]+)", bounced.headers["Location"]).group(1)
    response = sign_in(client, mobile, next=next_url.replace("%2F", "/"))

    assert response.headers["Location"] == "/auth/password"


def test_switching_the_language_never_sends_the_member_to_another_site(client):
    response = client.get("/lang/en", query_string={"next": "https://evil.example"})

    assert response.headers["Location"] == "/"


# --- a warning before the last attempt ------------------------------------------------------------


def last_attempt_warning(html: str) -> str | None:
    match = re.search(r'data-testid="last-attempt">(.*?)<a ', html, re.S)
    return unescape(match.group(1)).strip() if match else None


def test_the_sign_in_form_warns_when_one_attempt_is_left(app, client, make_member):
    mobile = load_member(app, id=make_member()).mobile
    attempts = app.config["RESALAT"]["login_max_failures"]
    for _ in range(attempts - 2):
        response = sign_in(client, mobile, "guessing-again")
        assert last_attempt_warning(response.get_data(as_text=True)) is None

    response = sign_in(client, mobile, "guessing-again")

    html = response.get_data(as_text=True)
    warning = last_attempt_warning(html)
    assert response.status_code == 400
    assert warning is not None and "یک بار دیگر" in warning
    # How long the lock would last, in Persian digits, and the way out: recovering the password.
    assert "۱۵ دقیقه" in warning and not re.search("[0-9]", warning)
    assert f'href="/auth/forgot?identifier={mobile}"' in html
    # The last attempt still works with the right password.
    assert sign_in(client, mobile).status_code == 302


def test_the_warning_is_given_for_a_stranger_too_so_it_tells_no_one_who_is_a_member(app, client):
    in_english(client)
    for _ in range(app.config["RESALAT"]["login_max_failures"] - 1):
        response = sign_in(client, "09359998877", "guessing-again")

    assert "One attempt is left" in last_attempt_warning(response.get_data(as_text=True))


def test_a_locked_sign_in_says_for_how_many_minutes_in_persian_digits(app, client, make_member):
    mobile = load_member(app, id=make_member()).mobile
    for _ in range(app.config["RESALAT"]["login_max_failures"]):
        sign_in(client, mobile, "guessing-again")
    # Ten minutes pass: the lock has five left.
    with app.app_context():
        s = app.extensions["resalat"].db.session()
        for attempt in s.scalars(select(LoginAttempt)):
            attempt.at -= timedelta(minutes=10)
        s.commit()

    response = sign_in(client, mobile)

    assert response.status_code == 429
    message = re.search(r'data-testid="form-error">(.*?)</div>', response.get_data(as_text=True), re.S)
    assert "۵ دقیقه" in message.group(1) and not re.search("[0-9]", message.group(1))


def test_a_locked_sign_in_says_one_minute_in_english(app, client, make_member):
    mobile = load_member(app, id=make_member()).mobile
    in_english(client)
    for _ in range(app.config["RESALAT"]["login_max_failures"]):
        sign_in(client, mobile, "guessing-again")
    with app.app_context():
        s = app.extensions["resalat"].db.session()
        for attempt in s.scalars(select(LoginAttempt)):
            attempt.at -= timedelta(seconds=app.config["RESALAT"]["login_window_seconds"] - 30)
        s.commit()

    response = sign_in(client, mobile)

    assert "Please wait 1 minute and try again." in response.get_data(as_text=True)


# --- registration: every mistake at once, what was typed kept -------------------------------------


def test_registration_reports_every_mistake_at_once_and_keeps_what_was_typed(app, client):
    in_english(client)
    typed = registration(
        name="Zahra Rezaei",
        national_code="0012345678",
        mobile="0812345678",
        region="atlantis",
        password="55555555",
        confirm="77777777",
    )

    response = client.form("/auth/register", typed)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Persian letters" in field_error(html, "name")
    assert field_error(html, "national_code") == "This national code is not valid."
    assert field_error(html, "mobile") == "Enter a mobile number like 09121234567."
    assert field_error(html, "region") == "Choose your region from the list."
    assert field_error(html, "password") == "The password must not be digits only."
    assert field_error(html, "confirm") == "The two passwords differ."
    summary = re.search(r'data-testid="error-summary">(.*?)</ul>', html, re.S).group(1)
    assert summary.count("<li>") == 6
    # What was typed stays, except the passwords.
    for field in ("name", "national_code", "mobile"):
        assert f'value="{typed[field]}"' in html
    assert "55555555" not in html and "77777777" not in html
    assert member_count(app) == 0


def test_a_mismatched_confirmation_does_not_hide_the_other_mistakes(app, client):
    in_english(client)

    response = client.form("/auth/register", registration(mobile="123", confirm="something-else-1"))

    html = response.get_data(as_text=True)
    assert field_error(html, "confirm") == "The two passwords differ."
    assert field_error(html, "mobile") == "Enter a mobile number like 09121234567."


def test_the_chosen_region_stays_chosen_after_a_mistake(app, client):
    response = client.form("/auth/register", registration(mobile="123", region="tehran"))

    assert '<option value="tehran" selected>' in response.get_data(as_text=True)


@pytest.mark.parametrize("name", ["Zahra Rezaei", "زهرا Rezaei", "Захра", "زهرا_رضایی", "زهرا، رضایی"])
def test_a_name_must_be_written_in_persian_letters(app, client, name):
    response = client.form("/auth/register", registration(name=name))

    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "name") == (
        "نام را فقط با حروف فارسی بنویسید (فاصله و نیم‌فاصله مجاز است)."
    )
    assert member_count(app) == 0


def test_a_persian_name_with_a_half_space_and_arabic_letters_is_kept(app, client):
    response = client.form("/auth/register", registration(name="جعفر قراجه\u200cلو علي"))

    assert response.status_code == 302
    assert load_member(app, national_code=VALID_CODE).name == "جعفر قراجه\u200cلو علی"
