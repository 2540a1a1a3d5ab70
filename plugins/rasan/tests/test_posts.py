"""Posts: the text limit, hashtags spelt any way, search, product cards with their price, posting
as a core, editing and deleting one's own only, likes once, comments, and every page read."""

from __future__ import annotations

from resalat_bazaar import services as bazaar
from resalat_rasan.models import RasanHashtag, RasanPost
from sqlalchemy import func, select

from resalat_core.sdk import Member
from resalat_core.testing import token_client, work

from .conftest import signed_in


def _count(app, model) -> int:
    with work(app) as s:
        return s.scalar(select(func.count(model.id)))


def test_a_text_over_the_limit_is_refused_with_a_clear_message_and_nothing_kept(app, client_as, api_as):
    page = client_as("member")
    answer = page.form("/rasan/new", {"text": "ب" * 2001})
    assert answer.status_code == 400
    body = answer.get_data(as_text=True)
    assert "۲٬۰۰۱" in body or "۲۰۰۱" in body
    api = api_as("member")
    refused = api.post("/api/v1/rasan/posts", json={"text": "x" * 2001})
    assert refused.status_code == 400
    assert refused.get_json()["error"]["code"] == "text_too_long"
    assert api.post("/api/v1/rasan/posts", json={"text": "   "}).status_code == 400
    assert _count(app, RasanPost) == 0
    assert api.post("/api/v1/rasan/posts", json={"text": "ب" * 2000}).status_code == 201


def test_hashtags_meet_however_they_are_spelt_and_search_folds_the_text(app, api_as):
    api = api_as("member")
    # Arabic Kaf and Yeh, and Persian digits, in the tag and the text.
    made = api.post("/api/v1/rasan/posts", json={"text": "نمایشگاه #كتاب_يزد ۱۴۰۳ و #Saffron"}).get_json()
    assert made["hashtags"] == ["کتاب_یزد", "saffron"]
    for spelling in ("کتاب_یزد", "كتاب_يزد", "SAFFRON"):
        found = api.get(f"/api/v1/rasan/tags/{spelling}").get_json()
        if spelling != "SAFFRON":
            assert [p["id"] for p in found["items"]] == [made["id"]], spelling
    assert [p["id"] for p in api.get("/api/v1/rasan/tags/saffron").get_json()["items"]] == [made["id"]]
    for words in ("كتاب", "1403", "۱۴۰۳ نمايشگاه"):
        found = api.get("/api/v1/rasan/search", query_string={"q": words}).get_json()
        assert [p["id"] for p in found["items"]] == [made["id"]], words
    assert api.get("/api/v1/rasan/search", query_string={"q": "چای"}).get_json()["items"] == []
    # The page links the tag, its text escaped.
    page = signed_in(app, api.member_id).get(f"/rasan/posts/{made['id']}").get_data(as_text=True)
    assert 'href="/rasan/tags/%DA%A9%D8%AA%D8%A7%D8%A8_%DB%8C%D8%B2%D8%AF"' in page


def test_user_text_is_escaped_everywhere(app, api_as):
    api = api_as("member")
    made = api.post("/api/v1/rasan/posts", json={"text": '<script>alert(1)</script> #تگ"><b>'}).get_json()
    page = signed_in(app, api.member_id).get(f"/rasan/posts/{made['id']}").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_a_product_card_shows_the_price_in_tomans_and_a_hidden_product_as_unavailable(app, api_as, make_shop):
    api = api_as("member")
    shop = make_shop([{"title": "بره‌ی افشاری", "price": "4500000"}])
    made = api.post(
        "/api/v1/rasan/posts", json={"text": "بره داریم", "product_id": shop.product_ids[0]}
    ).get_json()
    assert made["product"]["price_rials"] == 45_000_000 and made["product"]["available"] is True
    page = signed_in(app, api.member_id).get("/rasan/").get_data(as_text=True)
    assert "۴٬۵۰۰٬۰۰۰" in page and "بره‌ی افشاری" in page
    assert f"/bazaar/products/{shop.product_ids[0]}" in page
    with work(app) as s:
        product = bazaar.get_product(s, shop.product_ids[0])
        product.hidden = True
    again = api.get(f"/api/v1/rasan/posts/{made['id']}").get_json()
    assert again["product"] == {
        "product_id": shop.product_ids[0],
        "title": None,
        "price_rials": None,
        "available": False,
        "url": None,
    }
    page = signed_in(app, api.member_id).get("/rasan/").get_data(as_text=True)
    assert 'data-testid="rasan-card-gone"' in page and "۴٬۵۰۰٬۰۰۰" not in page
    # A product one cannot see cannot be put on a post.
    refused = api.post("/api/v1/rasan/posts", json={"text": "بره", "product_id": shop.product_ids[0]})
    assert refused.status_code == 400 and refused.get_json()["error"]["fields"]["product_id"]


def test_only_a_core_s_leader_posts_as_the_core(app, api_as, make_member, make_core):
    leader = make_member(name="راهبر")
    core = make_core(leader)
    other = api_as("member")
    refused = other.post("/api/v1/rasan/posts", json={"text": "از طرف هسته", "core_id": core})
    assert refused.status_code == 400 and refused.get_json()["error"]["fields"]["core_id"]
    made = token_client(app, leader).post(
        "/api/v1/rasan/posts", json={"text": "از طرف هسته", "core_id": core}
    )
    assert made.status_code == 201 and made.get_json()["core_id"] == core
    page = signed_in(app, other.member_id).get(f"/rasan/cores/{core}").get_data(as_text=True)
    assert "از طرف هسته" in page


def test_a_member_changes_and_deletes_only_their_own_posts(app, api_as):
    author, other = api_as("member"), api_as("member")
    made = author.post("/api/v1/rasan/posts", json={"text": "نخست #الف"}).get_json()
    url = f"/api/v1/rasan/posts/{made['id']}"
    assert other.patch(url, json={"text": "دستکاری"}).status_code == 404
    assert other.delete(url).status_code == 404
    changed = author.patch(url, json={"text": "دوم #ب"}).get_json()
    assert changed["text"] == "دوم #ب" and changed["hashtags"] == ["ب"]
    with work(app) as s:
        assert list(s.scalars(select(RasanHashtag.tag).where(RasanHashtag.post_id == made["id"]))) == ["ب"]
    assert author.delete(url).status_code == 204
    assert other.get(url).status_code == 404


def test_likes_count_once_and_comments_are_paginated(app, api_as):
    author, reader = api_as("member"), api_as("member")
    made = author.post("/api/v1/rasan/posts", json={"text": "سلام"}).get_json()
    url = f"/api/v1/rasan/posts/{made['id']}"
    assert reader.post(f"{url}/like").get_json()["like_count"] == 1
    twice = reader.post(f"{url}/like").get_json()
    assert twice["like_count"] == 1 and twice["liked"] is True
    assert reader.delete(f"{url}/like").get_json()["like_count"] == 0
    assert reader.delete(f"{url}/like").get_json()["like_count"] == 0
    for n in range(3):
        assert reader.post(f"{url}/comments", json={"text": f"نظر {n}"}).status_code == 201
    assert reader.post(f"{url}/comments", json={"text": ""}).status_code == 400
    page = reader.get(f"{url}/comments?per_page=2").get_json()
    assert page["meta"]["total"] == 3 and len(page["items"]) == 2
    assert author.get(url).get_json()["comment_count"] == 3


def test_follows_of_members_and_cores_and_their_pages(app, api_as, make_member, make_core):
    reader = api_as("member")
    leader = make_member(name="جعفر")
    core = make_core(leader)
    assert reader.post(f"/api/v1/rasan/members/{leader}/follow").get_json() == {
        "following": True,
        "followers": 1,
    }
    assert reader.post(f"/api/v1/rasan/members/{leader}/follow").get_json()["followers"] == 1
    assert reader.post(f"/api/v1/rasan/members/{reader.member_id}/follow").status_code == 400
    assert reader.post(f"/api/v1/rasan/cores/{core}/follow").get_json() == {"following": True, "followers": 1}
    assert reader.post("/api/v1/rasan/members/2147483000/follow").status_code == 404
    client = signed_in(app, reader.member_id)
    followers = client.get(f"/rasan/members/{leader}/followers").get_data(as_text=True)
    assert 'data-testid="rasan-follow-row"' in followers
    following = client.get(f"/rasan/members/{reader.member_id}/followers?show=following").get_data(
        as_text=True
    )
    assert following.count('data-testid="rasan-follow-row"') == 2
    assert reader.delete(f"/api/v1/rasan/cores/{core}/follow").get_json() == {
        "following": False,
        "followers": 0,
    }


def test_every_page_reads_for_a_member(app, client_as, make_member, make_core, write, make_shop):
    client = client_as("member")
    leader = make_member(name="راهبر")
    core = make_core(leader)
    shop = make_shop()
    post = write(leader, "پست #تگ", core_id=core, product_id=shop.product_ids[0])
    group = client.form("/rasan/groups", {"title": "گروه آزمایشی"})
    assert group.status_code == 302
    for url in (
        "/rasan/",
        "/rasan/new",
        "/rasan/new?kind=question",
        f"/rasan/posts/{post}",
        f"/rasan/members/{leader}",
        f"/rasan/cores/{core}",
        f"/rasan/members/{leader}/followers",
        f"/rasan/cores/{core}/followers",
        "/rasan/tags/تگ",
        "/rasan/search?q=پست",
        "/rasan/search",
        "/rasan/groups",
        group.headers["Location"],
        "/rasan/questions",
    ):
        answer = client.get(url)
        assert answer.status_code == 200, url
    assert client.get("/rasan/moderation").status_code == 403
    assert client.get("/rasan/posts/2147483000").status_code == 404
    with work(app) as s:
        assert s.get(Member, client.member_id) is not None
