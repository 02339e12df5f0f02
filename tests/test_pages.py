"""Each page's layout shows what the store holds (rendered through Dash's own router endpoint)."""

from __future__ import annotations

import pytest

from data_sources import incidents, logistics, results
from data_sources.domain.actors import Actor
from data_sources.domain.fmt import fmt_pct, fmt_wib
from tests.conftest import render_page, text_of, texts

PILBUP = "Pemilihan Bupati dan Wakil Bupati Banyuasin"
PILGUB = "Pemilihan Gubernur dan Wakil Gubernur Sumatera Selatan"


@pytest.fixture
def filled(app):  # noqa: ANN001
    """One result, one incident with HTML in it, one logistics update."""
    desk = app.server.extensions["desk"]
    store = desk.store
    op = Actor("operator", "operator")
    results.submit_result(
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


def test_ringkasan_shows_each_contest_with_progress_leader_and_last_change(filled, client_as) -> None:  # noqa: ANN001
    desk = filled.server.extensions["desk"]
    tree = render_page(client_as("viewer"), "/")
    shown = texts(tree)
    assert PILBUP in shown and PILGUB in shown
    assert text_of(tree, "pilbup-banyuasin-reported") == "1 / 2.564 TPS"
    assert text_of(tree, "pilgub-sumsel-reported") == "0 / 2.564 TPS"
    assert text_of(tree, "pilbup-banyuasin-progress") == "0,04 %"  # 1 of 2.564
    assert text_of(tree, "pilbup-banyuasin-leader") == "1. Hj. Ratna Sari Dewi – Muhammad Fadli"
    assert text_of(tree, "pilgub-sumsel-leader") == "—"  # no votes yet: no leader
    arrived = results.last_received(desk.store, "pilbup-banyuasin")
    assert text_of(tree, "pilbup-banyuasin-updated") == fmt_wib(arrived) and arrived is not None
    assert text_of(tree, "pilgub-sumsel-updated") == "—"


def test_ringkasan_shows_open_incidents_by_severity_readiness_and_their_last_changes(filled, client_as) -> None:  # noqa: ANN001
    desk = filled.server.extensions["desk"]
    (ballots,) = logistics.board(desk.store, kecamatan=["16.07.10"], item=["surat-suara-pilbup-banyuasin"])
    logistics.update(desk.store, "16.07.10", ballots.item, ballots.needed, "diterima", "operator")
    tree = render_page(client_as("viewer"), "/")
    assert [text_of(tree, f"inc-open-{s}") for s in ("rendah", "sedang", "tinggi", "kritis", "total")] == [
        "0",
        "0",
        "1",
        "0",
        "1",
    ]
    counted = incidents.counts(desk.store)
    assert text_of(tree, "inc-updated") == fmt_wib(counted["updated_at"]) != "—"
    rows = logistics.board(desk.store)
    assert text_of(tree, "log-readiness") == fmt_pct(logistics.readiness(rows)) != "0,00 %"
    assert text_of(tree, "log-updated") == fmt_wib(max(r.updated_at for r in rows)) != "—"
    assert "<b>Kotak suara</b> rusak <script>alert(1)</script>" in texts(tree)  # the latest incidents, as text


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
    assert "Surat suara Pilbup Banyuasin" in shown and "Kurang" in shown and "Talang Kelapa" in shown


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


def test_a_browser_asking_for_compression_gets_the_same_bytes_compressed(client_as) -> None:  # noqa: ANN001
    """Scripts and JSON answers go compressed to a browser that asks (officials following from outside the room)."""
    import gzip
    import json

    client = client_as("viewer")
    page = client.get("/rekapitulasi")
    script = next(s for s in page.get_data(as_text=True).split('"') if "dash_renderer" in s and s.endswith(".js"))
    plain = client.get(script, headers={"Accept-Encoding": "identity"})
    packed = client.get(script, headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers and packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert len(packed.get_data()) < len(plain.get_data()) / 2
    live = client.get("/api/v1/live", headers={"Accept-Encoding": "gzip"})
    assert live.status_code == 200 and live.headers.get("Content-Encoding") == "gzip"
    same = client.get("/api/v1/live", headers={"Accept-Encoding": "identity"}).get_json()
    assert json.loads(gzip.decompress(live.get_data())).keys() == same.keys()
