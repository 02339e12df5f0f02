"""Every callback is wired to components that exist: Dash's own check of this runs only in debug mode (and is
switched off because it ships every page's layout inside every page), so it is made here, on the real pages."""

from __future__ import annotations

import json
from typing import Any

from plotly.utils import PlotlyJSONEncoder

from layouts.pages import PAGES
from tests.conftest import render_page


def _ids(node: Any, found: set[str]) -> set[str]:
    """Every (text) component id in a tree given as JSON."""
    if isinstance(node, list):
        for child in node:
            _ids(child, found)
    elif isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict):
            ident = props.get("id")
            if isinstance(ident, str):
                found.add(ident)
            for value in props.values():
                _ids(value, found)
    return found


def _wanted(app) -> dict[str, str]:  # noqa: ANN001
    """Each text component id a callback reads or writes, with the callback's outputs (to say which one it is).

    Pattern-matching ids ({"type": …}) are left out: a pattern may rightly match no component yet (no token to
    revoke, no photo to show).
    """
    wanted: dict[str, str] = {}
    for cb in app._callback_list:
        output = cb["output"]
        parts = [p.rsplit(".", 1)[0] for p in output.strip(".").split("...")]
        ids = [*parts, *(d["id"] for d in cb.get("inputs", [])), *(d["id"] for d in cb.get("state", []))]
        for ident in ids:
            if isinstance(ident, str) and not ident.startswith("{"):
                wanted.setdefault(ident, output)
    return wanted


def test_every_callback_reads_and_writes_components_of_the_pages(app, client_as) -> None:  # noqa: ANN001
    client = client_as("admin")
    found: set[str] = set()
    for _name, path, _label in PAGES:
        _ids(render_page(client, path), found)
    _ids(json.loads(json.dumps(app.layout(), cls=PlotlyJSONEncoder)), found)
    assert {"page-rekapitulasi", "last-update", "ly-clock"} <= found  # the pages and the shell were read
    missing = {ident: output for ident, output in _wanted(app).items() if ident not in found}
    assert not missing, f"callbacks on components no page has: {missing}"
