"""JSON API plumbing: error bodies, schema loading, OpenAPI metadata on views, idempotency."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, current_app, g, jsonify, request
from flask_login import current_user
from marshmallow import Schema, ValidationError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from resalat_core.db import get_db
from resalat_core.errors import BadInput, Conflict, ResalatError
from resalat_core.i18n import _
from resalat_core.rest.models import IdempotencyRecord

F = TypeVar("F", bound=Callable[..., Any])
DOC_ATTR = "_resalat_api_doc"


def error_response(error: ResalatError) -> Response:
    body = error.to_dict()
    names = g.get("resalat_data_keys")
    if names and body["error"]["fields"]:
        # A service names a field as the schema's attribute ("amount_rials"); the client sent it
        # under its data key ("amount"), so that is the name the answer uses.
        body["error"]["fields"] = {names.get(k, k): v for k, v in body["error"]["fields"].items()}
    response = jsonify(body)
    response.status_code = error.status
    return response


def load(schema: Schema | type[Schema], data: Any = None) -> Any:
    """Validate ``data`` (default: the JSON body) with a marshmallow schema; 400 with fields if bad.

    The schema's data keys are remembered for the request, so an error a service raises later
    about one of its attributes names the field as the client sent it.
    """
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
        raise BadInput(_("Please correct the marked fields."), fields=_flatten(exc.messages)) from None


def _flatten(messages: Any) -> dict[str, Any]:
    if isinstance(messages, dict):
        return {str(k): v for k, v in messages.items()}
    return {"_schema": messages}


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
) -> Callable[[F], F]:
    """Describe an API view for the OpenAPI document (the view's docstring becomes its description)."""

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
            },
        )
        return view

    return decorator


# --- idempotency -------------------------------------------------------------------------------

IDEMPOTENCY_HEADER = "Idempotency-Key"


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
    same key with a different body is a 409; a repeat while the first is still running is a 409.
    Answers of 5xx are not stored, so the caller may retry them.
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip()
        if not key or len(key) > 200:
            raise BadInput(
                _("Send an Idempotency-Key header (1 to 200 characters) with this request."),
                fields={IDEMPOTENCY_HEADER: _("Required.")},
                code="idempotency_key_required",
            )
        who = current_user.get_id() if current_user.is_authenticated else "anonymous"
        scope = f"{who.split(':')[0]}:{request.endpoint}"
        fingerprint = _request_hash()
        # Everything goes through the request's own session: a second session in the same thread
        # would wait on the first one's write lock on SQLite.
        session = get_db().session
        session.commit()  # end what the sign-in check read; the claim is its own transaction
        found = _record(session, scope, key)
        if found is not None:
            session.rollback()
            return _replay(found, fingerprint)
        try:
            session.add(IdempotencyRecord(scope=scope, key=key, request_hash=fingerprint))
            session.commit()
        except IntegrityError:
            # Another request with this key got in first between our read and insert.
            session.rollback()
            return _replay(_record(session, scope, key), fingerprint)
        try:
            response = current_app.make_response(view(*args, **kwargs))
        except ResalatError as exc:
            # An error changes nothing (unless it says what it wrote must count, as a wrong
            # signing password does), and the same error is the answer to a repeat.
            if exc.keep_changes:
                session.commit()
            else:
                session.rollback()
            response = error_response(exc)
        except BaseException:
            session.rollback()
            _forget(session, scope, key)
            raise
        if response.status_code >= 500:
            session.rollback()
            _forget(session, scope, key)
            return response
        record = _record(session, scope, key)
        assert record is not None  # claimed above, in this request's own transaction
        record.status = response.status_code
        record.body = response.get_json(silent=True)
        # Committed with whatever the view left uncommitted: the answer and the work land together.
        session.commit()
        return response

    wrapper._resalat_idempotent = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def _record(session: Any, scope: str, key: str) -> IdempotencyRecord | None:
    return session.scalar(
        select(IdempotencyRecord).where(IdempotencyRecord.scope == scope, IdempotencyRecord.key == key)
    )


def _forget(session: Any, scope: str, key: str) -> None:
    session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.scope == scope, IdempotencyRecord.key == key)
    )
    session.commit()


def _replay(record: IdempotencyRecord | None, fingerprint: str) -> Response:
    if record is None:  # the first request failed and was forgotten in the meantime
        raise Conflict(_("A request with this Idempotency-Key just failed; retry it."))
    if record.request_hash != fingerprint:
        raise Conflict(
            _("This Idempotency-Key was already used for a different request."),
            code="idempotency_key_reused",
        )
    if record.status is None:
        raise Conflict(
            _("A request with this Idempotency-Key is still being processed."),
            code="idempotency_in_progress",
        )
    response = jsonify(record.body)
    response.status_code = record.status
    response.headers["Idempotent-Replayed"] = "true"
    return response
