"""A member's own data in iCAP: the notes are in the issuer's copy, and a note pledged and not yet
released stops the issuer and its guarantor closing the account until the loan releases it."""

from __future__ import annotations

import pytest
from resalat_icap import mydata, services

from resalat_core.sdk import Member
from resalat_core.testing import ResalatClient

from .conftest import guarantor


@pytest.fixture
def blockers(app, db):
    def read(member_id: int) -> list[str]:
        with app.test_request_context(), db() as s:
            return mydata.resalat_closing_blockers(s, s.get(Member, member_id))

    return read


def test_a_pledged_note_stops_the_closing_until_it_is_released(
    jafar, member, issue, sign, db, blockers, note_of
):
    maryam = member()
    note_id = issue(jafar.id, guarantors=[guarantor(maryam)])
    assert blockers(jafar.id) == []  # issued, securing nothing yet
    sign(note_id, maryam.id)
    with db() as s:
        services.pledge_note(s, note_id, s.get(Member, jafar.id), reference="loan:12", amount=100_000_000)
    serial = note_of(note_id)["serial"]
    [issuer_reason] = blockers(jafar.id)
    [guarantor_reason] = blockers(maryam.id)
    assert "هنوز آزاد نشده است" in issuer_reason and "ضامن" in guarantor_reason
    digits = serial.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert digits in issuer_reason and serial not in issuer_reason
    with db() as s:
        services.release_note(s, reference="loan:12")
    assert blockers(jafar.id) == [] and blockers(maryam.id) == []


def test_the_closing_page_lists_the_note(app, jafar, issue, db):
    note_id = issue(jafar.id)
    with db() as s:
        services.pledge_note(s, note_id, s.get(Member, jafar.id), reference="loan:12", amount=100_000_000)
    app.test_client_class = ResalatClient
    client: ResalatClient = app.test_client()  # type: ignore[assignment]
    html = client.sign_in(jafar.id).get("/account/close").get_data(as_text=True)
    assert "هنوز آزاد نشده است: نخست باید آزاد یا تسویه شود." in html
    assert 'data-testid="close-form"' not in html


def test_the_notes_are_in_their_issuers_copy_only(app, jafar, member, issue, db, note_of):
    maryam = member()
    serial = note_of(issue(jafar.id))["serial"]
    with app.test_request_context(), db() as s:
        [section] = mydata.resalat_member_data(s, s.get(Member, jafar.id))
        assert [n["serial"] for n in section.data["issued"]] == [serial]
        assert section.data["issued"][0]["amount_rials"] == 150_000_000
        assert mydata.resalat_member_data(s, s.get(Member, maryam.id)) == []
