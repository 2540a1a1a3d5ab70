"""Fixtures for the notifications tests: filling an inbox and looking into it from outside.

Each works in an app context and a transaction of its own, committed before it returns, the way
another plugin's request would. (Holding the ``session`` fixture across client requests instead
keeps one SQLite write transaction open: requests reuse the test's app context, so their session
is never removed, and a second connection then finds the database locked.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from resalat_notifications import services

from resalat_core.sdk import Member, Message, get_db, notify


@pytest.fixture
def fill_inbox(app: Flask) -> Callable[..., list[int]]:
    """``fill_inbox(member_id, 3, source="bazaar")``: deliver and commit; the new ids, oldest first."""

    def fill(member_id: int, count: int = 1, **changes: Any) -> list[int]:
        with app.app_context(), get_db().new_session() as s:
            member = s.get(Member, member_id)
            ids = []
            for i in range(count):
                fields = {
                    "title_fa": f"سفارش {i + 1} شما پرداخت شد",
                    "title_en": f"Your order {i + 1} was paid",
                    "source": "bazaar",
                    "kind": "order.paid",
                    **changes,
                }
                ids.append(services.deliver(s, member, Message(**fields)).id)
            return ids

    return fill


@pytest.fixture
def unread_of(app: Flask) -> Callable[[int], int]:
    """``unread_of(member_id)``: the member's unread count, read straight from the database."""

    def unread(member_id: int) -> int:
        with app.app_context(), get_db().new_session() as s:
            return services.unread_count(s, s.get(Member, member_id))

    return unread


@pytest.fixture
def notify_member(app: Flask) -> Callable[[int, Message], Any]:
    """``notify_member(member_id, message)``: what any plugin does, the SDK's ``notify()``, committed.

    Returns what ``notify()`` returned (the stored notification, detached, or None).
    """

    def send(member_id: int, message: Message) -> Any:
        with app.app_context():
            s = get_db().session()
            stored = notify(s.get(Member, member_id), message)
            s.commit()
            return stored

    return send
