"""Iranian identifiers: national code, mobile number, Sheba (IBAN) and person names."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from resalat_core.errors import BadInput
from resalat_core.i18n import _l
from resalat_core.text import normalize_text, to_latin_digits

RESALAT_BANK_CODE = "070"

# What people type between digit groups, and the invisible marks copy-paste brings along.
_SEPARATORS = re.compile(
    r"[\s\-\u2010-\u2015\u2212_()"  # spaces, hyphens, dashes, minus, underscore, brackets
    r"\u200c\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]"  # ZWNJ and direction marks
)
_DIGITS = re.compile(r"[0-9]+")
_MOBILE = re.compile(r"9[0-9]{9}")
_SHEBA = re.compile(r"IR[0-9]{24}")
_NAME_PUNCTUATION = frozenset(" -'.\u2019\u200c")


def _bad(message: Any, field: str) -> BadInput:
    return BadInput(message, fields={field: message})


def _compact(value: object) -> str:
    """Latin digits with separators and invisible marks removed; non-strings become ''."""
    if not isinstance(value, str):
        return ""
    return _SEPARATORS.sub("", to_latin_digits(value))


# --- national code (کد ملی) -------------------------------------------------------------------


def _national_check_ok(code: str) -> bool:
    total = sum(int(code[i]) * (10 - i) for i in range(9))
    r = total % 11
    return int(code[9]) == (r if r < 2 else 11 - r)


def normalize_national_code(value: str, field: str = "national_code") -> str:
    """A valid 10-digit national code from what the user typed, or BadInput.

    Persian, Arabic or Latin digits, spaces and dashes are accepted; 8 or 9 digits are left-padded
    with zeros because older cards and spreadsheets drop the leading zeros.
    """
    code = _compact(value)
    if not code:
        raise _bad(_l("Enter a national code."), field)
    if not _DIGITS.fullmatch(code) or not 8 <= len(code) <= 10:
        raise _bad(_l("A national code has 10 digits."), field)
    code = code.zfill(10)
    # Ten identical digits pass the checksum (e.g. 1111111111) but are never issued.
    if len(set(code)) == 1 or not _national_check_ok(code):
        raise _bad(_l("This national code is not valid."), field)
    return code


def is_valid_national_code(value: object) -> bool:
    """True when normalize_national_code would accept value."""
    try:
        normalize_national_code(value)  # type: ignore[arg-type]
    except BadInput:
        return False
    return True


# --- mobile -----------------------------------------------------------------------------------


def normalize_mobile(value: str, field: str = "mobile") -> str:
    """An Iranian mobile as '09' + 9 digits, from +98, 0098, 98, 09 or 9 forms; or BadInput."""
    number = _compact(value)
    if not number:
        raise _bad(_l("Enter a mobile number."), field)
    if number.startswith("+"):
        if not number.startswith("+98"):
            raise _bad(_l("Only Iranian mobile numbers (+98) are accepted."), field)
        number = number[3:]
    elif number.startswith("0098"):
        number = number[4:]
    elif len(number) == 12 and number.startswith("98"):
        # Only a full 12-digit number: a bare 10-digit '98…' would itself be a 9… mobile.
        number = number[2:]
    # '+98 0912…' happens: people keep the trunk zero after the country code.
    if number.startswith("0"):
        number = number[1:]
    if not _MOBILE.fullmatch(number):
        raise _bad(_l("Enter a mobile number like 09121234567."), field)
    return "0" + number


def is_valid_mobile(value: object) -> bool:
    """True when normalize_mobile would accept value."""
    try:
        normalize_mobile(value)  # type: ignore[arg-type]
    except BadInput:
        return False
    return True


# --- Sheba (IBAN) -----------------------------------------------------------------------------


def _sheba_check_ok(sheba: str) -> bool:
    # ISO 13616 / ISO 7064 mod 97-10: country and check digits move to the end, I=18 and R=27.
    return int(sheba[4:] + "1827" + sheba[2:4]) % 97 == 1


def normalize_sheba(value: str, field: str = "sheba") -> str:
    """A valid Sheba as 'IR' + 24 digits, or BadInput.

    Lower case, spaces, dashes and Persian digits are accepted; so are the 24 digits alone, since
    bank apps print the 'IR' apart and people often leave it out.
    """
    sheba = _compact(value).upper()
    if not sheba:
        raise _bad(_l("Enter a Sheba number."), field)
    if len(sheba) == 24 and _DIGITS.fullmatch(sheba):
        sheba = "IR" + sheba
    if not _SHEBA.fullmatch(sheba):
        raise _bad(_l("A Sheba number is IR followed by 24 digits."), field)
    if not _sheba_check_ok(sheba):
        raise _bad(_l("This Sheba number is not valid."), field)
    return sheba


def is_valid_sheba(value: object) -> bool:
    """True when normalize_sheba would accept value."""
    try:
        normalize_sheba(value)  # type: ignore[arg-type]
    except BadInput:
        return False
    return True


def sheba_bank_code(sheba: str) -> str:
    """The three-digit bank code of a Sheba (characters 5-7: 'IR', two check digits, then it).

    '070' is Resalat (see RESALAT_BANK_CODE). Raises BadInput if sheba is not valid.
    """
    return normalize_sheba(sheba)[4:7]


# --- person names -----------------------------------------------------------------------------


def _is_name_letter(ch: str) -> bool:
    """A Persian/Arabic-script or Latin letter (accented Latin letters included)."""
    if not unicodedata.category(ch).startswith("L"):
        return False
    name = unicodedata.name(ch, "")
    return name.startswith(("ARABIC", "LATIN"))


def normalize_person_name(value: str, field: str = "name") -> str:
    """A person's name, normalised, 2 to 80 characters, letters with spaces/hyphens; or BadInput."""
    name = normalize_text(value) if isinstance(value, str) else ""
    if not name:
        raise _bad(_l("Enter a name."), field)
    if any(unicodedata.category(ch) == "Nd" for ch in name):
        raise _bad(_l("A name cannot contain digits."), field)
    # Combining marks stay allowed: a Latin name may arrive decomposed (e + U+0301).
    if not all(
        _is_name_letter(ch) or ch in _NAME_PUNCTUATION or unicodedata.category(ch).startswith("M")
        for ch in name
    ):
        raise _bad(_l("A name may contain only letters, spaces, hyphens and apostrophes."), field)
    if not any(_is_name_letter(ch) for ch in name):
        raise _bad(_l("A name must contain letters."), field)
    if not 2 <= len(name) <= 80:
        raise _bad(_l("A name must be 2 to 80 characters long."), field)
    return name


# The Arabic block (U+0600-U+06FF) holds every letter Persian writes, the Arabic ones Persian names
# keep (ؤ, ئ, أ, ة) and Arabic digits; Latin, Cyrillic or presentation forms are not Persian letters.
def _is_persian_letter(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" and unicodedata.category(ch) == "Lo"


def normalize_persian_name(value: str, field: str = "name") -> str:
    """A person's name written in Persian letters (with spaces and ZWNJ), normalised; or BadInput.

    For fields labelled "in Persian" (a member's name): the same rules as normalize_person_name,
    and every letter must be a Persian one, so a Latin name is refused with a clear message.
    """
    name = normalize_text(value) if isinstance(value, str) else ""
    if not name:
        raise _bad(_l("Enter a name."), field)
    if any(unicodedata.category(ch) == "Nd" for ch in name):
        raise _bad(_l("A name cannot contain digits."), field)
    if not all(_is_persian_letter(ch) or ch in " \u200c" for ch in name):
        raise _bad(_l("Write the name in Persian letters only (spaces and half-spaces are allowed)."), field)
    if not 2 <= len(name) <= 80:
        raise _bad(_l("A name must be 2 to 80 characters long."), field)
    return name


__all__ = [
    "RESALAT_BANK_CODE",
    "is_valid_mobile",
    "is_valid_national_code",
    "is_valid_sheba",
    "normalize_mobile",
    "normalize_national_code",
    "normalize_persian_name",
    "normalize_person_name",
    "normalize_sheba",
    "sheba_bank_code",
]


def national_code_with_check_digit(body: str) -> str:
    """The valid national code whose first nine digits are ``body`` (for demo and test data)."""
    body = _compact(body).zfill(9)
    if not _DIGITS.fullmatch(body) or len(body) != 9:
        raise ValueError("body must be nine digits")
    for digit in "0123456789":
        code = body + digit
        if len(set(code)) > 1 and _national_check_ok(code):
            return code
    raise ValueError(f"no check digit makes {body} valid")


MASK = "\u2022"  # a bullet: neither a letter nor a digit, so it reads the same in any language


def mask_mobile(value: object) -> str:
    """A mobile as another member may see it: the operator's prefix and the last four digits
    (``0912•••4567``), enough to recognise a number one knows and useless to call or look up."""
    digits = to_latin_digits(str(value or ""))
    if len(digits) < 8:
        return MASK * len(digits)
    return digits[:4] + MASK * (len(digits) - 8) + digits[-4:]


def mask_national_code(value: object) -> str:
    """A national code as another member may see it: its last four digits (``••••••5679``)."""
    digits = to_latin_digits(str(value or ""))
    return MASK * (len(digits) - 4) + digits[-4:] if len(digits) > 4 else MASK * len(digits)


def _reader_owns(owner_id: int | None) -> bool:
    from flask import has_request_context
    from flask_login import current_user

    return (
        owner_id is not None
        and has_request_context()
        and current_user.is_authenticated
        and current_user.id == owner_id
    )


def mobile_for_reader(value: object, owner_id: int | None = None) -> str:
    """The mobile as the signed-in reader may see it: whole if it is theirs (``owner_id``), else masked."""
    return to_latin_digits(str(value or "")) if _reader_owns(owner_id) else mask_mobile(value)


def national_code_for_reader(value: object, owner_id: int | None = None) -> str:
    """The national code as the signed-in reader may see it: whole if it is theirs, else masked."""
    return to_latin_digits(str(value or "")) if _reader_owns(owner_id) else mask_national_code(value)
