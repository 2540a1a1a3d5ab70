"""The pages in Persian and the API: my vouchers, a voucher with its QR code, issuing a batch after
confirming it, a booth charging a voucher after confirming, and the OpenAPI document."""

from __future__ import annotations

import re

import jdatetime
from resalat_vouchers import services

from resalat_core.sdk import Member
from resalat_core.testing import ResalatClient, work

from .conftest import day

API = "/api/v1/vouchers"


def signed_in(app, member_id: int) -> ResalatClient:
    app.test_client_class = ResalatClient
    client: ResalatClient = app.test_client()  # type: ignore[assignment]
    return client.sign_in(member_id)


def test_my_vouchers_and_a_voucher_page_with_its_qr_code_in_persian(
    app, budget, make_member, issue, count_queries
):
    maryam = make_member(name="مریم احمدی")
    vouchers = issue(budget, [maryam], 250_000) + issue(budget, [maryam], 80_000, categories=["honey"])
    web = signed_in(app, maryam)

    with count_queries() as counted:
        listing = web.get("/vouchers/").get_data(as_text=True)
    assert listing.count('data-testid="voucher"') == 2
    assert "۲۵۰٬۰۰۰" in listing and "250" not in listing
    before = counted.count
    issue(budget, [maryam], 10_000)
    with count_queries() as again:
        web.get("/vouchers/")
    assert again.count == before  # a page of vouchers costs the same queries whatever its length

    page = web.get(f"/vouchers/{vouchers[1]}").get_data(as_text=True)
    assert "<svg" in page and 'data-testid="voucher-qr"' in page
    assert "عسل" in page  # where it may be spent, in words
    stranger = signed_in(app, make_member())
    assert stranger.get(f"/vouchers/{vouchers[0]}").status_code == 404


def test_an_administrator_issues_a_batch_after_reading_it_back(app, budget, make_member, balance):
    people = [make_member(), make_member()]
    with work(app) as s:
        mobiles = "\n".join(s.get(Member, m).mobile for m in people)
    web = signed_in(app, budget)
    last_day = jdatetime.date.fromgregorian(date=day(40)).strftime("%Y/%m/%d")
    form = {
        "kind": "admin",
        "title": "بن نوروزی",
        "amount": "۱۵۰٬۰۰۰",
        "expires_on": last_day,
        "mobiles": mobiles,
        "key": "form-1",
    }
    before = balance(system="vouchers_budget")

    preview = web.form("/vouchers/issue", form, token_from="/vouchers/issue")
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200 and 'data-testid="issue-preview"' in text
    assert "۳۰۰٬۰۰۰" in text  # two vouchers of 150,000 tomans
    assert balance(system="vouchers_budget") == before  # nothing moved yet

    done = web.form("/vouchers/issue", {**form, "confirmed": "1"}, token_from="/vouchers/issue")
    assert done.status_code == 302
    again = web.form("/vouchers/issue", {**form, "confirmed": "1"}, token_from="/vouchers/issue")
    assert again.status_code == 302
    assert balance(system="vouchers_budget") == before - 3_000_000
    assert balance(system="vouchers_float") == 3_000_000


def test_the_issue_form_names_every_mistake_and_a_plain_member_may_not_open_it(app, budget, make_member):
    web = signed_in(app, budget)
    bad = web.form(
        "/vouchers/issue",
        {"kind": "admin", "title": "", "amount": "x", "expires_on": "1300/01/01", "mobiles": "09999999999"},
        token_from="/vouchers/issue",
    )
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert text.count('aria-invalid="true"') >= 4
    assert signed_in(app, make_member()).get("/vouchers/issue").status_code == 403


def test_a_booth_scans_charges_after_confirming_and_the_holder_is_told(
    app, budget, make_member, make_shop, issue, voucher_of, balance
):
    holder = make_member(name="مریم احمدی")
    (voucher,) = issue(budget, [holder], 200_000)
    shop = make_shop()
    code = voucher_of(voucher)["code"]
    web = signed_in(app, shop.owner_id)

    scanned = web.get(f"/vouchers/charge?code={code}").get_data(as_text=True)
    persian = code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert f'value="{persian}"' in scanned
    form = {"booth": str(shop.booth_id), "code": persian, "amount": "۵۰٬۰۰۰", "key": "scan-1"}
    preview = web.form("/vouchers/charge", form, token_from="/vouchers/charge").get_data(as_text=True)
    assert 'data-testid="charge-preview"' in preview and "م*** ا****" in preview  # the name partly hidden
    assert balance(shop.owner_id) == 0
    done = web.form("/vouchers/charge", {**form, "confirmed": "1"}, token_from="/vouchers/charge")
    assert done.status_code == 302
    assert balance(shop.owner_id) == 500_000
    assert voucher_of(voucher)["balance"] == 1_500_000


def test_the_api_lists_gives_issues_and_charges(app, make_shop, api_as):
    admin, holder, friend, seller = api_as("admin", role_region=None), api_as(), api_as(), api_as()
    with work(app) as s:
        services.fund_budget(s, 10_000_000, key="api")
        holder_mobile, friend_mobile = (
            s.get(Member, holder.member_id).mobile,
            s.get(Member, friend.member_id).mobile,
        )
        s.commit()
    batch = {
        "issue_as": "admin",
        "title": "بن",
        "amount_rials": 1_000_000,
        "expires_on": day(20).isoformat(),
        "mobiles": [holder_mobile],
    }
    created = admin.post(f"{API}/batches", json=batch, headers={"Idempotency-Key": "batch-1"})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["total_rials"] == 1_000_000
    assert admin.get(f"{API}/batches").get_json()["meta"]["total"] == 1
    late = {**batch, "expires_on": day(-1).isoformat(), "mobiles": ["0912"]}
    bad = admin.post(f"{API}/batches", json=late, headers={"Idempotency-Key": "batch-2"})
    assert bad.status_code == 400 and {"expires_on", "mobiles"} <= set(bad.get_json()["error"]["fields"])

    (item,) = holder.get(f"{API}/vouchers").get_json()["items"]
    assert (item["balance_rials"], item["transferable"]) == (1_000_000, True)
    assert holder.get(f"{API}/vouchers/{item['id']}").get_json()["uses"] == []
    assert friend.get(f"{API}/vouchers/{item['id']}").status_code == 404

    shop = make_shop(owner_id=seller.member_id)
    body = {"booth_id": shop.booth_id, "code": item["code"], "amount_rials": 400_000}
    preview = seller.post(f"{API}/charges/preview", json=body)
    assert preview.status_code == 200 and preview.get_json()["left_rials"] == 600_000
    charged = seller.post(f"{API}/charges", json=body, headers={"Idempotency-Key": "c-1"})
    assert charged.status_code == 201, charged.get_json()
    again = seller.post(
        f"{API}/charges", json={**body, "amount_rials": 100_000}, headers={"Idempotency-Key": "c-3"}
    )
    assert again.status_code == 201, again.get_json()
    # The latest use first, page by page; another member's voucher is as unknown as none.
    uses = holder.get(f"{API}/vouchers/{item['id']}/uses?per_page=1").get_json()
    assert [u["amount_rials"] for u in uses["items"]] == [100_000] and uses["meta"]["total"] == 2
    assert friend.get(f"{API}/vouchers/{item['id']}/uses").status_code == 404
    too_much = {**body, "amount_rials": 700_000}
    refused = seller.post(f"{API}/charges", json=too_much, headers={"Idempotency-Key": "c-2"})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "insufficient_funds"

    given = holder.post(
        f"{API}/vouchers/{item['id']}/gift",
        json={"mobile": friend_mobile},
        headers={"Idempotency-Key": "g-1"},
    )
    assert given.status_code == 200, given.get_json()
    assert friend.get(f"{API}/vouchers").get_json()["items"][0]["balance_rials"] == 500_000


def test_every_operation_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    mine = {p: sorted(ops) for p, ops in paths.items() if p.startswith(API)}
    assert mine == {
        f"{API}/batches": ["get", "post"],
        f"{API}/charges": ["post"],
        f"{API}/charges/preview": ["post"],
        f"{API}/vouchers": ["get"],
        f"{API}/vouchers/{{voucher_id}}": ["get"],
        f"{API}/vouchers/{{voucher_id}}/gift": ["post"],
        f"{API}/vouchers/{{voucher_id}}/uses": ["get"],
    }
    assert all(re.match(r"^[A-Za-z]", paths[p][op]["summary"]) for p in mine for op in paths[p])


def test_the_demo_world_has_vouchers_and_the_ledger_holds(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with work(app) as s:
        from resalat_core.sdk import verify_ledger

        assert services.outstanding(s) > 0
        assert services.float_account(s).posted == services.outstanding(s)
        assert verify_ledger(s).ok


def test_a_tile_counts_usable_vouchers_and_switched_off_nothing_of_vouchers_shows(
    app, budget, make_member, make_shop, issue, in_cart, offered
):
    maryam = make_member()
    issue(budget, [maryam], 100_000)
    shop = make_shop()
    in_cart(maryam, shop.product_ids[0], 1)
    web = signed_in(app, maryam)
    assert 'href="/vouchers/"' in web.get("/").get_data(as_text=True)
    assert len(offered(maryam)) == 1

    off = app.test_cli_runner().invoke(args=["modules", "disable", "vouchers", "--all"])
    assert off.exit_code == 0, off.output

    assert web.get("/vouchers/").status_code == 404
    assert web.get(f"{API}/vouchers").status_code == 404
    assert 'href="/vouchers/"' not in web.get("/").get_data(as_text=True)
    assert offered(maryam) == []
