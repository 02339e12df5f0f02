"""Admin: users, tokens and the audit log."""

from __future__ import annotations

from dash import dcc, html

from dashboard.fmt import fmt_wib
from data_sources import accounts
from layouts.common import card, denied, desk, has_role, table
from layouts.snapshots_admin import snapshots_card


def users_table() -> html.Table:
    """Every user with role and state."""
    rows = [
        [u.username, u.role, "aktif" if u.active else "nonaktif", fmt_wib(u.created_at, True)]
        for u in accounts.list_users(desk().store)
    ]
    return table(["Nama", "Peran", "Status", "Dibuat"], rows, "users-table")


def tokens_table() -> html.Table:
    """Every token (never its secret)."""
    rows = [
        [
            str(t.id),
            t.name,
            t.role,
            t.region_code or "semua",
            t.created_by,
            fmt_wib(t.created_at, True),
            fmt_wib(t.revoked_at, True) if t.revoked_at else "aktif",
        ]
        for t in accounts.list_tokens(desk().store)
    ]
    return table(["No.", "Nama", "Peran", "Wilayah", "Dibuat oleh", "Dibuat", "Dicabut"], rows, "tokens-table")


def audit_table() -> html.Table:
    """The newest audit rows."""
    rows = [[fmt_wib(a.at, True), a.actor, a.action, a.entity_id] for a in desk().store.audit_entries(limit=100)]
    return table(["Waktu", "Oleh", "Tindakan", "Objek"], rows, "audit-table")


def layout(**_params: str) -> html.Div:
    """The admin page (admins only)."""
    allowed = has_role("admin")
    forms = html.Div(
        [
            card(
                "Tambah pengguna",
                html.Div(
                    [
                        dcc.Input(id="user-name", placeholder="nama pengguna"),
                        dcc.Dropdown(
                            id="user-role", options=["operator", "viewer", "admin"], value="viewer", clearable=False
                        ),
                        html.Button("Tambah", id="user-add", n_clicks=0, className="button"),
                        html.Div(id="user-outcome", role="status"),
                    ],
                    className="form-inline",
                ),
            ),
            card(
                "Buat atau cabut token",
                html.Div(
                    [
                        dcc.Input(id="token-name", placeholder="nama layar atau pelapor"),
                        dcc.Dropdown(
                            id="token-role", options=["display", "reporter"], value="display", clearable=False
                        ),
                        html.Button("Buat token", id="token-add", n_clicks=0, className="button"),
                        dcc.Input(id="token-revoke-id", type="number", placeholder="nomor token"),
                        html.Button("Cabut", id="token-revoke", n_clicks=0, className="button button-danger"),
                        html.Div(id="token-outcome", role="status"),
                    ],
                    className="form-inline",
                ),
            ),
        ],
        className="grid-2",
        style=None if allowed else {"display": "none"},
    )
    if not allowed:
        # keep the callbacks' output ids: Dash builds its validation layout once, often for an anonymous user
        boxes = [html.Div(id="users-box", hidden=True), html.Div(id="tokens-box", hidden=True)]
        return html.Div([html.H1("Admin"), denied("Halaman ini hanya untuk admin."), forms, *boxes], id="page-admin")
    return html.Div(
        [
            html.H1("Admin"),
            forms,
            card("Pengguna", html.Div(users_table(), id="users-box")),
            card("Token", html.Div(tokens_table(), id="tokens-box")),
            snapshots_card(),
            card("Jejak audit (100 terbaru)", audit_table()),
        ],
        id="page-admin",
    )
