"""A booth charges a voucher it scanned, after confirming; expired value goes back to the issuer;
issuers give only to whom they may; the CLI issues, batches and expires."""

from __future__ import annotations

import json
from typing import Any

import jdatetime
import pytest
from resalat_vouchers import services
from resalat_vouchers.models import BY_ORGANISATION

from resalat_core.sdk import BadInput, Member, NotAllowed, hookimpl, main_account
from resalat_core.testing import work

from .conftest import day


def test_a_booth_charges_part_of_a_voucher_once_per_key_and_the_money_reaches_its_owner(
    app, budget, make_member, make_shop, issue, voucher_of, balance, ledger_sound
):
    holder = make_member()
    (voucher,) = issue(budget, [holder], 200_000)
    shop = make_shop()
    code = voucher_of(voucher)["code"]

    with work(app) as s:
        seller = s.get(Member, shop.owner_id)
        preview = services.preview_charge(
            s,
            seller,
            shop.booth_id,
            f" {code[:4]}-{code[4:].translate(str.maketrans('0123456789', '۰۱۲۳۴۵۶۷۸۹'))} ",
            500_000,
        )
        assert (preview.amount, preview.left) == (500_000, 1_500_000)
        for _ in range(2):  # a double tap on "confirm" charges once
            services.charge(s, seller, shop.booth_id, code, 500_000, key="confirm-1")
        s.commit()

    assert voucher_of(voucher)["balance"] == 1_500_000
    assert balance(shop.owner_id) == 500_000
    ledger_sound()


def test_a_booth_is_refused_clearly_and_nothing_moves(
    app, budget, make_member, make_shop, issue, voucher_of, age, snapshot
):
    holder = make_member()
    shop, other = make_shop(), make_shop()
    (plain,) = issue(budget, [holder], 100_000)
    (goods_only,) = issue(budget, [holder], 100_000, categories=["honey"])
    (elsewhere,) = issue(budget, [holder], 100_000, booths=[other.booth_id])
    (late,) = issue(budget, [holder], 100_000)
    age(late)
    cases = {
        "unknown code": ("0" * 16, 10_000, "unknown_voucher"),
        "more than it holds": (voucher_of(plain)["code"], 2_000_000, "insufficient_funds"),
        "goods-only voucher": (voucher_of(goods_only)["code"], 10_000, "voucher_not_here"),
        "another booth's voucher": (voucher_of(elsewhere)["code"], 10_000, "voucher_not_here"),
        "expired": (voucher_of(late)["code"], 10_000, "voucher_expired"),
    }
    before = snapshot()
    with work(app) as s:
        seller = s.get(Member, shop.owner_id)
        for case, (typed, amount, code) in cases.items():
            with pytest.raises(BadInput) as refused:
                services.charge(s, seller, shop.booth_id, typed, amount, key=case)
            s.rollback()
            assert refused.value.code == code, case
            assert refused.value.fields, case  # the form shows it beside the field
    assert snapshot() == before


def test_only_the_booths_owner_may_charge_there(app, budget, make_member, make_shop, issue, voucher_of):
    holder, stranger = make_member(), make_member()
    (voucher,) = issue(budget, [holder], 100_000)
    shop = make_shop()
    code = voucher_of(voucher)["code"]
    with work(app) as s, pytest.raises(NotAllowed):
        services.preview_charge(s, s.get(Member, stranger), shop.booth_id, code, 1000)


def test_expired_value_goes_back_to_the_budget_and_to_an_organisations_account(
    app, budget, make_member, issue, age, voucher_of, balance, top_up, ledger_sound
):
    people = [make_member(), make_member()]
    organisation = make_member("vouchers_organisation", name="تعاونی آزمایشی")
    top_up(organisation, rials=5_000_000)
    with work(app) as s:
        for person in people:
            services.add_person(s, s.get(Member, organisation), s.get(Member, person).mobile)
        s.commit()
    (from_admin,) = issue(budget, [people[0]], 100_000)
    staff = issue(organisation, people, 200_000, kind=BY_ORGANISATION)
    fresh = issue(budget, [people[1]], 100_000)
    assert balance(organisation) == 1_000_000
    budget_before = balance(system="vouchers_budget")
    for voucher in (from_admin, *staff):
        age(voucher)

    result = app.test_cli_runner().invoke(args=["vouchers", "expire", "--json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"vouchers": 3, "rials": 1_000_000 + 2 * 2_000_000}
    assert balance(organisation) == 5_000_000
    assert balance(system="vouchers_budget") == budget_before + 1_000_000
    assert voucher_of(fresh[0])["balance"] == 1_000_000  # not yet due
    again = app.test_cli_runner().invoke(args=["vouchers", "expire", "--json"])
    assert json.loads(again.stdout) == {"vouchers": 0, "rials": 0}
    ledger_sound()


def test_an_organisation_gives_only_to_its_people_and_a_member_cannot_issue(app, make_member, top_up):
    organisation = make_member("vouchers_organisation", name="تعاونی آزمایشی")
    outsider, plain = make_member(), make_member()
    top_up(organisation, rials=5_000_000)
    with work(app) as s:
        org = s.get(Member, organisation)
        with pytest.raises(BadInput) as refused:
            services.issue_batch(
                s,
                org,
                kind=BY_ORGANISATION,
                title="بن",
                amount=1000,
                expires_on=day(5),
                mobiles=[s.get(Member, outsider).mobile],
                key="k",
            )
        assert "mobiles" in refused.value.fields
        with pytest.raises(NotAllowed):
            services.issue_batch(
                s,
                s.get(Member, plain),
                kind="admin",
                title="بن",
                amount=1000,
                expires_on=day(5),
                mobiles=[s.get(Member, outsider).mobile],
                key="k",
            )
        s.rollback()
        assert main_account(s, org).posted == 5_000_000


def test_an_empty_budget_refuses_the_batch_and_names_the_amount(app, admin, make_member):
    member = make_member()
    with work(app) as s:
        with pytest.raises(BadInput) as refused:
            services.issue_batch(
                s,
                s.get(Member, admin),
                kind="admin",
                title="بن",
                amount=1000,
                expires_on=day(5),
                mobiles=[s.get(Member, member).mobile],
                key="k",
            )
        assert refused.value.code == "insufficient_funds" and "amount" in refused.value.fields


def test_an_administrators_voucher_is_given_on_by_mobile_a_supporters_is_personal(
    app, budget, make_member, issue, voucher_of
):
    first, second = make_member(), make_member()
    (voucher,) = issue(budget, [first], 100_000)
    with work(app) as s:
        services.give_voucher(s, s.get(Member, first), voucher, s.get(Member, second).mobile)
        s.commit()
    assert voucher_of(voucher)["holder_id"] == second


def test_the_cli_funds_issues_one_and_a_batch_from_a_file(app, admin, make_member, tmp_path, voucher_of):
    members = [make_member() for _ in range(3)]
    with work(app) as s:
        mobiles = [s.get(Member, m).mobile for m in members]
        issuer_mobile = s.get(Member, admin).mobile
    runner = app.test_cli_runner()
    funded = runner.invoke(args=["vouchers", "fund", "50000000", "--key", "cli-1", "--json"])
    assert funded.exit_code == 0, funded.output
    assert json.loads(funded.stdout) == {"budget": 50_000_000}
    common = [
        "--issuer",
        issuer_mobile,
        "--title",
        "بن نوروزی",
        "--amount",
        "1000000",
        "--until",
        jdatetime.date.fromgregorian(date=day(100)).strftime("%Y/%m/%d"),
    ]
    one = runner.invoke(args=["vouchers", "issue", mobiles[0], *common, "--json"])
    assert one.exit_code == 0, one.output
    listing = tmp_path / "mobiles.txt"
    listing.write_text("\n".join(mobiles[1:]) + "\n", encoding="utf-8")
    many = runner.invoke(args=["vouchers", "batch", str(listing), *common, "--key", "nowruz", "--json"])
    assert many.exit_code == 0, many.output
    body = json.loads(many.stdout)
    assert (body["count"], body["total"]) == (2, 2_000_000)
    assert [voucher_of(v)["holder_id"] for v in body["vouchers"]] == members[1:]
    late = runner.invoke(args=["vouchers", "issue", mobiles[0], *common[:-1], "1400/01/01"])
    assert late.exit_code != 0 and "Traceback" not in late.output


class Inbox:
    """Takes every message sent, as the notifications plugin would store it."""

    def __init__(self) -> None:
        self.told: list[tuple[int, Any]] = []

    @hookimpl(tryfirst=True)
    def resalat_notify(self, member: Any, message: Any) -> Any:
        self.told.append((member.id, message))
        return message


def test_the_holder_is_told_of_a_voucher_received_and_of_a_charge(
    app, budget, make_member, make_shop, issue, voucher_of
):
    inbox = Inbox()
    pm = app.extensions["resalat"].plugins.pm
    pm.register(inbox, name="vouchers-test-inbox")
    try:
        holder = make_member()
        (voucher,) = issue(budget, [holder], 100_000)
        shop = make_shop()
        code = voucher_of(voucher)["code"]
        with work(app) as s:
            services.charge(s, s.get(Member, shop.owner_id), shop.booth_id, code, 10_000, key="k")
            s.commit()
    finally:
        pm.unregister(inbox)
    kinds = [m.kind.kind for who, m in inbox.told if who == holder and m.source == "vouchers"]
    assert kinds == ["voucher_received", "voucher_charged"]
    charged = next(m for who, m in inbox.told if m.kind.kind == "voucher_charged")
    assert charged.url == f"/vouchers/{voucher}"
