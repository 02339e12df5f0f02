"""Kejadian's numbers are updated by the shell's push handler; the page has no callbacks of its own yet."""

from __future__ import annotations

from dash import Dash


def register(app: Dash) -> None:
    """Nothing to register: pushed texts update the page."""
    return None
