"""A festival's life: announced, applied to, answered within the booth count, cancelled, counted."""

from __future__ import annotations

from resalat_festivals import services
from resalat_festivals.models import Application, Festival

from resalat_core.sdk import Member
from resalat_core.testing import work

from .conftest import ARDAKAN, jalali

API = "/api/v1/festivals"


def _form(days: int = 30, **overrides):
    data = {
        "title": "نمایشگاه صنایع دستی و زعفران اردکان",
        "theme": "صنایع دستی، زعفران",
        "region": ARDAKAN,
        "address": "میدان امام",
        "starts_on": jalali(days),
        "ends_on": jalali(days + 2),
        "apply_by": jalali(days - 10),
        "booths": "۱۲",
        "description": "نمایشگاه سه‌روزه",
    }
    return data | overrides


def test_an_organiser_announces_a_festival_with_jalali_dates_and_persian_digits(app, organiser):
    response = organiser.web.form("/festivals/new", _form())
    assert response.status_code == 302, response.get_data(as_text=True)
    with work(app) as s:
        festival = s.query(Festival).one()
        assert (festival.booths, festival.status, festival.organiser_id) == (12, "announced", organiser.id)
        assert festival.region.code == ARDAKAN
    page = organiser.web.get(response.headers["Location"]).get_data(as_text=True)
    assert "نمایشگاه صنایع دستی و زعفران اردکان" in page and "۱۲" in page


def test_every_bad_field_is_named_at_once_and_nothing_is_kept(organiser, snapshot):
    before = snapshot()
    bad = _form(title="", region="nowhere", starts_on="2025-08-11", ends_on="1404/13/40", booths="-3")
    response = organiser.web.form("/festivals/new", bad)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    for name in ("title", "region", "starts_on", "ends_on", "booths"):
        assert f'id="e-{name}"' in html, name
    answer = organiser.api.post(API, json=bad)
    assert answer.status_code == 400
    assert {"title", "region", "starts_on", "ends_on", "booths"} <= set(answer.get_json()["error"]["fields"])
    assert snapshot() == before


def test_dates_must_follow_each_other_and_the_deadline_come_first(organiser):
    answer = organiser.api.post(API, json=_form(ends_on=jalali(20), apply_by=jalali(35)))
    assert answer.status_code == 400
    assert set(answer.get_json()["error"]["fields"]) == {"ends_on", "apply_by"}
    answer = organiser.api.post(API, json=_form(starts_on=jalali(-1), ends_on=jalali(2), apply_by=jalali(-2)))
    assert {"starts_on", "apply_by"} <= set(answer.get_json()["error"]["fields"])


def test_only_organisers_announce_and_only_in_their_own_area(someone, snapshot):
    before = snapshot()
    member = someone()
    assert member.web.get("/festivals/new").status_code == 403
    assert member.api.post(API, json=_form()).status_code == 403
    zanjan_admin = someone("admin", region="zanjan/zanjan")
    answer = zanjan_admin.api.post(API, json=_form())
    assert answer.status_code == 400
    assert "region" in answer.get_json()["error"]["fields"]
    assert snapshot() == before


def test_a_core_leader_applies_with_products_and_the_organiser_accepts(
    app, organiser, make_core, make_festival, told
):
    core = make_core(products=3)
    fid = make_festival(organiser)
    # The page says what the application needs before anything is sent.
    page = core.leader.web.get(f"/festivals/{fid}/apply").get_data(as_text=True)
    assert "زیلوی میبد" in page
    response = core.leader.web.form(
        f"/festivals/{fid}/apply",
        {"core": str(core.id), "note": "کرباس", "products": [str(core.products[0])]},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    mine = core.leader.api.get(f"{API}/applications/mine").get_json()
    assert mine["meta"]["total"] == 1
    (application,) = mine["items"]
    assert (application["status"], application["products"]) == ("applied", [core.products[0]])

    answer = organiser.api.post(f"{API}/applications/{application['id']}/decide", json={"answer": "accept"})
    assert answer.status_code == 200 and answer.get_json()["status"] == "accepted"
    assert [(m, msg.kind.kind) for m, msg in told] == [(core.leader.id, "festival.application_accepted")]

    detail = core.leader.api.get(f"{API}/{fid}").get_json()
    assert detail["accepted"] == 1
    (booth,) = detail["cores"]
    assert [p["id"] for p in booth["products"]] == [core.products[0]]
    assert booth["products"][0]["url"].startswith("/bazaar/products/")
    page = core.leader.web.get(f"/festivals/{fid}").get_data(as_text=True)
    assert "کرباس دست‌باف" in page and "زیلوی میبد" not in page


def test_one_application_per_core_and_only_for_a_core_one_leads(
    organiser, make_core, make_festival, apply, someone
):
    core, other = make_core(), make_core()
    fid = make_festival(organiser)
    apply(fid, core)
    again = core.leader.api.post(f"{API}/{fid}/applications", json={"core": core.id})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_applied"
    foreign = core.leader.api.post(f"{API}/{fid}/applications", json={"core": other.id})
    assert foreign.status_code == 400 and "core" in foreign.get_json()["error"]["fields"]
    strange = core.leader.api.post(
        f"{API}/{fid}/applications", json={"core": other.id, "products": [other.products[0]]}
    )
    assert strange.status_code == 400
    wrong_products = other.leader.api.post(
        f"{API}/{fid}/applications", json={"core": other.id, "products": [core.products[0]]}
    )
    assert wrong_products.status_code == 400 and "products" in wrong_products.get_json()["error"]["fields"]
    nobody = someone(region=ARDAKAN)
    page = nobody.web.get(f"/festivals/{fid}/apply").get_data(as_text=True)
    assert 'data-testid="no-core"' in page


def test_never_more_accepted_than_booths(organiser, make_core, make_festival, apply, decide, snapshot):
    fid = make_festival(organiser, booths=1)
    first, second = make_core(), make_core()
    a1, a2 = apply(fid, first), apply(fid, second)
    decide(organiser, a1)
    before = snapshot()
    answer = organiser.api.post(f"{API}/applications/{a2}/decide", json={"answer": "accept"})
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "no_booth_left"
    assert snapshot() == before
    # On the page: a clear message, back on the list, nothing changed.
    response = organiser.web.form(
        f"/festivals/applications/{a2}/decide",
        {"answer": "accept"},
        token_from=f"/festivals/{fid}/applications",
    )
    assert response.status_code == 302
    assert "همه‌ی غرفه‌های این جشنواره" in organiser.web.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert snapshot() == before
    # Fewer booths than accepted cores is refused too.
    edit = organiser.api.put(f"{API}/{fid}", json=_form(booths=0))
    assert edit.status_code == 400


def test_after_the_deadline_or_for_a_cancelled_festival_applying_is_a_409(
    organiser, make_core, make_festival, apply, shift, snapshot, told
):
    core, waiting = make_core(), make_core()
    fid = make_festival(organiser)
    aid = apply(fid, waiting)
    shift(fid, starts_in=1, apply_in=-1)
    before = snapshot()
    answer = core.leader.api.post(f"{API}/{fid}/applications", json={"core": core.id})
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "applications_closed"
    assert snapshot() == before

    other = make_festival(organiser)
    cancelled = organiser.api.post(f"{API}/{other}/step", json={"to": "cancelled"})
    assert cancelled.status_code == 200
    answer = core.leader.api.post(f"{API}/{other}/applications", json={"core": core.id})
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "festival_cancelled"

    # Cancelling tells the cores still waiting or accepted.
    told.clear()
    assert organiser.web.form(f"/festivals/{fid}/cancel", {}).status_code == 302
    assert [(m, msg.kind.kind) for m, msg in told] == [(waiting.leader.id, "festival.cancelled")]
    again = organiser.api.post(f"{API}/{fid}/step", json={"to": "cancelled"})
    assert again.status_code == 409
    late = organiser.api.post(f"{API}/applications/{aid}/decide", json={"answer": "accept"})
    assert late.status_code == 409


def test_withdraw_until_answered_and_apply_again(organiser, make_core, make_festival, apply, decide):
    core = make_core()
    fid = make_festival(organiser)
    aid = apply(fid, core)
    assert (
        core.leader.web.form(
            f"/festivals/applications/{aid}/withdraw", {}, token_from="/festivals/mine"
        ).status_code
        == 302
    )
    assert core.leader.api.get(f"{API}/applications/{aid}").get_json()["status"] == "withdrawn"
    again = core.leader.api.post(f"{API}/{fid}/applications", json={"core": core.id})
    assert again.status_code == 201 and again.get_json()["id"] == aid
    decide(organiser, aid, accept=False)
    late = core.leader.api.post(f"{API}/applications/{aid}/withdraw")
    assert late.status_code == 409


def test_strangers_see_no_application_and_cannot_answer(organiser, make_core, make_festival, apply, someone):
    core = make_core()
    fid = make_festival(organiser)
    aid = apply(fid, core)
    stranger = someone(region=ARDAKAN)
    assert stranger.api.get(f"{API}/applications/{aid}").status_code == 404
    assert stranger.api.post(f"{API}/applications/{aid}/decide", json={"answer": "accept"}).status_code == 404
    assert stranger.api.post(f"{API}/applications/{aid}/withdraw").status_code == 404
    assert stranger.web.get(f"/festivals/{fid}/applications").status_code == 403
    assert stranger.api.get(f"{API}/{fid}/report").status_code == 404
    zanjan_admin = someone("admin", region="zanjan/zanjan")
    assert (
        zanjan_admin.api.post(f"{API}/applications/{aid}/decide", json={"answer": "accept"}).status_code
        == 404
    )
    assert (
        core.leader.api.put(f"{API}/applications/{aid}/sales", json={"amount": 1, "items": 1}).status_code
        == 409
    )


def test_the_organiser_moves_the_festival_on_and_edits_it_until_it_runs(organiser, make_festival):
    fid = make_festival(organiser)
    for to in ("closed", "announced", "running"):
        answer = organiser.api.post(f"{API}/{fid}/step", json={"to": to})
        assert answer.status_code == 200 and answer.get_json()["status"] == to
    assert organiser.api.put(f"{API}/{fid}", json=_form()).status_code == 409
    assert organiser.api.post(f"{API}/{fid}/step", json={"to": "closed"}).status_code == 409
    assert organiser.api.post(f"{API}/{fid}/step", json={"to": "finished"}).status_code == 200
    assert organiser.api.post(f"{API}/{fid}/step", json={"to": "cancelled"}).status_code == 409


def test_sales_counted_from_mbazar_orders_during_the_fair_and_reported_in_person(
    app, organiser, make_core, make_festival, apply, decide, shift, buy, snapshot
):
    core, quiet, declined = make_core(), make_core(), make_core()
    fid = make_festival(organiser, booths=5)
    a1, a2, a3 = apply(fid, core), apply(fid, quiet), apply(fid, declined)
    decide(organiser, a1)
    decide(organiser, a2)
    decide(organiser, a3, accept=False)
    buy(core.products[0], 2)
    buy(core.products[1])
    buy(declined.products[0])  # not at the fair: not counted
    shift(fid, starts_in=-1, status="running")

    before = snapshot()
    bad = core.leader.api.put(f"{API}/applications/{a1}/sales", json={"amount": "-5", "items": "x"})
    assert bad.status_code == 400 and set(bad.get_json()["error"]["fields"]) == {"amount", "items"}
    assert snapshot() == before
    response = core.leader.web.form(
        f"/festivals/applications/{a1}/sales", {"amount": "۱۸٬۵۰۰٬۰۰۰", "items": "۱۴"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)

    report = organiser.api.get(f"{API}/{fid}/report").get_json()
    assert (report["accepted"], report["declined"], report["orders"]) == (2, 1, 2)
    assert report["online_rials"] == 3_000_000
    assert (report["fair_rials"], report["fair_items"]) == (185_000_000, 14)
    assert report["total_rials"] == 188_000_000
    by_core = {c["core"]["id"]: c for c in report["cores"]}
    assert by_core[quiet.id]["fair_rials"] is None and by_core[quiet.id]["orders"] == 0
    page = organiser.web.get(f"/festivals/{fid}/report").get_data(as_text=True)
    assert "۱۸٬۸۰۰٬۰۰۰ تومان" in page

    # A week after the last day the figure is closed.
    shift(fid, starts_in=-12, status="finished")
    late = core.leader.api.put(f"{API}/applications/{a1}/sales", json={"amount": "1", "items": "1"})
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "not_reporting_time"


def test_upcoming_list_puts_my_province_first_then_soonest(app, organiser, someone, make_festival):
    zanjan_admin = someone("admin", region="zanjan/zanjan")
    later_here = make_festival(organiser, starts_in=40, apply_in=30)
    soon_there = make_festival(zanjan_admin, starts_in=10, apply_in=5, region="zanjan/zanjan")
    soon_here = make_festival(organiser, starts_in=20, apply_in=10)
    reader = someone(region=ARDAKAN)
    ids = [f["id"] for f in reader.api.get(API).get_json()["items"]]
    assert ids == [soon_here, later_here, soon_there]
    only = [f["id"] for f in reader.api.get(f"{API}?region=zanjan").get_json()["items"]]
    assert only == [soon_there]
    assert reader.api.get(f"{API}?region=nowhere").status_code == 400
    assert reader.web.get("/festivals/?region=nowhere").status_code == 400
    page = reader.web.get("/festivals/").get_data(as_text=True)
    assert page.index(f'data-id="{soon_here}"') < page.index(f'data-id="{soon_there}"')


def test_the_organisers_next_step_counts_applications_waiting(
    app, organiser, make_core, make_festival, apply
):
    from resalat_festivals import hooks

    fid = make_festival(organiser)
    apply(fid, make_core())
    with app.test_request_context(), work(app) as s:
        (card,) = hooks.resalat_next_steps(member=s.get(Member, organiser.id))
        assert "1" in str(card.text) or "۱" in str(card.text)
        core_member = s.query(Application).one().core.leader
        assert hooks.resalat_next_steps(member=core_member) == []
    assert services.ORGANISE == "festivals.organise"


def test_the_organiser_edits_on_the_page_and_confirms_a_cancellation_first(
    app, organiser, make_festival, someone
):
    fid = make_festival(organiser, booths=4)
    form = organiser.web.get(f"/festivals/{fid}/edit")
    assert form.status_code == 200 and 'value="4"' in form.get_data(as_text=True)
    saved = organiser.web.form(f"/festivals/{fid}/edit", _form(booths="۶"))
    assert saved.status_code == 302, saved.get_data(as_text=True)
    with work(app) as s:
        assert s.get(Festival, fid).booths == 6
    unknown = organiser.web.form(f"/festivals/{fid}/step", {"to": "nonsense"}, token_from=f"/festivals/{fid}")
    assert unknown.status_code == 302
    confirm = organiser.web.get(f"/festivals/{fid}/cancel").get_data(as_text=True)
    assert 'data-testid="confirm-cancel"' in confirm
    with work(app) as s:
        assert s.get(Festival, fid).status == "announced"
    stranger = someone(region=ARDAKAN)
    assert stranger.web.get(f"/festivals/{fid}/edit").status_code == 403
    assert stranger.web.get(f"/festivals/{fid}/cancel").status_code == 403
