"""Rekapitulasi's live updates, all in the browser (assets/recap.js): no server callback per viewer per event.

Flow per contest on the page (ids are pattern-matching `{"type": …, "c": contest}`):
`desk:recap` window event → store `rk-msg` → `ingest` → store `rk-data` (the shown region's numbers, fetched
over HTTP below the main region) → `headline` (bars, progress bar), `series`, `table`, `map`; the map's colour
choice and clicks are handled in the browser too (a click sets the page's `rk-nav` location).
`rk-data` → `panels`: when the shown region's flagged counts change, or the TPS on screen changed, the browser
fetches /rekapitulasi/_panels once (dashboard/page_routes.py: the flagged list and the TPS versions, rendered by
the layout's own functions).
"""

from __future__ import annotations

from dash import MATCH, ClientsideFunction, Dash, Input, Output, State


def _id(kind: str) -> dict[str, object]:
    """The pattern id of a page component for the contest being matched."""
    return {"type": kind, "c": MATCH}


def _js(name: str) -> ClientsideFunction:
    """A function of the `rekap` namespace in assets/recap.js."""
    return ClientsideFunction(namespace="rekap", function_name=name)


def register(app: Dash) -> None:
    """Wire the page's stores, figures and table to the clientside functions in assets/recap.js."""
    app.clientside_callback(  # also at first render: a message that arrived while the page was built
        _js("ingest"),
        Output(_id("rk-data"), "data"),
        Input(_id("rk-msg"), "data"),
        State(_id("rk-view"), "data"),
    )
    app.clientside_callback(
        _js("headline"),
        Output(_id("rk-bars"), "figure"),
        Output(_id("rk-fill"), "style"),
        Input(_id("rk-data"), "data"),
        State(_id("rk-view"), "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        _js("series"),
        Output(_id("rk-series"), "figure"),
        Input(_id("rk-data"), "data"),
        State(_id("rk-view"), "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        _js("table"),
        Output(_id("rk-rows"), "children"),
        Input(_id("rk-data"), "data"),
        State(_id("rk-view"), "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        _js("map"),
        Output(_id("rk-map"), "figure"),
        Input(_id("rk-data"), "data"),
        Input(_id("rk-mode"), "value"),
        State(_id("rk-view"), "data"),
        State(_id("rk-map"), "figure"),
        prevent_initial_call=True,
    )
    app.clientside_callback(  # a light fetch only when the flagged list or the TPS on screen changed
        _js("panels"),
        Output(_id("rk-panels"), "data"),
        Input(_id("rk-data"), "data"),
        State(_id("rk-view"), "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        _js("mapClick"),
        Output(_id("rk-nav"), "href"),
        Input(_id("rk-map"), "clickData"),
        State(_id("rk-view"), "data"),
        prevent_initial_call=True,
    )
