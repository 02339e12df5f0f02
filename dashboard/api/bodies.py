"""Reading a request's JSON body: its size, media type, syntax and depth. What the body must hold is checked by
its input model (`data_sources.domain.inputs`), wherever it is ingested."""

from __future__ import annotations

import json
from typing import Any

from flask import request

from data_sources.errors import FieldErrors

MAX_BODY = 64 * 1024
MAX_DEPTH = 20  # no request of this API nests deeper


def _number(text: str) -> int | float:
    """A JSON number with a fraction: 120.0 is the whole number 120 (as JSON Schema says), 120.5 stays a float."""
    value = float(text)
    return int(value) if value.is_integer() else value


def _too_deep(value: Any, depth: int = 0) -> bool:
    """True when objects and arrays nest deeper than MAX_DEPTH."""
    if depth > MAX_DEPTH:
        return True
    if isinstance(value, dict):
        return any(_too_deep(item, depth + 1) for item in value.values())
    if isinstance(value, list):
        return any(_too_deep(item, depth + 1) for item in value)
    return False


def _too_large() -> FieldErrors:
    return FieldErrors({"body": f"paling banyak {MAX_BODY} byte"}, "badan permintaan terlalu besar", 413)


def json_body() -> Any:
    """The JSON body; raises FieldErrors: 413 too large, 415 not JSON, 422 malformed or nested too deep."""
    if request.content_length and request.content_length > MAX_BODY:
        raise _too_large()
    if not request.is_json:
        raise FieldErrors({"Content-Type": "harus application/json"}, "badan permintaan harus JSON", 415)
    raw = request.get_data(cache=True)
    if len(raw) > MAX_BODY:
        raise _too_large()
    try:
        body = json.loads(raw, parse_float=_number)
    except (ValueError, RecursionError):  # bad JSON or UTF-8, huge number literals, absurd nesting
        raise FieldErrors({"body": "JSON tidak sah"}, "badan permintaan harus JSON") from None
    if _too_deep(body):
        raise FieldErrors({"body": f"bersarang lebih dari {MAX_DEPTH} tingkat"})
    return body
