"""Admin: add, disable and enable users; create and revoke tokens; filter and page the audit trail.

Every action is refused to anyone but an admin. A revoked token and a disabled user are refused from their
next HTTP request on (auth checks the store on every request); closing their open sockets is the hub's job.
"""

from __future__ import annotations

from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, html, no_update
from flask_login import current_user

from dashboard.live import sockets
from data_sources import accounts
from data_sources.audit import AuditFilters, audit_page
from layouts.admin import audit_view, parse_wib, tokens_table, users_table
from layouts.common import desk, has_role

NOT_ADMIN = html.Div("Hanya admin.", className="notice notice-error")


def _ok(*lines: Any) -> html.Div:
    return html.Div(list(lines), className="notice notice-ok")


def _error(message: str) -> html.Div:
    return html.Div(message, className="notice notice-error")


def _clicked() -> bool:
    """True when the callback was fired by a real click (not by buttons appearing in a redrawn table)."""
    return bool(ctx.triggered and ctx.triggered[0].get("value"))


def add_user(name: str | None, role: str | None, actor: str) -> html.Div:
    """Create a user with a one-time password (shown once), or say which field is wrong."""
    password = accounts.generate_password()
    try:
        user = accounts.set_user(desk().store, (name or "").strip().lower(), role or "", password, actor)
    except accounts.AccountError as exc:
        return _error(str(exc))
    return _ok(
        html.P(f"Pengguna {user.username} ({user.role}) tersimpan. Kata sandi sekali pakai:"),
        html.Code(password, id="new-password"),
    )


def toggle_user(username: str, actor: str) -> html.Div:
    """Disable an active user or enable a disabled one (never oneself)."""
    if username == actor:
        return _error("Akun sendiri tidak dapat dinonaktifkan.")
    store = desk().store
    current = next((u for u in accounts.list_users(store) if u.username == username), None)
    if current is None:
        return _error(f"Pengguna {username} tidak ada.")
    user = accounts.set_user_active(store, username, not current.active, actor)
    return _ok(f"Pengguna {user.username} sekarang {'aktif' if user.active else 'nonaktif'}.")


def create_token(name: str | None, role: str | None, region: str | None, actor: str) -> html.Div:
    """Create a token and show its secret once (with the big-screen link for a display)."""
    try:
        secret, info = accounts.create_token(desk().store, name or "", role or "", actor, region or None)
    except accounts.AccountError as exc:
        return _error(str(exc))
    scope = f", wilayah {info.region_code}" if info.region_code else ""
    return _ok(
        html.P(f"Token {info.id} ({info.name}, {info.role}{scope}) dibuat."),
        html.P("Salin sekarang; token tidak ditampilkan lagi:"),
        html.Code(secret, id="new-token"),
        html.P(f"Tautan layar: /layar?token={secret}") if info.role == "display" else None,
    )


def revoke_token(token_id: int, actor: str) -> html.Div:
    """Revoke a token: refused from its next request on."""
    try:
        info = accounts.revoke_token(desk().store, int(token_id), actor)
    except accounts.AccountError as exc:
        return _error(str(exc))
    sockets.disconnect_token(desk().socketio, info.id)  # its open sockets close now, not at the next check
    return _ok(f"Token {info.id} ({info.name}) dicabut.")


def audit_filters(
    actor: str | None, entity: str | None, since: str | None, until: str | None, entity_id: str | None = None
) -> AuditFilters:
    """The filter form as filters; ValueError names a bad moment."""
    try:
        start = parse_wib(since)
    except ValueError as exc:
        raise ValueError("Dari: waktu tidak sah") from exc
    try:
        end = parse_wib(until)
    except ValueError as exc:
        raise ValueError("Sampai: waktu tidak sah") from exc
    if start and end and end < start:
        raise ValueError("Sampai: harus sesudah Dari")
    if entity_id is not None and len(entity_id) > 120:
        raise ValueError("Objek berisi: paling banyak 120 karakter")
    return AuditFilters(
        actor=actor or None, entity=entity or None, entity_id=(entity_id or "").strip() or None, since=start, until=end
    )


def register(app: Dash) -> None:
    """Register the admin page's callbacks."""

    @app.callback(
        Output("user-outcome", "children"),
        Output("users-box", "children"),
        Input("user-add", "n_clicks"),
        Input({"type": "user-toggle", "name": ALL}, "n_clicks"),
        State("user-name", "value"),
        State("user-role", "value"),
        prevent_initial_call=True,
    )
    def _users(_add: int, _toggles: list, name: str | None, role: str | None):  # noqa: ANN202
        if not _clicked():
            return no_update, no_update
        if not has_role("admin"):
            return NOT_ADMIN, no_update
        me = current_user.name
        if ctx.triggered_id == "user-add":
            note = add_user(name, role, me)
        else:
            note = toggle_user(ctx.triggered_id["name"], me)
        return note, users_table(me)

    @app.callback(
        Output("token-outcome", "children"),
        Output("tokens-box", "children"),
        Input("token-add", "n_clicks"),
        Input({"type": "token-revoke", "id": ALL}, "n_clicks"),
        State("token-name", "value"),
        State("token-role", "value"),
        State("token-region", "value"),
        prevent_initial_call=True,
    )
    def _tokens(_add: int, _revokes: list, name: str | None, role: str | None, region: str | None):  # noqa: ANN202
        if not _clicked():
            return no_update, no_update
        if not has_role("admin"):
            return NOT_ADMIN, no_update
        if ctx.triggered_id == "token-add":
            note = create_token(name, role, region, current_user.name)
        else:
            note = revoke_token(ctx.triggered_id["id"], current_user.name)
        return note, tokens_table()

    @app.callback(
        Output("audit-box", "children"),
        Output("audit-page", "data"),
        Input("audit-actor", "value"),
        Input("audit-entity", "value"),
        Input("audit-object", "value"),
        Input("audit-since", "value"),
        Input("audit-until", "value"),
        Input("audit-prev", "n_clicks"),
        Input("audit-next", "n_clicks"),
        Input("audit-refresh", "n_clicks"),
        State("audit-page", "data"),
        prevent_initial_call=True,
    )
    def _audit(actor, entity, entity_id, since, until, _prev, _next, _refresh, page):  # noqa: ANN001, ANN202
        if not has_role("admin"):
            return NOT_ADMIN, no_update
        try:
            filters = audit_filters(actor, entity, since, until, entity_id)
        except ValueError as exc:
            return _error(str(exc)), no_update
        moves = {"audit-prev": (page or 1) - 1, "audit-next": (page or 1) + 1, "audit-refresh": page or 1}
        shown = audit_page(desk().store, filters, moves.get(ctx.triggered_id, 1))
        return audit_view(shown), shown.page
