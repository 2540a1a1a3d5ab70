"""Fixtures for the iCAP tests: Jafar of Gorg-Tappeh issues promissory notes for his core's loan.

Each helper works in an app context and a transaction of its own, committed before it returns, the
way another request would (holding the ``session`` fixture across client requests would keep one
SQLite write transaction open and lock the requests out).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from resalat_icap import services
from resalat_icap.models import Endorsement, Guarantor, Note, NoteStatusChange
from sqlalchemy import func, select

from resalat_core.sdk import Member, Transfer, main_account, system_account

_keys = itertools.count(1)


def guarantor(person: Any) -> dict[str, str]:
    """A member (the host's ``Person``) as a note's guarantor line: name, national code, mobile."""
    return {"name": person.name, "national_code": person.national_code, "mobile": person.mobile}


@pytest.fixture
def jafar(person: Callable[..., Any], top_up: Callable[..., Any]) -> Any:
    """Jafar Gharajeloo, a member of Gorg-Tappeh with 1,000,000 rials in his main account."""
    found = person(name="جعفر قراجه‌لو")
    top_up(found, rials=1_000_000)
    return found


@pytest.fixture
def member(person: Callable[..., Any]) -> Callable[..., Any]:
    """``member(name=...)``: a new member of Gorg-Tappeh."""
    return lambda name="مریم احمدی", **kw: person(name=name, **kw)


@pytest.fixture
def issue(db) -> Callable[..., int]:
    """``issue(member_id, amount=..., guarantors=[...], ...)``: a note issued, its id."""

    def make(member_id: int, **kw: Any) -> int:
        values: dict[str, Any] = {
            "amount": 150_000_000,
            "due_date": None,
            "purpose": "تضمین وام قرض‌الحسنه‌ی خرید دام سبک",
            "place_of_payment": "زنجان",
            "key": f"test:{next(_keys)}",
        }
        values.update(kw)
        with db() as s:
            return services.issue_note(s, s.get(Member, member_id), **values).id

    return make


@pytest.fixture
def sign(db) -> Callable[[int, int], None]:
    from resalat_core.testing import PASSWORD

    def signed(note_id: int, member_id: int) -> None:
        with db() as s:
            services.sign_as_guarantor(s, note_id, s.get(Member, member_id), PASSWORD)

    return signed


@pytest.fixture
def note_of(db) -> Callable[[int], dict[str, Any]]:
    """What is stored about a note, read afresh."""

    def read(note_id: int) -> dict[str, Any]:
        with db() as s:
            n = s.get(Note, note_id)
            return {
                "serial": n.serial,
                "status": n.status,
                "reference": n.pledged_reference,
                "amount": n.amount,
                "words": n.amount_words,
                "due_date": n.due_date,
                "payee": (n.payee_kind, n.payee_name, n.payee_code),
                "duty": n.stamp_duty,
                "signed": [g.signed_at is not None for g in n.guarantors],
                "endorsements": [(e.position, e.payee_name, e.payee_code) for e in n.endorsements],
                "history": [
                    (h.from_status, h.to_status, h.reference, h.reason, h.actor_id)
                    for h in s.scalars(
                        select(NoteStatusChange)
                        .where(NoteStatusChange.note_id == n.id)
                        .order_by(NoteStatusChange.id)
                    )
                ],
            }

    return read


@pytest.fixture
def balances(db) -> Callable[[int], tuple[int, int]]:
    """(the member's main account, the stamp-duty account), in rials."""

    def read(member_id: int) -> tuple[int, int]:
        with db() as s:
            main = main_account(s, s.get(Member, member_id)).posted
            return main, system_account(s, "stamp_duty").posted

    return read


@pytest.fixture
def counts(db) -> Callable[[], dict[str, int]]:
    """How many notes, guarantors, endorsements, history rows and transfers exist."""

    def read() -> dict[str, int]:
        with db() as s:
            return {
                model.__name__: s.scalar(select(func.count()).select_from(model))
                for model in (Note, Guarantor, Endorsement, NoteStatusChange, Transfer)
            }

    return read
