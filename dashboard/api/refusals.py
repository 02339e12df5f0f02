"""How the API refuses: one JSON shape for every refusal, `{"error": summary, "errors": {field: message}}`."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from data_sources.errors import FieldErrors


def refusal(status: int, error: str, errors: dict[str, str] | None = None) -> tuple[Any, int]:
    """A refusal with its summary and, when there are any, a message per field (or parameter)."""
    body: dict[str, Any] = {"error": error}
    if errors:
        body["errors"] = errors
    return jsonify(body), status


def refused(exc: FieldErrors) -> tuple[Any, int]:
    """The answer to bad input: its status (422 unless the error says otherwise), summary and field messages."""
    return refusal(exc.status, exc.summary, exc.errors)


def answer_bad_input(bp: Blueprint) -> None:
    """Answer every FieldErrors raised in the blueprint's views with `refused`."""
    bp.register_error_handler(FieldErrors, refused)
