"""The admin page's list of past snapshots: who froze which moment, when, and the link that shows it again."""

from __future__ import annotations

from dash import html

from data_sources import snapshots
from data_sources.domain.fmt import fmt_wib
from layouts.common import card, desk, table


def snapshots_card(limit: int = 50) -> html.Section:
    """Past snapshots, newest first, each with its link (the numbers come from the stored versions as of then)."""
    rows = [
        [
            f"#{s.id}",
            s.label,
            s.created_by,
            fmt_wib(s.created_at, with_date=True),
            s.note or "—",
            html.A("buka", href=f"/layar?snapshot={s.id}", id=f"snapshot-link-{s.id}"),
        ]
        for s in snapshots.list_snapshots(desk().store, limit)
    ]
    body = (
        table(["No.", "Angka per", "Dibekukan oleh", "Pada", "Catatan", "Tautan"], rows, "snapshots-table")
        if rows
        else html.P("Belum ada cuplikan.", className="muted")
    )
    return card(f"Cuplikan beku ({len(rows)} terbaru)", body, "snapshots-card")
