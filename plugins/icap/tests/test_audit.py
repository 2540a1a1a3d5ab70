"""A note's protest and release each write one entry of the audit trail, with the act."""

from __future__ import annotations

import pytest
from resalat_icap import services

from resalat_core.sdk import Conflict, Member
from resalat_core.testing import audit_entries

AMOUNT = 100_000_000


@pytest.fixture
def pledged(jafar, issue, db):
    def make(reference: str) -> int:
        note_id = issue(jafar.id)
        with db() as s:
            services.pledge_note(s, note_id, s.get(Member, jafar.id), reference=reference, amount=AMOUNT)
        return note_id

    return make


def notes(app):
    return [
        (e["action"], e["subject"], e["actor_id"], e["before"], e["after"]["status"])
        for e in audit_entries(app)
        if e["action"].startswith("icap.")
    ]


def test_a_protest_then_its_settlement_and_a_release_are_written_once_each(
    app, jafar, make_member, pledged, db
):
    protested, repaid = pledged("loan:12"), pledged("loan:13")
    officer = make_member("admin")
    with db() as s:
        services.protest_note(
            s, reference="loan:12", reason="سه قسط پیاپی پرداخت نشد", actor=s.get(Member, officer)
        )
        services.protest_note(
            s, reference="loan:12", reason="دوباره", actor=s.get(Member, officer)
        )  # harmless
    with db() as s:
        services.settle_note(s, reference="loan:12", actor=s.get(Member, officer))
        services.release_note(s, reference="loan:13")
        services.release_note(s, reference="loan:13")  # twice is harmless: written once
    assert notes(app) == [
        ("icap.note_protested", f"note:{protested}", officer, {"status": "pledged"}, "protested"),
        ("icap.note_released", f"note:{protested}", officer, {"status": "protested"}, "released"),
        ("icap.note_released", f"note:{repaid}", None, {"status": "pledged"}, "released"),
    ]
    with db() as s:
        region = s.get(services.Note, repaid).region_id
    assert {e["region_id"] for e in audit_entries(app) if e["action"].startswith("icap.")} == {region}


def test_a_refused_release_and_a_rolled_back_protest_write_nothing(app, jafar, make_member, pledged, db):
    pledged("loan:12")
    officer = make_member("admin")
    with db() as s:
        services.protest_note(s, reference="loan:12", reason="قسط معوق", actor=s.get(Member, officer))
        s.rollback()
    with db() as s:
        services.protest_note(s, reference="loan:12", reason="قسط معوق", actor=s.get(Member, officer))
    with db() as s, pytest.raises(Conflict):
        services.release_note(s, reference="loan:12")
    assert [a for a, *_ in notes(app)] == ["icap.note_protested"]
