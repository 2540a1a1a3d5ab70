"""An administrator's top-up and the bank's answers to withdrawals each write one audit entry."""

from __future__ import annotations

import re

from resalat_hesam import withdrawals
from resalat_hesam.models import Withdrawal
from sqlalchemy import select

from resalat_core.sdk import Member
from resalat_core.testing import audit_entries, work

from .test_withdrawals import ask, save

TOPUP = "/hesam/admin/topup"


def written(app, prefix: str = "hesam.") -> list[tuple]:
    return [
        (e["action"], e["subject"], e["actor_id"], e["region_id"], e["after"])
        for e in audit_entries(app)
        if e["action"].startswith(prefix)
    ]


def test_a_cash_top_up_is_written_once_by_the_admin_and_a_refused_one_not(app, client_as, person):
    admin = client_as("admin")
    maryam = person(name="مریم احمدی")
    key = re.search(r'name="key" value="([^"]+)"', admin.get(TOPUP).get_data(as_text=True)).group(1)
    data = {"key": key, "member": maryam.mobile, "amount": "۵٬۰۰۰"}
    assert admin.form(TOPUP, data).status_code == 302
    admin.form(TOPUP, data)  # the same form again: recorded once
    bad = admin.form(TOPUP, {"key": "other", "member": maryam.mobile, "amount": "-5"})
    assert bad.status_code == 400
    with work(app) as s:
        region = s.get(Member, maryam.id).region_id
    assert written(app) == [
        (
            "hesam.top_up",
            f"member:{maryam.id}",
            admin.member_id,
            region,
            {"amount": 50_000, "gateway": "manual"},
        )
    ]


def test_the_banks_answers_are_written_once_each(app, client_as, fund):
    answers = {}
    for state in ("settled", "refused"):
        member = client_as(name="مریم احمدی")
        fund(member.member_id, 100_000)
        save(member)
        ask(member, "40000")
        answers[state] = member.member_id
    with work(app) as s:
        withdrawals.export_batch(s)
        ids = {
            state: s.scalar(select(Withdrawal.id).where(Withdrawal.member_id == who))
            for state, who in answers.items()
        }
    admin = client_as("admin")
    back = "/hesam/admin/withdrawals"
    settle = f"/hesam/admin/withdrawals/{ids['settled']}/settle"
    assert admin.form(settle, {"reference": ""}, token_from=back).status_code == 400  # refused: nothing
    for _twice in range(2):
        assert admin.form(settle, {"reference": "۱۴۰۳۱۲۳"}, token_from=back).status_code == 302
    refuse = f"/hesam/admin/withdrawals/{ids['refused']}/refuse"
    assert admin.form(refuse, {"reason": "حساب مسدود است"}, token_from=back).status_code == 302
    found = [(a, s, who, after) for a, s, who, _region, after in written(app, "hesam.withdrawal")]
    assert found == [
        (
            "hesam.withdrawal_settled",
            f"hesam_withdrawal:{ids['settled']}",
            admin.member_id,
            {"state": "settled", "amount": 400_000},
        ),
        (
            "hesam.withdrawal_refused",
            f"hesam_withdrawal:{ids['refused']}",
            admin.member_id,
            {"state": "refused", "amount": 400_000},
        ),
    ]
