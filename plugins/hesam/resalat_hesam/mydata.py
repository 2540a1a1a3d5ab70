"""M-Hesam's part of a member's own data, what stops closing the account, and what closing removes.

Balances are the host's (the ledger); M-Hesam holds the member's saved bank account (Sheba), card
payments and withdrawals. Card payments and withdrawals are money records the law keeps, with the
Sheba and holder's name they were paid to. A withdrawal still waiting for the bank stops the
closing; closing forgets the saved bank account.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from resalat_core.sdk import DataRow, DataSection, Day, Member, _, _l, hookimpl
from resalat_hesam.models import EXPORTED, REQUESTED, CardPayment, ShebaAccount, Withdrawal


@hookimpl
def resalat_member_data(session: Session, member: Member) -> list[DataSection]:
    sheba = session.scalar(select(ShebaAccount).where(ShebaAccount.member_id == member.id))
    payments = list(
        session.scalars(
            select(CardPayment).where(CardPayment.member_id == member.id).order_by(CardPayment.id)
        )
    )
    withdrawals = list(
        session.scalars(select(Withdrawal).where(Withdrawal.member_id == member.id).order_by(Withdrawal.id))
    )
    if sheba is None and not payments and not withdrawals:
        return []
    rows = [DataRow(_l("Your bank account (Sheba)"), f"{sheba.sheba} ({sheba.holder_name})")] if sheba else []
    rows += [
        DataRow(_l("Top-up by card on %(day)s", day=Day(p.created_at)), p.amount, money=True)
        for p in payments
    ]
    rows += [
        DataRow(_l("Withdrawal on %(day)s", day=Day(w.created_at)), w.amount, money=True) for w in withdrawals
    ]
    data = {
        "sheba": {"sheba": sheba.sheba, "holder_name": sheba.holder_name} if sheba else None,
        "card_payments": [
            {"id": p.id, "amount_rials": p.amount, "state": p.state, "created_at": p.created_at.isoformat()}
            for p in payments
        ],
        "withdrawals": [
            {
                "id": w.id,
                "amount_rials": w.amount,
                "state": w.state,
                "sheba": w.sheba,
                "holder_name": w.holder_name,
                "created_at": w.created_at.isoformat(),
            }
            for w in withdrawals
        ],
    }
    return [DataSection("hesam", _l("M-Hesam: bank account, top-ups and withdrawals"), rows, data)]


@hookimpl
def resalat_closing_blockers(session: Session, member: Member) -> list[str]:
    waiting = select(Withdrawal.id).where(
        Withdrawal.member_id == member.id, Withdrawal.state.in_((REQUESTED, EXPORTED))
    )
    return [
        _("Your withdrawal no. %(id)s waits for the bank: wait until it is paid or refused.", id=wid)
        for wid in session.scalars(waiting.order_by(Withdrawal.id))
    ]


@hookimpl
def resalat_member_closed(session: Session, member: Member) -> None:
    session.execute(delete(ShebaAccount).where(ShebaAccount.member_id == member.id))
