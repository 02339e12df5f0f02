"""Admin: add users, create and revoke tokens."""

from __future__ import annotations

from dash import Dash, Input, Output, State, html, no_update
from flask_login import current_user

from data_sources import accounts
from layouts.admin import tokens_table, users_table
from layouts.common import desk, has_role

NOT_ADMIN = html.Div("Hanya admin.", className="notice notice-error")


def register(app: Dash) -> None:
    """Register the admin page's callbacks."""

    @app.callback(
        Output("user-outcome", "children"),
        Output("users-box", "children", allow_duplicate=True),
        Input("user-add", "n_clicks"),
        State("user-name", "value"),
        State("user-role", "value"),
        prevent_initial_call=True,
    )
    def _add_user(n: int, name: str | None, role: str | None):  # noqa: ANN202
        if not n:
            return no_update, no_update
        if not has_role("admin"):
            return NOT_ADMIN, no_update
        password = accounts.generate_password()
        try:
            user = accounts.set_user(
                desk().store, (name or "").strip().lower(), role or "", password, current_user.name
            )
        except accounts.AccountError as exc:
            return html.Div(str(exc), className="notice notice-error"), no_update
        note = html.Div(
            [
                html.P(f"Pengguna {user.username} ({user.role}) tersimpan. Kata sandi sekali pakai:"),
                html.Code(password, id="new-password"),
            ],
            className="notice notice-ok",
        )
        return note, users_table()

    @app.callback(
        Output("token-outcome", "children"),
        Output("tokens-box", "children", allow_duplicate=True),
        Input("token-add", "n_clicks"),
        Input("token-revoke", "n_clicks"),
        State("token-name", "value"),
        State("token-role", "value"),
        State("token-revoke-id", "value"),
        prevent_initial_call=True,
    )
    def _tokens(add: int, revoke: int, name: str | None, role: str | None, token_id: int | None):  # noqa: ANN202
        from dash import ctx

        if not has_role("admin"):
            return NOT_ADMIN, no_update
        try:
            if ctx.triggered_id == "token-revoke":
                info = accounts.revoke_token(desk().store, int(token_id or 0), current_user.name)
                note = html.Div(f"Token {info.id} ({info.name}) dicabut.", className="notice notice-ok")
            else:
                secret, info = accounts.create_token(desk().store, name or "", role or "", current_user.name)
                link = f"/layar?token={secret}" if info.role == "display" else None
                note = html.Div(
                    [
                        html.P(f"Token {info.id} ({info.name}, {info.role}) dibuat."),
                        html.P("Salin sekarang; token tidak ditampilkan lagi:"),
                        html.Code(secret, id="new-token"),
                        html.P(f"Tautan layar: {link}") if link else None,
                    ],
                    className="notice notice-ok",
                )
        except accounts.AccountError as exc:
            return html.Div(str(exc), className="notice notice-error"), no_update
        return note, tokens_table()
