"""Loans in words: a stored "loan:12" reads as the loan's name, ratings and product rules by name."""

from __future__ import annotations

import re

from flask_login import login_user
from resalat_loans import hooks
from resalat_loans.models import Loan, LoanProduct
from sqlalchemy import insert, select

from resalat_core.sdk import Member
from resalat_core.testing import ResalatClient, counting_queries

TOMAN = 10
SOLAR = 30_000_000 * TOMAN


def _client(app, member_id, lang="fa"):
    app.test_client_class = ResalatClient
    c = app.test_client().sign_in(member_id)
    c.get(f"/lang/{lang}")
    return c


def _solar_loan(world):
    return world.request(product="solar", amount=SOLAR, instalments=12, note=world.note(rials=SOLAR * 2))


def _named_as(app, viewer_id, ident, lang="fa"):
    with app.test_request_context("/"):
        from flask import session

        session["lang"] = lang
        s = app.extensions["resalat"].db.session
        login_user(s.get(Member, viewer_id))
        found = hooks.resalat_reference(kind="loan", ident=ident)
        return str(found.name), found.url


def test_a_loan_reference_is_named_and_opens_only_for_who_may_see_it(app, world):
    loan = _solar_loan(world)
    name, url = _named_as(app, world.member, loan)
    assert (name, url) == (
        f"وام قرض‌الحسنه‌ی شماره‌ی {str(loan).translate(str.maketrans('0123456789', '۰۱۲۳۴۵۶۷۸۹'))}",
        f"/loans/{loan}",
    )
    assert _named_as(app, world.officer, loan, "en") == (
        f"Qard al-Hasan loan no. {loan}",
        f"/loans/officer/{loan}",
    )
    assert _named_as(app, world.supporter, loan, "en") == (f"Qard al-Hasan loan no. {loan}", None)
    with app.test_request_context("/"):
        assert hooks.resalat_reference(kind="note", ident=loan) is None  # not a loans kind


def test_merat_requests_show_the_loan_by_name_not_its_code(app, world):
    loan = _solar_loan(world)
    html = _client(app, world.member).get("/merat/requests").get_data(as_text=True)
    assert "loan:" not in html
    assert f'<a href="/loans/{loan}">وام قرض‌الحسنه‌ی شماره‌ی ' in html


def test_the_officer_reads_the_rating_in_persian_letters(app, world):
    loan = _solar_loan(world)
    for path in ("/loans/officer", f"/loans/officer/{loan}"):
        text = re.sub(r"<[^>]+>", " ", _client(app, world.officer).get(path).get_data(as_text=True))
        assert not re.search(r"\((A|B|C|D|E)\)|rating [A-E]\b|رتبه‌ی [A-E]", text), path
    english = _client(app, world.officer, "en").get("/loans/officer").get_data(as_text=True)
    assert re.search(r"\([A-E]\)", english)


def test_the_product_form_names_categories_and_programmes(app, world, db):
    admin = _client(app, world.admin)
    html = admin.get("/loans/products/livestock").get_data(as_text=True)
    shown = re.sub(r"<[^>]+>", " ", html)
    assert "تجهیزات دامداری" in shown
    for code in ("husbandry_equipment", "livestock"):  # codes stay in values, never in words
        assert code not in shown, shown[max(0, shown.find(code) - 80) : shown.find(code) + 40]
    assert re.search(r'value="husbandry_equipment" id="f-cat-husbandry_equipment" checked', html)
    values = {
        "existing": "1",
        "code": "livestock",
        "name_fa": "برنامه‌ی دام سبک",
        "name_en": "Light livestock programme",
        "programme": "livestock",
        "amount_min": "50000000",
        "amount_max": "300000000",
        "instalments_min": "12",
        "instalments_max": "36",
        "fee_bps": "200",
        "min_score": "400",
        "guarantors_required": "0",
        "categories": ["feed", "livestock"],  # two ticked boxes
        "programmes": ["livestock"],
        "requires_note": "1",
        "active": "1",
    }
    saved = admin.form("/loans/products", values, token_from="/loans/products/livestock")
    assert saved.status_code == 302
    with db() as s:
        product = s.scalar(select(LoanProduct).where(LoanProduct.code == "livestock"))
        assert product.spend_rules["categories"] == ["feed", "livestock"]
    refused = admin.form(
        "/loans/products", {**values, "fee_bps": "900"}, token_from="/loans/products/livestock"
    )
    assert refused.status_code == 400
    again = refused.get_data(as_text=True)  # shown back with the same boxes ticked
    assert 'value="feed" id="f-cat-feed" checked' in again
    assert 'value="husbandry_equipment" id="f-cat-husbandry_equipment" checked' not in again


def _references_cost(app, viewer_id, idents):
    """The queries naming every one of ``idents`` costs, as one page of references does."""
    with app.test_request_context("/"):
        s = app.extensions["resalat"].db.session
        login_user(s.get(Member, viewer_id))
        with counting_queries(app) as counter:
            named = [hooks.resalat_reference(kind="loan", ident=i) for i in idents]
        s.remove()
    assert all(n.url for n in named)
    return counter.count


def test_a_page_of_one_members_loan_references_costs_the_same_queries_for_two_loans_or_twenty(app, world):
    first = _solar_loan(world)
    with app.app_context():
        s = app.extensions["resalat"].db.session
        row = {
            c.key: getattr(s.get(Loan, first), c.key)
            for c in Loan.__table__.columns
            if c.key not in ("id", "request_key", "created_at")
        }
        more = list(
            s.scalars(
                insert(Loan).returning(Loan.id, sort_by_parameter_order=True),
                [{**row, "request_key": f"test:more:{n}"} for n in range(19)],
            )
        )
        s.commit()
        s.remove()
    for viewer in (world.member, world.officer):
        assert _references_cost(app, viewer, [first, more[0]]) == _references_cost(
            app, viewer, [first, *more]
        )
