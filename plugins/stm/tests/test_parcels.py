"""The seller's parcels page: a page at a time, newest first, in as many queries for 3 goods as
for more than 500; a row saved (or refused) on page 2 comes back to page 2; bad page numbers
are the usual 400."""

from __future__ import annotations

import html
import re

from resalat_bazaar import services as bazaar
from resalat_stm import services
from sqlalchemy import insert

from resalat_core.sdk import Member
from resalat_core.testing import ResalatClient, work

# Past M-Bazar's 500 rows a selectin batch, where a page that listed every product loaded the
# photos and programmes of each in more queries.
MANY = 520


def signed_in(app, member_id) -> ResalatClient:
    app.test_client_class = ResalatClient
    return app.test_client().sign_in(member_id)


def shown(page_html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-testid="parcel" data-id="(\d+)"', page_html)]


def action_of(page_html: str, product_id: int) -> str:
    found = re.search(rf'action="(/stm/parcels/{product_id}[^"]*)"', page_html)
    assert found, f"no form for product {product_id}"
    return html.unescape(found.group(1))


def add_goods(app, booth_id: int, category_id: int, n: int) -> None:
    """``n`` more goods in the booth, in one statement (what a big seller has accumulated)."""
    with work(app) as s:
        s.execute(
            insert(bazaar.Product),
            [
                {
                    "booth_id": booth_id,
                    "category_id": category_id,
                    "kind": "goods",
                    "title": f"کالای {i}",
                    "price": 10_000,
                    "stock": 5,
                    "unit": "piece",
                }
                for i in range(n)
            ],
        )


def test_the_parcels_page_asks_as_many_queries_for_500_goods_as_for_3(app, make_shop, act, count_queries):
    small = make_shop([(100_000, "kg")] * 3)
    big = make_shop([(100_000, "kg")])
    with work(app) as s:
        category_id = s.get(bazaar.Product, big.product_ids[0]).category_id
    add_goods(app, big.booth_id, category_id, MANY)
    for shop in (small, big):
        act(services.set_parcel, shop.owner_id, shop.product_ids[0], 2_500, "small")

    def counted(member_id: int, url: str) -> tuple[int, list[str], str]:
        client = signed_in(app, member_id)
        client.get(url)  # warm the caches of the app (activation, vocabulary)
        with count_queries() as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        return queries.count, queries.statements, response.get_data(as_text=True)

    few, _statements, few_html = counted(small.owner_id, "/stm/parcels")
    many, statements, many_html = counted(big.owner_id, "/stm/parcels")
    assert few == many
    assert len(shown(few_html)) == 3 and len(shown(many_html)) == 20
    assert "۱ / ۲۷" in many_html  # 521 goods, 20 a page
    # Neither photos nor programmes are read: the page shows none.
    assert not [q for q in statements if "bazaar_product_photos" in q or "bazaar_product_programmes" in q]
    # The seller's tab of the home page asks whether they sell at all, whatever they sell.
    for url in ("/stm/", "/stm/?as=seller"):
        assert counted(small.owner_id, url)[0] == counted(big.owner_id, url)[0], url


def test_page_2_shows_the_next_goods_newest_first(app, make_shop):
    shop = make_shop([(100_000, "kg")] * 5)
    newest = sorted(shop.product_ids, reverse=True)
    client = signed_in(app, shop.owner_id)
    pages = [client.get(f"/stm/parcels?page={n}&per_page=2").get_data(as_text=True) for n in (1, 2, 3)]
    assert [shown(p) for p in pages] == [newest[0:2], newest[2:4], newest[4:]]
    assert 'href="/stm/parcels?page=3&amp;per_page=2"' in pages[1]
    assert 'href="/stm/parcels?page=1&amp;per_page=2"' in pages[1]
    # Past the last page: no goods, and not "you sell nothing".
    past = client.get("/stm/parcels?page=9&per_page=2").get_data(as_text=True)
    assert shown(past) == [] and 'class="alert alert-secondary"' not in past


def test_saving_a_row_on_page_2_comes_back_to_page_2(app, make_shop):
    shop = make_shop([(100_000, "kg")] * 5)
    third = sorted(shop.product_ids, reverse=True)[2]  # the first row of page 2
    client = signed_in(app, shop.owner_id)
    here = "/stm/parcels?page=2&per_page=2"
    action = action_of(client.get(here).get_data(as_text=True), third)
    assert action == f"/stm/parcels/{third}?page=2&per_page=2"

    saved = client.form(action, {"weight_grams": "۲۵۰۰", "size": "large"}, token_from=here)
    assert saved.status_code == 302 and saved.headers["Location"] == here
    with work(app) as s:
        profile = services.profiles(s, [third])[third]
        assert (profile.weight_grams, profile.size) == (2_500, "large")

    # Refused: page 2 again, the error on the row that failed, nothing saved.
    refused = client.form(action, {"weight_grams": "0", "size": "small"}, token_from=here)
    assert refused.status_code == 400
    body = refused.get_data(as_text=True)
    assert shown(body) == sorted(shop.product_ids, reverse=True)[2:4]
    card = body[body.index(f'data-id="{third}"') :]
    card = card[: card.index('data-testid="parcel"') if 'data-testid="parcel"' in card else None]
    assert 'data-testid="form-error"' in card and "is-invalid" in card
    assert body.count('data-testid="form-error"') == 1
    assert 'href="/stm/parcels?page=3&amp;per_page=2"' in body  # the pager of page 2
    with work(app) as s:
        assert services.profiles(s, [third])[third].size == "large"


def test_bad_page_numbers_are_a_400_not_a_500(app, make_shop):
    shop = make_shop([(100_000, "kg")])
    client = signed_in(app, shop.owner_id)
    for query in ("page=abc", "page=0", "page=-1", "per_page=100000", "per_page=0", "page=99999999999"):
        assert client.get(f"/stm/parcels?{query}").status_code == 400, query
    # A form whose address was tampered with is refused the same way, and saves nothing.
    product_id = shop.product_ids[0]
    answer = client.form(
        f"/stm/parcels/{product_id}?page=abc",
        {"weight_grams": "700", "size": "small"},
        token_from="/stm/parcels",
    )
    assert answer.status_code == 400
    with work(app) as s:
        assert services.profiles(s, [product_id]) == {}


def test_someone_who_sells_nothing_is_told_so(app, make_member):
    member_id = make_member(region="zanjan/zanjan")
    page = signed_in(app, member_id).get("/stm/parcels")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert shown(body) == [] and 'class="alert alert-secondary"' in body
    with work(app) as s:
        assert not services.sells(s, s.get(Member, member_id))
