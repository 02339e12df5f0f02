"""The one error for bad input: a message per field, a summary, the HTTP status; nothing was stored."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

INVALID = "data tidak sah"  # the summary of a body (or form, or file row) that fails its checks
INVALID_PARAMETERS = "parameter tidak sah"  # the summary of query parameters that fail theirs


class FieldErrors(ValueError):
    """Bad input; `errors` maps each bad field (or parameter) to a message a person understands.

    Every refusal of input derives from it, and the API answers each one the same way (`answer`, with `status`).
    """

    summary = INVALID
    status = 422

    def __init__(self, errors: Mapping[str, str], summary: str | None = None, status: int | None = None) -> None:
        self.errors = dict(errors)
        if summary is not None:
            self.summary = summary
        if status is not None:
            self.status = status
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))

    def answer(self) -> dict[str, Any]:
        """The refusal as the API sends it: `{"error": summary, "errors": {field: message}}`."""
        return {"error": self.summary, "errors": self.errors}
