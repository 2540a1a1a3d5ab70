"""A fair's booth and the apply form list a bounded number of products, in queries that do not grow
with a booth's catalogue; choosing products is checked against those ids alone."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from resalat_bazaar import services as bazaar
from resalat_festivals import services
from sqlalchemy import insert

from resalat_core.sdk import utcnow
from resalat_core.testing import work

from .conftest import ARDAKAN, CoreRef

API = "/api/v1/festivals"
# Past the 500 rows one batch of SQLAlchemy's "selectin" loader reads: a page that loaded a whole
# booth with its photos and programmes would cost more queries here than for a small booth.
BIG = 600


def add_products(app: Flask, core: CoreRef, n: int) -> list[int]:
    """``n`` more listed products in the core's booth (the newest), inserted in one statement; ids."""
    Product = bazaar.Product
    if not n:
        return []
    with work(app) as s:
        first = s.get(Product, core.products[0])
        now = utcnow()
        return list(
            s.scalars(
                insert(Product).returning(Product.id, sort_by_parameter_order=True),
                [
                    {
                        "booth_id": first.booth_id,
                        "category_id": first.category_id,
                        "kind": first.kind,
                        "title": f"گلیم شماره‌ی {i + 1}",
                        "description": "",
                        "price": 2_000_000,
                        "stock": 5,
                        "unit": first.unit,
                        "search_title": "",
                        "search_text": "",
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i in range(n)
                ],
            )
        )


def booth_id_of(app: Flask, core: CoreRef) -> int:
    with work(app) as s:
        return s.get(bazaar.Product, core.products[0]).booth_id


def core_name(app: Flask, core: CoreRef) -> str:
    from resalat_cores.services import Core

    with work(app) as s:
        return s.get(Core, core.id).name


def counted(count_queries: Any, client: Any, url: str) -> int:
    """The queries of the second visit (the first fills the caches), which must answer 200."""
    assert client.get(url).status_code == 200, url
    with count_queries() as q:
        assert client.get(url).status_code == 200, url
    return q.count


def shown_products(page: str, core_id: int) -> list[int]:
    """The product ids the festival page shows on the core's booth card, in order."""
    card = page.split(f'data-core="{core_id}"', 1)[1].split('data-testid="booth"', 1)[0]
    return [int(i) for i in re.findall(r'href="/bazaar/products/(\d+)"', card)]


def test_the_festival_page_and_api_cost_the_same_for_a_small_booth_or_a_huge_one(
    app, organiser, make_core, make_festival, apply, decide, someone, count_queries
):
    reader = someone(region=ARDAKAN)
    small, big = make_festival(organiser, booths=5), make_festival(organiser, booths=5)
    for fid, more in ((small, 0), (big, BIG)):
        chose_none, chose_two = make_core(products=3), make_core(products=3)
        add_products(app, chose_none, more)
        add_products(app, chose_two, more)
        decide(organiser, apply(fid, chose_none, products=()))
        decide(organiser, apply(fid, chose_two, products=chose_two.products[:2]))

    for url in ("/festivals/{}", f"{API}/{{}}"):
        client = reader.web if url.startswith("/festivals") else reader.api
        few = counted(count_queries, client, url.format(small))
        many = counted(count_queries, client, url.format(big))
        assert few == many, (url, few, many)
    assert len(reader.api.get(f"{API}/{big}").get_json()["cores"][0]["products"]) == services.PRODUCTS_MAX


def test_the_apply_form_costs_the_same_for_a_small_booth_or_a_huge_one(
    app, organiser, make_core, make_festival, count_queries
):
    fid = make_festival(organiser)
    small, big = make_core(products=3), make_core(products=3)
    add_products(app, big, BIG)
    few = counted(count_queries, small.leader.web, f"/festivals/{fid}/apply")
    many = counted(count_queries, big.leader.web, f"/festivals/{fid}/apply")
    assert few == many


def test_a_core_that_chose_products_shows_exactly_those(
    app, organiser, make_core, make_festival, apply, decide
):
    core = make_core(products=3)
    add_products(app, core, 30)
    fid = make_festival(organiser)
    chosen = (core.products[0], core.products[2])
    decide(organiser, apply(fid, core, products=chosen))

    page = organiser.web.get(f"/festivals/{fid}").get_data(as_text=True)
    assert shown_products(page, core.id) == list(chosen)
    assert 'data-testid="more-products"' not in page
    (booth,) = organiser.api.get(f"{API}/{fid}").get_json()["cores"]
    assert [p["id"] for p in booth["products"]] == list(chosen)
    assert (booth["more_products"], booth["booth_url"]) == (False, None)


def test_a_core_that_chose_none_shows_its_newest_and_links_to_its_booth_when_it_has_more(
    app, organiser, make_core, make_festival, apply, decide
):
    few, many = make_core(products=3), make_core(products=3)
    added = add_products(app, many, 30)
    fid = make_festival(organiser)
    decide(organiser, apply(fid, few, products=()))
    decide(organiser, apply(fid, many, products=()))
    newest = sorted([*many.products, *added], reverse=True)[: services.PRODUCTS_MAX]

    page = organiser.web.get(f"/festivals/{fid}").get_data(as_text=True)
    assert shown_products(page, few.id) == sorted(few.products, reverse=True)
    assert shown_products(page, many.id) == newest
    (more,) = re.findall(r'<p[^>]*data-testid="more-products".*?</p>', page, re.S)
    assert f'href="/bazaar/booths/{booth_id_of(app, many)}"' in more
    assert "۲۰" in more and not re.search(r"[A-Za-z0-9]", re.sub(r"<[^>]*>", "", more))

    cores = {b["core"]["id"]: b for b in organiser.api.get(f"{API}/{fid}").get_json()["cores"]}
    assert [p["id"] for p in cores[few.id]["products"]] == sorted(few.products, reverse=True)
    assert (cores[few.id]["more_products"], cores[few.id]["booth_url"]) == (False, None)
    assert [p["id"] for p in cores[many.id]["products"]] == newest
    assert cores[many.id]["more_products"] is True
    assert cores[many.id]["booth_url"] == f"/bazaar/booths/{booth_id_of(app, many)}"
    schema = organiser.api.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert {"more_products", "booth_url"} <= set(schema["festivals.Booth"]["properties"])


def test_the_apply_form_lists_the_newest_and_says_when_there_are_more(
    app, organiser, make_core, make_festival
):
    fid = make_festival(organiser)
    core = make_core(products=3)
    page = core.leader.web.get(f"/festivals/{fid}/apply").get_data(as_text=True)
    assert sorted(int(i) for i in re.findall(r'name="products" value="(\d+)"', page)) == list(core.products)
    assert 'data-testid="more-products"' not in page

    added = add_products(app, core, services.FORM_PRODUCTS + 5)
    page = core.leader.web.get(f"/festivals/{fid}/apply").get_data(as_text=True)
    listed = [int(i) for i in re.findall(r'name="products" value="(\d+)"', page)]
    assert listed == sorted(added, reverse=True)[: services.FORM_PRODUCTS]
    (more,) = re.findall(r'<p[^>]*data-testid="more-products".*?</p>', page, re.S)
    # The core's name is the test's (with Latin digits); the sentence around it is Persian.
    text = re.sub(r"<[^>]*>", "", more).replace(core_name(app, core), "")
    assert "۱۰۰" in text and not re.search(r"[A-Za-z0-9]", text), text
    assert f'href="/bazaar/booths/{booth_id_of(app, core)}"' in more


def test_choosing_is_checked_against_the_chosen_ids_with_the_same_messages(
    app, organiser, make_core, make_festival, snapshot
):
    fid = make_festival(organiser)
    core, other = make_core(products=3), make_core(products=3)
    added = add_products(app, core, services.FORM_PRODUCTS + 5)
    with work(app) as s:
        s.get(bazaar.Product, core.products[1]).listed = False
        s.get(bazaar.Product, core.products[2]).hidden = True
    before = snapshot()
    own = "محصولات غرفه‌ی هسته‌ی خود را انتخاب کنید."

    def refused(products: list[Any]) -> str:
        answer = core.leader.api.post(
            f"{API}/{fid}/applications", json={"core": core.id, "products": products}
        )
        assert answer.status_code == 400, answer.get_json()
        (message,) = answer.get_json()["error"]["fields"]["products"]
        return message

    assert refused([core.products[0], other.products[0]]) == own
    assert refused([core.products[1]]) == own  # unlisted
    assert refused([core.products[2]]) == own  # hidden
    assert refused(["نه"]) == own
    assert refused(added[: services.PRODUCTS_MAX + 1]) == "حداکثر ۲۰ محصول."
    assert snapshot() == before

    # A product older than the form's newest is still the core's to bring (chosen through the API).
    answer = core.leader.api.post(
        f"{API}/{fid}/applications", json={"core": core.id, "products": [core.products[0], added[0]]}
    )
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["products"] == sorted([core.products[0], added[0]])
