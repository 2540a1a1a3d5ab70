"""Password hashing with argon2id (argon2-cffi) and the rules a new password must meet."""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from resalat_core.i18n import _
from resalat_core.text import to_latin_digits

_hasher = PasswordHasher()
MIN_LENGTH = 8
MAX_LENGTH = 128
# (password, its hash) reused within ``one_hash_for``; a context variable, so another thread (a
# request served meanwhile) never sees it.
_reused: ContextVar[tuple[str, str] | None] = ContextVar("reused_password_hash", default=None)


def use_fast_hashing() -> None:
    """Cheaper argon2 parameters for the test suite only; hashes stay valid argon2id."""
    global _hasher
    _hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def hash_password(password: str) -> str:
    reused = _reused.get()
    if reused is not None and reused[0] == password:
        return reused[1]
    return _hasher.hash(password)


@contextmanager
def one_hash_for(password: str) -> Iterator[None]:
    """Within the block, ``password`` is hashed once and that hash given to everyone who sets it.

    For the demo world only, whose fifty-odd people share one published password: argon2 is slow
    on purpose, and hashing it for each of them was half of ``resalat demo``'s time. The hash
    stays a valid argon2id hash of that password (they share its salt, nothing else).
    """
    token = _reused.set((password, _hasher.hash(password)))
    try:
        yield
    finally:
        _reused.reset(token)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (lower case, Latin digits), read once per process."""
    data = resources.files("resalat_core.members").joinpath("common-passwords.txt.gz").read_bytes()
    return frozenset(_folded(line) for line in gzip.decompress(data).decode("utf-8").split())


def _folded(text: str) -> str:
    # "Password1", "PASSWORD1" and "password۱" are one guess to an attacker's list.
    return to_latin_digits(text).strip().lower()


def validate_new_password(password: str | None, personal: Iterable[str] = ()) -> str | None:
    """The reason a new password is refused, or None when it is acceptable.

    ``personal``: what an attacker knows of the member (mobile, national code): a password
    that contains one of them is refused, as is one on the list of common passwords.
    """
    if not password or len(password) < MIN_LENGTH:
        return _("The password must be at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("The password must be at most %(n)d characters.", n=MAX_LENGTH)
    if password.isdecimal():
        return _("The password must not be digits only.")
    folded = _folded(password)
    if folded in common_passwords():
        return _("This password is among the most common ones and is guessed first; choose another.")
    for known in personal:
        folded_known = _folded(str(known or ""))
        # The mobile without its leading zero too: 9121234567 is in 09121234567's password.
        if any(len(k) >= 6 and k in folded for k in (folded_known, folded_known.lstrip("0"))):
            return _("The password must not contain your mobile number or national code.")
    return None
