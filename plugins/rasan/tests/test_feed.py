"""The feed: whom the member follows first, then their region, newest first, by keyset; the same
number of queries for ten posts or ten thousand; group posts stay in their groups."""

from __future__ import annotations

from datetime import timedelta

from resalat_rasan.models import RasanPost
from sqlalchemy import insert

from resalat_core.sdk import Member, utcnow
from resalat_core.testing import token_client, work

from .conftest import signed_in


def _ids(page: dict) -> list[int]:
    return [p["id"] for p in page["items"]]


def test_followed_come_first_then_the_region_newest_first_in_keyset_pages(
    app, api_as, make_member, make_core, write
):
    reader = api_as("member")
    friend = make_member(region="zanjan/zanjan", name="دوست")  # elsewhere in the province
    neighbour = make_member(region="zanjan/gorg-tappeh", name="همسایه")
    stranger = make_member(region="yazd/ardakan", name="غریبه")
    leader = make_member(region="yazd/ardakan", name="راهبر")
    core = make_core(leader, region="yazd/ardakan", field="hand_weaving")
    old_friend = write(friend, "پست قدیمی دوست")
    near = [write(neighbour, f"پست همسایه {n}") for n in "یدس"]
    as_core = write(leader, "پست هسته", core_id=core)
    write(stranger, "پست غریبه")
    new_friend = write(friend, "پست تازه‌ی دوست")
    reader.post(f"/api/v1/rasan/members/{friend}/follow")
    reader.post(f"/api/v1/rasan/cores/{core}/follow")

    first = reader.get("/api/v1/rasan/feed?per_page=2").get_json()
    assert _ids(first) == [new_friend, as_core]
    second = reader.get(f"/api/v1/rasan/feed?per_page=2&cursor={first['meta']['next']}").get_json()
    assert _ids(second) == [old_friend, near[2]]
    third = reader.get(f"/api/v1/rasan/feed?per_page=2&cursor={second['meta']['next']}").get_json()
    assert _ids(third) == [near[1], near[0]]
    assert third["meta"]["next"] is None


def test_a_bad_cursor_is_a_clear_400(api_as):
    reader = api_as("member")
    for bad in ("x", "2.1.1", "0.1.99999999999", "0.-1.3"):
        answer = reader.get(f"/api/v1/rasan/feed?cursor={bad}")
        assert answer.status_code == 400, bad
        assert answer.get_json()["error"]["fields"]["cursor"]
    assert reader.get("/api/v1/rasan/feed?per_page=0").status_code == 400


def test_a_feed_of_ten_or_ten_thousand_posts_costs_the_same_queries(
    app, make_member, count_queries, write, make_shop
):
    reader = make_member(name="خواننده")
    author = make_member(name="نویسنده")
    shop = make_shop([{"title": "بره"}])
    with work(app) as s:
        from resalat_rasan import services

        services.follow(s, s.get(Member, reader), member_id=author)
    for n in range(10):
        write(author, f"پست {n} #آزمایش", product_id=shop.product_ids[0])
    client = signed_in(app, reader)
    client.get("/rasan/")  # warm up: sign-in, activation, catalogues

    def cost(url: str) -> int:
        with count_queries() as q:
            assert client.get(url).status_code == 200
        return q.count

    small = (cost("/rasan/"), cost("/api/v1/rasan/feed"))
    with work(app) as s:
        member = s.get(Member, author)
        now = utcnow()
        rows = [
            {
                "author_id": author,
                "region_id": member.region_id,
                "kind": "post",
                "text": f"پست انبوه {n}",
                "text_search": f"پست انبوه {n}",
                "like_count": 0,
                "comment_count": 0,
                "hidden": False,
                "product_id": shop.product_ids[0],
                "created_at": now - timedelta(minutes=n + 1),
            }
            for n in range(10_000)
        ]
        s.execute(insert(RasanPost), rows)
    large = (cost("/rasan/"), cost("/api/v1/rasan/feed"))
    assert small == large
    # The next page, from deep in the list, costs the same again.
    cursor = client.get("/api/v1/rasan/feed?per_page=50").get_json()["meta"]["next"]
    assert cost(f"/api/v1/rasan/feed?cursor={cursor}") == large[1]


def test_group_posts_stay_in_the_group(app, api_as, make_member, write):
    reader = api_as("member")
    member = make_member()
    group = reader.post("/api/v1/rasan/groups", json={"title": "تولیدکنندگان زعفران", "field": "saffron"})
    assert group.status_code == 201, group.get_json()
    group_id = group.get_json()["id"]
    outside = signed_in(app, member)
    refused = outside.post(
        "/rasan/new",
        data={"text": "در گروه", "group_id": group_id, "csrf_token": outside.csrf_token("/rasan/new")},
    )
    assert refused.status_code == 400
    api = token_client(app, member)
    assert api.post(f"/api/v1/rasan/groups/{group_id}/join").get_json()["member_count"] == 2
    in_group = write(member, "فقط برای گروه", group_id=group_id)
    assert in_group not in _ids(reader.get("/api/v1/rasan/feed").get_json())
    assert _ids(reader.get(f"/api/v1/rasan/groups/{group_id}/posts").get_json()) == [in_group]
    left = api.delete(f"/api/v1/rasan/groups/{group_id}/join").get_json()
    assert left["member_count"] == 1 and left["joined"] is False
