"""JSON API plumbing: error bodies, schema loading, OpenAPI metadata on views, idempotency."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import Response, current_app, g, jsonify, request
from flask_login import current_user
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import delete, select

from resalat_core import claims, ratelimit
from resalat_core.db import get_db
from resalat_core.errors import BadInput, Conflict, ResalatError
from resalat_core.i18n import _
from resalat_core.rest.models import IdempotencyRecord
from resalat_core.words import Number

F = TypeVar("F", bound=Callable[..., Any])
DOC_ATTR = "_resalat_api_doc"

# The database's integer columns: ids and counts are 32-bit, money (rials) 64-bit.
MAX_INT = 2**31 - 1
# The ids of the tables that grow with activity (``BigId``) are 64-bit.
MAX_BIG_ID = 2**63 - 1
# The most rials a money field may carry: a thousand trillion, far above any real sum, far below
# what a 64-bit column holds, so no sum of a few of them overflows either.
MAX_MONEY = 10**15
_MONEY_WORDS = ("rials", "amount", "price", "balance", "toman", "fee", "income", "expense", "cost")


class UtcDateTime(fields.DateTime):
    """A date-time that always carries its offset: stored times are UTC without a zone.

    The API document says ``format: date-time`` (RFC 3339), which requires an offset; a naive
    value written as it is would not say which time it is.
    """

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | float | None:
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class RowId(fields.Integer):
    """The id of a row, in a body or a response: 1 to 2³¹−1, as the database holds it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("strict", True)
        super().__init__(validate=validate.Range(min=1, max=MAX_INT), **kwargs)


class BigRowId(fields.Integer):
    """The id of a row of a table with 64-bit ids (``BigId``): 1 to 2⁶³−1 (since SDK 1.7)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("strict", True)
        super().__init__(validate=validate.Range(min=1, max=MAX_BIG_ID), **kwargs)


class PageMeta(Schema):
    """Where a page of a list stands: its number, size, and the whole list's length."""

    page = fields.Integer(validate=validate.Range(min=1))
    per_page = fields.Integer(validate=validate.Range(min=1))
    total = fields.Integer(validate=validate.Range(min=0))
    pages = fields.Integer(validate=validate.Range(min=1))


def _bounded(field: fields.Field, name: str) -> None:
    if isinstance(field, fields.Nested):
        nested = field.nested
        if isinstance(nested, type) and issubclass(nested, Schema) or isinstance(nested, Schema):
            bound_integers(nested)
    elif isinstance(field, fields.List) and field.inner is not None:
        _bounded(field.inner, name)
    elif isinstance(field, fields.Dict) and field.value_field is not None:
        _bounded(field.value_field, name)
    elif isinstance(field, fields.Integer):
        ranges = [v for v in field.validators if isinstance(v, validate.Range)]
        money = any(word in name.lower() for word in _MONEY_WORDS)
        limit = MAX_MONEY if money else MAX_INT
        # A range the plugin gave keeps its bounds; a side it left open gets the database's.
        if not any(r.max is not None for r in ranges):
            field.validators.append(validate.Range(max=limit))
        if not any(r.min is not None for r in ranges):
            field.validators.append(validate.Range(min=-limit))


_BOUND: set[type[Schema]] = set()


def bound_integers(schema: Schema | type[Schema]) -> None:
    """Give every integer field of ``schema`` (and what it nests) the range the database holds.

    A field a plugin bounded itself keeps its own range. Without a bound, 10³⁰ in a body reaches
    the database (a 500 on PostgreSQL) or a service that reads it as some other mistake; with it,
    the answer is a 400 naming the field, and the OpenAPI document shows the range too.
    """
    if isinstance(schema, type):
        # A class's declared fields are copied into each instance, so bounding them once is enough.
        if schema in _BOUND:
            return
        _BOUND.add(schema)
        declared = schema._declared_fields
    else:
        declared = schema.fields
    for name, field in declared.items():
        _bounded(field, field.data_key or name)


def error_response(error: ResalatError) -> Response:
    body = error.to_dict()
    names = g.get("resalat_data_keys")
    if names and body["error"]["fields"]:
        # A service names a field as the schema's attribute ("amount_rials"); the client sent it
        # under its data key ("amount"), so that is the name the answer uses.
        body["error"]["fields"] = {names.get(k, k): v for k, v in body["error"]["fields"].items()}
    response = jsonify(body)
    response.status_code = error.status
    _retry_after(response, error)
    return response


def _retry_after(response: Response, error: ResalatError) -> None:
    """A 429 says when to come back (``Retry-After``, in seconds), on pages and in the API alike."""
    wait = getattr(error, "retry_after_seconds", lambda: None)()
    if wait is not None:
        response.headers["Retry-After"] = str(wait)


def load(schema: Schema | type[Schema], data: Any = None) -> Any:
    """Validate ``data`` (default: the JSON body) with a marshmallow schema; 400 with fields if bad.

    The schema's data keys are remembered for the request, so an error a service raises later
    about one of its attributes names the field as the client sent it.
    """
    bound_integers(schema)
    if isinstance(schema, type):
        schema = schema()
    keys = {name: f.data_key for name, f in schema.fields.items() if f.data_key and f.data_key != name}
    g.resalat_data_keys = {**g.get("resalat_data_keys", {}), **keys}
    if data is None:
        data = request.get_json(silent=True)
        if data is None:
            raise BadInput(_("Send a JSON object as the request body."), code="bad_json")
    try:
        return schema.load(data)
    except ValidationError as exc:
        messages = _lists_in_entries(schema, exc.messages)
        raise BadInput(_("Please correct the marked fields."), fields=field_errors(messages)) from None


# marshmallow's Length says "length" of a string and of a list alike; a list's is said in entries
# ("at most 20 entries"), not in characters, so the schema's fields are asked which ones are lists.
def _lengths_said(
    at_least: Callable[..., str], at_most: Callable[..., str], between: Callable[..., str]
) -> list[tuple[re.Pattern[str], Callable[..., str]]]:
    """marshmallow's three Length messages, said with the given words (of characters or entries)."""
    return [
        (re.compile(r"Shorter than minimum length ([0-9]+)\."), lambda low: at_least(min=_num(low))),
        (re.compile(r"Longer than maximum length ([0-9]+)\."), lambda high: at_most(max=_num(high))),
        (
            re.compile(r"Length must be between ([0-9]+) and ([0-9]+)\."),
            lambda low, high: between(min=_num(low), max=_num(high)),
        ),
    ]


_LIST_SAID = _lengths_said(
    lambda **n: _("At least %(min)s entries.", **n),
    lambda **n: _("At most %(max)s entries.", **n),
    lambda **n: _("From %(min)s to %(max)s entries.", **n),
)


def _lists_in_entries(schema: Schema, messages: Any) -> Any:
    """``messages`` with the length errors of ``schema``'s list fields (and its nested schemas')
    said in entries; the rest is left for ``localize_messages``."""
    if not isinstance(messages, dict):
        return messages
    by_key = {(f.data_key or name): f for name, f in schema.fields.items()}
    said: dict[Any, Any] = {}
    for key, value in messages.items():
        field = by_key.get(key)
        if isinstance(field, fields.List) and isinstance(value, list):
            value = [_said(_LIST_SAID, v) for v in value]
        elif isinstance(field, fields.Nested) and isinstance(field.schema, Schema) and not field.many:
            value = _lists_in_entries(field.schema, value)
        said[key] = value
    return said


def _said(patterns: list[tuple[re.Pattern[str], Callable[..., str]]], message: Any) -> Any:
    """``message`` said by the first of ``patterns`` it matches whole, or as it is."""
    if isinstance(message, str):
        for pattern, say in patterns:
            found = pattern.fullmatch(message)
            if found:
                return say(*found.groups())
    return message


def field_errors(messages: Any) -> dict[str, Any]:
    """A schema's error messages as the error envelope's ``fields``, in the reader's language."""
    messages = localize_messages(messages)
    if isinstance(messages, dict):
        return {str(k): v for k, v in messages.items()}
    return {"_schema": messages}


# marshmallow's messages are English sentences formatted when its fields and validators are made
# (at import, before any reader is known), so they are recognised here, when an error is answered,
# and said again in the reader's language with the numbers written their way.
_NUMBER = r"(-?[0-9]+(?:\.[0-9]+)?)"
_SAID: list[tuple[re.Pattern[str], Callable[..., str]]] = [
    (re.compile(r"Missing data for required field\."), lambda: _("Required.")),
    (re.compile(r"Field may not be null\."), lambda: _("May not be empty.")),
    (re.compile(r"Invalid value\."), lambda: _("Not a valid value.")),
    (re.compile(r"Not a valid (?:utf-8 )?string\."), lambda: _("Must be text.")),
    (re.compile(r"Not a valid integer\."), lambda: _("Must be a whole number.")),
    (
        re.compile(r"Not a valid number\.|Special numeric values .* are not permitted\."),
        lambda: _("Must be a number."),
    ),
    (re.compile(r"Number too large\."), lambda: _("The number is too large.")),
    (re.compile(r"Not a valid boolean\."), lambda: _("Must be true or false.")),
    (re.compile(r"Not a valid (?:list|tuple)\."), lambda: _("Must be a list.")),
    (re.compile(r"Not a valid mapping type\.|Invalid type\."), lambda: _("Must be an object.")),
    (re.compile(r"Invalid input type\."), lambda: _("Send a JSON object as the request body.")),
    (re.compile(r"Unknown field\."), lambda: _("Not a field of this request.")),
    (re.compile(r"Not a valid (?:datetime|date|time)\."), lambda: _("Not a valid date.")),
    (re.compile(r"Not a valid (?:email address|URL|UUID)\."), lambda: _("Not in the expected form.")),
    (re.compile(r"String does not match expected pattern\."), lambda: _("Not in the expected form.")),
    (
        re.compile(rf"Must be greater than or equal to {_NUMBER} and less than or equal to {_NUMBER}\."),
        lambda low, high: _("Must be from %(min)s to %(max)s.", min=_num(low), max=_num(high)),
    ),
    (
        re.compile(rf"Must be greater than or equal to {_NUMBER}\."),
        lambda low: _("Must be %(min)s or more.", min=_num(low)),
    ),
    (
        re.compile(rf"Must be less than or equal to {_NUMBER}\."),
        lambda high: _("Must be %(max)s or less.", max=_num(high)),
    ),
    (
        re.compile(rf"Must be greater than {_NUMBER}\."),
        lambda low: _("Must be more than %(min)s.", min=_num(low)),
    ),
    (
        re.compile(rf"Must be less than {_NUMBER}\."),
        lambda high: _("Must be less than %(max)s.", max=_num(high)),
    ),
    *_lengths_said(
        lambda **n: _("At least %(min)s characters.", **n),
        lambda **n: _("At most %(max)s characters.", **n),
        lambda **n: _("From %(min)s to %(max)s characters.", **n),
    ),
    (re.compile(r"Length must be ([0-9]+)\."), lambda n: _("Exactly %(count)s characters.", count=_num(n))),
    (
        re.compile(r"Must be one of: (.*)\."),
        lambda choices: _("Must be one of: %(choices)s.", choices=choices),
    ),
]


def _num(text: str) -> Number | float:
    # A whole number with its thousands separated (۲٬۱۴۷٬۴۸۳٬۶۴۷), in the reader's digits.
    return float(text) if "." in text else Number(int(text))


def localize_messages(messages: Any) -> Any:
    """marshmallow's error messages (a string, a list, a dict of them) in the reader's language.

    A message a plugin wrote itself (already translated) is left as it is.
    """
    if isinstance(messages, dict):
        return {k: localize_messages(v) for k, v in messages.items()}
    if isinstance(messages, list):
        return [localize_messages(v) for v in messages]
    return _said(_SAID, messages)


def dump(schema: Schema | type[Schema], obj: Any, *, many: bool = False) -> Any:
    if isinstance(schema, type):
        schema = schema(many=many)
    return schema.dump(obj)


def api_doc(
    *,
    summary: str,
    tags: list[str] | None = None,
    body: type[Schema] | None = None,
    response: type[Schema] | None = None,
    many: bool = False,
    paginated: bool = False,
    status: int = 200,
    query: dict[str, str] | None = None,
    idempotent: bool = False,
    meta: type[Schema] | None = None,
    upload: dict[str, str] | None = None,
) -> Callable[[F], F]:
    """Describe an API view for the OpenAPI document (the view's docstring becomes its description).

    ``response`` is the schema the view dumps with; a paginated list answers
    ``{"items": [...], "meta": ...}`` where ``meta`` is ``PageMeta`` or a schema extending it.
    ``upload`` describes a ``multipart/form-data`` body instead of JSON: each field's name and
    its type, ``"file"`` for the uploaded file (required), ``"boolean"`` or ``"string"``.
    """

    # Only what the caller sends is bounded: a response may well carry a sum past 2³¹ rials.
    if body is not None:
        bound_integers(body)

    def decorator(view: F) -> F:
        setattr(
            view,
            DOC_ATTR,
            {
                "summary": summary,
                "tags": tags,
                "body": body,
                "response": response,
                "many": many,
                "paginated": paginated,
                "status": status,
                "query": query or {},
                "idempotent": idempotent or getattr(view, "_resalat_idempotent", False),
                "meta": meta or PageMeta,
                "upload": upload,
            },
        )
        return view

    return decorator


# --- idempotency -------------------------------------------------------------------------------

IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200


def _request_hash() -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(request.path.encode())
    # The query can change what a request does, so it belongs to the request as much as the body.
    digest.update(b"?" + request.query_string)
    body = request.get_json(silent=True)
    payload = json.dumps(body, sort_keys=True, ensure_ascii=False) if body is not None else request.get_data()
    digest.update(payload.encode() if isinstance(payload, str) else payload)
    return digest.hexdigest()


def idempotent(view: F) -> F:
    """Make a POST safe to repeat: the same ``Idempotency-Key`` returns the first answer.

    The key is required. A repeat with the same body gets the stored answer and acts no more; the
    same key with a different body is a 409; a repeat while the first is still running waits a
    moment for it, then is a 409 (``Retry-After``). Only a success is stored: a refusal (4xx)
    changed nothing, so the key is not used up and the caller may send the same request again
    once it can succeed (after a top-up, say); nor is a 5xx, which may be retried.

    The key is claimed in the request's own transaction, which also carries the view's work and
    the stored answer (the view's ``commit()`` is held back until the answer is written). So
    there is never a committed claim without its answer: a request whose process dies mid-work
    leaves nothing behind, since the database rolls its transaction back and drops its locks
    with the connection, and the retry does the work once.
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip()
        if not key:
            raise BadInput(
                _("Send an Idempotency-Key header (1 to 200 characters) with this request."),
                fields={IDEMPOTENCY_HEADER: _("Required.")},
                code="idempotency_key_required",
            )
        if len(key) > MAX_KEY_LENGTH:
            raise BadInput(
                _("The Idempotency-Key header is too long: at most 200 characters."),
                fields={IDEMPOTENCY_HEADER: _("At most 200 characters.")},
                code="idempotency_key_too_long",
            )
        who = current_user.get_id() if current_user.is_authenticated else "anonymous"
        # Money moves here: limited per member and per address (429 with Retry-After past it).
        ratelimit.hit("money_member", ratelimit.member_key())
        ratelimit.hit("money_address", ratelimit.address_key())
        scope = f"{who.split(':')[0]}:{request.endpoint}"
        fingerprint = _request_hash()
        # Everything goes through the request's own session: a second session in the same thread
        # would wait on the first one's write lock on SQLite.
        session = get_db().session
        session.commit()  # end what the sign-in check read; the claim opens the work's transaction
        answered = _claim(session, scope, key, fingerprint)
        if answered is not None:
            return answered
        try:
            with _commits_held_back(session()):
                response = current_app.make_response(view(*args, **kwargs))
        except ResalatError as exc:
            # A refusal changes nothing (unless it says what it wrote must count, as a wrong
            # signing password does), and leaves the key free for the request to be sent again.
            if exc.keep_changes:
                _unclaim(session, scope, key)
                session.commit()
            else:
                session.rollback()
            return error_response(exc)
        except BaseException:
            session.rollback()
            raise
        if response.status_code >= 400:
            session.rollback()
            return response
        record = _record(session, scope, key)
        assert record is not None  # claimed above, in this request's own transaction
        record.status = response.status_code
        record.body = response.get_json(silent=True)
        # One commit for the claim, the work and the answer: they land together or not at all.
        session.commit()
        return response

    wrapper._resalat_idempotent = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def _claim(session: Any, scope: str, key: str, fingerprint: str) -> Response | None:
    """Claim ``key`` in the session's (new) transaction (``claims.claim``); None when this request
    is to do the work, else the answer to give: the stored one, or a 409 while the first runs."""
    try:
        if claims.claim(
            session, IdempotencyRecord, {"scope": scope, "key": key}, {"request_hash": fingerprint}
        ):
            return None
    except claims.StillRunning:
        return _still_running()
    found = _record(session, scope, key)
    session.rollback()
    return _replay(found, fingerprint)


def _still_running() -> Response:
    response = error_response(
        Conflict(
            _("A request with this Idempotency-Key is still being processed."),
            code="idempotency_in_progress",
        )
    )
    response.headers["Retry-After"] = "1"
    return response


@contextmanager
def _commits_held_back(session: Any) -> Iterator[None]:
    """While an idempotent view runs, its ``commit()`` only flushes (``claims.hold_commits``)."""
    claims.hold_commits(session)
    try:
        yield
    finally:
        claims.release_commits(session)


def _record(session: Any, scope: str, key: str) -> IdempotencyRecord | None:
    return session.scalar(
        select(IdempotencyRecord).where(IdempotencyRecord.scope == scope, IdempotencyRecord.key == key)
    )


def _unclaim(session: Any, scope: str, key: str) -> None:
    session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.scope == scope, IdempotencyRecord.key == key)
    )


def _replay(record: IdempotencyRecord | None, fingerprint: str) -> Response:
    if record is None:  # the first request failed and was forgotten in the meantime
        raise Conflict(_("A request with this Idempotency-Key just failed; retry it."))
    if record.request_hash != fingerprint:
        raise Conflict(
            _("This Idempotency-Key was already used for a different request."),
            code="idempotency_key_reused",
        )
    if record.status is None:  # taken over by a retry of a request that died, now at work
        return _still_running()
    response = jsonify(record.body)
    response.status_code = record.status
    response.headers["Idempotent-Replayed"] = "true"
    return response
