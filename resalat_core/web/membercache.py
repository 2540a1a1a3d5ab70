"""What every page shows of its reader (the top bar's badges, the home cards), cached per member.

Every page draws the navigation (each plugin's items, some with a count) and the home page asks
every plugin for its next steps and tiles: dozens of queries that depend only on the member. With
``member_cache_url`` set (a Redis server shared by every web machine) they are computed once and
kept, already written in the reader's language, under a key of the member's *generation*:

- a request of the member that writes anything to the database, and anything a plugin tells the
  member (``notify``), moves the generation on once the transaction commits: the member's own acts
  and what they are told show at once;
- roles, region, the language and the generation of the module switches are part of the key
  (switching a module anywhere moves that generation on once it commits);
- anything else (a date passing, another member's act they are not told about) shows within
  ``member_cache_seconds``.

The same generation of the module switches lets each worker keep its snapshot of the activation
table between requests (``resalat_core.plugins.activation``). A request asks the cache server
twice at most: once for both generations, once for every fragment of the member it will show.

The signed-in reader itself (the member, their place and roles: what every request loads before
its page does anything) is kept by each worker under both generations too (``kept_reader``), and
attached to the request's session without a query. Any change to a member's row or roles, by
whoever makes it (an administrator, a job, the member), moves that member's generation on when it
commits, and any change to a region moves the switches' one; so a blocked member, a new password
(the session's version) or a granted role counts at the member's next request, on every worker.

Without the setting nothing is cached (the embedded set-up, and the tests of other parts). An
unreachable cache server is logged and the page computed as before: it never fails a page.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, TypeVar

from flask import Flask, current_app, g, has_app_context, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from resalat_core.web.templating import current_language

log = logging.getLogger(__name__)

EXTENSION = "resalat_member_cache"
_TOUCHED = "resalat_touched_members"
_MODULES = "resalat_touched_modules"
# The fragments a page may show: the bar's links on every page, the next steps and tiles at home
# (fetched in the same round trip as a whole page kept by ``cached_page``).
FRAGMENTS = ("nav", "steps", "tiles")
# Where the request's own CSRF token stood in a page when it was stored.
_TOKEN_MARK = "\x00csrf\x00"  # noqa: S105 (a mark, not a secret)
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

    @property
    def _modules_key(self) -> str:
        return f"{self.namespace}:modules-gen"

    def generations(self, member_id: int | None) -> tuple[int | None, int]:
        """The member's generation (None without a member) and the module switches', in one ask."""
        keys = [self._modules_key] + ([self._gen_key(member_id)] if member_id is not None else [])
        values: Any = self.client.mget(keys)
        modules = int(values[0]) if values[0] is not None else 0
        if member_id is None:
            return None, modules
        return (int(values[1]) if values[1] is not None else 0), modules

    def bump_modules(self) -> None:
        """A module was switched somewhere: every worker's snapshot and every fragment is stale."""
        self.client.incr(self._modules_key)

    def bump(self, member_ids: Iterable[int]) -> None:
        """Move each member's generation on: their cached fragments are no longer read."""
        pipe = self.client.pipeline(transaction=False)
        for member_id in member_ids:
            key = self._gen_key(member_id)
            pipe.incr(key)
            # A generation outlives every fragment keyed by it; an idle member's is forgotten.
            pipe.expire(key, max(self.seconds * 10, 3600))
        pipe.execute()

    def get_many(self, keys: list[str]) -> list[Any]:
        values: Any = self.client.mget([f"{self.namespace}:{key}" for key in keys])
        return [None if value is None else json.loads(value) for value in values]

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


def touch_modules(session: Session) -> None:
    """The module switches change when ``session``'s transaction commits."""
    if member_cache() is not None:
        session.info[_MODULES] = True


def _bump(member_ids: set[int], modules: bool = False, cache: MemberCache | None = None) -> None:
    cache = cache or member_cache()
    if cache is None or not (member_ids or modules):
        return
    try:
        if member_ids:
            cache.bump(member_ids)
        if modules:
            cache.bump_modules()
    except Exception:  # noqa: BLE001 (a cache that is down must never fail the work that committed)
        log.warning("the member cache could not be told of a change", exc_info=True)


def _generations(member_id: int | None) -> tuple[int | None, int] | None:
    """This request's (member's generation, module switches' generation), asked once; None when
    the cache is off or cannot be reached."""
    cache = member_cache()
    if cache is None or not has_request_context():
        return None
    asked = g.setdefault("resalat_member_generations", {})
    if member_id not in asked:
        try:
            asked[member_id] = cache.generations(member_id)
        except Exception:  # noqa: BLE001 (compute the page as if there were no cache)
            log.warning("the member cache cannot be reached", exc_info=True)
            asked[member_id] = None
    return asked[member_id]


def modules_generation() -> int | None:
    """The module switches' generation for this request (None: no cache, read the table)."""
    from flask_login import current_user

    if member_cache() is None or not has_request_context():
        return None
    # The signed-in reader's pair is asked anyway: one round trip serves both.
    member_id = current_user.id if current_user.is_authenticated else None
    found = _generations(member_id)
    return None if found is None else found[1]


_KEPT = "resalat_kept_by_worker"


def _standing(entry: tuple[Any, float, Any] | None, generation: Any) -> bool:
    """A worker's kept ``(generation, when, value)`` still serves: same generation, and kept for
    at most ``member_cache_seconds``."""
    seconds = float(current_app.config["RESALAT"]["member_cache_seconds"])
    return entry is not None and entry[0] == generation and time.monotonic() - entry[1] <= seconds


def _keep(store: dict[Any, Any], key: Any, value: Any) -> None:
    """``store[key] = value``, letting the oldest kept go when ``store`` holds ``KEPT_AT_MOST``."""
    if len(store) >= KEPT_AT_MOST and key not in store:
        # Threads share the store: another may have let the same one go first.
        with contextlib.suppress(StopIteration, RuntimeError, KeyError):
            store.pop(next(iter(store)))
    store[key] = value


def kept_by_worker(name: str, compute: Callable[[], T], *, keep: Callable[[T], bool] | None = None) -> T:
    """What depends on the module switches and the regions only, never on the reader (the
    activation snapshot, a region picker's choices, a plugin's reference data such as M-Bazar's
    category tree): kept by this worker while the generation of the switches stands, and at most
    ``member_cache_seconds``; loading regions moves that generation on too. Without the member
    cache it is computed for every request.

    The value is shared by the worker's threads, so it must be immutable plain data (never rows
    of a session). ``keep(value)`` False serves this request without keeping the value: for one
    computed from what this request's transaction has not committed yet (reference data seeded
    on first use), which a rollback would take back.
    """
    generation = modules_generation()
    if generation is None:
        return compute()
    kept = current_app.extensions.setdefault(_KEPT, {})
    found = kept.get(name)
    if _standing(found, generation):
        return found[2]
    value = compute()
    if keep is None or keep(value):
        kept[name] = (generation, time.monotonic(), value)
    return value


def forget_kept(app: Flask | None = None) -> None:
    """This worker's kept values are stale (a module was switched here; tests emptied the tables)."""
    if app is not None:
        app.extensions.pop(_KEPT, None)
    elif has_app_context():
        current_app.extensions.pop(_KEPT, None)


# How many readers (and as many tokens) a worker keeps, the oldest kept going first: a few
# kilobytes each.
KEPT_AT_MOST = 2000


def kept_reader(member_id: int, load: Callable[[], Any]) -> Any:
    """The signed-in reader for this request: ``load()`` (a query) or, with the member cache on,
    a copy of what this worker loaded before, while the member's generation and the switches'
    stand and for at most ``member_cache_seconds``, attached to the request's session without a
    query. ``load`` must read the member with everything a page reads of its reader."""
    from resalat_core.db import db_session

    found = _generations(member_id)
    if found is None:
        return load()
    readers = current_app.extensions.setdefault(_KEPT, {}).setdefault("readers", {})
    entry = readers.get(member_id)
    now = time.monotonic()
    if _standing(entry, found):
        # Each request gets its own copy: the kept one is shared by the worker's threads.
        return db_session().merge(entry[2], load=False)
    member = load()
    if member is None:
        return None
    # A detached copy for the next requests: merged into a session with no connection, then let
    # go; the request goes on with the member it loaded.
    scratch = Session()
    kept = scratch.merge(member, load=False)
    scratch.close()
    _keep(readers, member_id, (found, now, kept))
    return member


@dataclass(frozen=True)
class KeptToken:
    """What a worker keeps of a bearer token it checked: whose it is and until when it serves."""

    member_id: int
    expires_at: datetime | None
    last_used_at: datetime | None


def kept_token(digest: str) -> KeptToken | None:
    """The token with this digest as this worker checked it before, while its member's generation
    and the switches' stand (any change to the token moves the member's on) and for at most
    ``member_cache_seconds``; None when it must be read. Asks the cache server for the
    generations, so that ``keep_token`` stores under the ones read before the token was."""
    kept = current_app.extensions.setdefault(_KEPT, {}) if member_cache() is not None else None
    if kept is None or not has_request_context():
        return None
    member_id = kept.setdefault("token_owners", {}).get(digest)
    if member_id is None:
        return None
    found = _generations(member_id)
    entry = kept.setdefault("tokens", {}).get(digest)
    g.resalat_token_generations = found
    if found is None or not _standing(entry, found):
        return None
    return entry[2]


def keep_token(digest: str, token: KeptToken) -> None:
    """Keep ``token`` (just read) for the next requests: under the generations ``kept_token`` read
    before it was, so a change committed meanwhile is never hidden; the first time a worker sees a
    token it only learns whose it is."""
    if member_cache() is None or not has_request_context():
        return
    kept = current_app.extensions.setdefault(_KEPT, {})
    owners = kept.setdefault("token_owners", {})
    tokens = kept.setdefault("tokens", {})
    found = g.pop("resalat_token_generations", None)
    if owners.get(digest) == token.member_id and found is not None:
        _keep(tokens, digest, (found, time.monotonic(), token))
    _keep(owners, digest, token.member_id)


def _key(member: Any, what: str) -> str | None:
    """The fragment's key for ``member`` now, or None when the cache cannot be reached."""
    found = _generations(member.id)
    if found is None:
        return None
    generation, modules = found
    prefixes = g.setdefault("resalat_member_prefixes", {})
    if member.id not in prefixes:  # one digest a request, however many fragments it shows
        grants = sorted((grant.role, grant.region_id or 0, grant.kind or "") for grant in member.roles)
        shape = json.dumps([member.region_id, grants, modules])
        digest = hashlib.sha256(shape.encode()).hexdigest()[:16]
        prefixes[member.id] = f"m:{member.id}:{generation}:{current_language()}:{digest}"
    return f"{prefixes[member.id]}:{what}"


def _fetched(cache: MemberCache, member: Any, what: str) -> Any:
    """The stored fragment ``what``; the first ask of a request fetches every fragment a page may
    show (``FRAGMENTS``) in one round trip."""
    held = g.setdefault("resalat_member_stored", {})
    if what not in held:
        wanted = [w for w in dict.fromkeys((what, *FRAGMENTS)) if w not in held]
        keys = [_key(member, w) for w in wanted]
        try:
            values = cache.get_many([k for k in keys if k is not None])
        except Exception:  # noqa: BLE001
            log.warning("the member cache cannot be read", exc_info=True)
            values = [None] * len(wanted)
        held.update(zip(wanted, values, strict=False))
    return held.pop(what)


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
        stored = _fetched(cache, member, what)
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


def cached_page(member: Any, what: str, render: Callable[[], str]) -> str:
    """A whole page of ``member``'s that shows only what their generation covers (the home page),
    from the cache when it holds it; ``render()`` otherwise, stored for the next request.

    What belongs to the request rather than the member is never stored: a page with messages to
    flash or with a query string is rendered every time, and the form token is stored as a mark
    and written back with this request's own.
    """
    from flask import request, session
    from flask_wtf.csrf import generate_csrf

    cache = member_cache()
    if cache is None or request.query_string or session.get("_flashes"):
        return render()
    name = f"page:{what}"
    key = _key(member, name)
    if key is None:
        return render()
    # One round trip for the page and the fragments rendering it would need on a miss.
    stored = _fetched(cache, member, name)
    token = generate_csrf()
    if isinstance(stored, str):
        return stored.replace(_TOKEN_MARK, token)
    html = render()
    try:
        cache.put(key, html.replace(token, _TOKEN_MARK))
    except Exception:  # noqa: BLE001
        log.warning("the member cache cannot be written", exc_info=True)
    return html


def init_member_cache(app: Flask, session_factory: Any) -> None:
    """Use the cache ``member_cache_url`` names, and move a member's generation on whenever a
    request of theirs writes or a plugin tells them something."""
    config = app.config["RESALAT"]
    url = str(config.get("member_cache_url") or "")
    if not url:
        return
    cache = app.extensions[EXTENSION] = MemberCache(
        url, int(config["member_cache_seconds"]), str(config.get("ratelimit_namespace") or "resalat")
    )

    from resalat_core.auth.models import ApiToken
    from resalat_core.members.models import Member, RoleGrant
    from resalat_core.regions.models import Region

    @event.listens_for(session_factory, "after_flush")
    def _wrote(session: Session, _context: Any) -> None:
        # Whatever a member's own request writes may change what they see. Only a member already
        # signed in for this request counts: asking ``current_user`` here would load them, and
        # loading a member by token writes (its last use), flushing again inside this flush.
        touched: set[int] = set()
        member = g.get("_login_user") if has_request_context() else None
        if member is not None and member.is_authenticated:
            touched.add(member.id)
        # Whoever changes a member's row or roles (an administrator, a job), the readers kept of
        # that member are stale; a changed region is part of every reader kept in it.
        for changed in (*session.new, *session.dirty, *session.deleted):
            if isinstance(changed, Member) and changed.id is not None:
                touched.add(changed.id)
            elif isinstance(changed, RoleGrant) and changed.member_id is not None:
                touched.add(changed.member_id)
            elif isinstance(changed, ApiToken) and changed.member_id is not None:
                # A revoked token must not be taken by a worker that kept it.
                touched.add(changed.member_id)
            elif isinstance(changed, Region):
                session.info[_MODULES] = True
        if touched:
            session.info.setdefault(_TOUCHED, set()).update(touched)

    @event.listens_for(session_factory, "after_commit")
    def _committed(session: Session) -> None:
        # A rolled-back request keeps its set until the session is dropped at the request's end:
        # a needless bump at worst, never a missed one.
        # The app's own cache, not the current one: a session of this app may commit outside its
        # context (a script's, a test's), and another app's context must not take its bumps.
        _bump(session.info.pop(_TOUCHED, set()), bool(session.info.pop(_MODULES, False)), cache)
