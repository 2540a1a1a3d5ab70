"""A forgotten password: a one-time code by SMS, then a new password, told to nobody else."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from resalat_core.auth.models import ApiToken, LoginAttempt, PasswordReset
from resalat_core.auth.services import issue_token
from resalat_core.members.models import Member
from resalat_core.testing import PASSWORD, ResalatClient, work
from resalat_core.text import to_latin_digits, to_persian_digits

NEW_PASSWORD = "sabz-o-sorkh-1404"
STRANGER = "09351112233"


def field_error(html: str, name: str) -> str | None:
    match = re.search(rf'<div class="invalid-feedback" id="e-{name}">(.*?)</div>', html, re.S)
    return unescape(match.group(1)).strip() if match else None


def form_error(html: str) -> str | None:
    match = re.search(r'data-testid="form-error">(.*?)</div>', html, re.S)
    return unescape(match.group(1)).strip() if match else None


def flashes(client) -> list[str]:
    with client.session_transaction() as sess:
        return [text for _category, text in sess.get("_flashes", [])]


def ask(client, identifier: str):
    return client.form("/auth/forgot", {"identifier": identifier})


def reset(client, identifier: str, code: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    data = {"identifier": identifier, "code": code, "password": password, "confirm": confirm or password}
    return client.form("/auth/reset", data)


def code_in(text: str) -> str:
    """The six digits of a recovery text, as written there (Persian digits in Persian)."""
    match = re.search(r"[0-9۰-۹]{6}", text)
    assert match, text
    return match.group(0)


def last_code(sms_outbox, mobile: str) -> str:
    texts = sms_outbox(mobile)
    assert texts, f"no text message to {mobile}"
    return code_in(texts[0])


def sign_in(client, identifier: str, password: str):
    return client.form("/auth/login", {"identifier": identifier, "password": password})


def is_signed_in(client) -> bool:
    return client.get("/auth/password").status_code == 200


def later(app, seconds: int) -> None:
    """Time passes: every throttling record and code was made ``seconds`` earlier (real rows)."""
    with work(app) as s:
        for attempt in s.scalars(select(LoginAttempt)):
            attempt.at -= timedelta(seconds=seconds)
        for code in s.scalars(select(PasswordReset)):
            code.created_at -= timedelta(seconds=seconds)
            code.expires_at -= timedelta(seconds=seconds)


def member(app, member_id: int) -> Member:
    with work(app) as s:
        found = s.get(Member, member_id)
        s.expunge(found)
        return found


def in_english(client):
    client.get("/lang/en")
    return client


# --- the whole way ------------------------------------------------------------------------------


def test_the_sign_in_page_leads_to_recovery(app, client):
    html = client.get("/auth/login").get_data(as_text=True)

    assert 'href="/auth/forgot"' in html
    assert "گذرواژه را فراموش کرده‌اید؟" in html
    assert client.get("/auth/forgot").status_code == 200


def test_a_member_sets_a_new_password_with_the_code_sent_to_her_mobile(app, client, person, sms_outbox):
    maryam = person(name="مریم احمدی")

    response = ask(client, maryam.national_code)

    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/reset"
    [text] = sms_outbox(maryam.mobile)
    code = code_in(text)
    # In her language: a Persian sentence with Persian digits, the code included.
    assert re.fullmatch("[۰-۹]{6}", code)
    assert "ام‌رسالت" in text and "۱۰ دقیقه" in text
    assert not re.search("[0-9A-Za-z]", text)
    with work(app) as s:
        stored = s.scalar(select(PasswordReset.code_hash))
    assert to_latin_digits(code) not in stored and code not in stored
    # The next page already knows who asked.
    assert to_persian_digits(maryam.national_code) in client.get("/auth/reset").get_data(as_text=True)

    response = client.form("/auth/reset", {"code": code, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert is_signed_in(client)
    stranger = app.test_client()
    assert sign_in(stranger, maryam.mobile, PASSWORD).status_code == 400
    assert sign_in(stranger, maryam.mobile, NEW_PASSWORD).status_code == 302


def test_an_english_speaking_member_gets_the_code_in_english(app, client, person, sms_outbox):
    ali = person()
    with work(app) as s:
        s.get(Member, ali.id).language = "en"

    ask(client, ali.mobile)

    text = sms_outbox(ali.mobile)[0]
    assert "password recovery code" in text and "10 minutes" in text
    assert re.search(r"\b[0-9]{6}\b", text)


def test_a_new_password_signs_out_every_session_remember_me_and_api_token(app, person, sms_outbox):
    maryam = person()
    app.test_client_class = ResalatClient
    phone, laptop, remembered, stranger = (app.test_client() for _ in range(4))
    phone.sign_in(maryam.id)
    remembered.form("/auth/login", {"identifier": maryam.mobile, "password": PASSWORD, "remember": "1"})
    remembered.delete_cookie("session")
    with work(app) as s:
        plain, _token = issue_token(s, s.get(Member, maryam.id), "laptop")
    laptop.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {plain}"
    assert is_signed_in(phone) and is_signed_in(remembered)
    assert laptop.get("/api/v1/me").status_code == 200

    ask(stranger, maryam.mobile)
    response = reset(stranger, maryam.mobile, last_code(sms_outbox, maryam.mobile))

    assert response.status_code == 302
    assert is_signed_in(stranger)
    assert not is_signed_in(phone)
    assert not is_signed_in(remembered)
    assert laptop.get("/api/v1/me").status_code == 401
    with work(app) as s:
        assert s.scalar(select(func.count()).where(ApiToken.revoked_at.is_(None))) == 0


def test_recovery_lifts_a_sign_in_lockout(app, client, person, sms_outbox):
    maryam = person()
    for _ in range(app.config["RESALAT"]["login_max_failures"]):
        sign_in(client, maryam.mobile, "guessing-again")
    assert sign_in(client, maryam.mobile, PASSWORD).status_code == 429

    ask(client, maryam.mobile)
    reset(client, maryam.mobile, last_code(sms_outbox, maryam.mobile))

    assert sign_in(app.test_client(), maryam.mobile, NEW_PASSWORD).status_code == 302


# --- telling nobody who is a member --------------------------------------------------------------


def test_an_unknown_mobile_is_answered_exactly_as_a_members(app, person, sms_outbox):
    maryam = person()
    app.test_client_class = ResalatClient
    hers, nobodys = app.test_client(), app.test_client()

    for_her = ask(hers, maryam.mobile)
    for_nobody = ask(nobodys, STRANGER)

    assert for_her.status_code == for_nobody.status_code == 302
    assert for_her.headers["Location"] == for_nobody.headers["Location"]
    assert flashes(hers) == flashes(nobodys)
    assert len(sms_outbox(maryam.mobile)) == 1
    assert sms_outbox(STRANGER) == []
    # And a code typed for nobody is refused with the words a wrong code of hers gets.
    wrong_for_her = reset(hers, maryam.mobile, "000000").get_data(as_text=True)
    wrong_for_nobody = reset(nobodys, STRANGER, "000000").get_data(as_text=True)
    assert field_error(wrong_for_her, "code") == field_error(wrong_for_nobody, "code")
    # Asking again too soon is refused the same way too.
    again_for_her, again_for_nobody = ask(hers, maryam.mobile), ask(nobodys, STRANGER)
    assert again_for_her.status_code == again_for_nobody.status_code == 429
    assert form_error(again_for_her.get_data(as_text=True)) == form_error(
        again_for_nobody.get_data(as_text=True)
    )


def test_something_that_is_neither_a_mobile_nor_a_national_code_is_refused_plainly(app, client):
    in_english(client)

    response = ask(client, "maryam")

    assert response.status_code == 400
    assert "mobile number" in field_error(response.get_data(as_text=True), "identifier")
    with work(app) as s:
        assert s.scalar(select(func.count(LoginAttempt.id))) == 0


# --- the code: once, for a while, a few tries ----------------------------------------------------


def test_a_code_works_only_once(app, client, person, sms_outbox):
    maryam = person()
    ask(client, maryam.mobile)
    code = last_code(sms_outbox, maryam.mobile)
    assert reset(client, maryam.mobile, code).status_code == 302

    again = reset(app.test_client(), maryam.mobile, code, password="a-third-password-1")

    assert again.status_code == 400
    assert field_error(again.get_data(as_text=True), "code")
    assert sign_in(app.test_client(), maryam.mobile, NEW_PASSWORD).status_code == 302


def test_a_code_expires(app, client, person, sms_outbox):
    maryam = person()
    in_english(client)
    ask(client, maryam.mobile)
    code = last_code(sms_outbox, maryam.mobile)

    later(app, app.config["RESALAT"]["password_reset_code_minutes"] * 60 + 1)
    response = reset(client, maryam.mobile, code)

    assert response.status_code == 400
    assert "has expired" in field_error(response.get_data(as_text=True), "code")
    assert sign_in(app.test_client(), maryam.mobile, PASSWORD).status_code == 302


def test_wrong_tries_void_the_code(app, client, person, sms_outbox):
    maryam = person()
    ask(client, maryam.mobile)
    code = last_code(sms_outbox, maryam.mobile)
    wrong = "۱۲۳۴۵۶" if to_latin_digits(code) != "123456" else "۶۵۴۳۲۱"
    tries = app.config["RESALAT"]["password_reset_max_wrong"]
    for _ in range(tries):
        assert reset(client, maryam.mobile, wrong).status_code == 400

    response = reset(client, maryam.mobile, code)

    assert response.status_code == 400
    with work(app) as s:
        spent = s.scalar(select(PasswordReset))
        assert spent.wrong_tries == tries and spent.voided_at is not None and spent.used_at is None
    assert sign_in(app.test_client(), maryam.mobile, PASSWORD).status_code == 302


def test_a_wrong_code_and_a_weak_password_are_both_reported_and_the_try_is_counted(
    app, client, person, sms_outbox
):
    maryam = person()
    in_english(client)
    ask(client, maryam.mobile)
    code = last_code(sms_outbox, maryam.mobile)
    wrong = "111111" if to_latin_digits(code) != "111111" else "222222"

    response = reset(client, maryam.mobile, wrong, password="1234", confirm="12345")

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "wrong" in field_error(html, "code")
    assert "at least 8 characters" in field_error(html, "password")
    assert field_error(html, "confirm") == "The two passwords differ."
    # What was typed stays, but never a password.
    assert f'value="{wrong}"' in html and "1234" not in html.replace(wrong, "")
    with work(app) as s:
        assert s.scalar(select(PasswordReset.wrong_tries)) == 1


def test_a_right_code_with_a_weak_password_is_not_spent(app, client, person, sms_outbox):
    maryam = person()
    ask(client, maryam.mobile)
    code = last_code(sms_outbox, maryam.mobile)

    assert reset(client, maryam.mobile, code, password="12345678").status_code == 400
    assert reset(client, maryam.mobile, code).status_code == 302
    with work(app) as s:
        assert s.scalar(select(PasswordReset.wrong_tries)) == 0


def test_asking_again_voids_the_code_before(app, client, person, sms_outbox):
    maryam = person()
    ask(client, maryam.mobile)
    first = last_code(sms_outbox, maryam.mobile)
    later(app, app.config["RESALAT"]["password_reset_resend_seconds"] + 1)
    ask(client, maryam.mobile)
    second = last_code(sms_outbox, maryam.mobile)

    if first != second:
        assert reset(client, maryam.mobile, first).status_code == 400
    assert reset(client, maryam.mobile, second).status_code == 302


# --- throttling ----------------------------------------------------------------------------------


def test_a_second_code_within_a_minute_is_refused_in_persian_digits(app, client, person, sms_outbox):
    maryam = person()
    assert ask(client, maryam.mobile).status_code == 302

    response = ask(client, maryam.mobile)

    assert response.status_code == 429
    message = form_error(response.get_data(as_text=True))
    assert "ثانیه" in message and re.search("[۰-۹]", message) and not re.search("[0-9]", message)
    assert len(sms_outbox(maryam.mobile)) == 1


def test_only_a_few_codes_an_hour_for_one_mobile(app, client, person, sms_outbox):
    maryam = person()
    per_hour = app.config["RESALAT"]["password_reset_per_hour"]
    for _ in range(per_hour):
        assert ask(client, maryam.mobile).status_code == 302
        later(app, 61)

    response = ask(client, maryam.mobile)

    assert response.status_code == 429
    assert "دقیقه" in form_error(response.get_data(as_text=True))
    assert len(sms_outbox(maryam.mobile)) == per_hour
    later(app, 3600)
    assert ask(client, maryam.mobile).status_code == 302


def test_switching_between_mobile_and_national_code_sends_no_extra_messages(app, client, person, sms_outbox):
    maryam = person()

    assert ask(client, maryam.mobile).status_code == 302
    # Another spelling of the same person passes the throttle on what was typed ...
    assert ask(client, maryam.national_code).status_code == 302

    # ... but her phone gets one message a minute all the same.
    assert len(sms_outbox(maryam.mobile)) == 1


def test_one_address_may_ask_only_so_many_times_an_hour(make_app, sms_outbox):
    app = make_app(password_reset_per_hour_per_address=3)
    app.test_client_class = ResalatClient
    client = app.test_client()
    for n in range(3):
        assert ask(client, f"0935111220{n}").status_code == 302

    response = ask(client, "09351112209")

    assert response.status_code == 429
    # Another address is not held back by this one.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    assert ask(other, "09351112209").status_code == 302


def test_a_recovery_code_cannot_be_guessed_on_another_account(app, client, person, sms_outbox):
    maryam, jafar = person(), person()
    ask(client, maryam.mobile)
    code = last_code(sms_outbox, maryam.mobile)

    response = reset(app.test_client(), jafar.mobile, code)

    assert response.status_code == 400
    assert sign_in(app.test_client(), jafar.mobile, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "spell", [lambda c: f"{c[:3]} {c[3:]}", lambda c: to_latin_digits(f"{c[:3]}-{c[3:]}")]
)
def test_a_code_is_read_in_persian_or_latin_digits_with_separators(app, client, person, sms_outbox, spell):
    maryam = person()
    ask(client, maryam.mobile)

    response = reset(client, maryam.mobile, spell(last_code(sms_outbox, maryam.mobile)))

    assert response.status_code == 302
