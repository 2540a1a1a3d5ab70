"""No list page or API list queries per post, and races between two taps or two members end with
the counts right: a like twice at once is one like, many members liking at once are counted
each, a double join is one member. (On PostgreSQL the unique constraints and the conditional
UPDATEs decide; SQLite's write lock serialises and the tests still hold.)"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from resalat_rasan import services
from resalat_rasan.models import RasanLike, RasanPost
from sqlalchemy import func, select

from resalat_core.sdk import Member, get_db
from resalat_core.testing import token_client, work

from .conftest import signed_in


def race(app: Any, acts: list[Callable[[Any], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(acts))
    outcomes: list[Any] = [None] * len(acts)

    def run(i: int) -> None:
        with app.app_context():
            session = get_db().session()
            try:
                barrier.wait(timeout=30)
                outcomes[i] = acts[i](session)
                session.commit()
            except BaseException as exc:  # noqa: BLE001 (reported by the assertions)
                session.rollback()
                outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(acts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_list_pages_and_api_lists_cost_the_same_for_three_posts_or_fifteen(
    app, make_member, make_core, make_shop, write, count_queries
):
    reader = make_member("admin", region="zanjan/gorg-tappeh", name="خواننده")
    leader = make_member(name="راهبر")
    core = make_core(leader)
    shop = make_shop()
    client = signed_in(app, reader)
    api = token_client(app, reader)
    group = api.post("/api/v1/rasan/groups", json={"title": "گروه"}).get_json()["id"]
    with work(app) as s:
        services.follow(s, s.get(Member, reader), member_id=leader)

    def add(n: int) -> None:
        for i in range(n):
            post = write(
                leader, f"پست {i} #تگ", core_id=core if i % 2 else None, product_id=shop.product_ids[0]
            )
            write(reader, f"در گروه {i} #تگ", group_id=group)
            token_client(app, make_member()).post(f"/api/v1/rasan/posts/{post}/report", json={"reason": "بد"})
            api.post(f"/api/v1/rasan/posts/{post}/like")

    urls = [
        "/rasan/",
        f"/rasan/members/{leader}",
        f"/rasan/cores/{core}",
        "/rasan/tags/تگ",
        "/rasan/search?q=پست",
        f"/rasan/groups/{group}",
        "/rasan/moderation",
        "/rasan/groups",
        f"/rasan/members/{leader}/followers",
        "/api/v1/rasan/feed",
        "/api/v1/rasan/tags/تگ",
        "/api/v1/rasan/search?q=پست",
        f"/api/v1/rasan/groups/{group}/posts",
        "/api/v1/rasan/moderation",
    ]

    def costs() -> list[int]:
        out = []
        for url in urls:
            caller = api if url.startswith("/api/") else client
            with count_queries() as q:
                assert caller.get(url).status_code == 200, url
            out.append(q.count)
        return out

    add(3)
    costs()  # warm up
    few = costs()
    add(12)
    assert costs() == few


def test_two_taps_like_once_and_many_members_are_each_counted(app, make_member, write):
    author = make_member()
    post = write(author, "بپسندید")
    tapper = make_member()
    others = [make_member() for _ in range(4)]

    def liking(member_id: int) -> Callable[[Any], Any]:
        return lambda s: services.like(s, s.get(Member, member_id), post).id

    outcomes = race(app, [liking(tapper), liking(tapper), *[liking(m) for m in others]])
    assert all(o == post for o in outcomes), outcomes
    with work(app) as s:
        assert s.get(RasanPost, post).like_count == 5
        assert s.scalar(select(func.count(RasanLike.id))) == 5


def test_a_double_join_is_one_member(app, make_member, api_as):
    group = api_as("member").post("/api/v1/rasan/groups", json={"title": "گروه"}).get_json()["id"]
    joiner = make_member()
    outcomes = race(app, [lambda s: services.join_group(s, s.get(Member, joiner), group).id] * 2)
    assert outcomes == [group, group]
    with work(app) as s:
        assert services.get_group(s, group).member_count == 2
