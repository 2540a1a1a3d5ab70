"""The plugin's story: members write items down, pay the fee once, are welcomed, and are heard."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from resalat_core.sdk import verify_ledger
from resalat_core.testing import ResalatClient

NAME = "campaigns"
PAGE = f"/{NAME}/"
API = f"/api/v1/{NAME}/items"
MakeClient = Callable[..., ResalatClient]


def post_item(api: ResalatClient, title: object, key: str = "k1") -> object:
    return api.post(API, json={"title": title}, headers={"Idempotency-Key": key})


def test_the_plugin_is_installed_and_loaded(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["plugins", "list", "--json"])
    plugins = {row["name"]: row for row in json.loads(result.stdout)}
    assert NAME in plugins, f"not installed: pip install -e plugins/{NAME}"
    assert plugins[NAME]["status"] == "loaded", plugins[NAME]["error"]


def test_a_member_adds_an_item_on_the_page(client_as: MakeClient) -> None:
    member = client_as("member")
    assert member.get(PAGE).status_code == 200
    response = member.form(PAGE, {"title": "  نخستین   مورد ", "key": "form-1"})
    assert response.status_code == 302
    assert "نخستین مورد" in member.get(PAGE).get_data(as_text=True)


def test_the_page_wants_a_member_and_its_form_a_csrf_token(
    client: ResalatClient, client_as: MakeClient
) -> None:
    assert client.get(PAGE).status_code == 302  # to the sign-in page
    forged = client_as("member").post(PAGE, data={"title": "forged", "key": "k"})
    assert forged.status_code == 400


def test_an_empty_title_is_refused_on_the_page(client_as: MakeClient) -> None:
    member = client_as("member")
    response = member.form(PAGE, {"title": "   ", "key": "form-1"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert f'data-testid="{NAME}-empty"' in member.get(PAGE).get_data(as_text=True)


def test_the_api_adds_items_and_lists_them_a_page_at_a_time(api_as: MakeClient) -> None:
    api = api_as("member")
    for n in range(3):
        created = post_item(api, f"item {n}", key=f"k{n}")
        assert created.status_code == 201, created.get_json()
    body = api.get(API, query_string={"per_page": 2}).get_json()
    assert body["meta"] == {"page": 1, "per_page": 2, "total": 3, "pages": 2}
    assert [item["title"] for item in body["items"]] == ["item 2", "item 1"]


def test_the_same_key_adds_once(api_as: MakeClient) -> None:
    api = api_as("member")
    first, again = post_item(api, "once"), post_item(api, "once")
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.get_json() == again.get_json()
    assert api.get(API).get_json()["meta"]["total"] == 1


def test_the_api_refuses_a_bad_title_and_names_the_field(api_as: MakeClient) -> None:
    api = api_as("member")
    for n, body in enumerate(({}, {"title": ""}, {"title": "   "}, {"title": "x" * 201})):
        response = api.post(API, json=body, headers={"Idempotency-Key": f"bad-{n}"})
        assert response.status_code == 400, body
        assert "title" in response.get_json()["error"]["fields"]
    assert api.get(API).get_json()["meta"]["total"] == 0


def test_members_see_their_own_items_and_keepers_see_all(api_as: MakeClient) -> None:
    author, neighbour = api_as("member"), api_as("member")
    keeper = api_as(f"{NAME}_keeper", role_region=None)
    post_item(author, "mine")
    assert neighbour.get(API).get_json()["meta"]["total"] == 0
    assert [i["title"] for i in keeper.get(API).get_json()["items"]] == ["mine"]


@pytest.fixture
def priced(make_app: Callable[..., Flask]) -> Flask:
    """The plugin on an app whose deployment sets a fee of 5,000 rials an item."""
    return make_app(plugins={NAME: {"fee_rials": 5_000}})


def test_the_fee_moves_through_the_ledger_once_and_an_empty_wallet_adds_nothing(
    priced: Flask, make_member: Callable[..., int], top_up: Callable[..., int]
) -> None:
    from resalat_core.testing import ResalatClient, work

    priced.test_client_class = ResalatClient
    rich, poor = make_member(), make_member()
    top_up(rich, rials=12_000)
    for member_id, expected in ((rich, 201), (poor, 400)):
        client = priced.test_client().sign_in(member_id)  # type: ignore[attr-defined]
        response = client.form(PAGE, {"title": "paid", "key": "pay-1"})
        again = client.form(PAGE, {"title": "paid", "key": "pay-1"})
        assert (response.status_code, again.status_code) == ((302, 302) if expected == 201 else (400, 400))
    with work(priced) as session:
        from resalat_core.sdk import Member, main_account, system_account

        assert main_account(session, session.get(Member, rich)).posted == 7_000
        assert main_account(session, session.get(Member, poor)).posted == 0
        assert system_account(session, f"{NAME}_fees").posted == 5_000
        assert verify_ledger(session).ok


FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def with_probe(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    """The app with a probe plugin that keeps what is sent to members (no notifications plugin)."""
    sys.path.insert(0, str(FIXTURES))
    try:
        from probe import SENT, plugin

        SENT.clear()
        app = make_app(extra_plugins={"probe": plugin})
        # A module is off where nobody switched it on, and hooks skip modules that are off.
        switched = app.test_cli_runner().invoke(args=["modules", "enable", "probe", "--all"])
        assert switched.exit_code == 0, switched.output
        yield app
    finally:
        sys.path.remove(str(FIXTURES))


def test_a_new_member_is_welcomed(with_probe: Flask) -> None:
    from probe import SENT

    from resalat_core.testing import Roles

    member_id = Roles(with_probe)()
    # Only what this plugin sent: other installed plugins may welcome new members too.
    mine = [(m, message.kind.kind) for m, message in SENT if message.source == NAME]
    assert mine == [(member_id, "welcome")]


def test_merat_hears_how_many_items_a_member_keeps(app: Flask, api_as: MakeClient) -> None:
    from resalat_core.testing import work

    api = api_as("member")
    post_item(api, "one", key="a")
    post_item(api, "two", key="b")
    hook = app.extensions["resalat"].plugins.pm.hook
    with work(app) as session:
        from resalat_core.sdk import Member

        member = session.get(Member, api.member_id)  # type: ignore[attr-defined]
        signals = [s for answer in hook.resalat_credit_signals(member=member) for s in answer]
        kinds = [k for answer in hook.resalat_credit_signal_kinds() for k in answer]
    assert [(s.kind, s.value) for s in signals if s.kind == f"{NAME}_items"] == [(f"{NAME}_items", 2)]
    assert [(k.points, k.per, k.cap) for k in kinds if k.kind == f"{NAME}_items"] == [(1, 1, 10)]


def test_the_cli_counts_every_members_items(app: Flask, api_as: MakeClient) -> None:
    post_item(api_as("member"), "one")
    post_item(api_as("member"), "two")
    result = app.test_cli_runner().invoke(args=[NAME, "count", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"count": 2}


def test_the_home_screen_has_a_tile_for_the_page(client_as: MakeClient) -> None:
    home = client_as("member").get("/").get_data(as_text=True)
    assert f'href="{PAGE}"' in home


def test_switched_off_it_has_no_tile_and_answers_404(app: Flask, client_as: MakeClient) -> None:
    member = client_as("member")
    result = app.test_cli_runner().invoke(args=["modules", "disable", NAME, "--all"])
    assert result.exit_code == 0, result.output
    assert member.get(PAGE).status_code == 404
    assert member.get(API).status_code == 404
    assert f'href="{PAGE}"' not in member.get("/").get_data(as_text=True)


def test_the_api_is_in_the_openapi_document_under_the_plugins_name(client: ResalatClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {method: op["tags"] for method, op in paths[API].items()} == {"get": [NAME], "post": [NAME]}
