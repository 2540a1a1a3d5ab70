"""Iranian identifiers: national code, mobile, Sheba and person names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resalat_core.errors import BadInput
from resalat_core.identity import (
    is_valid_mobile,
    is_valid_national_code,
    is_valid_sheba,
    normalize_mobile,
    normalize_national_code,
    normalize_persian_name,
    normalize_person_name,
    normalize_sheba,
    sheba_bank_code,
)
from resalat_core.text import to_persian_digits


def check_digit(body: str) -> str:
    """Computed independently of the module, straight from the rule in DOMAIN.md."""
    r = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True)) % 11
    return str(r if r < 2 else 11 - r)


def sheba_from_bban(bban: str) -> str:
    check = 98 - int(bban + "182700") % 97
    return f"IR{check:02d}{bban}"


# A real-looking Resalat Sheba, built so its check digits are right.
RESALAT_SHEBA = sheba_from_bban("0700010000001234567890")


# --- national code ----------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["0012345679", "1234567891", "0080023002", "4498775236"])
def test_domain_valid_national_codes(code: str) -> None:
    assert normalize_national_code(code) == code
    assert is_valid_national_code(code)


@pytest.mark.parametrize("code", ["0012345678", "1234567890", "1111111111"])
def test_domain_invalid_national_codes(code: str) -> None:
    assert not is_valid_national_code(code)
    with pytest.raises(BadInput):
        normalize_national_code(code)


@pytest.mark.parametrize(
    "typed",
    ["۰۰۱۲۳۴۵۶۷۹", "٠٠١٢٣٤٥٦٧٩", "001-234567-9", " 001 234 5679 ", "12345679", "012345679"],
)
def test_national_code_forms_people_type(typed: str) -> None:
    assert normalize_national_code(typed) == "0012345679"


@pytest.mark.parametrize("digit", "0123456789")
def test_ten_identical_digits_rejected(digit: str) -> None:
    assert not is_valid_national_code(digit * 10)


@pytest.mark.parametrize("bad", ["", "   ", "1234567", "12345678901", "00123a5679", None, 12345679])
def test_national_code_shape_errors(bad: object) -> None:
    assert not is_valid_national_code(bad)


def test_national_code_error_names_the_field() -> None:
    with pytest.raises(BadInput) as info:
        normalize_national_code("0012345678", field="guarantor_national_code")
    assert set(info.value.fields) == {"guarantor_national_code"}
    assert "not valid" in str(info.value.message)
    with pytest.raises(BadInput) as info:
        normalize_national_code("12")
    assert set(info.value.fields) == {"national_code"}


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_any_body_with_its_check_digit_validates(body: str) -> None:
    code = body + check_digit(body)
    if len(set(code)) == 1:
        assert not is_valid_national_code(code)
    else:
        assert normalize_national_code(to_persian_digits(code)) == code


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.integers(1, 9))
def test_any_wrong_check_digit_fails(body: str, shift: int) -> None:
    wrong = str((int(check_digit(body)) + shift) % 10)
    # When r == 10 the right digit is 1 and only 1; every other shift must fail.
    assert not is_valid_national_code(body + wrong)


# --- mobile -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "09121234567",
        "9121234567",
        "+989121234567",
        "+98 912 123 4567",
        "00989121234567",
        "989121234567",
        "۰۹۱۲۱۲۳۴۵۶۷",
        "٠٩١٢١٢٣٤٥٦٧",
        "0912-123-4567",
        "+98 (0)912 123 4567",
    ],
)
def test_mobile_forms(typed: str) -> None:
    assert normalize_mobile(typed) == "09121234567"


@pytest.mark.parametrize(
    "bad",
    ["", "0912123456", "091212345678", "02112345678", "+449121234567", "0912abc4567", "8121234567"],
)
def test_mobile_rejects(bad: str) -> None:
    assert not is_valid_mobile(bad)
    with pytest.raises(BadInput) as info:
        normalize_mobile(bad, field="supporter_mobile")
    assert set(info.value.fields) == {"supporter_mobile"}


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_every_iranian_mobile_form_agrees(rest: str) -> None:
    canonical = "09" + rest
    for form in (
        "9" + rest,
        "+989" + rest,
        "00989" + rest,
        "989" + rest,
        to_persian_digits(canonical),
    ):
        assert normalize_mobile(form) == canonical


# --- Sheba ------------------------------------------------------------------------------------


def test_sheba_accepts_spacing_case_and_persian_digits() -> None:
    spaced = " ".join(RESALAT_SHEBA[i : i + 4] for i in range(0, 26, 4))
    assert normalize_sheba(spaced.lower()) == RESALAT_SHEBA
    assert normalize_sheba(to_persian_digits(RESALAT_SHEBA)) == RESALAT_SHEBA
    assert normalize_sheba(RESALAT_SHEBA[2:]) == RESALAT_SHEBA  # the 24 digits alone


def test_resalat_bank_code() -> None:
    assert sheba_bank_code(RESALAT_SHEBA) == "070"
    assert sheba_bank_code(sheba_from_bban("0170000000123456789012")) == "017"


def test_known_public_example_sheba() -> None:
    # The example Iranian IBAN from the SWIFT IBAN registry (bank 057).
    assert normalize_sheba("IR710570029971601460641001") == "IR710570029971601460641001"
    assert sheba_bank_code("IR710570029971601460641001") == "057"


@pytest.mark.parametrize(
    "bad",
    ["", "IR71057002997160146064100", "DE89370400440532013000", "IR7105700299716014606410011"],
)
def test_sheba_shape_errors(bad: str) -> None:
    assert not is_valid_sheba(bad)


def test_sheba_bad_checksum_names_field() -> None:
    with pytest.raises(BadInput) as info:
        normalize_sheba("IR720570029971601460641001", field="payout_sheba")
    assert set(info.value.fields) == {"payout_sheba"}
    with pytest.raises(BadInput):
        sheba_bank_code("IR720570029971601460641001")


@given(st.text(alphabet="0123456789", min_size=22, max_size=22))
def test_any_bban_with_computed_check_validates(bban: str) -> None:
    sheba = sheba_from_bban(bban)
    assert normalize_sheba(sheba) == sheba
    assert sheba_bank_code(sheba) == bban[:3]


@given(
    st.text(alphabet="0123456789", min_size=22, max_size=22),
    st.integers(2, 25),
    st.integers(1, 9),
)
def test_any_single_digit_error_is_caught(bban: str, pos: int, shift: int) -> None:
    sheba = sheba_from_bban(bban)
    digit = str((int(sheba[pos]) + shift) % 10)
    assert not is_valid_sheba(sheba[:pos] + digit + sheba[pos + 1 :])


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("زهرا آسیپور", "زهرا آسیپور"),
        ("  حمزه   صفرنیا ", "حمزه صفرنیا"),
        ("جعفر قراجه‌لو", "جعفر قراجه\u200cلو"),
        ("علي شريفي‌نيا", "علی شریفی\u200cنیا"),
        ("Zahra Asipour", "Zahra Asipour"),
        ("Jean-Luc O'Brien", "Jean-Luc O'Brien"),
        ("سامعی", "سامعی"),
    ],
)
def test_person_names(typed: str, stored: str) -> None:
    assert normalize_person_name(typed) == stored


@pytest.mark.parametrize(
    "bad",
    ["", " ", "ع", "Ali2", "علی۲", "---", "<script>", "a@b", "ع" * 81, None],
)
def test_person_name_rejects(bad: str) -> None:
    with pytest.raises(BadInput) as info:
        normalize_person_name(bad, field="first_name")
    assert set(info.value.fields) == {"first_name"}


def test_person_name_length_bounds() -> None:
    assert normalize_person_name("عل") == "عل"
    assert normalize_person_name("ع" * 80) == "ع" * 80


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("زهرا آسیپور", "زهرا آسیپور"),
        ("جعفر قراجه‌لو", "جعفر قراجه\u200cلو"),
        ("علي شريفي‌نيا", "علی شریفی\u200cنیا"),
        ("  مؤمن   رئیسی ", "مؤمن رئیسی"),
        ("ژاله چگینی", "ژاله چگینی"),
    ],
)
def test_persian_names(typed: str, stored: str) -> None:
    assert normalize_persian_name(typed) == stored


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ("Zahra Asipour", "Persian letters"),
        ("زهرا Asipour", "Persian letters"),
        ("Jean-Luc", "Persian letters"),
        ("زهرا-رضایی", "Persian letters"),
        ("زهرا.", "Persian letters"),
        ("ﺯﻫﺮﺍ", "Persian letters"),  # presentation forms look Persian but are not letters to store
        ("علی۲", "digits"),
        ("", "Enter a name"),
        ("ع", "2 to 80"),
        (None, "Enter a name"),
    ],
)
def test_persian_name_rejects(bad: str, says: str) -> None:
    with pytest.raises(BadInput) as info:
        normalize_persian_name(bad, field="name_fa")
    assert set(info.value.fields) == {"name_fa"}
    assert says in str(info.value.message)
