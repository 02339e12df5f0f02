"""Admin: users (create with a role, disable, enable), tokens (create with an optional region, revoke) and the
audit trail (filtered by who, what and when, paged).

Ids: `user-…`, `token-…`, `audit-…`; the per-row buttons are pattern-matching ids {"type": "user-toggle", …} and
{"type": "token-revoke", …}. The page keeps every callback output id for anyone (hidden), since Dash builds its
validation layout once, often for an anonymous user; the callbacks refuse anyone but admins.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dash import dcc, html

from data_sources import accounts, summary
from data_sources.audit import AuditPage, audit_facets, audit_page, change_text
from data_sources.domain.actors import ROLES_TOKEN, ROLES_USER
from data_sources.domain.fmt import WIB, fmt_int, fmt_wib
from layouts.common import card, denied, desk, has_role, principal, table
from layouts.forms import choice, field, row
from layouts.snapshots_admin import snapshots_card

ROLE_TEXT = {
    "admin": "admin",
    "operator": "operator",
    "viewer": "viewer (lihat saja)",
    "display": "display (layar)",
    "reporter": "reporter (kirim data)",
}
ENTITY_TEXT = {
    "result": "Hasil TPS",
    "photo": "Foto C1",
    "incident": "Kejadian",
    "logistics": "Logistik",
    "user": "Pengguna",
    "token": "Token",
    "setting": "Pengaturan",
    "scenario": "Skenario",
}


# ---------------------------------------------------------------- users and tokens


def users_table(me: str | None = None) -> html.Table:
    """Every user with role and state, and a button to disable (or enable) each but oneself."""
    rows = []
    for u in accounts.list_users(desk().store):
        label = "Nonaktifkan" if u.active else "Aktifkan"
        button: Any = html.Button(
            label,
            id={"type": "user-toggle", "name": u.username},
            n_clicks=0,
            className="button button-danger" if u.active else "button",
        )
        rows.append(
            [
                u.username,
                u.role,
                "aktif" if u.active else "nonaktif",
                fmt_wib(u.created_at, True),
                button if u.username != me else "—",
            ]
        )
    return table(["Nama", "Peran", "Status", "Dibuat", ""], rows, "users-table")


def tokens_table() -> html.Table:
    """Every token (never its secret), with a button to revoke each one still active."""
    rows = []
    for t in accounts.list_tokens(desk().store):
        action: Any = (
            html.Button("Cabut", id={"type": "token-revoke", "id": t.id}, n_clicks=0, className="button button-danger")
            if t.revoked_at is None
            else "—"
        )
        rows.append(
            [
                str(t.id),
                t.name,
                t.role,
                t.region_code or "semua",
                t.created_by,
                fmt_wib(t.created_at, True),
                fmt_wib(t.revoked_at, True) if t.revoked_at else "aktif",
                action,
            ]
        )
    return table(["No.", "Nama", "Peran", "Wilayah", "Dibuat oleh", "Dibuat", "Dicabut", ""], rows, "tokens-table")


def region_options(store: Any) -> list[dict[str, str]]:
    """The kabupaten and its kecamatan, for a token limited to a region."""
    out = []
    for level, kind in ((2, "Kabupaten"), (3, "Kecamatan")):
        for code, name in summary.region_names(store, level=level).items():
            out.append({"label": f"{kind} {name} ({code})", "value": code})
    return out


def role_choice(el_id: str, roles: tuple[str, ...], default: str) -> html.Div:
    """A dropdown of roles, one chosen."""
    return choice(
        el_id, "Peran", [{"label": ROLE_TEXT[r], "value": r} for r in roles], "Peran", value=default, clearable=False
    )


def user_form() -> html.Div:
    """Add a user with a role; a one-time password is shown once."""
    return html.Div(
        [
            row(
                field("Nama pengguna", dcc.Input(id="user-name", placeholder="mis. operator2"), "user-name"),
                role_choice("user-role", ROLES_USER, "viewer"),
            ),
            html.Button("Tambah", id="user-add", n_clicks=0, className="button"),
            html.Div(id="user-outcome", role="status"),
        ],
        className="form",
    )


def token_form(regions: list[dict[str, str]]) -> html.Div:
    """Create a display or reporter token, optionally limited to a region; the secret is shown once."""
    return html.Div(
        [
            row(
                field("Nama", dcc.Input(id="token-name", placeholder="nama layar atau pelapor"), "token-name"),
                role_choice("token-role", ROLES_TOKEN, "display"),
                choice("token-region", "Wilayah (boleh kosong: semua)", regions, "Semua wilayah"),
            ),
            html.Button("Buat token", id="token-add", n_clicks=0, className="button"),
            html.Div(id="token-outcome", role="status"),
        ],
        className="form",
    )


# ---------------------------------------------------------------- audit


def parse_wib(value: str | None) -> datetime | None:
    """A `datetime-local` value read as WIB; None when empty; ValueError when it is not a moment."""
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=WIB)


def audit_rows(page: AuditPage) -> list[list[str]]:
    """The rows of one audit page as text: when (WIB), who, what, which, what changed."""
    return [
        [
            fmt_wib(a.at, True),
            a.actor,
            a.action,
            f"{ENTITY_TEXT.get(a.entity, a.entity)} {a.entity_id}",
            change_text(a.before, a.after),
        ]
        for a in page.rows
    ]


def audit_view(page: AuditPage) -> list:
    """The audit table of one page and the line that says where the page is."""
    info = (
        f"Halaman {fmt_int(page.page)} dari {fmt_int(page.pages)} · {fmt_int(page.total)} catatan"
        if page.total
        else "Tidak ada catatan yang cocok."
    )
    return [
        html.P(info, id="audit-info", className="muted"),
        table(["Waktu", "Oleh", "Tindakan", "Objek", "Perubahan (sebelum → sesudah)"], audit_rows(page), "audit-table"),
    ]


def audit_filters_form(actors: list[str], entities: list[str]) -> html.Div:
    """Filters of the audit trail: who, what, from, until; and the paging buttons."""
    return html.Div(
        [
            row(
                choice("audit-actor", "Oleh", actors, "Semua"),
                choice(
                    "audit-entity", "Objek", [{"label": ENTITY_TEXT.get(e, e), "value": e} for e in entities], "Semua"
                ),
                field(
                    "Objek berisi",
                    dcc.Input(id="audit-object", type="text", debounce=True, placeholder="mis. 16.07.10.2001"),
                    "audit-object",
                ),
                field("Dari (WIB)", dcc.Input(id="audit-since", type="datetime-local"), "audit-since"),
                field("Sampai (WIB)", dcc.Input(id="audit-until", type="datetime-local"), "audit-until"),
            ),
            html.Div(
                [
                    html.Button("‹ Sebelumnya", id="audit-prev", n_clicks=0, className="button"),
                    html.Button("Berikutnya ›", id="audit-next", n_clicks=0, className="button"),
                    html.Button("Muat ulang", id="audit-refresh", n_clicks=0, className="button"),
                    dcc.Store(id="audit-page", data=1),
                ],
                className="form-inline",
            ),
        ],
        className="form",
    )


# ---------------------------------------------------------------- the page


def layout(**_params: str) -> html.Div:
    """The admin page (admins only)."""
    allowed = has_role("admin")
    store = desk().store
    hide = None if allowed else {"display": "none"}
    actors, entities = audit_facets(store) if allowed else ([], [])
    me = principal().name if allowed else None
    forms = html.Div(
        [
            card("Tambah pengguna", user_form()),
            card("Buat token", token_form(region_options(store) if allowed else [])),
        ],
        className="grid-2",
    )
    return html.Div(
        [
            html.H1("Admin"),
            None if allowed else denied("Halaman ini hanya untuk admin."),
            html.Div(
                [
                    forms,
                    card("Pengguna", html.Div(users_table(me) if allowed else None, id="users-box")),
                    card("Token", html.Div(tokens_table() if allowed else None, id="tokens-box")),
                    snapshots_card() if allowed else None,
                    card(
                        "Jejak audit",
                        html.Div(
                            [
                                audit_filters_form(actors, entities),
                                html.Div(audit_view(audit_page(store)) if allowed else None, id="audit-box"),
                            ]
                        ),
                    ),
                ],
                style=hide,
            ),
        ],
        id="page-admin",
    )
