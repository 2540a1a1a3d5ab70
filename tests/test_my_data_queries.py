"""A member's own data costs the same number of queries however many rows each module holds.

Every persona of the demo reads the page, the download and the API of their data once every list
(the host's and each plugin's) has one more entry than the demo gave it, and again once it has
three more: the counts must match, so that no section of the export reads row by row (a note,
a member's roles, a post's photos, asked once per entry). ``tests/test_queries_at_size.py``
counts the same at 100 and 1,000 rows on PostgreSQL; this is its quick guard on both databases.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from resalat_core.testing import ResalatClient, counting_queries, token_client

PAGES = ("/account/data", "/account/data.json")
API = "/api/v1/me/data"


def _grow(app: Flask, rows: int) -> None:
    from resalat_core.demo import add_demo_rows

    with app.app_context():
        session = app.extensions["resalat"].db.session
        add_demo_rows(app, session, rows)
        session.commit()
        session.remove()


def _count(app: Flask, client: Any, url: str) -> int:
    assert client.get(url).status_code == 200  # the first fills the caches (translations, the bar)
    with counting_queries(app) as counter:
        assert client.get(url).status_code == 200
    return counter.count


def test_the_export_asks_as_many_queries_with_three_rows_as_with_one(demo_app: Flask) -> None:
    from resalat_core.demo import demo_world

    app = demo_app
    app.test_client_class = ResalatClient
    with app.app_context():
        members = demo_world(app.extensions["resalat"].db.session).members
        ids = {key: m.id for key, m in members.items()}
        app.extensions["resalat"].db.session.remove()
    clients = {
        key: (app.test_client().sign_in(member_id), token_client(app, member_id))  # type: ignore[attr-defined]
        for key, member_id in sorted(ids.items())
    }

    def count_all() -> dict[tuple[str, str], int]:
        found = {}
        for key, (client, api) in clients.items():
            for url in PAGES:
                found[key, url] = _count(app, client, url)
            found[key, API] = _count(app, api, API)
        return found

    _grow(app, 1)
    few = count_all()
    _grow(app, 2)
    more = count_all()
    grew = {where: (few[where], more[where]) for where in few if more[where] != few[where]}
    assert not grew, f"queries with one more row, then with three: {grew}"
