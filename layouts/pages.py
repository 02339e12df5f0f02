"""The pages of the app, in navigation order: (module name, path, label)."""

from __future__ import annotations

PAGES: tuple[tuple[str, str, str], ...] = (
    ("ringkasan", "/", "Ringkasan"),
    ("rekapitulasi", "/rekapitulasi", "Rekapitulasi"),
    ("kejadian", "/kejadian", "Kejadian"),
    ("logistik", "/logistik", "Logistik"),
    ("layar", "/layar", "Layar"),
    ("input", "/input", "Input"),
    ("admin", "/admin", "Admin"),
)
