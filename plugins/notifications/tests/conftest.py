"""Fixtures for the notifications tests: a plugin that sends, filling an inbox, looking into it.

The app also loads a test-only plugin, ``sender``, that declares message kinds with its own
Persian catalogue, as M-Bazar would: what the inbox shows is rendered from kinds it does not own.
Each helper works in a transaction of its own, committed before it returns, the way another
plugin's request would.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from resalat_notifications import services

from resalat_core.sdk import Member, Message, Money, get_db, notify
from resalat_core.testing import session_app

FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(FIXTURES))

from resalat_fixture_sender import plugin as sender  # noqa: E402
from resalat_fixture_sender.messages import ORDER_PAID  # noqa: E402


@pytest.fixture(scope="session")
def _session_app(database_url: str) -> Iterator[Flask]:
    yield from session_app(database_url, {"sender": sender})


@pytest.fixture
def fill_inbox(app: Flask) -> Callable[..., list[int]]:
    """``fill_inbox(member_id, 3)``: deliver "order paid" messages and commit; the new ids, oldest first."""

    def fill(member_id: int, count: int = 1, **changes: Any) -> list[int]:
        with app.app_context(), get_db().new_session() as s:
            member = s.get(Member, member_id)
            ids = []
            for i in range(count):
                message = ORDER_PAID(number=i + 1, amount=Money(125_000), **changes)
                ids.append(services.deliver(s, member, message).id)
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


def _empty_inbox(app: Flask, member_id: int) -> None:
    # Every new member is welcomed (tested on its own); tests of the inbox's workings start from
    # an empty one so that what they count is only what they sent.
    from resalat_notifications.models import Notification
    from sqlalchemy import delete

    with app.app_context(), get_db().new_session() as s:
        s.execute(delete(Notification).where(Notification.member_id == member_id))
        s.commit()


@pytest.fixture
def member_with_empty_inbox(app: Flask, make_member: Any) -> Callable[..., int]:
    """``member_with_empty_inbox()``: ``make_member``, with the welcome taken out of the inbox."""

    def make(*args: Any, **kwargs: Any) -> int:
        member_id = make_member(*args, **kwargs)
        _empty_inbox(app, member_id)
        return member_id

    return make


@pytest.fixture
def reader_as(app: Flask, client_as: Any) -> Callable[..., Any]:
    """``reader_as("member")``: ``client_as``, with the welcome taken out of the inbox."""

    def make(*args: Any, **kwargs: Any) -> Any:
        client = client_as(*args, **kwargs)
        _empty_inbox(app, client.member_id)
        return client

    return make


@pytest.fixture
def api_reader_as(app: Flask, api_as: Any) -> Callable[..., Any]:
    """``api_reader_as("member")``: ``api_as``, with the welcome taken out of the inbox."""

    def make(*args: Any, **kwargs: Any) -> Any:
        client = api_as(*args, **kwargs)
        _empty_inbox(app, client.member_id)
        return client

    return make
