"""No route is open by accident: every endpoint of the host and every plugin is walked and knocked on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Flask
from werkzeug.routing import BuildError, Rule

from resalat_core.access import access_of

# What a browser or script might put in a URL slot; the first one the rule accepts is used.
DUMMY_ARGUMENTS: tuple[Any, ...] = (1, "x", "00000000-0000-0000-0000-000000000000")


def is_static(endpoint: str) -> bool:
    return endpoint == "static" or endpoint.endswith(".static")


def is_api(rule: Rule) -> bool:
    return rule.rule.startswith("/api/")


def calls(app: Flask, kinds: set[str]) -> Iterator[tuple[Rule, str, str, str]]:
    """(rule, method, url, access kind) for every method of every routed view of these kinds."""
    adapter = app.url_map.bind("localhost")
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if is_static(rule.endpoint):
            continue
        kind = (access_of(app.view_functions[rule.endpoint]) or {}).get("kind")
        if kind not in kinds:
            continue
        url = None
        for dummy in DUMMY_ARGUMENTS:
            try:
                url = adapter.build(rule.endpoint, dict.fromkeys(rule.arguments, dummy))
                break
            except BuildError:
                continue
        assert url is not None, f"could not fill the arguments of {rule.rule}"
        for method in sorted(rule.methods - {"OPTIONS"}):
            yield rule, method, url, kind


def drained(response: Any) -> Any:
    """The response read to its end and closed: a streamed answer (a CSV) may fail half-way."""
    response.get_data()
    response.close()
    return response


def knock(client: Any, method: str, url: str, csrf_token: str) -> Any:
    """A request as a browser page would send it: with the form's CSRF token, so only access decides."""
    return drained(
        client.open(
            url,
            method=method,
            data={"csrf_token": csrf_token} if method not in ("GET", "HEAD") else None,
            headers={"X-CSRFToken": csrf_token},
        )
    )


def test_every_endpoint_declares_who_may_call_it(app):
    undeclared = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if not is_static(endpoint) and access_of(view) is None
    ]

    assert undeclared == []


def test_the_walk_reaches_the_host_and_every_loaded_plugin(app):
    # Guards the walks below: an empty or host-only url_map would make them pass vacuously.
    walked = {rule.endpoint.split(".")[0] for rule, *_ in calls(app, {"public", "member", "permission"})}
    owners = set(app.extensions["resalat"].blueprint_owner)

    assert {"web", "auth", "api"} <= walked
    assert owners <= walked


def test_an_anonymous_visitor_is_sent_to_sign_in_from_every_closed_page(app, client):
    token = client.csrf_token("/auth/login")
    wrong = []
    for rule, method, url, _kind in calls(app, {"member", "permission"}):
        response = knock(client, method, url, token)
        if is_api(rule):
            # A HEAD answer has no body to read: the status must still say it.
            body = response.get_json(silent=True) if method != "HEAD" else {"error": "-"}
            ok = response.status_code == 401 and body is not None and "error" in body
        else:
            ok = response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
        if not ok:
            wrong.append(f"{method} {url} -> {response.status_code}")

    assert wrong == []


def test_a_plain_member_is_refused_every_permission_page(app, client_as):
    member = client_as()
    token = member.csrf_token("/")
    wrong = []
    for _rule, method, url, _kind in calls(app, {"permission"}):
        response = knock(member, method, url, token)
        if response.status_code != 403:
            wrong.append(f"{method} {url} -> {response.status_code}")

    assert wrong == []


def test_a_plain_members_token_is_refused_every_permission_endpoint(app, api_as):
    api = api_as()
    wrong = []
    for rule, method, url, _kind in calls(app, {"permission"}):
        if not is_api(rule):
            continue
        response = drained(api.open(url, method=method, json={}))
        # A HEAD answer has no body to read: the status must still say it.
        body = response.get_json(silent=True) if method != "HEAD" else {"error": {"code": "forbidden"}}
        if response.status_code != 403 or not body or body["error"]["code"] != "forbidden":
            wrong.append(f"{method} {url} -> {response.status_code}")

    assert wrong == []


def test_no_knock_on_any_door_is_answered_with_a_500(app, client, client_as, api_as):
    visitors = {"anonymous": client, "member": client_as(), "admin": client_as("admin", role_region=None)}
    tokens = {
        name: c.csrf_token("/auth/login" if name == "anonymous" else "/") for name, c in visitors.items()
    }
    api = api_as("admin", role_region=None)
    broken = []
    for _rule, method, url, _kind in calls(app, {"public", "member", "permission"}):
        for name, visitor in visitors.items():
            if name != "anonymous":
                visitor.sign_in(visitor.member_id)  # an earlier knock may have signed it out
            response = knock(visitor, method, url, tokens[name])
            if response.status_code >= 500:
                broken.append(f"{name}: {method} {url} -> {response.status_code}")
        response = drained(api.open(url, method=method, json={}))
        if response.status_code >= 500:
            broken.append(f"admin token: {method} {url} -> {response.status_code}")

    assert broken == []
