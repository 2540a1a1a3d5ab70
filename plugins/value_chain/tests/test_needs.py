"""Organisations' needs: told to matching cores, answered by their leaders, closed; the deadline holds."""

from __future__ import annotations

from datetime import timedelta

from resalat_value_chain.models import Answer, Need

from resalat_core.sdk import format_date, to_latin_digits, today_in_iran
from resalat_core.testing import work

ARBAB = "sistan-baluchestan/arbab"
API = "/api/v1/value_chain"
ORG = "value_chain_organisation"


def _day(days: int) -> str:
    return to_latin_digits(format_date(today_in_iran() + timedelta(days=days)))


def test_an_organisation_posts_a_need_cores_answer_and_it_closes(app, someone, make_core):
    org = someone(ORG, region="tehran")
    tailor = someone(region=ARBAB)
    core = make_core("clothing", ARBAB, leader=tailor.id)
    make_core("clothing", "yazd/ardakan")  # outside the region asked for
    make_core("saffron", ARBAB)  # makes something else
    posted = org.api.post(
        f"{API}/needs",
        json={
            "good": "clothing",
            "quantity": 300,
            "unit": "دست",
            "region": "sistan-baluchestan",
            "deadline": _day(30),
        },
    )
    assert posted.status_code == 201, posted.json
    need = posted.json
    assert need["told"] == 1 and need["region"]["code"] == "sistan-baluchestan"

    assert [n["id"] for n in tailor.api.get(f"{API}/needs").json["items"]] == [need["id"]]
    answered = tailor.api.post(
        f"{API}/needs/{need['id']}/answers", json={"core": core, "quantity": 40, "note": "سه هفته"}
    )
    assert answered.status_code == 201, answered.json
    # A second answer of the same core replaces the first.
    assert (
        tailor.api.post(f"{API}/needs/{need['id']}/answers", json={"core": core, "quantity": 50}).status_code
        == 201
    )
    answers = org.api.get(f"{API}/needs/{need['id']}/answers").json
    assert [(a["core"]["id"], a["quantity"]) for a in answers["items"]] == [(core, 50)]
    assert tailor.api.get(f"{API}/needs/{need['id']}/answers").status_code == 404

    html = org.web.get(f"/value_chain/needs/{need['id']}").get_data(as_text=True)
    assert 'data-testid="need-answer"' in html and "۵۰" in html
    assert org.api.post(f"{API}/needs/{need['id']}/close").json["status"] == "closed"
    assert org.api.post(f"{API}/needs/{need['id']}/close").status_code == 409
    late = tailor.api.post(f"{API}/needs/{need['id']}/answers", json={"core": core, "quantity": 5})
    assert late.status_code == 409


def test_a_need_past_its_deadline_refuses_answers_and_changes_nothing(app, someone, make_core):
    org = someone(ORG, region="tehran")
    tailor = someone(region=ARBAB)
    core = make_core("clothing", ARBAB, leader=tailor.id)
    need_id = org.api.post(
        f"{API}/needs", json={"good": "clothing", "quantity": 10, "unit": "دست", "deadline": _day(3)}
    ).json["id"]
    with work(app) as s:
        s.get(Need, need_id).deadline = today_in_iran() - timedelta(days=1)
    refused = tailor.api.post(f"{API}/needs/{need_id}/answers", json={"core": core, "quantity": 5})
    assert refused.status_code == 409 and refused.json["error"]["code"] == "need_past_deadline"
    page = tailor.web.get(f"/value_chain/needs/{need_id}").get_data(as_text=True)
    assert 'data-testid="past-deadline"' in page and 'data-testid="answer-form"' not in page
    sent = tailor.web.form(
        f"/value_chain/needs/{need_id}/answer",
        {"core": str(core), "quantity": "5"},
        token_from=f"/value_chain/needs/{need_id}",
    )
    assert sent.status_code == 409
    with work(app) as s:
        assert s.query(Answer).count() == 0


def test_bad_needs_and_answers_are_refused_naming_every_field(someone, make_core):
    org = someone(ORG, region="tehran")
    bad = org.api.post(
        f"{API}/needs",
        json={"good": "gold", "quantity": "many", "unit": "", "region": "atlantis", "deadline": _day(-2)},
    )
    assert bad.status_code == 400
    assert set(bad.json["error"]["fields"]) >= {"good", "quantity", "unit", "region", "deadline"}
    assert someone().api.post(f"{API}/needs", json={"good": "clothing"}).status_code == 403
    need_id = org.api.post(
        f"{API}/needs", json={"good": "clothing", "quantity": 10, "unit": "دست", "deadline": _day(5)}
    ).json["id"]
    stranger = someone(region=ARBAB)
    refused = stranger.api.post(f"{API}/needs/{need_id}/answers", json={"core": 1, "quantity": 0})
    assert refused.status_code == 400 and set(refused.json["error"]["fields"]) >= {"core", "quantity"}
    page = org.web.form(
        "/value_chain/needs/new",
        {"good": "", "quantity": "x", "unit": "", "deadline": "2025/01/01"},
        token_from="/value_chain/needs/new",
    )
    assert page.status_code == 400
    assert "is-invalid" in page.get_data(as_text=True)
    assert org.api.get(f"{API}/needs/{2**31 - 1}").status_code == 404


def test_the_needs_list_costs_the_same_for_few_or_many(someone, make_core, count_queries):
    org = someone(ORG, region="tehran")
    tailor = someone(region=ARBAB)
    make_core("clothing", ARBAB, leader=tailor.id)

    def add(n: int) -> None:
        for _ in range(n):
            org.api.post(
                f"{API}/needs", json={"good": "clothing", "quantity": 10, "unit": "دست", "deadline": _day(5)}
            )

    def cost() -> tuple[int, int, int]:
        with count_queries() as page:
            assert tailor.web.get("/value_chain/needs?per_page=50").status_code == 200
        with count_queries() as api:
            assert tailor.api.get(f"{API}/needs?per_page=50").status_code == 200
        with count_queries() as mine:
            assert org.api.get(f"{API}/needs/mine?per_page=50").status_code == 200
        return page.count, api.count, mine.count

    add(2)
    few = cost()
    add(6)
    assert cost() == few


def test_switched_off_the_value_chain_is_unreachable(app, someone):
    member = someone(region=ARBAB)
    off = app.test_cli_runner().invoke(
        args=["modules", "disable", "value_chain", "--all", "--with-dependants"]
    )
    assert off.exit_code == 0, off.output
    assert member.web.get("/value_chain/").status_code == 404
    assert member.api.get(f"{API}/needs").status_code == 404
