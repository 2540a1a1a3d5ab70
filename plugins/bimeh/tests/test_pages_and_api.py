"""Pages in Persian and the API: the member's pages, the insurer's queue and decision, the pool,
access refused to others, query counts that do not grow with the lists, the OpenAPI document."""

from __future__ import annotations

import re

from resalat_bimeh.models import Claim, Policy
from sqlalchemy import select

from resalat_core.sdk import Member
from resalat_core.testing import token_client, work

TOMAN = 10
HEAD = 95_000_000


def signed_in(app, member_id):
    from resalat_core.testing import ResalatClient

    app.test_client_class = ResalatClient
    return app.test_client().sign_in(member_id)


def _key(html: str) -> str:
    return re.search(r'name="key" value="([^"]+)"', html).group(1)


def test_the_member_sees_offers_quotes_and_buys_after_confirming(app, world):
    loan_id = world.loan(tomans=60_000_000)
    client = signed_in(app, world.member)
    index = client.get("/bimeh/").get_data(as_text=True)
    assert 'dir="rtl"' in index and "بیمه‌ی عمر مانده‌ی بدهکاران" in index
    assert index.count('data-testid="offer"') == 2
    offer = world.offer_id("loan_life")
    page = client.get(f"/bimeh/quote/loan_life?offer={offer}").get_data(as_text=True)
    owed = 60_000_000 * 102 // 100
    assert f"{owed:,}".replace(",", "٬").translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) in page
    assert "آنچه پوشش نمی‌دهد" in page and 'data-testid="buy"' in page
    with work(app) as s:
        assert s.scalar(select(Policy.id)) is None  # nothing is bought by looking
    answer = client.form(
        "/bimeh/quote/loan_life",
        {"key": _key(page), "offer": offer},
        token_from=f"/bimeh/quote/loan_life?offer={offer}",
    )
    assert answer.status_code == 302
    with work(app) as s:
        policy = s.scalar(select(Policy))
        assert policy.loan_id == loan_id
    page = client.get(f"/bimeh/policies/{policy.id}").get_data(as_text=True)
    assert "سرمایه‌ی بیمه" in page and 'data-testid="claim-link"' in page


def test_a_bad_quote_shows_the_field_and_a_short_balance_is_refused(app, world, make_member):
    client = signed_in(app, world.member)
    page = client.get("/bimeh/quote/solar?amount=5")
    assert page.status_code == 400 and "ارزش تجهیزات را از" in page.get_data(as_text=True)
    poor = make_member(name="عضو بی‌پول")
    c = signed_in(app, poor)
    url = "/bimeh/quote/accident?choice=500000000"
    html = c.get(url).get_data(as_text=True)
    assert 'data-testid="short"' in html  # seen before confirming
    answer = c.form("/bimeh/quote/accident", {"key": _key(html), "choice": "500000000"}, token_from=url)
    assert answer.status_code == 400 and "حساب اصلی شما" in answer.get_data(as_text=True)
    with work(app) as s:
        assert s.scalar(select(Policy.id)) is None


def test_the_insurer_reads_the_queue_and_decides_another_member_sees_nothing(app, world, make_member):
    policy_id = world.buy("livestock", heads=4)
    claim_id = world.claim(policy_id, amount=2 * HEAD)
    insurer = signed_in(app, world.insurer)
    queue = insurer.get("/bimeh/queue").get_data(as_text=True)
    assert f'data-id="{claim_id}"' in queue and "جعفر قراجه‌لو" in queue
    page = insurer.get(f"/bimeh/claims/{claim_id}").get_data(as_text=True)
    assert 'data-testid="decide-form"' in page
    answer = insurer.form(
        f"/bimeh/claims/{claim_id}/decide",
        {"decision": "part", "amount": "9500000", "reason": "یک رأس تأیید شد"},
        token_from=f"/bimeh/claims/{claim_id}",
    )
    assert answer.status_code == 302
    with work(app) as s:
        assert s.get(Claim, claim_id).paid == HEAD
    member_page = signed_in(app, world.member).get(f"/bimeh/claims/{claim_id}").get_data(as_text=True)
    assert "یک رأس تأیید شد" in member_page and 'data-testid="decide-form"' not in member_page
    stranger = signed_in(app, make_member(name="غریبه"))
    assert stranger.get(f"/bimeh/claims/{claim_id}").status_code == 404
    assert stranger.get(f"/bimeh/policies/{policy_id}").status_code == 404
    assert stranger.get("/bimeh/queue").status_code == 403
    tehran = signed_in(app, make_member("bimeh_insurer", region="tehran/tehran"))
    assert tehran.get(f"/bimeh/claims/{claim_id}").status_code == 404
    assert f'data-id="{claim_id}"' not in tehran.get("/bimeh/queue?status=part_approved").get_data(
        as_text=True
    )


def test_the_claim_form_refuses_a_bad_day_and_files_a_good_claim(app, world):
    policy_id = world.buy("livestock", heads=4)
    client = signed_in(app, world.member)
    url = f"/bimeh/policies/{policy_id}/claim"
    html = client.get(url).get_data(as_text=True)
    bad = client.form(
        url,
        {"key": _key(html), "description": "یک رأس بره تلف شد.", "loss_on": "1390/01/01", "amount": "1000"},
        token_from=url,
    )
    assert bad.status_code == 400 and "بیمه‌نامه آن روز را پوشش نمی‌داد" in bad.get_data(as_text=True)
    from resalat_core.sdk import format_date, today_in_iran

    with app.test_request_context():
        today = format_date(today_in_iran())
    good = client.form(
        url,
        {"key": _key(html), "description": "یک رأس بره تلف شد.", "loss_on": today, "amount": "۹٬۵۰۰٬۰۰۰"},
        token_from=url,
    )
    assert good.status_code == 302, good.get_data(as_text=True)
    with work(app) as s:
        assert s.scalar(select(Claim.amount)) == HEAD


def test_the_pool_page_is_for_admins(app, world):
    admin = signed_in(app, world.admin)
    assert "صندوق بیمه" in admin.get("/bimeh/pool").get_data(as_text=True)
    assert signed_in(app, world.member).get("/bimeh/pool").status_code == 403
    assert signed_in(app, world.insurer).get("/bimeh/pool").status_code == 403


def test_lists_cost_the_same_queries_however_long(app, world, count_queries):
    client = signed_in(app, world.member)
    insurer = signed_in(app, world.insurer)
    api = token_client(app, world.member)
    world.loan()
    policy = world.buy("livestock", heads=20)
    world.buy("loan_life", offer=world.offer_id("loan_life"))
    world.claim(policy, amount=HEAD)
    counts = []
    for _round in range(2):
        with count_queries() as a:
            assert client.get("/bimeh/").status_code == 200
        with count_queries() as b:
            assert insurer.get("/bimeh/queue").status_code == 200
        with count_queries() as c:
            assert api.get("/api/v1/bimeh/policies").status_code == 200
        with count_queries() as d:
            assert api.get("/api/v1/bimeh/claims").status_code == 200
        counts.append((a.count, b.count, c.count, d.count))
        for _ in range(3):
            world.buy("solar", amount=100_000_000 * TOMAN)
            world.claim(policy, amount=HEAD)
        world.buy("loan_life", loan=world.loan(tomans=5_000_000, product="general"))
    # More policies and claims, no more queries (a token's first use may write once).
    assert all(later <= first for first, later in zip(counts[0], counts[1], strict=True)), counts


def test_the_api_quotes_buys_once_files_and_decides(app, world):
    api = token_client(app, world.member)
    products = api.get("/api/v1/bimeh/products").get_json()
    assert [p["code"] for p in products] == ["loan_life", "parcel", "livestock", "solar", "accident"]
    body = {"product": "livestock", "heads": 10, "instalments": 2}
    quote = api.post("/api/v1/bimeh/quote", json=body).get_json()
    assert quote["insured_sum_rials"] == 10 * HEAD and len(quote["instalments"]) == 2
    bad = api.post("/api/v1/bimeh/quote", json={"product": "livestock", "heads": 0})
    assert bad.status_code == 400 and "heads" in bad.get_json()["error"]["fields"]
    assert api.post("/api/v1/bimeh/policies", json=body).status_code == 400  # no Idempotency-Key
    first = api.post("/api/v1/bimeh/policies", json=body, headers={"Idempotency-Key": "b1"})
    again = api.post("/api/v1/bimeh/policies", json=body, headers={"Idempotency-Key": "b1"})
    assert first.status_code == 201 and again.get_json()["id"] == first.get_json()["id"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    policy_id = first.get_json()["id"]
    listed = api.get("/api/v1/bimeh/policies").get_json()
    assert listed["meta"]["total"] == 1 and listed["items"][0]["insured_sum_rials"] == 10 * HEAD
    detail = api.get(f"/api/v1/bimeh/policies/{policy_id}").get_json()
    assert [p["seq"] for p in detail["premiums"]] == [1, 2]
    claim = api.post(
        f"/api/v1/bimeh/policies/{policy_id}/claims",
        json={"description": "دو رأس تلف شدند", "loss_on": detail["starts_on"], "amount_rials": 2 * HEAD},
        headers={"Idempotency-Key": "c1"},
    )
    assert claim.status_code == 201, claim.get_json()
    too_much = api.post(
        f"/api/v1/bimeh/policies/{policy_id}/claims",
        json={"description": "همه تلف شدند", "loss_on": detail["starts_on"], "amount_rials": 11 * HEAD},
        headers={"Idempotency-Key": "c2"},
    )
    assert too_much.status_code == 400 and "amount_rials" in too_much.get_json()["error"]["fields"]
    insurer = token_client(app, world.insurer)
    queue = insurer.get("/api/v1/bimeh/queue").get_json()
    assert [c["id"] for c in queue["items"]] == [claim.get_json()["id"]]
    assert api.get("/api/v1/bimeh/queue").status_code == 403
    decided = insurer.post(
        f"/api/v1/bimeh/claims/{claim.get_json()['id']}/decision",
        json={"decision": "reject", "reason": "گزارش دامپزشک نرسید"},
        headers={"Idempotency-Key": "d1"},
    )
    assert decided.status_code == 200 and decided.get_json()["status"] == "rejected"
    again = insurer.post(
        f"/api/v1/bimeh/claims/{claim.get_json()['id']}/decision",
        json={"decision": "approve"},
        headers={"Idempotency-Key": "d2"},
    )
    assert again.status_code == 409
    assert (
        api.get(f"/api/v1/bimeh/claims/{claim.get_json()['id']}").get_json()["reason"]
        == "گزارش دامپزشک نرسید"
    )
    world.verify()


def test_every_operation_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/bimeh/products",
        "/api/v1/bimeh/quote",
        "/api/v1/bimeh/policies",
        "/api/v1/bimeh/policies/{policy_id}",
        "/api/v1/bimeh/policies/{policy_id}/pay",
        "/api/v1/bimeh/policies/{policy_id}/claims",
        "/api/v1/bimeh/claims",
        "/api/v1/bimeh/claims/{claim_id}",
        "/api/v1/bimeh/queue",
        "/api/v1/bimeh/claims/{claim_id}/decision",
        "/api/v1/bimeh/offers",
        "/api/v1/bimeh/offers/{offer_id}/decline",
    ):
        assert path in paths, path


def test_the_home_page_cards(app, world):
    world.loan()
    home = signed_in(app, world.member).get("/").get_data(as_text=True)
    assert "بیمه‌ی پیشنهادی به شما" in home
    policy = world.buy("livestock", heads=2)
    world.claim(policy, amount=HEAD)
    assert "خسارت‌های بیمه برای ارزیابی" in signed_in(app, world.insurer).get("/").get_data(as_text=True)
    with work(app) as s:
        assert s.get(Member, world.member) is not None
