"""Jafar's note secures his loan: pledged once, released when repaid, protested when it defaults."""

from __future__ import annotations

import pytest
from resalat_icap import services

from resalat_core.sdk import BadInput, Conflict, Member

from .conftest import guarantor


@pytest.fixture
def pledge(db):
    def act(note_id: int, member_id: int, reference: str = "loan:12", amount: int = 100_000_000):
        with db() as s:
            return services.pledge_note(
                s, note_id, s.get(Member, member_id), reference=reference, amount=amount
            ).id

    return act


def test_jafar_pledges_his_signed_note_to_his_loan_request(jafar, member, issue, sign, pledge, note_of):
    maryam = member()
    note_id = issue(jafar.id, guarantors=[guarantor(maryam)])
    sign(note_id, maryam.id)

    pledge(note_id, jafar.id, "loan:12")

    note = note_of(note_id)
    assert (note["status"], note["reference"]) == ("pledged", "loan:12")
    assert note["history"][-1] == ("issued", "pledged", "loan:12", "", jafar.id)


def test_pledging_again_to_the_same_loan_changes_nothing(jafar, issue, pledge, note_of, counts):
    note_id = issue(jafar.id)
    pledge(note_id, jafar.id, "loan:12")
    before = (note_of(note_id), counts())

    assert pledge(note_id, jafar.id, "loan:12") == note_id
    assert (note_of(note_id), counts()) == before


def test_a_second_pledge_to_another_loan_is_refused_clearly_and_changes_nothing(
    jafar, issue, pledge, note_of, counts
):
    note_id = issue(jafar.id)
    pledge(note_id, jafar.id, "loan:12")
    before = (note_of(note_id), counts())

    with pytest.raises(Conflict) as refused:
        pledge(note_id, jafar.id, "loan:13")

    assert refused.value.code == "already_pledged"
    # The sentence names the note, not the other plugin's reference code (a reader sees no codes).
    assert before[0]["serial"] in str(refused.value) and "loan:" not in str(refused.value)
    assert (note_of(note_id), counts()) == before


def test_a_note_waiting_for_a_guarantors_signature_cannot_be_pledged(jafar, member, issue, pledge, note_of):
    maryam = member()
    note_id = issue(jafar.id, guarantors=[guarantor(maryam)])

    with pytest.raises(BadInput) as refused:
        pledge(note_id, jafar.id)

    assert refused.value.code == "unsigned"
    assert note_of(note_id)["status"] == "issued"


def test_a_note_smaller_than_the_loan_or_someone_elses_cannot_be_pledged(
    jafar, member, issue, pledge, note_of
):
    note_id = issue(jafar.id, amount=50_000_000)
    other = member(name="حسین حامی")

    with pytest.raises(BadInput) as small:
        pledge(note_id, jafar.id, amount=60_000_000)
    with pytest.raises(BadInput) as not_his:
        pledge(note_id, other.id)
    with pytest.raises(BadInput):
        pledge(note_id, jafar.id, reference="")

    assert (small.value.code, not_his.value.code) == ("too_small", "not_yours")
    assert note_of(note_id)["status"] == "issued"


def test_usable_notes_are_his_issued_signed_and_large_enough(jafar, member, issue, sign, pledge, db):
    maryam = member()
    small = issue(jafar.id, amount=20_000_000)
    big = issue(jafar.id, amount=200_000_000)
    unsigned = issue(jafar.id, amount=300_000_000, guarantors=[guarantor(maryam)])
    signed = issue(jafar.id, amount=250_000_000, guarantors=[guarantor(maryam)])
    sign(signed, maryam.id)
    pledged = issue(jafar.id, amount=400_000_000)
    pledge(pledged, jafar.id, "loan:99")

    with db() as s:
        usable = [n.id for n in services.usable_notes(s, s.get(Member, jafar.id), 100_000_000)]

    assert usable == [big, signed]
    assert small not in usable and unsigned not in usable and pledged not in usable


def test_the_note_is_released_when_the_loan_is_repaid(jafar, issue, pledge, note_of, db):
    note_id = issue(jafar.id)
    pledge(note_id, jafar.id, "loan:12")

    with db() as s:
        released = services.release_note(s, reference="loan:12")
        assert released.id == note_id
        assert services.release_note(s, reference="loan:12").status == "released"  # twice is harmless
        assert services.release_note(s, reference="loan:404") is None

    note = note_of(note_id)
    assert note["status"] == "released"
    assert [h[1] for h in note["history"]] == ["issued", "pledged", "released"]
    with pytest.raises(Conflict):
        pledge(note_id, jafar.id, "loan:14")  # a released note is done


def test_the_note_is_protested_when_the_loan_defaults(jafar, make_member, issue, pledge, note_of, db):
    note_id = issue(jafar.id)
    pledge(note_id, jafar.id, "loan:12")
    officer = make_member("admin")

    with db() as s:
        with pytest.raises(BadInput):
            services.protest_note(s, reference="loan:12", reason=" ", actor=s.get(Member, officer))
        protested = services.protest_note(
            s, reference="loan:12", reason="سه قسط پیاپی پرداخت نشد", actor=s.get(Member, officer)
        )
        assert protested.status == "protested"
        with pytest.raises(Conflict):
            services.release_note(s, reference="loan:12")

    note = note_of(note_id)
    assert note["history"][-1] == ("pledged", "protested", "loan:12", "سه قسط پیاپی پرداخت نشد", officer)


def test_a_protested_note_is_settled_when_the_debt_is_paid_after_all(
    jafar, make_member, issue, pledge, note_of, db
):
    note_id = issue(jafar.id)
    pledge(note_id, jafar.id, "loan:13")
    officer = make_member("admin")
    with db() as s:
        with pytest.raises(Conflict):  # never protested: releasing is the way
            services.settle_note(s, reference="loan:13")
        services.protest_note(s, reference="loan:13", reason="چهار قسط معوق", actor=s.get(Member, officer))
    with db() as s:
        settled = services.settle_note(s, reference="loan:13")
        assert settled.status == "released"
        assert services.settle_note(s, reference="loan:13").status == "released"  # twice is harmless
        assert services.settle_note(s, reference="loan:99") is None
    history = [(change[0], change[1]) for change in note_of(note_id)["history"]]
    assert history[-2:] == [("pledged", "protested"), ("protested", "released")]


def test_the_printable_page_of_a_note_is_its_url(jafar, issue, db):
    note_id = issue(jafar.id)
    with db() as s:
        assert services.note_url(services.get_note(s, note_id)) == f"/icap/notes/{note_id}/print"


def test_a_note_freed_by_a_cancelled_request_is_pledged_to_the_next_one(
    jafar, issue, pledge, note_of, counts, db
):
    note_id = issue(jafar.id)
    pledge(note_id, jafar.id, "loan:12")

    with db() as s:
        freed = services.free_note(s, reference="loan:12", actor=s.get(Member, jafar.id))
        assert freed.id == note_id
    with db() as s:
        assert services.free_note(s, reference="loan:12") is None  # twice is harmless
        assert services.free_note(s, reference="loan:404") is None
        assert [n.id for n in services.usable_notes(s, s.get(Member, jafar.id), 1)] == [note_id]
    note = note_of(note_id)
    assert (note["status"], note["reference"]) == ("issued", None)
    before = counts()

    pledge(note_id, jafar.id, "loan:13")

    note = note_of(note_id)
    assert (note["status"], note["reference"]) == ("pledged", "loan:13")
    assert [(h[0], h[1], h[2]) for h in note["history"][-3:]] == [
        ("issued", "pledged", "loan:12"),
        ("pledged", "issued", "loan:12"),
        ("issued", "pledged", "loan:13"),
    ]
    after = counts()
    assert (after["Note"], after["Transfer"]) == (before["Note"], before["Transfer"])  # no new note, no duty


def test_a_protested_note_is_never_freed(jafar, make_member, issue, pledge, note_of, db):
    note_id = issue(jafar.id)
    pledge(note_id, jafar.id, "loan:12")
    officer = make_member("admin")
    with db() as s:
        services.protest_note(s, reference="loan:12", reason="قسط معوق", actor=s.get(Member, officer))
    with db() as s, pytest.raises(Conflict):
        services.free_note(s, reference="loan:12")
    assert note_of(note_id)["status"] == "protested"


def test_a_note_must_fit_the_lender_and_its_due_date(jafar, issue, pledge, note_of, db):
    from datetime import date, timedelta

    from resalat_icap.services.reading import today

    fund = services.fund_payee_code()
    endorsed = issue(jafar.id)
    with db() as s:
        services.endorse_note(
            s, endorsed, s.get(Member, jafar.id), payee_name="حسین حامی", payee_code="0012345679"
        )
    with db() as s, pytest.raises(BadInput) as wrong:
        services.pledge_note(
            s, endorsed, s.get(Member, jafar.id), reference="loan:20", amount=1_000_000, payee_code=fund
        )
    assert wrong.value.code == "wrong_payee" and "حسین حامی" in str(wrong.value.fields["note"])
    due = issue(jafar.id, due_date=today() + timedelta(days=30))
    with db() as s:
        member = s.get(Member, jafar.id)
        usable = [n.id for n in services.usable_notes(s, member, 1, payee_code=fund)]
        assert due in usable and endorsed not in usable
        s.get(services.Note, due).due_date = date(2020, 1, 1)  # time runs on past its due date
    with db() as s, pytest.raises(BadInput) as late:
        services.pledge_note(s, due, s.get(Member, jafar.id), reference="loan:21", amount=1_000_000)
    assert late.value.code == "past_due"
    assert note_of(due)["status"] == "issued"


def test_a_run_protests_many_notes_at_once_each_once(jafar, make_member, issue, pledge, note_of, db):
    first, second, repaid = issue(jafar.id), issue(jafar.id), issue(jafar.id)
    pledge(first, jafar.id, "loan:21")
    pledge(second, jafar.id, "loan:22")
    pledge(repaid, jafar.id, "loan:23")
    officer = make_member("admin")
    with db() as s:
        services.protest_note(s, reference="loan:22", reason="قسط معوق", actor=s.get(Member, officer))
        services.release_note(s, reference="loan:23")
    with db() as s:
        with pytest.raises(BadInput):
            services.protest_notes(s, [("loan:21", " ")], actor=None)
        # No note for loan:404, loan:22's already protested: only loan:21's is protested now.
        done = services.protest_notes(
            s, [("loan:21", "سه قسط معوق"), ("loan:22", "دوباره"), ("loan:404", "بی‌سفته")], actor=None
        )
        assert [n.id for n in done] == [first] and done[0].status == "protested"
        assert services.protest_notes(s, [("loan:21", "سه قسط معوق")], actor=None) == []  # once
    with db() as s, pytest.raises(Conflict):  # a released note is done, as protest_note says
        services.protest_notes(s, [("loan:23", "دیر")], actor=s.get(Member, officer))
    assert note_of(first)["history"][-1] == ("pledged", "protested", "loan:21", "سه قسط معوق", None)
    assert [h[1] for h in note_of(second)["history"]].count("protested") == 1
    assert note_of(repaid)["status"] == "released"
