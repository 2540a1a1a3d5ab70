"""A member withdraws free money to their own Sheba account; the bank's batch settles or refuses it."""

from __future__ import annotations

import csv
import io
import json
import re
import threading

import pytest
from resalat_hesam import withdrawals
from resalat_hesam.models import Withdrawal
from resalat_notifications import services as inbox
from sqlalchemy import select

from resalat_core.sdk import Member, Transfer, get_db, verify_ledger
from resalat_core.testing import counting_queries, work

_KEY = re.compile(r'name="key" value="([^"]+)"')


def sheba(bban: str = "0540102680020817909002") -> str:
    """A valid Sheba for ``bban`` (22 digits): its two check digits computed (ISO 7064 mod 97-10)."""
    check = 98 - int(bban + "182700") % 97
    return f"IR{check:02d}{bban}"


GOOD = sheba()


def ledger_ok(app) -> bool:
    with work(app) as s:
        report = verify_ledger(s)
        assert report.ok, report.problems
        return True


def save(client, number: str = GOOD, name: str = "مریم احمدی"):
    return client.form("/hesam/sheba", {"sheba": number, "holder_name": name})


def ask(client, amount: str):
    """Fill the withdrawal form and confirm it as the member would."""
    shown = client.form("/hesam/withdraw", {"amount": amount})
    assert shown.status_code == 200, shown.get_data(as_text=True)
    html = shown.get_data(as_text=True)
    data = {
        "key": _KEY.search(html).group(1),
        "amount_rials": re.search(r'name="amount_rials" value="(\d+)"', html).group(1),
    }
    return client.form("/hesam/withdraw/confirm", data, token_from="/hesam/withdraw"), data


def state_of(app, member_id: int) -> list[str]:
    with work(app) as s:
        return list(s.scalars(select(Withdrawal.state).where(Withdrawal.member_id == member_id)))


def test_maryam_withdraws_and_the_bank_pays(app, client_as, fund, balance_of):
    maryam = client_as(name="مریم احمدی")
    fund(maryam.member_id, 300_000)
    assert save(maryam).status_code == 302

    confirm_page = maryam.form("/hesam/withdraw", {"amount": "۱۰۰٬۰۰۰"}).get_data(as_text=True)
    assert "۱۰۰٬۰۰۰ تومان" in confirm_page and "۲۰۰٬۰۰۰ تومان" in confirm_page  # what, and after
    assert balance_of(maryam.member_id) == 3_000_000  # nothing held before confirming

    done, data = ask(maryam, "۱۰۰٬۰۰۰")
    assert done.status_code == 302
    # Held, not spendable, not yet gone.
    assert balance_of(maryam.member_id) == 2_000_000
    assert state_of(app, maryam.member_id) == ["requested"]
    # The same confirmation again: once.
    maryam.form("/hesam/withdraw/confirm", data, token_from="/hesam/withdraw")
    assert len(state_of(app, maryam.member_id)) == 1
    assert balance_of(maryam.member_id) == 2_000_000
    assert ledger_ok(app)

    admin = client_as("admin")
    page = admin.get("/hesam/admin/withdrawals").get_data(as_text=True)
    assert "۱۰۰٬۰۰۰ تومان" in page
    exported = admin.form("/hesam/admin/withdrawals/export", {}, token_from="/hesam/admin/withdrawals")
    assert exported.status_code == 302
    batch = re.search(r"batch=([\w-]+)", exported.headers["Location"]).group(1)
    sheet = admin.get(f"/hesam/admin/withdrawals/batches/{batch}.csv")
    rows = list(csv.reader(io.StringIO(sheet.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1][1:4] == [GOOD, "مریم احمدی", "1000000"]
    assert state_of(app, maryam.member_id) == ["exported"]
    # A second export finds nothing new: no withdrawal is in two batches.
    admin.form("/hesam/admin/withdrawals/export", {}, token_from="/hesam/admin/withdrawals")
    with work(app) as s:
        assert len(set(s.scalars(select(Withdrawal.batch)))) == 1

    with work(app) as s:
        wid = s.scalars(select(Withdrawal.id)).one()
    url = f"/hesam/admin/withdrawals/{wid}/settle"
    assert admin.form(url, {"reference": ""}, token_from="/hesam/admin/withdrawals").status_code == 400
    assert admin.form(url, {"reference": "۱۴۰۳۱۲۳"}, token_from="/hesam/admin/withdrawals").status_code == 302
    assert admin.form(url, {"reference": "۱۴۰۳۱۲۳"}, token_from="/hesam/admin/withdrawals").status_code == 302
    assert state_of(app, maryam.member_id) == ["settled"]
    assert balance_of(maryam.member_id) == 2_000_000
    with work(app) as s:
        assert s.get(Transfer, s.get(Withdrawal, wid).transfer_id).state == "posted"
    assert ledger_ok(app)
    assert "پرداخت" in maryam.get("/hesam/withdrawals").get_data(as_text=True)


def test_a_refused_withdrawal_frees_the_money_and_tells_the_member(app, client_as, fund, balance_of):
    maryam = client_as(name="مریم احمدی")
    fund(maryam.member_id, 100_000)
    save(maryam)
    ask(maryam, "40000")
    assert balance_of(maryam.member_id) == 600_000
    with work(app) as s:
        withdrawals.export_batch(s)
        wid = s.scalars(select(Withdrawal.id)).one()
    admin = client_as("admin")
    refused = admin.form(
        f"/hesam/admin/withdrawals/{wid}/refuse",
        {"reason": "حساب مسدود است"},
        token_from="/hesam/admin/withdrawals",
    )
    assert refused.status_code == 302
    assert balance_of(maryam.member_id) == 1_000_000
    assert state_of(app, maryam.member_id) == ["refused"]
    with work(app) as s:
        found = inbox.inbox(s, s.get(Member, maryam.member_id), unread_only=False, page=1, per_page=50)
        assert sum(n.kind == "withdrawal.refused" for n in found.items) == 1
        # Settling a refused one is a conflict, and changes nothing.
        with pytest.raises(Exception, match="exported"):
            withdrawals.settle(s, wid, "123")
    assert ledger_ok(app)


def test_earmarked_loan_money_can_never_be_withdrawn(
    app, client_as, earmark, fund, balance_of, ledger_snapshot
):
    maryam = client_as(name="مریم احمدی")
    earmark(maryam.member_id, 1_000_000)
    fund(maryam.member_id, 10_000)
    save(maryam)
    before = ledger_snapshot()

    refused = maryam.form("/hesam/withdraw", {"amount": "50000"})
    assert refused.status_code == 400
    assert "قابل برداشت نیست" in refused.get_data(as_text=True) or "نمی‌توان" in refused.get_data(as_text=True)
    # Straight to the confirmation with a made-up amount: the service checks again.
    forced = maryam.form(
        "/hesam/withdraw/confirm", {"key": "k", "amount_rials": "500000"}, token_from="/hesam/withdraw"
    )
    assert forced.status_code == 400
    with work(app) as s:
        with pytest.raises(Exception, match="."):
            withdrawals.request_withdrawal(s, s.get(Member, maryam.member_id), 10_000_000, key="x")
        s.rollback()
    assert ledger_snapshot() == before
    assert state_of(app, maryam.member_id) == []
    # Only the free 10,000 tomans can go.
    done, _data = ask(maryam, "10000")
    assert done.status_code == 302
    assert balance_of(maryam.member_id) == 0
    assert ledger_ok(app)


@pytest.mark.parametrize(
    ("number", "name", "field"),
    [
        ("", "مریم احمدی", "sheba"),
        ("IR12", "مریم احمدی", "sheba"),
        (GOOD[:-1] + str((int(GOOD[-1]) + 1) % 10), "مریم احمدی", "sheba"),  # mod 97 fails
        ("DE89370400440532013000", "مریم احمدی", "sheba"),
        (GOOD, "", "holder_name"),
        (GOOD, "Maryam Ahmadi", "holder_name"),
        (GOOD, "زهرا احمدی", "holder_name"),
        (GOOD, "مریم ۱۲", "holder_name"),
    ],
)
def test_a_bad_sheba_or_another_persons_name_is_refused(app, client_as, number, name, field):
    maryam = client_as(name="مریم احمدی")
    answer = save(maryam, number, name)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert f'id="e-{field}"' in html
    with work(app) as s:
        assert withdrawals.sheba_of(s, s.get(Member, maryam.member_id)) is None


def test_the_name_matches_after_persian_normalisation(app, client_as):
    member = client_as(name="زهرا محمدی‌نیا")
    # Arabic yeh and kaf, a space for the half-space, Persian digits in the Sheba.
    typed = "زهرا محمدي نيا"
    spaced = " ".join([GOOD[:4], GOOD[4:8], GOOD[8:]]).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert save(member, spaced, typed).status_code == 302
    with work(app) as s:
        assert withdrawals.sheba_of(s, s.get(Member, member.member_id)).sheba == GOOD


@pytest.mark.parametrize("amount", ["", "abc", "0", "-100", "۹۹۹", "99999999999999"])
def test_bad_withdrawal_amounts_are_refused(client_as, fund, amount, ledger_snapshot):
    maryam = client_as(name="مریم احمدی")
    fund(maryam.member_id, 100_000)
    save(maryam)
    before = ledger_snapshot()
    answer = maryam.form("/hesam/withdraw", {"amount": amount})
    assert answer.status_code == 400
    assert 'id="e-amount"' in answer.get_data(as_text=True)
    assert ledger_snapshot() == before


def test_no_withdrawal_without_a_saved_sheba(client_as, fund, ledger_snapshot):
    member = client_as()
    fund(member.member_id, 100_000)
    before = ledger_snapshot()
    answer = member.form("/hesam/withdraw", {"amount": "10000"})
    assert answer.status_code == 400
    assert ledger_snapshot() == before


def test_only_payout_admins_see_the_batch(client_as):
    member = client_as()
    assert member.get("/hesam/admin/withdrawals").status_code == 403
    answer = member.form("/hesam/admin/withdrawals/export", {}, token_from="/hesam/withdraw")
    assert answer.status_code == 403


def test_the_api_withdraws_once_per_key_and_lists_mine(app, api_as, fund, balance_of):
    api = api_as(name="مریم احمدی")
    fund(api.member_id, 100_000)
    bad = api.put("/api/v1/hesam/sheba", json={"sheba": GOOD, "holder_name": "Ali"})
    assert bad.status_code == 400
    assert "holder_name" in json.dumps(bad.get_json())
    assert (
        api.put("/api/v1/hesam/sheba", json={"sheba": GOOD, "holder_name": "مریم احمدی"}).status_code == 200
    )

    headers = {"Idempotency-Key": "w-1"}
    first = api.post("/api/v1/hesam/withdrawals", json={"amount_rials": 300_000}, headers=headers)
    again = api.post("/api/v1/hesam/withdrawals", json={"amount_rials": 300_000}, headers=headers)
    assert first.status_code == 201, first.get_json()
    assert again.get_json()["id"] == first.get_json()["id"]
    assert first.get_json()["state"] == "requested"
    assert balance_of(api.member_id) == 700_000
    other = api.post(
        "/api/v1/hesam/withdrawals", json={"amount_rials": 5_000_000}, headers={"Idempotency-Key": "w-2"}
    )
    assert other.status_code == 400
    assert api.post("/api/v1/hesam/withdrawals", json={"amount_rials": 300_000}).status_code == 400  # no key

    listed = api.get("/api/v1/hesam/withdrawals").get_json()
    assert [w["amount_rials"] for w in listed["items"]] == [300_000]
    assert listed["meta"]["total"] == 1
    assert ledger_ok(app)


def test_the_cli_exports_a_batch_and_records_the_answers(app, client_as, fund, balance_of, tmp_path):
    members = []
    for name in ("مریم احمدی", "جعفر قراجه‌لو"):
        member = client_as(name=name)
        fund(member.member_id, 100_000)
        save(member, name=name)
        ask(member, "20000")
        members.append(member)
    runner = app.test_cli_runner()
    out = tmp_path / "batch.csv"

    done = runner.invoke(args=["hesam", "withdrawals", "export", "--csv", str(out), "--json"])
    assert done.exit_code == 0, done.output
    answer = json.loads(done.stdout)
    assert answer["withdrawals"] == 2 and answer["total_rials"] == 400_000
    text = out.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff") and "\r\n" in text
    # Nothing left to export: a clear refusal, exit code 1.
    empty = runner.invoke(args=["hesam", "withdrawals", "export", "--csv", str(tmp_path / "b2.csv")])
    assert empty.exit_code == 1

    with work(app) as s:
        first, second = s.scalars(select(Withdrawal.id).order_by(Withdrawal.id)).all()
    paid = runner.invoke(
        args=["hesam", "withdrawals", "settle", str(first), "--reference", "98765", "--json"]
    )
    assert paid.exit_code == 0, paid.output
    refused = runner.invoke(args=["hesam", "withdrawals", "refuse", str(second), "--reason", "نام ناهمخوان"])
    assert refused.exit_code == 0, refused.output
    again = runner.invoke(args=["hesam", "withdrawals", "refuse", str(second), "--reason", "نام ناهمخوان"])
    assert "already" in again.output
    bad = runner.invoke(args=["hesam", "withdrawals", "settle", "999999", "--reference", "1"])
    assert bad.exit_code == 1

    assert balance_of(members[0].member_id) == 800_000
    assert balance_of(members[1].member_id) == 1_000_000
    assert ledger_ok(app)


def test_the_same_withdrawal_sent_three_times_at_once_holds_the_money_once(app, client_as, fund, balance_of):
    maryam = client_as(name="مریم احمدی")
    fund(maryam.member_id, 100_000)
    save(maryam)
    start = threading.Barrier(3)
    results: list[bool] = []
    errors: list[BaseException] = []

    def confirm() -> None:
        try:
            with app.app_context():
                s = get_db().session
                start.wait(timeout=10)
                asked = withdrawals.request_withdrawal(
                    s, s.get(Member, maryam.member_id), 300_000, key="same"
                )
                s.commit()
                results.append(asked.replayed)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=confirm) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert errors == []
    assert sorted(results) == [False, True, True]
    assert balance_of(maryam.member_id) == 700_000
    assert state_of(app, maryam.member_id) == ["requested"]
    assert ledger_ok(app)


def test_the_batch_file_costs_the_same_queries_for_two_or_six_withdrawals(app, client_as, make_member, fund):
    admin = client_as("admin")

    def batch_of(n: int) -> str:
        for _ in range(n):
            member_id = make_member(name="مریم احمدی")
            fund(member_id, 10_000)
            with work(app) as s:
                member = s.get(Member, member_id)
                withdrawals.save_sheba(s, member, GOOD, "مریم احمدی")
                withdrawals.request_withdrawal(s, member, 50_000, key="k")
        with work(app) as s:
            return withdrawals.export_batch(s)[0]

    def cost(batch: str) -> int:
        url = f"/hesam/admin/withdrawals/batches/{batch}.csv"
        admin.get(url)  # warm: the sign-in and the app's first-use lookups
        with counting_queries(app) as counter:
            answer = admin.get(url)
        assert answer.status_code == 200
        return counter.count

    assert cost(batch_of(2)) == cost(batch_of(6))


def test_a_provincial_admin_batches_and_answers_only_in_their_area(
    app, client_as, make_member, fund, ledger_snapshot
):
    ids = {}
    for region in ("zanjan/zanjan", "tehran/tehran"):
        member_id = make_member(name="مریم احمدی", region=region)
        fund(member_id, 10_000)
        with work(app) as s:
            member = s.get(Member, member_id)
            withdrawals.save_sheba(s, member, GOOD, "مریم احمدی")
            ids[region] = withdrawals.request_withdrawal(s, member, 50_000, key="k").withdrawal.id
    admin = client_as("admin", region="zanjan/zanjan")

    admin.form("/hesam/admin/withdrawals/export", {}, token_from="/hesam/admin/withdrawals")
    with work(app) as s:
        assert s.get(Withdrawal, ids["zanjan/zanjan"]).state == "exported"
        assert s.get(Withdrawal, ids["tehran/tehran"]).state == "requested"
        withdrawals.export_batch(s)  # a nationwide admin's batch takes Tehran's
    before = ledger_snapshot()
    answer = admin.form(
        f"/hesam/admin/withdrawals/{ids['tehran/tehran']}/settle",
        {"reference": "1"},
        token_from="/hesam/admin/withdrawals",
    )
    assert answer.status_code == 403
    assert ledger_snapshot() == before
