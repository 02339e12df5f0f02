"""C1 photos on a page: thumbnails linking to the full image, for logged-in users only (DESIGN §7)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import html

from data_sources import photos
from data_sources.domain.fmt import fmt_wib
from layouts.common import has_role

PHOTO_VIEWERS = ("admin", "operator", "viewer")


def thumbs(items: Sequence[photos.PhotoInfo]) -> Any:
    """Thumbnails of photos, each a link to the full image in a new tab ("—" without any)."""
    if not items:
        return "—"
    return html.Span(
        [
            html.A(
                html.Img(
                    src=photos.photo_url(p.id, thumb=True), alt=f"Foto C1 versi {p.version}", className="c1-thumb"
                ),
                href=photos.photo_url(p.id),
                target="_blank",
                className="c1-photo-link",
            )
            for p in items
        ]
    )


def photo_strip(store: Any, contest_id: str, tps: str) -> html.Div | None:
    """The C1 photos of a TPS result, newest version first, with who sent them; None for screens and tokens."""
    if not has_role(*PHOTO_VIEWERS):
        return None
    items = photos.tps_photos(store, contest_id, tps)
    if not items:
        return html.P("Belum ada foto C1 untuk TPS ini.", className="muted", id="rk-photos")
    figures = [
        html.Figure(
            [
                thumbs([p]),
                html.Figcaption(f"Versi {p.version} · {p.uploaded_by} · {fmt_wib(p.uploaded_at, with_date=True)}"),
            ],
            className="c1-figure",
        )
        for p in items
    ]
    return html.Div([html.H3("Foto C1"), html.Div(figures, className="c1-figures")], id="rk-photos")
