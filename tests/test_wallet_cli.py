"""`resalat wallet` as an operator uses it: balances, transfers, statements, verify and expire."""

from __future__ import annotations

import json

from sqlalchemy import text

from resalat_core.members.models import Member


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def mobile_of(app, member_id):
    with app.app_context():
        return app.extensions["resalat"].db.session.get(Member, member_id).mobile


def test_an_admin_tops_up_and_moves_money_from_the_cli(app, make_member):
    maryam, jafar = mobile_of(app, make_member()), mobile_of(app, make_member())
    done = run(app, "wallet", "transfer", "system:cash_in", maryam, "5000", "--unit", "toman", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["amount"] == 50_000
    assert run(app, "wallet", "transfer", maryam, jafar, "12000", "--key", "k-1").exit_code == 0
    again = run(app, "wallet", "transfer", maryam, jafar, "12000", "--key", "k-1")
    assert again.exit_code == 0  # the same key moves the money once
    balance = json.loads(run(app, "wallet", "balance", maryam, "--json").output)
    assert balance["posted"] == 38_000
    statement = json.loads(run(app, "wallet", "statement", jafar, "--json").output)
    assert [e["amount"] for e in statement["items"]] == [12_000]
    assert statement["meta"]["total"] == 1
    verify = run(app, "wallet", "verify", "--json")
    assert verify.exit_code == 0
    assert json.loads(verify.output[verify.output.index("{") :])["ok"] is True


def test_bad_cli_input_is_refused_and_moves_nothing(app, make_member):
    maryam, jafar = mobile_of(app, make_member()), mobile_of(app, make_member())
    run(app, "wallet", "transfer", "system:cash_in", maryam, "1000")
    for args in (
        (maryam, jafar, "0"),
        (maryam, jafar, "-5"),
        (maryam, jafar, "abc"),
        (maryam, jafar, "1001"),
        (maryam, "09999999999", "10"),
        (maryam, maryam, "10"),
        (maryam, "system:no_such", "10"),
    ):
        result = run(app, "wallet", "transfer", "--", *args)  # "--" so "-5" is an amount
        assert result.exit_code == 1, (args, result.output)
        assert "Error" in result.output
        assert "Traceback" not in result.output
    balance = json.loads(run(app, "wallet", "balance", maryam, "--json").output)
    assert balance["posted"] == 1_000


def test_verify_reports_a_tampered_balance_and_exits_1(app, make_member):
    maryam = mobile_of(app, make_member())
    run(app, "wallet", "transfer", "system:cash_in", maryam, "1000")
    with app.app_context():
        db = app.extensions["resalat"].db
        with db.engine.begin() as conn:
            # Someone edits a balance behind the ledger's back.
            conn.execute(text("UPDATE wallet_accounts SET posted = posted + 1 WHERE kind = 'member_main'"))
    result = run(app, "wallet", "verify")
    assert result.exit_code == 1
    assert "BROKEN" in result.output and "entries sum to 1000" in result.output


def test_expire_voids_reservations_past_their_time(app, make_member):
    from datetime import timedelta

    from resalat_core.wallet import services as ledger

    member_id = make_member()
    with app.app_context():
        s = app.extensions["resalat"].db.session()
        member = s.get(Member, member_id)
        main = ledger.main_account(s, member)
        ledger.transfer(s, "fund", ledger.system_account(s, "cash_in"), main, 500, "admin_adjustment")
        ledger.transfer(
            s,
            "hold",
            main,
            ledger.system_account(s, "fixture_escrow"),
            500,
            "fixture_purchase",
            pending=True,
            timeout=timedelta(seconds=-5),
        )
        s.commit()
    result = run(app, "wallet", "expire", "--json")
    assert json.loads(result.output) == {"voided": 1}
    balance = json.loads(run(app, "wallet", "balance", mobile_of(app, member_id), "--json").output)
    assert balance["available"] == 500
