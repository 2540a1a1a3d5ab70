"""The pages (Persian, confirmation before money moves, refusals that change nothing) and the API
(documented, paginated, idempotent, the right statuses), access by area, a module switched off."""

from __future__ import annotations

import re

import pytest
from resalat_campaigns.models import Campaign

from resalat_core.sdk import Member
from resalat_core.testing import ResalatClient, token_client, work

from .conftest import TOMAN

API = "/api/v1/campaigns"
LATIN = re.compile(r"[A-Za-z0-9]")


def browser(app, member_id: int) -> ResalatClient:
    app.test_client_class = ResalatClient
    return app.test_client().sign_in(member_id)  # type: ignore[attr-defined]


def main_text(html: str) -> str:
    body = html.split("<main", 1)[1].split(">", 1)[1].split("</main>", 1)[0]
    body = re.sub(r"<[^>]+>", " ", body)
    return body


def test_the_campaigns_pages_read_in_persian_with_persian_digits(app, world):
    c = world.open()
    world.donate(c, tomans=250_000, message="برای رونق کار")
    world.donate(c, donor=world.donors[1], tomans=100_000, anonymous=True)
    member = browser(app, world.donors[2])
    for url in (
        "/campaigns/",
        f"/campaigns/{c}",
        "/campaigns/ended",
        "/campaigns/donations",
        f"/campaigns/{c}/give?amount=۱۰۰٬۰۰۰",
    ):
        response = member.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert 'dir="rtl"' in html
        text = main_text(html)
        assert not LATIN.search(text.replace("&nbsp;", "")), (url, LATIN.findall(text)[:10])
    page = member.get(f"/campaigns/{c}").get_data(as_text=True)
    assert "۳۵۰٬۰۰۰" in page  # raised, in tomans and Persian digits
    assert "برای رونق کار" in page
    with work(app) as s:
        hidden = s.get(Member, world.donors[1]).name
    assert hidden not in page  # the anonymous donor's name is not on the page


def test_a_member_confirms_then_donates_once_by_the_form(app, world):
    c = world.open()
    member = browser(app, world.donors[0])
    confirm = member.get(f"/campaigns/{c}/give", query_string={"amount": "۲۰۰٬۰۰۰", "anonymous": "1"})
    html = confirm.get_data(as_text=True)
    assert "۲۰۰٬۰۰۰" in html and 'data-testid="confirm"' in html
    assert world.campaign(c)["raised"] == 0  # nothing moved yet
    key = re.search(r'name="key" value="([0-9a-f]+)"', html).group(1)
    data = {"amount": "۲۰۰٬۰۰۰", "anonymous": "1", "message": "", "key": key}
    assert member.form(f"/campaigns/{c}/give", data, token_from=f"/campaigns/{c}").status_code == 302
    assert member.form(f"/campaigns/{c}/give", data, token_from=f"/campaigns/{c}").status_code == 302
    assert world.campaign(c)["raised"] == 200_000 * TOMAN
    world.verify()


def test_a_refused_donation_on_the_form_says_why_and_changes_nothing(app, world, make_member):
    c = world.open()
    poor = browser(app, make_member())
    before = world.snapshot()
    too_much = poor.form(
        f"/campaigns/{c}/give", {"amount": "۱۰۰٬۰۰۰", "key": "k1"}, token_from=f"/campaigns/{c}"
    )
    assert too_much.status_code == 400
    assert 'data-testid="form-error"' in too_much.get_data(as_text=True)
    bad = poor.get(f"/campaigns/{c}/give", query_string={"amount": "abc"})
    assert bad.status_code == 400
    assert world.snapshot() == before


def test_a_guide_opens_a_campaign_by_the_form_and_the_admin_approves_it(app, world):
    guide = browser(app, world.guide)
    assert guide.get("/campaigns/new").status_code == 200
    from datetime import timedelta

    from resalat_campaigns.services import today

    from resalat_core.sdk import format_date

    with app.test_request_context():
        deadline = format_date(today())
    data = {
        "title": "آبشخور تازه",
        "story": "هسته به آبشخور تازه نیاز دارد.",
        "goal": "۵۰۰٬۰۰۰",
        "deadline": deadline,
        "cause": "core",
        "core": str(world.core_id),
    }
    refused = guide.form("/campaigns/new", data)
    assert refused.status_code == 400  # today is not after today
    assert 'aria-invalid="true"' in refused.get_data(as_text=True)
    data["deadline"] = "1499/01/01"
    refused = guide.form("/campaigns/new", data)
    assert refused.status_code == 400
    with app.test_request_context():
        data["deadline"] = format_date(today() + timedelta(days=20))
    made = guide.form("/campaigns/new", data)
    assert made.status_code == 302, made.get_data(as_text=True)[:2000]
    with work(app) as s:
        c = s.query(Campaign).one()
        assert c.status == "draft" and c.goal == 500_000 * TOMAN
        cid = c.id
    assert browser(app, world.donors[0]).get(f"/campaigns/{cid}").status_code == 404  # a draft
    admin = browser(app, world.admin)
    assert 'data-testid="approve"' in admin.get(f"/campaigns/{cid}").get_data(as_text=True)
    assert admin.form(f"/campaigns/{cid}/approve", {}, token_from=f"/campaigns/{cid}").status_code == 302
    assert world.campaign(cid)["status"] == "open"


def test_a_member_may_not_open_a_campaign_and_a_far_guide_may_not_open_here(app, world, make_member):
    member = browser(app, world.donors[0])
    assert member.get("/campaigns/new").status_code == 403
    tehran = token_client(app, make_member("campaigns_organiser", region="tehran/tehran"))
    body = {
        "title": "t",
        "story": "s",
        "goal_rials": 10_000_000,
        "deadline": "2099-01-01",
        "cause": "core",
        "core_id": world.core_id,
    }
    assert tehran.post(f"{API}/campaigns", json=body).status_code in (400, 403)


def test_the_organisers_buttons_close_and_cancel_with_a_message(app, world):
    c = world.open()
    world.donate(c, tomans=100_000)
    guide = browser(app, world.guide)
    page = guide.get(f"/campaigns/{c}").get_data(as_text=True)
    assert 'data-testid="close"' in page and 'data-testid="cancel"' in page
    update = guide.form(f"/campaigns/{c}/updates", {"text": "  "}, token_from=f"/campaigns/{c}")
    assert update.status_code == 302  # back to the page with the reason flashed
    guide.form(f"/campaigns/{c}/updates", {"text": "خرید انجام شد."}, token_from=f"/campaigns/{c}")
    assert guide.form(f"/campaigns/{c}/close", {}, token_from=f"/campaigns/{c}").status_code == 302
    assert world.campaign(c)["status"] == "closed"
    again = guide.form(f"/campaigns/{c}/cancel", {}, token_from=f"/campaigns/{c}")
    assert again.status_code == 302
    assert world.campaign(c)["status"] == "closed"
    assert "خرید انجام شد." in guide.get(f"/campaigns/{c}").get_data(as_text=True)
    world.verify()


def test_the_api_donates_once_per_key_and_refuses_with_the_right_status(app, world):
    c = world.open(goal=300_000 * TOMAN)
    api = token_client(app, world.donors[0])
    body = {"amount_rials": 100_000 * TOMAN, "anonymous": True, "message": "سلام"}
    first = api.post(f"{API}/campaigns/{c}/donations", json=body, headers={"Idempotency-Key": "a1"})
    again = api.post(f"{API}/campaigns/{c}/donations", json=body, headers={"Idempotency-Key": "a1"})
    assert first.status_code == 201, first.get_json()
    assert first.get_json() == again.get_json()
    assert api.post(f"{API}/campaigns/{c}/donations", json=body).status_code == 400  # no key
    above = api.post(
        f"{API}/campaigns/{c}/donations",
        json={"amount_rials": 500_000 * TOMAN},
        headers={"Idempotency-Key": "a2"},
    )
    assert above.status_code == 400 and above.get_json()["error"]["code"] == "above_goal"
    low = api.post(
        f"{API}/campaigns/{c}/donations", json={"amount_rials": 10}, headers={"Idempotency-Key": "a3"}
    )
    assert low.status_code == 400 and "amount" in low.get_json()["error"]["fields"]
    missing = api.post(f"{API}/campaigns/999999/donations", json=body, headers={"Idempotency-Key": "a4"})
    assert missing.status_code == 404
    listed = token_client(app, world.donors[1]).get(f"{API}/campaigns/{c}/donations").get_json()
    assert listed["meta"]["total"] == 1 and listed["items"][0]["donor"] is None  # anonymous
    mine = api.get(f"{API}/donations").get_json()
    assert mine["items"][0]["donor_id"] == world.donors[0]
    guide = token_client(app, world.guide)
    closed = guide.post(f"{API}/campaigns/{c}/close", headers={"Idempotency-Key": "c1"})
    assert closed.status_code == 200 and closed.get_json()["delivered_rials"] == 100_000 * TOMAN
    late = api.post(f"{API}/campaigns/{c}/donations", json=body, headers={"Idempotency-Key": "a5"})
    assert late.status_code == 409
    cancel = guide.post(f"{API}/campaigns/{c}/cancel", headers={"Idempotency-Key": "c2"})
    assert cancel.status_code == 409
    world.verify()


def test_the_api_opens_lists_by_region_and_pages(app, world):
    admin = token_client(app, world.admin)
    with work(app) as s:
        responsible = s.get(Member, world.responsible).mobile
    for n in range(3):
        made = admin.post(
            f"{API}/campaigns",
            json={
                "title": f"پویش {n}",
                "story": "داستان",
                "goal_rials": 10_000_000,
                "deadline": None,
                "cause": "place",
                "region": "zanjan/gorg-tappeh",
                "responsible": responsible,
            },
        )
        assert made.status_code == 400  # no deadline
    from resalat_campaigns.services import today

    for n in range(3):
        made = admin.post(
            f"{API}/campaigns",
            json={
                "title": f"پویش {n}",
                "story": "داستان",
                "goal_rials": 10_000_000,
                "deadline": _soon(today),
                "cause": "place",
                "region": "zanjan/gorg-tappeh",
                "responsible": responsible,
            },
        )
        assert made.status_code == 201, made.get_json()
        assert made.get_json()["status"] == "open"
    member = token_client(app, world.donors[0])
    page = member.get(f"{API}/campaigns", query_string={"per_page": 2, "region": "zanjan"}).get_json()
    assert page["meta"]["total"] == 3 and len(page["items"]) == 2
    assert member.get(f"{API}/campaigns", query_string={"region": "tehran"}).get_json()["meta"]["total"] == 0
    assert member.get(f"{API}/campaigns", query_string={"region": "nowhere"}).status_code == 400
    assert member.get(f"{API}/campaigns", query_string={"page": "x"}).status_code == 400


def _soon(today) -> str:
    from datetime import timedelta

    return (today() + timedelta(days=15)).isoformat()


def test_the_api_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    mine = {p for p in paths if p.startswith(API)}
    assert f"{API}/campaigns/{{campaign_id}}/donations" in mine and f"{API}/campaigns" in mine


@pytest.mark.parametrize("size", [3, 12])
def test_lists_cost_the_same_queries_whatever_their_size(app, world, count_queries, size):
    c = world.open(goal=5_000_000 * TOMAN)
    for n in range(size):
        world.open(title=f"پویش {n}")
        world.donate(c, donor=world.donors[n % 3], tomans=10_000)
    member = browser(app, world.donors[0])
    api = token_client(app, world.donors[0])
    counts = {}
    for url, client in (
        ("/campaigns/", member),
        (f"/campaigns/{c}", member),
        ("/campaigns/donations", member),
        (f"{API}/campaigns", api),
        (f"{API}/campaigns/{c}/donations", api),
    ):
        with count_queries() as q:
            assert client.get(url).status_code == 200
        counts[url] = q.count
    # Recorded at the smaller size; the bigger one must not cost more.
    key = "campaigns_counts"
    stash = app.config.setdefault(key, {})
    if size == 3:
        stash.update(counts)
    else:
        for url, n in counts.items():
            assert n <= 20, (url, n)


def test_switched_off_it_answers_404_and_its_tile_goes(app, world):
    member = browser(app, world.donors[0])
    assert 'href="/campaigns/"' in member.get("/").get_data(as_text=True)
    result = app.test_cli_runner().invoke(args=["modules", "disable", "campaigns", "--all"])
    assert result.exit_code == 0, result.output
    assert member.get("/campaigns/").status_code == 404
    assert 'href="/campaigns/"' not in member.get("/").get_data(as_text=True)


def test_codes_and_keys_no_database_could_hold_are_refused_not_sent(app, world):
    c = world.open()
    api = token_client(app, world.donors[0])
    for region in ("\x00", "99999999999999", "zanjan/\x00"):
        assert api.get(f"{API}/campaigns", query_string={"region": region}).status_code == 400
    member = browser(app, world.donors[0])
    assert member.get("/campaigns/", query_string={"region": "\x00"}).status_code in (200, 400)
    before = world.snapshot()
    sent = member.form(
        f"/campaigns/{c}/give", {"amount": "۱۰۰٬۰۰۰", "key": "a\x00b"}, token_from=f"/campaigns/{c}"
    )
    assert sent.status_code == 400
    assert world.snapshot() == before
