"""Rate limits where money and identity are: sign-ups per address, money-moving API calls per
member and per address, forms per member; a clear 429 with Retry-After, counted in one place for
every web machine (Redis), and nothing done past the limit."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from resalat_core.identity import national_code_with_check_digit
from resalat_core.members.models import Member
from resalat_core.testing import ResalatClient

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REDIS = "redis://127.0.0.1:6379/0"


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis server on 127.0.0.1:6379")


def _members(app: Flask) -> int:
    with app.extensions["resalat"].db.new_session() as s:
        return s.scalar(select(func.count(Member.id))) or 0


def _sign_up(client: ResalatClient, n: int) -> Any:
    return client.form(
        "/auth/register",
        {
            "name": "زهرا رضایی",
            "national_code": national_code_with_check_digit(f"00{n:07d}"),
            "mobile": f"0912{n:07d}",
            "region": "zanjan/zanjan",
            "password": "chai-o-nabat-1404",
            "confirm": "chai-o-nabat-1404",
        },
    )


def test_sign_ups_from_one_address_stop_at_the_limit_with_a_persian_page_and_retry_after(app, make_app):
    limited = make_app(ratelimit_register="2/hour")
    limited.test_client_class = ResalatClient
    answers = []
    for n in range(1, 4):
        client: ResalatClient = limited.test_client()  # type: ignore[assignment]
        answers.append(_sign_up(client, n))

    assert [a.status_code for a in answers[:2]] == [302, 302]
    refused = answers[2]
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 3000  # the hour's window, in seconds
    page = refused.get_data(as_text=True)
    assert "درخواست" in page and "دقیقه" in page  # "too many requests ... minutes", in Persian
    assert _members(limited) == 2  # the third sign-up did nothing


@pytest.fixture
def idem(app: Flask, make_app: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """An app with the ``idem`` test module's money-like endpoint, under the given limits."""
    monkeypatch.syspath_prepend(str(FIXTURES))
    from resalat_fixture_idem import hooks, plugin

    from resalat_core.plugins.activation import set_module

    made: list[Flask] = []

    def build(**limits: str) -> Flask:
        built = make_app(extra_plugins={"idem": plugin}, **limits)
        db = built.extensions["resalat"].db
        hooks.COUNTERS.create(db.engine, checkfirst=True)
        with built.app_context():
            set_module(db.session(), "idem", enabled=True)
            db.session.commit()
            db.session.remove()
        made.append(built)
        return built

    yield build
    for built in made:
        hooks.COUNTERS.drop(built.extensions["resalat"].db.engine, checkfirst=True)


def _api(app: Flask, member_id: int) -> ResalatClient:
    from resalat_core.auth.services import issue_token

    with app.extensions["resalat"].db.new_session() as s:
        plain, _token = issue_token(s, s.get(Member, member_id), "limits")
    app.test_client_class = ResalatClient
    client: ResalatClient = app.test_client()  # type: ignore[assignment]
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {plain}"
    return client


def _hits(app: Flask) -> int:
    from resalat_fixture_idem.hooks import hits

    with app.extensions["resalat"].db.new_session() as s:
        return hits(s, "main")


def _send(client: ResalatClient, n: int) -> Any:
    return client.post("/api/v1/idem/count", json={}, headers={"Idempotency-Key": f"k-{n}"})


def test_money_calls_of_one_member_stop_at_the_limit_and_another_member_goes_on(idem, make_member):
    app = idem(ratelimit_money_member="3/minute")
    first, second = _api(app, make_member()), _api(app, make_member())

    statuses = [_send(first, n).status_code for n in range(4)]
    refused = _send(first, 9)
    other = _send(second, 0)

    assert statuses == [201, 201, 201, 429]
    body = refused.get_json()
    assert refused.status_code == 429 and body["error"]["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert other.status_code == 201
    assert _hits(app) == 4  # three of the first member's, one of the second's: none past the limit


def test_money_calls_from_one_address_are_limited_whoever_signs_them(idem, make_member):
    app = idem(ratelimit_money_member="100/minute", ratelimit_money_address="2/minute")
    members = [_api(app, make_member()) for _ in range(3)]

    statuses = [_send(client, n).status_code for n, client in enumerate(members)]

    assert statuses == [201, 201, 429]
    assert _hits(app) == 2


def test_two_web_machines_count_in_one_place(idem, make_member):
    """Two apps (two machines) on one Redis: the member's calls add up across them."""
    _redis_or_skip()
    shared = {"ratelimit_storage": REDIS, "ratelimit_namespace": f"test-{uuid.uuid4().hex}"}
    one = idem(ratelimit_money_member="3/minute", **shared)
    two = idem(ratelimit_money_member="3/minute", **shared)
    member = make_member()
    on_one, on_two = _api(one, member), _api(two, member)

    statuses = [_send(client, n).status_code for n, client in enumerate([on_one, on_two, on_one, on_two])]

    assert statuses == [201, 201, 201, 429]


def test_forms_of_a_signed_in_member_are_limited_and_refused_in_persian(make_app, make_member):
    app = make_app(ratelimit_forms_member="2/minute")
    app.test_client_class = ResalatClient
    client: ResalatClient = app.test_client()  # type: ignore[assignment]
    client.sign_in(make_member())
    form = {"current": "wrong-password-1", "new": "a-new-pass-1404", "confirm": "a-new-pass-1404"}

    statuses = [client.form("/auth/password", form).status_code for _ in range(3)]

    assert statuses == [400, 400, 429]  # a wrong current password twice, then no more tries
