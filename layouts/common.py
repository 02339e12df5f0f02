"""Helpers every page layout shares: the current principal, the store, small components."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from dash import html
from flask import has_request_context
from flask_login import current_user

from dashboard.desk import Desk, current_desk


def desk() -> Desk:
    """The running app's Desk (config, store, live recap, hub)."""
    return current_desk()


def principal() -> Any | None:
    """The logged-in user or token of this request, or None outside a request or when anonymous."""
    if has_request_context() and current_user.is_authenticated:
        return current_user
    return None


def has_role(*roles: str) -> bool:
    """True when the current principal has one of these roles."""
    who = principal()
    return who is not None and who.role in roles


def denied(message: str = "Halaman ini hanya untuk operator atau admin.") -> html.Div:
    """The notice shown instead of a page the principal may not use."""
    return html.Div(message, className="notice notice-denied", role="alert")


EXPORT_PATH = "/api/v1/export"
EXPORTERS = ("admin", "operator", "viewer")  # who may download (dashboard/api_export.py): not screens or reporters


def export_href(kind: str, **params: Any) -> str:
    """The address of a CSV download (`results`, `recap`, `incidents`) with the given parameters (empty ones left
    out; lists become comma lists)."""
    query = {}
    for key, value in params.items():
        text = ",".join(value) if isinstance(value, list | tuple) else str(value or "")
        if text:
            query[key] = text
    return f"{EXPORT_PATH}/{kind}.csv" + (f"?{urlencode(query)}" if query else "")


def download_link(label: str, href: str, link_id: str, title: str = "") -> html.A | None:
    """A plain download link (`<a href download>`) for people who may export; None for screens and reporters."""
    if not has_role(*EXPORTERS):
        return None
    return html.A(label, href=href, download="", id=link_id, className="download-link", title=title or None)


def card(title: str, body: Any, class_name: str = "") -> html.Section:
    """A titled panel."""
    return html.Section([html.H2(title, className="card-title"), body], className=f"card {class_name}".strip())


def stat(label: str, value: str, el_id: str | None = None, big: bool = False) -> html.Div:
    """A labelled number; `el_id` lets pushed messages replace the value."""
    kwargs = {"id": el_id} if el_id else {}
    return html.Div(
        [html.Div(label, className="stat-label"), html.Div(value, className="stat-value", **kwargs)],
        className="stat stat-big" if big else "stat",
    )


def table(
    headers: list[str], rows: list[list[Any]], class_name: str = "", row_ids: list[str] | None = None
) -> html.Table:
    """A plain HTML table; cells are text or components (text is never read as HTML)."""
    body = []
    for i, row in enumerate(rows):
        kwargs = {"id": row_ids[i]} if row_ids else {}
        body.append(html.Tr([html.Td(cell) for cell in row], **kwargs))
    return html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in headers])), html.Tbody(body)],
        className=f"table {class_name}".strip(),
    )


def headlines() -> list[tuple[Any, Any, dict[str, str]]]:
    """(contest, headline totals, display texts) of every contest, from the live recap."""
    from dashboard.live.messages import recap_texts
    from data_sources.results import last_received

    d = desk()
    out = []
    for contest in d.recap.contests():
        head, _children = d.recap.totals(contest.id)
        out.append((contest, head, recap_texts(contest, head, last_received(d.store, contest.id))))
    return out
