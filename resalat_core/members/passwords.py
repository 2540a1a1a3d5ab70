"""Password hashing with argon2id (argon2-cffi) and the rules a new password must meet."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from resalat_core.i18n import _

_hasher = PasswordHasher()
MIN_LENGTH = 8
MAX_LENGTH = 128


def use_fast_hashing() -> None:
    """Cheaper argon2 parameters for the test suite only; hashes stay valid argon2id."""
    global _hasher
    _hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def validate_new_password(password: str | None) -> str | None:
    """The reason a new password is refused, or None when it is acceptable."""
    if not password or len(password) < MIN_LENGTH:
        return _("The password must be at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("The password must be at most %(n)d characters.", n=MAX_LENGTH)
    if password.isdecimal():
        return _("The password must not be digits only.")
    return None
