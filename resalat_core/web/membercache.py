"""What every page shows of its reader (the top bar's badges, the home cards), cached per member.

Every page draws the navigation (each plugin's items, some with a count) and the home page asks
every plugin for its next steps and tiles: dozens of queries that depend only on the member. With
``member_cache_url`` set (a Redis server shared by every web machine) they are computed once and
kept, already written in the reader's language, under a key of the member's *generation*:

- a request of the member that writes anything to the database, and anything a plugin tells the
  member (``notify``), moves the generation on once the transaction commits: the member's own acts
  and what they are told show at once;
- roles, region, the modules switched on there and the language are part of the key;
- anything else (a date passing, another member's act they are not told about) shows within
  ``member_cache_seconds``.

Without the setting nothing is cached (the embedded set-up, and the tests of other parts). An
unreachable cache server is logged and the page computed as before: it never fails a page.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import fields
from typing import Any, TypeVar

from flask import Flask, current_app, g, has_app_context, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from resalat_core.web.templating import current_language

log = logging.getLogger(__name__)

EXTENSION = "resalat_member_cache"
_TOUCHED = "resalat_touched_members"
T = TypeVar("T")


class MemberCache:
    """A Redis-backed cache of per-member fragments, keyed by the member's generation."""

    def __init__(self, url: str, seconds: int, namespace: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.seconds = seconds
        self.namespace = namespace

    def _gen_key(self, member_id: int) -> str:
        return f"{self.namespace}:member-gen:{member_id}"

    def generation(self, member_id: int) -> int:
        value: Any = self.client.get(self._gen_key(member_id))
        return int(value) if value is not None else 0

    def bump(self, member_ids: Iterable[int]) -> None:
        """Move each member's generation on: their cached fragments are no longer read."""
        pipe = self.client.pipeline(transaction=False)
        for member_id in member_ids:
            key = self._gen_key(member_id)
            pipe.incr(key)
            # A generation outlives every fragment keyed by it; an idle member's is forgotten.
            pipe.expire(key, max(self.seconds * 10, 3600))
        pipe.execute()

    def get(self, key: str) -> Any:
        value: Any = self.client.get(f"{self.namespace}:{key}")
        return None if value is None else json.loads(value)

    def put(self, key: str, value: Any) -> None:
        self.client.set(f"{self.namespace}:{key}", json.dumps(value, ensure_ascii=False), ex=self.seconds)


def member_cache() -> MemberCache | None:
    if not has_app_context():
        return None
    return current_app.extensions.get(EXTENSION)


def touch(session: Session | None, member_id: int | None) -> None:
    """What ``member_id`` sees changes when ``session``'s transaction commits (or now, without one)."""
    if member_id is None or member_cache() is None:
        return
    if session is None:
        _bump({member_id})
        return
    session.info.setdefault(_TOUCHED, set()).add(member_id)


def _bump(member_ids: set[int]) -> None:
    cache = member_cache()
    if cache is None or not member_ids:
        return
    try:
        cache.bump(member_ids)
    except Exception:  # noqa: BLE001 (a cache that is down must never fail the work that committed)
        log.warning("the member cache could not be told of a change", exc_info=True)


def _key(member: Any, what: str) -> str | None:
    """The fragment's key for ``member`` now, or None when the cache cannot be reached."""
    from resalat_core.plugins.activation import active_modules

    cache = member_cache()
    assert cache is not None
    # Read once per request: the bar and the home cards share it.
    generations = g.setdefault("resalat_member_generations", {})
    if member.id not in generations:
        try:
            generations[member.id] = cache.generation(member.id)
        except Exception:  # noqa: BLE001 (compute the page as if there were no cache)
            log.warning("the member cache cannot be reached", exc_info=True)
            generations[member.id] = None
    generation = generations[member.id]
    if generation is None:
        return None
    grants = sorted((grant.role, grant.region_id or 0, grant.kind or "") for grant in member.roles)
    shape = json.dumps([member.region_id, grants, active_modules(member)])
    digest = hashlib.sha256(shape.encode()).hexdigest()[:16]
    return f"m:{member.id}:{generation}:{current_language()}:{digest}:{what}"


def _written(item: Any) -> dict[str, Any]:
    """A card's fields with every text written now, in the reader's language."""
    return {
        f.name: (value if value is None or isinstance(value, int | float | bool) else str(value))
        for f in fields(item)
        for value in [getattr(item, f.name)]
    }


def cached_items(member: Any, what: str, compute: Callable[[], list[T]], kind: type[T]) -> list[T]:
    """``compute()``'s cards for ``member`` (NextStep, Tile, NavItem...), from the cache when it
    holds them for the member's generation; once per request either way."""
    memo = g.setdefault("resalat_member_fragments", {})
    if what in memo:
        return memo[what]
    cache = member_cache()
    key = _key(member, what) if cache is not None else None
    items: list[T] | None = None
    if key is not None and cache is not None:
        try:
            stored = cache.get(key)
        except Exception:  # noqa: BLE001
            log.warning("the member cache cannot be read", exc_info=True)
            stored = None
        if stored is not None:
            items = [kind(**row) for row in stored]
    if items is None:
        items = compute()
        if key is not None and cache is not None:
            try:
                cache.put(key, [_written(item) for item in items])
            except Exception:  # noqa: BLE001
                log.warning("the member cache cannot be written", exc_info=True)
    memo[what] = items
    return items


def init_member_cache(app: Flask, session_factory: Any) -> None:
    """Use the cache ``member_cache_url`` names, and move a member's generation on whenever a
    request of theirs writes or a plugin tells them something."""
    config = app.config["RESALAT"]
    url = str(config.get("member_cache_url") or "")
    if not url:
        return
    app.extensions[EXTENSION] = MemberCache(
        url, int(config["member_cache_seconds"]), str(config.get("ratelimit_namespace") or "resalat")
    )

    @event.listens_for(session_factory, "after_flush")
    def _wrote(session: Session, _context: Any) -> None:
        # Whatever a member's own request writes may change what they see. Only a member already
        # signed in for this request counts: asking ``current_user`` here would load them, and
        # loading a member by token writes (its last use), flushing again inside this flush.
        member = g.get("_login_user") if has_request_context() else None
        if member is not None and member.is_authenticated:
            session.info.setdefault(_TOUCHED, set()).add(member.id)

    @event.listens_for(session_factory, "after_commit")
    def _committed(session: Session) -> None:
        # A rolled-back request keeps its set until the session is dropped at the request's end:
        # a needless bump at worst, never a missed one.
        _bump(session.info.pop(_TOUCHED, set()))
