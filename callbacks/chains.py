"""Chained dropdowns: a dropdown whose options follow another's value (kecamatan → desa → TPS, kecamatan → item)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dash import Dash, Input, Output

from layouts.common import desk, has_role

EDITORS = ("admin", "operator")


def follow(app: Dash, source: str, target: str, options_for: Callable[[Any, Any], list]) -> None:
    """Give `target` the options `options_for(store, value of source)` and clear its value (editors only)."""

    @app.callback(
        Output(target, "options"),
        Output(target, "value"),
        Input(source, "value"),
        prevent_initial_call=True,
    )
    def _follow(value: Any) -> tuple[list, None]:
        if not has_role(*EDITORS):
            return [], None
        return options_for(desk().store, value), None
