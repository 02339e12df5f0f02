"""The error every ingest path raises for bad input: a message per field, nothing stored."""

from __future__ import annotations


class FieldErrors(ValueError):
    """Bad input; `errors` maps each bad field (or parameter) to a message a person understands."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
