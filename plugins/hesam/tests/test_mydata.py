"""A member's own data in M-Hesam: the saved Sheba and the withdrawals are in the member's copy; a
withdrawal waiting for the bank stops the closing; closing forgets the saved bank account while the
withdrawal, a money record, keeps the Sheba it was paid to."""

from __future__ import annotations

from resalat_hesam import mydata, withdrawals
from resalat_hesam.models import ShebaAccount, Withdrawal
from sqlalchemy import select

from resalat_core.sdk import Member, to_persian_digits
from resalat_core.testing import work

from .test_withdrawals import GOOD


def _asked(app, make_member, fund) -> tuple[int, int]:
    maryam = make_member(name="مریم احمدی")
    fund(maryam, 10_000)
    with work(app) as s:
        member = s.get(Member, maryam)
        withdrawals.save_sheba(s, member, GOOD, "مریم احمدی")
        withdrawals.request_withdrawal(s, member, 50_000, key="k")
        return maryam, s.scalar(select(Withdrawal.id).where(Withdrawal.member_id == maryam))


def test_a_withdrawal_waiting_for_the_bank_stops_the_closing(app, make_member, fund):
    maryam, withdrawal_id = _asked(app, make_member, fund)
    with app.test_request_context(), work(app) as s:
        assert mydata.resalat_closing_blockers(s, s.get(Member, maryam)) == [
            f"برداشت شماره‌ی {to_persian_digits(str(withdrawal_id))} شما در انتظار بانک است: "
            "تا پرداخت یا رد آن صبر کنید."
        ]
    with work(app) as s:
        withdrawals.cancel_withdrawal(s, s.get(Member, maryam), withdrawal_id)
    with app.test_request_context(), work(app) as s:
        assert mydata.resalat_closing_blockers(s, s.get(Member, maryam)) == []


def test_the_copy_holds_the_sheba_and_closing_forgets_it_keeping_the_withdrawal(app, make_member, fund):
    maryam, withdrawal_id = _asked(app, make_member, fund)
    stranger = make_member()
    with app.test_request_context(), work(app) as s:
        [section] = mydata.resalat_member_data(s, s.get(Member, maryam))
        assert section.data["sheba"] == {"sheba": GOOD, "holder_name": "مریم احمدی"}
        assert [w["amount_rials"] for w in section.data["withdrawals"]] == [50_000]
        assert mydata.resalat_member_data(s, s.get(Member, stranger)) == []
    with work(app) as s:
        mydata.resalat_member_closed(s, s.get(Member, maryam))
    with work(app) as s:
        assert s.scalar(select(ShebaAccount).where(ShebaAccount.member_id == maryam)) is None
        assert s.get(Withdrawal, withdrawal_id).sheba == GOOD
