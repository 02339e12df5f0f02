"""Each page's layout shows what the store holds (rendered through Dash's own router endpoint)."""

from __future__ import annotations

import pytest

from dashboard.actors import Actor
from data_sources import incidents, logistics, results
from tests.conftest import render_page, texts

PILBUP = "Pemilihan Bupati dan Wakil Bupati Banyuasin"
PILGUB = "Pemilihan Gubernur dan Wakil Gubernur Sumatera Selatan"


@pytest.fixture
def filled(app):  # noqa: ANN001
    """One result, one incident with HTML in it, one logistics update."""
    desk = app.server.extensions["desk"]
    store = desk.store
    op = Actor("operator", "operator")
    accepted = results.submit_result(
        store,
        {
            "contest": "pilbup-banyuasin",
            "tps": "16.07.10.1002.001",
            "votes": {"1": 50, "2": 30, "3": 20, "4": 10, "5": 5},
            "suara_tidak_sah": 2,
        },
        op,
        "uji",
    )
    desk.changed("result", accepted.result)
    incidents.create_incident(
        store,
        {
            "kecamatan": "16.07.10",
            "stage": "pemungutan-suara",
            "category": "logistik",
            "severity": "tinggi",
            "description": "<b>Kotak suara</b> rusak <script>alert(1)</script>",
        },
        op,
    )
    logistics.update(store, "16.07.10", "kotak-suara", 10, "kurang", "operator")
    return app


def test_ringkasan_shows_each_contest_with_progress(filled, client_as) -> None:  # noqa: ANN001
    shown = texts(render_page(client_as("viewer"), "/"))
    assert PILBUP in shown and PILGUB in shown
    assert "1 / 2.564 TPS" in shown and "0 / 2.564 TPS" in shown
    assert "1. Hj. Ratna Sari Dewi – Muhammad Fadli" in shown


def test_rekapitulasi_lists_paslon_votes_and_kecamatan(filled, client_as) -> None:  # noqa: ANN001
    shown = texts(render_page(client_as("viewer"), "/rekapitulasi", "?contest=pilbup-banyuasin"))
    assert "Hj. Ratna Sari Dewi – Muhammad Fadli" in shown and "43,48 %" in shown  # 50 of 115
    assert "Talang Kelapa" in shown and "1 / 450" in shown


def test_rekapitulasi_switches_contest_by_url(filled, client_as) -> None:  # noqa: ANN001
    shown = texts(render_page(client_as("viewer"), "/rekapitulasi", "?contest=pilgub-sumsel"))
    assert PILGUB in shown and "Hendra Kusuma – Fitri Handayani" in shown


def test_kejadian_shows_field_text_literally(filled, client_as) -> None:  # noqa: ANN001
    shown = texts(render_page(client_as("viewer"), "/kejadian"))
    assert "<b>Kotak suara</b> rusak <script>alert(1)</script>" in shown  # a text node, never HTML
    assert "Talang Kelapa" in shown and "Tinggi" in shown


def test_logistik_shows_needs_and_updates(filled, client_as) -> None:  # noqa: ANN001
    shown = texts(render_page(client_as("viewer"), "/logistik"))
    assert "Surat suara pilbup-banyuasin" in shown and "Kurang" in shown and "Talang Kelapa" in shown


def test_admin_lists_users_and_audit(filled, client_as) -> None:  # noqa: ANN001
    shown = texts(render_page(client_as("admin"), "/admin"))
    assert {"admin", "operator", "viewer"} <= set(shown)
    assert "result.baru" in shown and "incident.create" in shown


def test_input_form_for_operator(filled, client_as) -> None:  # noqa: ANN001
    shown = texts(render_page(client_as("operator"), "/input"))
    assert "Paslon 5: Darmawan Saputra – Rini Anggraini" in shown


def test_demo_badge_on_every_page(app, client_as) -> None:  # noqa: ANN001
    client = client_as("viewer")
    layout = client.get("/_dash-layout").get_json()
    assert "DATA SIMULASI" in texts(layout)
