"""The shell when a page opens: the severe incidents nobody has verified yet (data_sources.incidents.unhandled), the
time of the last change (data_sources.summary.last_change) and how the banner (assets/incidents.js) keeps them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from dashboard.actors import SYSTEM, Actor
from dashboard.fmt import fmt_wib, now_utc
from data_sources import incidents, logistics, results, summary
from data_sources.scenario import load_scenario
from layouts.shell import SEVERE, last_update_text
from tests.conftest import DEMO, component

OPERATOR = Actor("operator", "operator")


def _incident(store: Any, severity: str, text: str = "Kotak suara rusak") -> dict[str, Any]:
    payload = {
        "kecamatan": "16.07.10",
        "stage": "pemungutan-suara",
        "category": "keamanan",
        "severity": severity,
        "description": text,
    }
    return incidents.create_incident(store, payload, OPERATOR)


# ---------------------------------------------------------------- the data layer, on both databases


def test_unhandled_lists_the_severe_incidents_nobody_has_verified_newest_first(demo_store) -> None:  # noqa: ANN001
    store = demo_store
    first = _incident(store, "kritis")
    second = _incident(store, "tinggi")
    _incident(store, "sedang")
    _incident(store, "rendah")
    verified = _incident(store, "kritis")
    incidents.change_status(store, verified["id"], "diverifikasi", OPERATOR, "dicek")
    rejected = _incident(store, "tinggi")
    incidents.change_status(store, rejected["id"], "ditolak", OPERATOR, "laporan ganda")

    listed = incidents.unhandled(store, SEVERE)
    assert [i["id"] for i in listed] == [second["id"], first["id"]]
    assert all(i["status"] == "baru" and i["kecamatan_name"] == "Talang Kelapa" for i in listed)
    assert [i["id"] for i in incidents.unhandled(store, SEVERE, limit=1)] == [second["id"]]
    assert [i["id"] for i in incidents.unhandled(store, ["kritis"])] == [first["id"]]
    assert incidents.unhandled(store, []) == [] and incidents.unhandled(store, ["gawat"]) == []

    incidents.change_status(store, second["id"], "diverifikasi", OPERATOR, "Panwascam ke lokasi")
    assert [i["id"] for i in incidents.unhandled(store, SEVERE)] == [first["id"]]


def test_last_change_is_the_newest_result_incident_or_logistics_change(store) -> None:  # noqa: ANN001
    assert summary.last_change(store) is None  # nothing stored: the top bar keeps "—"
    load_scenario(store, DEMO, SYSTEM)
    loaded = summary.last_change(store)
    board = logistics.board(store)
    assert loaded is not None and loaded == max(r.updated_at for r in board)  # the logistics set up with the scenario

    payload = {
        "contest": "pilbup-banyuasin",
        "tps": "16.07.10.2001.001",
        "votes": {"1": 50, "2": 40, "3": 5, "4": 3, "5": 1},
    }
    outcome = results.submit_result(store, {**payload, "suara_tidak_sah": 2}, OPERATOR, source="uji")
    assert outcome.http_status == 201
    received = datetime.fromisoformat(outcome.result["received_at"])
    assert summary.last_change(store) == received > loaded

    made = _incident(store, "sedang")
    assert summary.last_change(store) == datetime.fromisoformat(made["updated_at"]) >= received
    changed = incidents.change_status(store, made["id"], "diverifikasi", OPERATOR, None)
    assert summary.last_change(store) == datetime.fromisoformat(changed["updated_at"])

    line = logistics.update(store, "16.07.10", board[0].item, 1, "kurang", "operator")
    assert summary.last_change(store) == line.updated_at
    assert summary.last_change(store).tzinfo is not None and summary.last_change(store) <= now_utc()


def test_the_last_update_reads_like_a_pushed_one_with_the_date_on_an_earlier_day() -> None:
    now = datetime(2024, 11, 27, 9, 0, tzinfo=UTC)  # 16.00 WIB
    assert last_update_text(None, now) == "—"
    assert last_update_text(datetime(2024, 11, 27, 2, 5, tzinfo=UTC), now) == "09.05 WIB"
    assert last_update_text(datetime(2024, 11, 26, 16, 59, tzinfo=UTC), now) == "26-11-2024 23.59 WIB"
    assert last_update_text(datetime(2024, 11, 26, 17, 0, tzinfo=UTC), now) == "00.00 WIB"  # the same WIB day


# ---------------------------------------------------------------- what the page carries when it opens


def test_the_top_bar_shows_the_last_change_as_soon_as_the_page_opens(app, client_as) -> None:  # noqa: ANN001
    store = app.server.extensions["desk"].store
    made = _incident(store, "sedang")
    layout = client_as("viewer").get("/_dash-layout").get_json()
    shown = component(layout, "last-update")["props"]["children"]
    assert shown == fmt_wib(datetime.fromisoformat(made["updated_at"]))  # the newest change, before any push
