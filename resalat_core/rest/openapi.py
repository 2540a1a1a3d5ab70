"""One OpenAPI document for the host and every loaded plugin, built from the API views' metadata."""

from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask import Flask
from marshmallow import Schema, fields

from resalat_core import __version__
from resalat_core.access import access_of
from resalat_core.rest.core import DOC_ATTR

_CONVERTER = re.compile(r"<(?:(?P<conv>[a-z]+):)?(?P<name>\w+)>")


class ErrorDetail(Schema):
    code = fields.String(required=True, metadata={"example": "bad_input"})
    message = fields.String(required=True)
    fields = fields.Dict(keys=fields.String(), values=fields.Raw())  # type: ignore[assignment]


class Error(Schema):
    error = fields.Nested(ErrorDetail, required=True)


class PageMeta(Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


def _path_and_params(rule: str) -> tuple[str, list[dict[str, Any]]]:
    params = []
    for match in _CONVERTER.finditer(rule):
        kind = "integer" if match.group("conv") == "int" else "string"
        params.append({"name": match.group("name"), "in": "path", "required": True, "schema": {"type": kind}})
    return _CONVERTER.sub(lambda m: "{" + m.group("name") + "}", rule), params


def _schema_name(schema: Any) -> str:
    """A component name: ``Region`` for the host's schemas, ``<plugin>.Name`` for a plugin's."""
    schema_cls = resolve_schema_cls(schema)
    assert isinstance(schema_cls, type)  # one schema here, never a list of them
    name = schema_cls.__name__.removesuffix("Schema") or schema_cls.__name__
    if schema_cls.__module__.split(".")[0] != "resalat_core":
        name = f"{schema_cls.__module__.split('.')[0].removeprefix('resalat_')}.{name}"
    return name


def build_openapi(app: Flask) -> dict[str, Any]:
    spec = APISpec(
        title="M-Resalat API",
        version=__version__,
        openapi_version="3.0.3",
        # Nested schemas are registered by apispec itself: same names as ref() below gives.
        plugins=[MarshmallowPlugin(schema_name_resolver=_schema_name)],
        info={
            "description": "The API of the Resalat super-app: the host and every installed plugin. "
            "Authenticate with `Authorization: Bearer <token>` (`resalat members token`). "
            'Errors are `{"error": {"code", "message", "fields"}}`.',
        },
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", schema=Error)
    spec.components.schema("PageMeta", schema=PageMeta)
    seen_schemas: set[str] = {"Error", "PageMeta"}

    def ref(schema_cls: type[Schema]) -> str:
        name = _schema_name(schema_cls)
        # Already there if an earlier schema nested it (MemberSchema nests RegionSchema).
        if name not in seen_schemas and name not in spec.components.schemas:
            spec.components.schema(name, schema=schema_cls)
            seen_schemas.add(name)
        return name

    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions.get(rule.endpoint)
        doc = getattr(view, DOC_ATTR, None)
        if doc is None:
            continue
        path, params = _path_and_params(rule.rule)
        access = access_of(view) or {}  # type: ignore[arg-type]
        blueprint = rule.endpoint.split(".")[0]
        # By owner, not by splitting "<plugin>_api" at "_": plugin names may hold "_" themselves.
        default_tag = app.extensions["resalat"].blueprint_owner.get(blueprint, blueprint)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            op: dict[str, Any] = {
                "summary": doc["summary"],
                "operationId": f"{rule.endpoint}.{method.lower()}",
                "tags": doc["tags"] or [default_tag],
                "parameters": list(params),
                "responses": {
                    "400": {"description": "Bad input", "content": _json("Error")},
                },
            }
            if view.__doc__:
                op["description"] = view.__doc__.strip()
            if access.get("kind") == "public":
                op["security"] = []  # open to anyone, against the document's default below
            else:
                op["security"] = [{"bearer": []}]
                op["responses"]["401"] = {"description": "Not signed in", "content": _json("Error")}
            if access.get("kind") == "permission":
                op["responses"]["403"] = {
                    "description": f"Needs the permission {access['permission']}",
                    "content": _json("Error"),
                }
            if params:
                op["responses"]["404"] = {"description": "Not found", "content": _json("Error")}
            for name, description in doc["query"].items():
                op["parameters"].append(
                    {
                        "name": name,
                        "in": "query",
                        "required": False,
                        "description": description,
                        "schema": {"type": "string"},
                    }
                )
            if doc["paginated"]:
                op["parameters"] += [
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {
                        "name": "per_page",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1},
                    },
                ]
            if doc["idempotent"]:
                op["parameters"].append(
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string", "maxLength": 200},
                    }
                )
                op["responses"]["409"] = {
                    "description": "Idempotency-Key reused or still in progress",
                    "content": _json("Error"),
                }
            if doc["body"] is not None and method in {"POST", "PUT", "PATCH"}:
                op["requestBody"] = {"required": True, "content": _json(ref(doc["body"]))}
            ok: dict[str, Any] = {"description": "OK"}
            if doc["response"] is not None:
                item = {"$ref": f"#/components/schemas/{ref(doc['response'])}"}
                if doc["paginated"]:
                    schema: dict[str, Any] = {
                        "type": "object",
                        "properties": {
                            "items": {"type": "array", "items": item},
                            "meta": {"$ref": "#/components/schemas/PageMeta"},
                        },
                    }
                elif doc["many"]:
                    schema = {"type": "array", "items": item}
                else:
                    schema = item
                ok["content"] = {"application/json": {"schema": schema}}
            op["responses"][str(doc["status"])] = ok
            paths.setdefault(path, {})[method.lower()] = op
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    app.extensions["resalat"].plugins.pm.hook.resalat_openapi(spec=spec)
    document = spec.to_dict()
    # Signed in by default; each public operation says so with an empty security list.
    document["security"] = [{"bearer": []}]
    return document


def _json(name: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}
