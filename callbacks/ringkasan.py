"""Ringkasan has no callbacks of its own: the shell applies pushed texts to its numbers."""

from __future__ import annotations

from dash import Dash


def register(app: Dash) -> None:
    """Nothing to register: every number on the page is updated by the shell's push handler."""
    return None
