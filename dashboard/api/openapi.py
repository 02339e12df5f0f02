"""The OpenAPI 3.1 document of /api/v1, built from the routes themselves and their pydantic models.

Each API view carries its description (`@described(...)`); `build_document` walks the app's URL map, so a
route without a description shows up as undocumented (a test fails on that) and schemas cannot drift from
the models the views validate with.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from pydantic import BaseModel

from dashboard.api.models import ErrorOut

PREFIX = "/api/v1"
REF = "#/components/schemas/{model}"
_VARIABLE = re.compile(r"<(?:(?P<conv>[^:<>]+):)?(?P<name>[^<>]+)>")
_COMMON = {
    401: "Tanpa login atau token yang sah",
    403: "Peran ini tidak boleh melakukan ini",
}
_SECURITY = [{"bearerAuth": []}, {"sessionCookie": []}]


@dataclass
class Description:
    """What the document says of one API operation."""

    summary: str
    body: type[BaseModel] | None = None
    responses: dict[int, tuple[type[BaseModel] | None, str]] = field(default_factory=dict)
    query: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, Any]] = field(default_factory=list)
    path: dict[str, str] = field(default_factory=dict)
    examples: dict[str, dict[str, Any]] = field(default_factory=dict)
    response_examples: dict[int, dict[str, Any]] = field(default_factory=dict)
    media: dict[int, str] = field(default_factory=dict)  # answers that are not JSON: status → media type (text)


def described(summary: str, **kwargs: Any) -> Callable:
    """Decorator attaching an operation's description to a view (outermost, under `@bp.route`)."""

    def wrap(view: Callable) -> Callable:
        view.openapi = Description(summary, **kwargs)
        return view

    return wrap


def query(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    """An optional query parameter."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """The query parameters a query model reads, each with its description and schema."""
    schema = model.model_json_schema(mode="validation")
    required = set(schema.get("required", []))
    out = []
    for name, prop in schema["properties"].items():
        prop = {k: v for k, v in prop.items() if k not in ("title", "default", "description")}
        options = [option for option in prop.pop("anyOf", []) if option != {"type": "null"}]
        if options:  # a parameter is given or left out, never null
            prop = {**(options[0] if len(options) == 1 else {"anyOf": options}), **prop}
        param = query(name, schema["properties"][name].get("description", ""), prop)
        out.append({**param, "required": name in required})
    return out


def openapi_path(rule: str) -> tuple[str, list[dict[str, Any]]]:
    """A Flask rule as an OpenAPI path, with its path parameters."""
    params: list[dict[str, Any]] = []

    def swap(m: re.Match) -> str:
        conv = m.group("conv") or "string"
        schema: dict[str, Any] = (
            {"type": "integer", "minimum": 0} if conv == "int" else {"type": "string", "pattern": "^[^/]+$"}
        )
        params.append({"name": m.group("name"), "in": "path", "required": True, "schema": schema})
        return "{" + m.group("name") + "}"

    return _VARIABLE.sub(swap, rule), params


class _Schemas:
    """Component schemas gathered from pydantic models."""

    def __init__(self) -> None:
        self.components: dict[str, Any] = {}

    def ref(self, model: type[BaseModel], mode: str) -> dict[str, str]:
        name = model.__name__
        if name not in self.components:
            schema = model.model_json_schema(ref_template=REF, mode=mode)
            for sub, body in schema.pop("$defs", {}).items():
                self.components.setdefault(sub, body)
            self.components[name] = schema
        return {"$ref": REF.format(model=name)}


def _responses(desc: Description, schemas: _Schemas, has_body: bool) -> dict[str, Any]:
    answers = dict(desc.responses)
    for code, text in _COMMON.items():
        answers.setdefault(code, (ErrorOut, text))
    if has_body:
        answers.setdefault(413, (ErrorOut, "Badan permintaan terlalu besar"))
        answers.setdefault(415, (ErrorOut, "Badan permintaan bukan application/json"))
        answers.setdefault(422, (ErrorOut, "Data tidak sah; pesan per kolom di `errors`"))
    out: dict[str, Any] = {}
    for code in sorted(answers):
        model, text = answers[code]
        entry: dict[str, Any] = {"description": text}
        if model is not None:
            media: dict[str, Any] = {"schema": schemas.ref(model, "serialization")}
            if code in desc.response_examples:
                media["example"] = desc.response_examples[code]
            entry["content"] = {"application/json": media}
        elif code in desc.media:
            entry["content"] = {desc.media[code]: {"schema": {"type": "string"}}}
        out[str(code)] = entry
    return out


def _operation(rule: Any, method: str, view: Callable, schemas: _Schemas) -> tuple[str, dict[str, Any]]:
    path, params = openapi_path(rule.rule)
    desc: Description | dict | None = getattr(view, "openapi", None)
    roles = getattr(view, "roles", None)
    if isinstance(desc, dict):  # a module that writes its operation by hand (e.g. a multipart upload)
        return path, _raw_operation(rule, method, desc, params, roles, schemas)
    if desc is None:
        return path, {
            "summary": "BELUM DIDOKUMENTASIKAN",
            "x-undocumented": True,
            "responses": {"default": {"description": "?"}},
        }
    for p in params:
        if p["name"] in desc.path:
            p["description"] = desc.path[p["name"]]
    op: dict[str, Any] = {
        "operationId": f"{method.lower()}_{rule.endpoint.split('.')[-1]}",
        "summary": desc.summary,
        "description": (view.__doc__ or "").strip() + (f"\n\nPeran: {', '.join(roles)}." if roles else ""),
        "security": _SECURITY,
        "parameters": [*params, *desc.query, *desc.headers],
        "responses": _responses(desc, schemas, desc.body is not None),
    }
    if roles:
        op["x-roles"] = list(roles)
    if desc.body is not None:
        media: dict[str, Any] = {"schema": schemas.ref(desc.body, "validation")}
        if desc.examples:
            media["examples"] = desc.examples
        op["requestBody"] = {"required": True, "content": {"application/json": media}}
    if not op["parameters"]:
        del op["parameters"]
    return path, op


def _raw_answer(answer: dict[str, Any] | tuple[type[BaseModel], str], schemas: _Schemas) -> dict[str, Any]:
    """A hand-written answer: an OpenAPI response object, or (model, description) as in `described`."""
    if isinstance(answer, tuple):
        model, text = answer
        return {"description": text, "content": {"application/json": {"schema": schemas.ref(model, "serialization")}}}
    return dict(answer)


def _raw_operation(
    rule: Any, method: str, op: dict[str, Any], params: list[dict[str, Any]], roles: Any, schemas: _Schemas
) -> dict[str, Any]:
    """A hand-written operation, completed with the path parameters, security, roles and the common refusals."""
    out = {"operationId": f"{method.lower()}_{rule.endpoint.split('.')[-1]}", **op, "security": _SECURITY}
    named = {p["name"] for p in op.get("parameters", [])}
    out["parameters"] = [*op.get("parameters", []), *(p for p in params if p["name"] not in named)]
    responses = {code: _raw_answer(answer, schemas) for code, answer in op.get("responses", {}).items()}
    for code, text in _COMMON.items():
        responses.setdefault(str(code), {"description": text})
    error = {"application/json": {"schema": schemas.ref(ErrorOut, "serialization")}}
    for code, answer in responses.items():
        if code.isdigit() and int(code) >= 400:
            answer.setdefault("content", error)
    out["responses"] = responses
    if roles:
        out["x-roles"] = list(roles)
    return out


def build_document(server: Flask) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every route under /api/v1."""
    schemas = _Schemas()
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(server.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(PREFIX + "/"):
            continue
        view = server.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            path, op = _operation(rule, method, view, schemas)
            paths.setdefault(path, {})[method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Desk Pilkada API",
            "version": "1",
            "description": (
                "API internal Desk Pilkada: hasil TPS (C1), rekapitulasi, kejadian dan logistik. "
                "Setiap permintaan perlu token (`Authorization: Bearer …`) atau sesi login."
            ),
        },
        "servers": [{"url": "/"}],
        "security": _SECURITY,
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.components.items())),
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Token reporter atau display (`python -m dashboard tokens create …`)",
                },
                "sessionCookie": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": server.config.get("SESSION_COOKIE_NAME", "session"),
                    "description": "Sesi pengguna yang masuk lewat /login",
                },
            },
        },
    }
