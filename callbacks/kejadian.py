"""Kejadian's live updates and filters, all in the browser (assets/incidents.js, namespace `kejadian`).

`desk:incident` window event → store `kj-msg` → `apply`: the map's values, the timeline's bars, the list's rows
and the shown count, for the incidents that match the page's filters. A filter change or a click on a region
sets the page's address (`kj-nav`), which renders the page again with the new filters.
"""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State

FILTERS = ("category", "severity", "status", "stage", "kecamatan", "hours")


def _js(name: str) -> ClientsideFunction:
    """A function of the `kejadian` namespace in assets/incidents.js."""
    return ClientsideFunction(namespace="kejadian", function_name=name)


def register(app: Dash) -> None:
    """Wire the page's stores, figures and list to the clientside functions in assets/incidents.js."""
    app.clientside_callback(  # also at first render: incidents that changed while the page was on its way
        _js("apply"),
        Output("kj-map", "figure"),
        Output("kj-timeline", "figure"),
        Output("kj-rows", "children"),
        Output("kj-shown", "children"),
        Output("kj-empty", "className"),
        Input("kj-msg", "data"),
        State("kj-view", "data"),
    )
    app.clientside_callback(
        _js("filter"),
        Output("kj-nav", "href", allow_duplicate=True),
        *[Input(f"kj-f-{name}", "value") for name in FILTERS],
        prevent_initial_call=True,
    )
    app.clientside_callback(
        _js("click"),
        Output("kj-nav", "href", allow_duplicate=True),
        Input("kj-map", "clickData"),
        State("kj-view", "data"),
        prevent_initial_call=True,
    )
