"""Maryam signs Jafar's note as guarantor with her password; Jafar endorses a note while it is free."""

from __future__ import annotations

import pytest
from resalat_icap import services

from resalat_core.sdk import BadInput, Conflict, Member, NotFound
from resalat_core.testing import PASSWORD

from .conftest import guarantor


def test_maryam_signs_as_guarantor_with_her_own_password(jafar, member, issue, note_of, db):
    maryam = member()
    note_id = issue(jafar.id, guarantors=[guarantor(maryam)])

    with db() as s, pytest.raises(BadInput) as wrong:
        services.sign_as_guarantor(s, note_id, s.get(Member, maryam.id), "not-her-password")
    assert wrong.value.code == "bad_signature"
    assert note_of(note_id)["signed"] == [False]

    with db() as s:
        services.sign_as_guarantor(s, note_id, s.get(Member, maryam.id), PASSWORD)
        services.sign_as_guarantor(s, note_id, s.get(Member, maryam.id), PASSWORD)  # twice is harmless
    assert note_of(note_id)["signed"] == [True]


def test_only_a_named_guarantor_can_sign(jafar, member, issue, db):
    maryam, hossein = member(), member(name="حسین حامی")
    note_id = issue(jafar.id, guarantors=[guarantor(maryam)])

    with db() as s, pytest.raises(NotFound):
        services.sign_as_guarantor(s, note_id, s.get(Member, hossein.id), PASSWORD)


def test_jafar_endorses_his_note_in_order(jafar, issue, note_of, db):
    note_id = issue(jafar.id)

    with db() as s:
        me = s.get(Member, jafar.id)
        services.endorse_note(s, note_id, me, payee_name="حسین حامی", payee_code="0012345679")
        services.endorse_note(s, note_id, me, payee_name="صندوق قرض‌الحسنه‌ی الغدیر", payee_code="10380284790")

    assert note_of(note_id)["endorsements"] == [
        (0, "حسین حامی", "0012345679"),
        (1, "صندوق قرض‌الحسنه‌ی الغدیر", "10380284790"),
    ]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"payee_name": "علی", "payee_code": "1234567890"}, "payee_code"),
        ({"payee_name": "", "payee_code": "0012345679"}, "payee_name"),
        ({"payee_name": "علی", "payee_code": "0012345679", "endorsed_on": "1500/01/01"}, "endorsed_on"),
        ({"payee_name": "علی", "payee_code": "0012345679", "endorsed_on": "تاریخ"}, "endorsed_on"),
    ],
)
def test_a_bad_endorsement_is_named_on_its_field_and_changes_nothing(
    jafar, issue, note_of, db, values, field
):
    note_id = issue(jafar.id)
    with db() as s, pytest.raises(BadInput) as refused:
        services.endorse_note(s, note_id, s.get(Member, jafar.id), **values)
    assert field in refused.value.fields
    assert note_of(note_id)["endorsements"] == []


def test_a_pledged_note_cannot_be_endorsed(jafar, issue, note_of, db):
    note_id = issue(jafar.id)
    with db() as s:
        services.pledge_note(s, note_id, s.get(Member, jafar.id), reference="loan:12", amount=1_000_000)

    with db() as s, pytest.raises(Conflict) as refused:
        services.endorse_note(s, note_id, s.get(Member, jafar.id), payee_name="علی", payee_code="0012345679")

    assert refused.value.code == "not_endorsable"
    assert note_of(note_id)["endorsements"] == []
