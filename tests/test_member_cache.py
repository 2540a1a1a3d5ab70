"""The member cache: the home cards and the bar's links are computed once per member and kept in
Redis until the member writes something, is told something, changes roles or region, a module is
switched, or the cache's time runs out; without Redis every page is computed as before."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event

from resalat_core.members.models import Member, RoleGrant
from resalat_core.plugins.activation import set_module
from resalat_core.regions.services import get_region
from resalat_core.testing import ResalatClient
from resalat_core.web.membercache import touch

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REDIS = "redis://127.0.0.1:6379/2"


@pytest.fixture
def redis_url() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    return REDIS


@pytest.fixture
def memo(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.syspath_prepend(str(FIXTURES))
    from resalat_fixture_memo import hooks
    from resalat_fixture_memo import plugin as memo_plugin

    for calls in hooks.CALLS.values():
        calls.clear()
    hooks.SHOWN_AS.clear()
    return memo_plugin, hooks


def _app(app: Flask, make_app: Any, memo: Any, **overrides: Any) -> Flask:
    plugin, _hooks = memo
    # A namespace of its own: test runs side by side share the Redis server.
    built = make_app(extra_plugins={"memo": plugin}, ratelimit_namespace=uuid.uuid4().hex, **overrides)
    result = built.test_cli_runner().invoke(args=["modules", "enable", "memo", "--all"])
    assert result.exit_code == 0, result.output
    return built  # type: ignore[no-any-return]


def _client(app: Flask, member_id: int) -> ResalatClient:
    app.test_client_class = ResalatClient
    client: ResalatClient = app.test_client()  # type: ignore[assignment]
    return client.sign_in(member_id)


def _home(client: ResalatClient) -> str:
    answer = client.get("/")
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def _two_workers(make_app: Any, memo: Any, redis_url: str) -> tuple[Flask, Flask]:
    """Two apps of one deployment, as two workers: the same cache server and namespace."""
    plugin, _hooks = memo
    namespace = uuid.uuid4().hex
    one, other = (
        make_app(extra_plugins={"memo": plugin}, ratelimit_namespace=namespace, member_cache_url=redis_url)
        for _ in range(2)
    )
    return one, other


def _rename_quietly(member_id: int, name: str) -> None:
    """What the memo plugin shows of the member changes with no write the cache sees."""
    from resalat_fixture_memo import hooks

    hooks.SHOWN_AS[member_id] = name


def _rename_elsewhere(app: Flask, member_id: int, name: str) -> None:
    """Another hand (an administrator, a job) renames the member, without telling them."""
    with app.extensions["resalat"].db.new_session() as s:
        s.get(Member, member_id).name = name


class Queries:
    def __init__(self, app: Flask) -> None:
        self.engine = app.extensions["resalat"].db.engine
        self.count = 0
        self.statements: list[str] = []

    def __enter__(self) -> Queries:
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc: Any) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.count += 1
        self.statements.append(statement)


def test_the_second_visit_asks_no_plugin_and_costs_a_few_queries(app, make_app, make_member, memo, redis_url):
    cached = _app(app, make_app, memo, member_cache_url=redis_url)
    _plugin, hooks = memo
    member = make_member(name="زهرا رضایی")
    client = _client(cached, member)

    with Queries(cached) as first:
        html = _home(client)
    assert "Step of زهرا رضایی" in html and "Tile of زهرا رضایی" in html and "Bar of زهرا رضایی" in html
    asked = {what: len(calls) for what, calls in hooks.CALLS.items()}
    assert asked == {"steps": 1, "tiles": 1, "nav": 1}

    with Queries(cached) as second:
        again = _home(client)
    assert client.get("/memo/look").status_code == 200
    assert {what: len(calls) for what, calls in hooks.CALLS.items()} == asked
    assert "Step of زهرا رضایی" in again and "Bar of زهرا رضایی" in again
    # Every installed plugin's cards come from the cache too, and the worker keeps its snapshot of
    # the module switches: the page costs one query (the member with their roles and region; and
    # SQLite's BEGIN), however many plugins there are.
    assert second.count <= 2 and second.count <= first.count, second.statements


def test_without_redis_configured_every_visit_asks_again(app, make_app, make_member, memo):
    plain = _app(app, make_app, memo)
    _plugin, hooks = memo
    client = _client(plain, make_member())
    _home(client)
    _home(client)
    assert len(hooks.CALLS["steps"]) == 2 and len(hooks.CALLS["nav"]) == 2


def test_a_write_of_the_members_own_shows_at_once(app, make_app, make_member, memo, redis_url):
    cached = _app(app, make_app, memo, member_cache_url=redis_url)
    client = _client(cached, make_member(name="زهرا رضایی"))
    _home(client)

    token = client.csrf_token("/")
    assert client.post("/memo/rename", data={"name": "زهرا کریمی", "csrf_token": token}).status_code == 200

    html = _home(client)
    assert "Step of زهرا کریمی" in html and "Bar of زهرا کریمی" in html
    assert "زهرا رضایی" not in html


def test_another_hands_change_waits_for_a_notification_or_the_time(
    app, make_app, make_member, memo, redis_url
):
    cached = _app(app, make_app, memo, member_cache_url=redis_url, member_cache_seconds=2)
    member = make_member(name="زهرا رضایی")
    client = _client(cached, member)
    _home(client)

    _rename_quietly(member, "زهرا کریمی")
    assert "Step of زهرا رضایی" in _home(client)  # kept: nobody told the member

    with cached.app_context():
        teller = cached.extensions["resalat"].db.session_factory()
        touch(teller, member)  # what notify() does for the member it tells
    assert "Step of زهرا رضایی" in _home(client)  # not before the teller's transaction commits
    with cached.app_context():
        teller.commit()
        teller.close()
    assert "Step of زهرا کریمی" in _home(client)

    _rename_quietly(member, "زهرا احمدی")
    assert "Step of زهرا کریمی" in _home(client)
    time.sleep(2.2)
    assert "Step of زهرا احمدی" in _home(client)


def test_a_notification_refreshes_the_told_member(app, make_app, make_member, memo, redis_url):
    from resalat_fixture_memo.messages import RENAMED

    from resalat_core.sdk import notify

    cached = _app(app, make_app, memo, member_cache_url=redis_url)
    member = make_member(name="زهرا رضایی")
    client = _client(cached, member)
    _home(client)
    _rename_quietly(member, "زهرا کریمی")

    with cached.test_request_context("/"):
        session = cached.extensions["resalat"].db.session()
        notify(session.get(Member, member), RENAMED(url="/memo/look", name="زهرا کریمی"))
        session.commit()
    assert "Step of زهرا کریمی" in _home(client)


def test_roles_region_language_and_switches_are_part_of_the_key(app, make_app, make_member, memo, redis_url):
    cached = _app(app, make_app, memo, member_cache_url=redis_url)
    _plugin, hooks = memo
    member = make_member(region="zanjan/zanjan")
    client = _client(cached, member)
    _home(client)
    asked = len(hooks.CALLS["steps"])

    with cached.app_context(), cached.extensions["resalat"].db.new_session() as s:
        s.add(RoleGrant(member_id=member, role="guide", region=get_region(s, "zanjan")))
    _home(client)
    assert len(hooks.CALLS["steps"]) == asked + 1

    client.get("/lang/en")
    _home(client)
    assert len(hooks.CALLS["steps"]) == asked + 2

    with cached.app_context(), cached.extensions["resalat"].db.new_session() as s:
        set_module(s, "memo", enabled=False, region=get_region(s, "zanjan"))
    html = _home(client)
    assert "Step of" not in html and "Bar of" not in html


def test_a_switch_made_on_another_worker_reaches_this_workers_kept_snapshot(
    app, make_app, make_member, memo, redis_url
):
    one, other = _two_workers(make_app, memo, redis_url)
    assert one.test_cli_runner().invoke(args=["modules", "enable", "memo", "--all"]).exit_code == 0
    client = _client(one, make_member(region="zanjan/zanjan"))
    assert client.get("/memo/look").status_code == 200
    with Queries(one) as again:
        assert client.get("/memo/look").status_code == 200
    assert not [q for q in again.statements if "module_activations" in q], again.statements

    with other.app_context(), other.extensions["resalat"].db.new_session() as s:
        set_module(s, "memo", enabled=False, region=get_region(s, "zanjan"))
    assert client.get("/memo/look").status_code == 404
    with other.app_context(), other.extensions["resalat"].db.new_session() as s:
        set_module(s, "memo", enabled=True, region=get_region(s, "zanjan"))
    assert client.get("/memo/look").status_code == 200


def test_a_cache_that_cannot_be_reached_leaves_pages_as_they_were(app, make_app, make_member, memo):
    # Nothing listens on port 1: every call to the cache fails at once.
    broken = _app(app, make_app, memo, member_cache_url="redis://127.0.0.1:1/0")
    client = _client(broken, make_member(name="زهرا رضایی"))
    assert "Step of زهرا رضایی" in _home(client)
    token = client.csrf_token("/")
    assert client.post("/memo/rename", data={"name": "زهرا کریمی", "csrf_token": token}).status_code == 200
    assert "Step of زهرا کریمی" in _home(client)


def test_a_token_used_for_the_first_time_is_answered_with_the_cache_on(
    app, make_app, make_member, memo, redis_url
):
    from resalat_core.testing import token_client

    cached = _app(app, make_app, memo, member_cache_url=redis_url)
    # The token's first use writes its last-use time while the member is being loaded.
    client = token_client(cached, make_member())
    answer = client.get("/api/v1/me")
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]


def _token(html: str) -> str:
    import re

    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no form token on the page"
    return found.group(1)


def test_the_home_page_is_kept_whole_with_each_sessions_own_form_token(
    app, make_app, make_member, memo, redis_url
):
    cached = _app(app, make_app, memo, member_cache_url=redis_url)
    member = make_member(name="زهرا رضایی")
    phone, laptop = _client(cached, member), _client(cached, member)
    first = _home(phone)
    with Queries(cached) as again:
        kept = _home(laptop)
    # Kept whole: the member with their roles (and SQLite's BEGIN), nothing else.
    assert again.count <= 2, again.statements
    assert kept.replace(_token(kept), "") == first.replace(_token(first), "")
    # The laptop's page carries the laptop's token, and its sign-out form works with it.
    assert _token(kept) != _token(first)
    out = laptop.post("/auth/logout", data={"csrf_token": _token(kept)})
    assert out.status_code in (302, 303), out.status_code
    assert phone.post("/auth/logout", data={"csrf_token": _token(_home(phone))}).status_code in (302, 303)


def test_a_message_to_flash_and_a_query_string_are_never_kept(app, make_app, make_member, memo, redis_url):
    cached = _app(app, make_app, memo, member_cache_url=redis_url)
    member = make_member(name="زهرا رضایی")
    client = _client(cached, member)
    _home(client)
    with client.session_transaction() as sess:
        sess["_flashes"] = [("success", "پیام یک‌باره")]
    assert "پیام یک‌باره" in _home(client)
    assert "پیام یک‌باره" not in _home(client)
    # The language links carry the address the page was asked at, query and all.
    answer = client.get("/?from=sms")
    assert answer.status_code == 200 and "from%3Dsms" in answer.get_data(as_text=True)
    assert "from%3Dsms" not in _home(client)


def test_a_region_picker_is_read_once_per_worker_until_the_switches_move(
    app, make_app, make_member, memo, redis_url
):
    from resalat_core.regions.services import region_choices

    cached, other = _two_workers(make_app, memo, redis_url)
    db = cached.extensions["resalat"].db

    def choices() -> tuple[list[tuple[str, str]], int]:
        with cached.test_request_context("/"), db.new_session() as s, Queries(cached) as asked:
            found = region_choices(s, "fa")
        return found, len([q for q in asked.statements if "FROM regions" in q])

    first, read = choices()
    assert read == 1 and ("zanjan", "زنجان") in first
    again, read = choices()
    assert read == 0 and again == first
    # A switch made on another worker moves the generation this worker keeps them under.
    with other.app_context(), other.extensions["resalat"].db.new_session() as s:
        set_module(s, "memo", enabled=False, region=get_region(s, "zanjan"))
    assert choices()[1] == 1

    # Without the member cache every request reads them.
    plain = _app(app, make_app, memo)
    plain_db = plain.extensions["resalat"].db
    for _ in range(2):
        with plain.test_request_context("/"), plain_db.new_session() as s, Queries(plain) as asked:
            region_choices(s, "fa")
        assert [q for q in asked.statements if "FROM regions" in q]


def test_a_place_shows_its_province_from_the_kept_names_without_a_query(
    app, make_app, make_member, memo, redis_url
):
    from sqlalchemy import select

    from resalat_core.regions.models import Region
    from resalat_core.web.templating import place

    cached = _app(app, make_app, memo, member_cache_url=redis_url)
    db = cached.extensions["resalat"].db
    with cached.test_request_context("/"), db.new_session() as s:
        places = list(s.scalars(select(Region).where(Region.parent_id.is_not(None)).limit(20)))
        place(places[0])  # the worker reads the names once
        with Queries(cached) as asked:
            shown = [place(p) for p in places]
        assert asked.count == 0, asked.statements
        assert shown[0] == f"{places[0].name_fa}، {places[0].parent.name_fa}"


def _reads_members(statements: list[str]) -> list[str]:
    return [q for q in statements if "FROM members" in q]


def test_the_reader_is_kept_by_the_worker_and_attached_without_a_query(
    app, make_app, make_member, memo, redis_url
):
    cached = _app(app, make_app, memo, member_cache_url=redis_url)
    client = _client(cached, make_member(name="زهرا رضایی", region="zanjan/zanjan"))
    with Queries(cached) as first:
        assert client.get("/memo/me").get_json()["name"] == "زهرا رضایی"
    assert _reads_members(first.statements)
    with Queries(cached) as again:
        seen = client.get("/memo/me").get_json()
    assert seen == {"name": "زهرا رضایی", "place": "زنجان", "province": "زنجان", "roles": []}
    # The member, their place, its province and their roles, with no query at all.
    assert not _reads_members(again.statements) and not [q for q in again.statements if "regions" in q]


def test_without_the_cache_the_reader_is_read_for_every_request(app, make_app, make_member, memo):
    plain = _app(app, make_app, memo)
    client = _client(plain, make_member())
    client.get("/memo/me")
    with Queries(plain) as again:
        assert client.get("/memo/me").status_code == 200
    assert _reads_members(again.statements)


def test_another_hands_change_to_the_reader_counts_at_their_next_request_on_every_worker(
    app, make_app, make_member, memo, redis_url
):
    from resalat_core.regions.models import Region

    one, other = _two_workers(make_app, memo, redis_url)
    assert one.test_cli_runner().invoke(args=["modules", "enable", "memo", "--all"]).exit_code == 0
    member = make_member(name="زهرا رضایی", region="zanjan/zanjan")
    client = _client(one, member)
    client.get("/memo/me")
    assert client.get("/memo/me").get_json()["roles"] == []  # now kept by worker one

    # Changes made on the other worker (an administrator, a job), none of them telling the member.
    _rename_elsewhere(other, member, "زهرا کریمی")
    assert client.get("/memo/me").get_json()["name"] == "زهرا کریمی"
    with other.app_context(), other.extensions["resalat"].db.new_session() as s:
        s.add(RoleGrant(member_id=member, role="guide", region=get_region(s, "zanjan")))
    assert client.get("/memo/me").get_json()["roles"] == ["guide"]
    with other.app_context(), other.extensions["resalat"].db.new_session() as s:
        s.query(Region).filter_by(code="zanjan").one().name_fa = "زنجان نو"
    assert client.get("/memo/me").get_json()["province"] == "زنجان نو"

    # Blocked: signed out at once, though the worker kept the reader a moment ago.
    with other.app_context(), other.extensions["resalat"].db.new_session() as s:
        s.get(Member, member).is_active = False
    answer = client.get("/memo/me")
    assert answer.status_code == 302 and "/auth/login" in answer.headers["Location"]


def test_a_new_password_elsewhere_signs_the_kept_reader_out(app, make_app, make_member, memo, redis_url):
    cached = _app(app, make_app, memo, member_cache_url=redis_url)
    member = make_member()
    client = _client(cached, member)
    client.get("/memo/me")
    assert client.get("/memo/me").status_code == 200
    with cached.app_context(), cached.extensions["resalat"].db.new_session() as s:
        s.get(Member, member).session_version += 1  # what a password change or "sign out everywhere" does
    assert client.get("/memo/me").status_code == 302


def test_a_token_checked_before_is_taken_without_a_query_until_it_is_revoked(
    app, make_app, make_member, memo, redis_url
):
    from resalat_core.auth.models import ApiToken
    from resalat_core.testing import token_client

    one, other = _two_workers(make_app, memo, redis_url)
    member = make_member(name="زهرا رضایی")
    client = token_client(one, member)
    # The first use writes its time; the next ones teach the worker whose it is, then the token,
    # then the member.
    for _ in range(4):
        assert client.get("/api/v1/me").status_code == 200
    with Queries(one) as again:
        answer = client.get("/api/v1/me")
    assert answer.status_code == 200 and answer.get_json()["name"] == "زهرا رضایی"
    assert not [q for q in again.statements if "api_tokens" in q or "FROM members" in q], again.statements

    # Revoked on another worker: refused at once here, though this worker kept it.
    with other.app_context(), other.extensions["resalat"].db.new_session() as s:
        for token in s.query(ApiToken).filter_by(member_id=member):
            token.revoked_at = token.created_at
    assert client.get("/api/v1/me").status_code == 401


def test_a_kept_token_whose_time_ran_out_is_refused(app, make_app, make_member, memo, redis_url):
    from datetime import timedelta

    from resalat_core.auth.models import ApiToken
    from resalat_core.db import utcnow
    from resalat_core.testing import token_client

    cached = _app(app, make_app, memo, member_cache_url=redis_url)
    member = make_member()
    client = token_client(cached, member)
    with cached.app_context(), cached.extensions["resalat"].db.new_session() as s:
        for token in s.query(ApiToken).filter_by(member_id=member):
            token.expires_at = utcnow() + timedelta(seconds=2)
    for _ in range(4):
        assert client.get("/api/v1/me").status_code == 200
    time.sleep(2.2)
    assert client.get("/api/v1/me").status_code == 401


def test_kept_by_worker_keeps_what_a_plugin_computes_only_when_it_says_so(
    app, make_app, make_member, memo, redis_url
):
    from resalat_core.sdk import kept_by_worker

    cached, other = _two_workers(make_app, memo, redis_url)
    computed: list[int] = []

    def compute() -> tuple[int, ...]:
        computed.append(1)
        return (len(computed),)

    def ask(**kwargs: Any) -> tuple[int, ...]:
        with cached.test_request_context("/"):
            return kept_by_worker("fixture.reference", compute, **kwargs)

    # Not to be kept (computed from what its transaction has not committed): asked again.
    assert ask(keep=lambda value: False) == (1,)
    assert ask(keep=lambda value: False) == (2,)
    # Kept: the same value while the switches' generation stands, on this worker only.
    assert ask() == (3,) and ask() == (3,)
    with other.app_context(), other.extensions["resalat"].db.new_session() as s:
        set_module(s, "memo", enabled=False, region=get_region(s, "zanjan"))
    assert ask() == (4,)
    assert len(computed) == 4
