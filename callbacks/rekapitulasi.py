"""Rekapitulasi's live numbers are applied by the shell's push handler; the contest switch is a link."""

from __future__ import annotations

from dash import Dash


def register(app: Dash) -> None:
    """Nothing to register yet: the page's numbers are updated by pushed texts."""
    return None
