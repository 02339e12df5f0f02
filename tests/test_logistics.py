"""Logistics: needs from the scenario (ballots = DPT + 2.5 %), updates through the API with validation (422 naming
the field, nothing changed), late and short lines, readiness, the board API, the Logistik and Ringkasan pages."""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from dashboard.charts import incident_maps as im
from data_sources import accounts, geo, incidents, logistics
from data_sources.domain.actors import Actor
from data_sources.domain.fmt import WIB
from data_sources.domain.vocab import BALLOT_PREFIX, ITEMS_PER_TPS
from data_sources.logistics import LogisticsRow
from data_sources.models import AuditEntry, Logistics
from tests import deskjs
from tests.conftest import DEMO, SHARED, render_page, text_of, texts

BOUNDARIES = SHARED / "boundaries" / "banyuasin_kecamatan_adm3.geojson"
TALANG_KELAPA = "16.07.10"
BALLOTS = BALLOT_PREFIX + "pilbup-banyuasin"
DAY = datetime(2024, 11, 27, tzinfo=WIB)


@pytest.fixture
def desk(app):  # noqa: ANN001
    """The running app's Desk."""
    return app.server.extensions["desk"]


def line(store, kecamatan: str, item: str) -> LogisticsRow:  # noqa: ANN001
    """One line of the board."""
    (row,) = logistics.board(store, kecamatan=[kecamatan], item=[item])
    return row


def snapshot(store) -> tuple[list[tuple], int]:  # noqa: ANN001
    """Every line's numbers and the number of audit rows."""
    with store.reader() as s:
        rows = [(r.kecamatan_code, r.item, r.received, r.status) for r in s.scalars(select(Logistics))]
        return sorted(rows), s.scalar(select(func.count()).select_from(AuditEntry))


# ---------------------------------------------------------------- needs


def test_ballots_needed_are_dpt_plus_2_5_percent_per_tps(demo_store) -> None:  # noqa: ANN001
    tps = json.loads(Path(DEMO).read_text(encoding="utf-8"))["tps"]
    per_kec: dict[str, list[int]] = {}
    for t in tps:
        per_kec.setdefault(t["code"][:8], []).append(t["dpt"])
    board = {(r.kecamatan_code, r.item): r for r in logistics.board(demo_store)}
    assert {k for k, _ in board} == set(per_kec)
    for kec, dpts in per_kec.items():
        printed = sum(math.ceil(d * 1.025 - 1e-9) for d in dpts)
        assert board[(kec, BALLOTS)].needed == printed
        assert board[(kec, BALLOT_PREFIX + "pilgub-sumsel")].needed == printed
        assert printed >= sum(dpts) * 1.025
        assert board[(kec, "bilik-suara")].needed == len(dpts) * ITEMS_PER_TPS["bilik-suara"][2]
        assert board[(kec, "kotak-suara")].needed == len(dpts) * 2  # one box per contest
    assert all(r.received == 0 and r.status == "belum-dikirim" for r in board.values())


# ---------------------------------------------------------------- updates


def test_an_operator_records_a_delivery_and_it_is_pushed(app, desk, client_as) -> None:  # noqa: ANN001
    viewer = desk.socketio.test_client(app.server, flask_test_client=client_as("viewer"))
    needed = line(desk.store, TALANG_KELAPA, "tinta").needed
    response = client_as("operator").put(
        f"/api/v1/logistics/{TALANG_KELAPA}/tinta", json={"received": needed, "status": "diterima"}
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["received"], body["status"], body["kecamatan"], body["updated_by"]) == (
        needed,
        "diterima",
        "Talang Kelapa",
        "operator",
    )
    desk.hub.flush()
    pushed = [m["args"][0] for m in viewer.get_received() if m["name"] == "logistics"]
    assert pushed[0]["items"][0]["item"] == "tinta" and pushed[0]["items"][0]["kecamatan_code"] == TALANG_KELAPA
    entry = desk.store.audit_entries(limit=1)[0]
    assert (entry.action, entry.before["status"], entry.after["status"]) == (
        "logistics.update",
        "belum-dikirim",
        "diterima",
    )


BAD_UPDATES = [
    ("more than twice the need", "tinta", {"received": "2x+1", "status": "diterima"}, "received"),
    ("negative", "tinta", {"received": -1, "status": "dalam-perjalanan"}, "received"),
    ("a fraction", "tinta", {"received": 1.5, "status": "dalam-perjalanan"}, "received"),
    ("a number as text", "tinta", {"received": "10", "status": "dalam-perjalanan"}, "received"),
    ("a boolean", "tinta", {"received": True, "status": "dalam-perjalanan"}, "received"),
    ("missing received", "tinta", {"status": "dalam-perjalanan"}, "received"),
    ("unknown status", "tinta", {"received": 1, "status": "hilang"}, "status"),
    ("missing status", "tinta", {"received": 1}, "status"),
    ("received short of the need", "tinta", {"received": 1, "status": "diterima"}, "received"),
    ("short but complete", "tinta", {"received": "need", "status": "kurang"}, "received"),
    ("goods not yet sent", "tinta", {"received": 5, "status": "belum-dikirim"}, "received"),
    ("unknown item", "payung", {"received": 1, "status": "dalam-perjalanan"}, "item"),
]


@pytest.mark.parametrize(("case", "item", "body", "field"), BAD_UPDATES, ids=[c[0] for c in BAD_UPDATES])
def test_bad_updates_are_refused_naming_the_field_and_nothing_changes(
    desk,
    client_as,
    case: str,
    item: str,
    body: dict[str, Any],
    field: str,  # noqa: ANN001
) -> None:
    needed = line(desk.store, TALANG_KELAPA, "tinta").needed
    body = {k: {"2x+1": 2 * needed + 1, "need": needed}.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    before = snapshot(desk.store)
    response = client_as("operator").put(f"/api/v1/logistics/{TALANG_KELAPA}/{item}", json=body)
    assert response.status_code == 422, (case, response.get_json())
    errors = response.get_json()["errors"]
    assert field in errors and all(isinstance(m, str) and m for m in errors.values()), (case, errors)
    assert snapshot(desk.store) == before


def test_unknown_kecamatan_and_a_body_that_is_no_object(desk, client_as) -> None:  # noqa: ANN001
    operator = client_as("operator")
    before = snapshot(desk.store)
    unknown = operator.put("/api/v1/logistics/16.07.99/tinta", json={"received": 1, "status": "dalam-perjalanan"})
    assert unknown.status_code == 422 and "kecamatan" in unknown.get_json()["errors"]
    desa = operator.put("/api/v1/logistics/16.07.10.2001/tinta", json={"received": 1, "status": "dalam-perjalanan"})
    assert desa.status_code == 422 and "kecamatan" in desa.get_json()["errors"]
    listed = operator.put(f"/api/v1/logistics/{TALANG_KELAPA}/tinta", json=[1, 2])
    assert listed.status_code == 422 and "body" in listed.get_json()["errors"]
    assert snapshot(desk.store) == before


def test_who_may_update(desk, app, client_as) -> None:  # noqa: ANN001
    body = {"received": 1, "status": "dalam-perjalanan"}
    assert client_as("viewer").put(f"/api/v1/logistics/{TALANG_KELAPA}/tinta", json=body).status_code == 403
    secret, _info = accounts.create_token(desk.store, "hp", "reporter", "uji")
    headers = {"Authorization": f"Bearer {secret}"}
    reporter = app.server.test_client()
    assert reporter.put(f"/api/v1/logistics/{TALANG_KELAPA}/tinta", json=body, headers=headers).status_code == 403


def test_a_damaged_or_short_delivery_is_accepted_and_counts_as_short(desk, client_as) -> None:  # noqa: ANN001
    operator = client_as("operator")
    needed = line(desk.store, TALANG_KELAPA, BALLOTS).needed
    short = operator.put(
        f"/api/v1/logistics/{TALANG_KELAPA}/{BALLOTS}", json={"received": needed - 20, "status": "kurang"}
    )
    assert short.status_code == 200
    damaged = operator.put(f"/api/v1/logistics/{TALANG_KELAPA}/segel", json={"received": 3, "status": "rusak"})
    assert damaged.status_code == 200
    cutoff = logistics.late_cutoff(desk.store)
    states = {
        r.item: logistics.line_state(r, cutoff, cutoff) for r in logistics.board(desk.store, kecamatan=[TALANG_KELAPA])
    }
    assert states[BALLOTS] == states["segel"] == logistics.SHORT


# ---------------------------------------------------------------- states and readiness


def row(status: str, received: int, needed: int = 100, item: str = "tinta", kec: str = TALANG_KELAPA) -> LogisticsRow:
    return LogisticsRow(kec, "Talang Kelapa", item, needed, received, status, DAY, "uji")


def test_late_means_not_received_after_the_cut_off(demo_store) -> None:  # noqa: ANN001
    cutoff = logistics.late_cutoff(demo_store)
    assert cutoff == datetime(2024, 11, 27, 10, 0, tzinfo=WIB)
    before, after = cutoff - timedelta(minutes=1), cutoff + timedelta(minutes=1)
    for status in ("belum-dikirim", "dalam-perjalanan"):
        assert logistics.line_state(row(status, 0), before, cutoff) == logistics.WAITING
        assert logistics.line_state(row(status, 0), after, cutoff) == logistics.LATE
    assert logistics.line_state(row("diterima", 100), after, cutoff) == logistics.COMPLETE
    assert logistics.line_state(row("diterima", 90), before, cutoff) == logistics.SHORT  # older data
    assert logistics.line_state(row("kurang", 90), before, cutoff) == logistics.SHORT
    assert logistics.line_state(row("rusak", 100), before, cutoff) == logistics.SHORT
    assert logistics.line_state(row("dalam-perjalanan", 0), after, None) == logistics.WAITING


def test_readiness_counts_good_goods_up_to_the_need() -> None:
    rows = [row("diterima", 150, 100), row("kurang", 50, 100, "segel"), row("rusak", 100, 100, "bilik-suara")]
    assert logistics.readiness(rows) == pytest.approx(150 / 300)
    by = logistics.readiness_by_kecamatan([*rows, row("diterima", 10, 10, kec="16.07.01")])
    assert by == {TALANG_KELAPA: pytest.approx(0.5), "16.07.01": 1.0}
    summary = logistics.board_summary(rows, DAY, None)
    assert (summary["lines"], summary[logistics.COMPLETE], summary[logistics.SHORT]) == (3, 1, 2)


# ---------------------------------------------------------------- the board API


def test_the_board_api_with_filters(desk, client_as) -> None:  # noqa: ANN001
    logistics.update(desk.store, TALANG_KELAPA, "tinta", 10, "kurang", "uji")
    viewer = client_as("viewer")
    body = viewer.get("/api/v1/logistics").get_json()
    assert len(body["lines"]) == 21 * 7 and body["cutoff"] == "2024-11-27T10:00:00+07:00"
    assert 0 < body["readiness"] < 0.01
    short = viewer.get("/api/v1/logistics?status=kurang").get_json()["lines"]
    assert [(r["kecamatan_code"], r["item"], r["state"]) for r in short] == [(TALANG_KELAPA, "tinta", "kurang")]
    assert len(viewer.get(f"/api/v1/logistics?kecamatan={TALANG_KELAPA}&item=tinta,segel").get_json()["lines"]) == 2
    for query, field in (
        ("status=hilang", "status"),
        ("item=payung", "item"),
        ("kecamatan=16.07.99", "kecamatan"),
        ("x=1", "x"),
    ):
        bad = viewer.get(f"/api/v1/logistics?{query}")
        assert bad.status_code == 422 and field in bad.get_json()["errors"], query


# ---------------------------------------------------------------- pages


def test_logistik_page_shows_each_kecamatan_and_item_with_late_and_short_highlighted(desk, client_as) -> None:  # noqa: ANN001
    needed = line(desk.store, TALANG_KELAPA, "kotak-suara").needed
    logistics.update(desk.store, TALANG_KELAPA, "kotak-suara", needed - 2, "kurang", "operator")
    tree = render_page(client_as("viewer"), "/logistik")
    shown = texts(tree)
    assert "Surat suara Pilbup Banyuasin" in shown and "Talang Kelapa" in shown
    assert f"{needed - 2:,}".replace(",", ".") + f" / {needed:,}".replace(",", ".") in shown
    assert "Kurang" in shown and "Kurang / rusak" in shown
    blob = json.dumps(tree)
    assert '"lg-cell lg-kurang"' in blob  # the short line is highlighted
    assert "27-11-2024 10.00 WIB" in shown  # the cut-off
    # the demo's clock is the wall clock here: after the cut-off, lines still on their way are late
    assert '"lg-cell lg-terlambat"' in blob


def test_readiness_map_without_boundaries_is_bubbles() -> None:
    names = {code: c.name for code, c in sorted(geo.kecamatan_centroids().items())}
    centres = geo.region_centres(names, geo.kecamatan_centroids())
    fig = im.readiness_map({TALANG_KELAPA: 0.25}, names, None, centres)
    trace = fig.data[0]
    assert trace.type == "scattergeo" and len(trace.lat) == 21
    values = dict(zip([c[0] for c in trace.customdata], trace.marker.color, strict=True))
    assert values[TALANG_KELAPA] == 25 and values["16.07.01"] == 0
    assert (trace.marker.cmin, trace.marker.cmax) == (0, 100)
    assert "25,00 %" in trace.text[list(names).index(TALANG_KELAPA)]
    if not BOUNDARIES.exists():
        pytest.skip(f"reference boundaries absent: {BOUNDARIES}")
    shaped = im.readiness_map({}, names, geo.load_boundaries(BOUNDARIES), centres)
    assert shaped.data[0].type == "choropleth" and len(shaped.data[0].locations) == 21


def test_ringkasan_shows_incidents_by_severity_readiness_and_last_changes(desk, client_as) -> None:  # noqa: ANN001
    incidents.create_incident(
        desk.store,
        {"kecamatan": TALANG_KELAPA, "stage": "pemungutan-suara", "category": "keamanan", "severity": "kritis",
         "description": "<b>Ricuh</b> di TPS"},
        Actor("operator", "operator"),
    )  # fmt: skip
    needed = line(desk.store, TALANG_KELAPA, "tinta").needed
    logistics.update(desk.store, TALANG_KELAPA, "tinta", needed, "diterima", "operator")
    tree = render_page(client_as("viewer"), "/")
    shown = texts(tree)
    assert "Kritis" in shown and "<b>Ricuh</b> di TPS" in shown
    assert text_of(tree, "inc-open-kritis") == "1" and text_of(tree, "inc-open-total") == "1"
    assert text_of(tree, "rs-log-done") == "1 / 147"
    assert text_of(tree, "log-readiness") not in ("", "0,00 %")
    assert text_of(tree, "log-updated").endswith("WIB") and text_of(tree, "inc-updated").endswith("WIB")


def test_browser_line_states_match_python() -> None:
    cutoff = datetime(2024, 11, 27, 10, 0, tzinfo=WIB)
    cases = [
        (row(s, r, n), moment)
        for s, r, n in (("belum-dikirim", 0, 100), ("dalam-perjalanan", 0, 100), ("diterima", 100, 100),
                        ("diterima", 90, 100), ("kurang", 90, 100), ("rusak", 100, 100))
        for moment in (cutoff - timedelta(minutes=5), cutoff + timedelta(minutes=5))
    ]  # fmt: skip
    lines = [{"status": r.status, "received": r.received, "needed": r.needed} for r, _m in cases]
    moments = [m.timestamp() * 1000 for _r, m in cases]
    out = deskjs.evaluate(
        "{states: lines.map((l, i) => d.lineState(l, moments[i], cutoff)), readiness: d.readiness(lines)}",
        lines=lines,
        moments=moments,
        cutoff=cutoff.timestamp() * 1000,
    )
    assert out["states"] == [logistics.line_state(r, m, cutoff) for r, m in cases]
    assert out["readiness"] == pytest.approx(logistics.readiness([r for r, _m in cases]))


def test_ballots_are_named_after_their_contest_as_officials_say_it(desk) -> None:  # noqa: ANN001
    from data_sources.domain.vocab import contest_short_name, item_label
    from data_sources.summary import ballot_names

    names = ballot_names(desk.store)
    assert names == {"pilbup-banyuasin": "Pilbup Banyuasin", "pilgub-sumsel": "Pilgub Sumatera Selatan"}
    assert item_label("surat-suara-pilgub-sumsel", names) == "Surat suara Pilgub Sumatera Selatan"
    assert item_label("surat-suara-lain", names) == "Surat suara lain"  # an unknown contest keeps its id
    assert item_label("tinta", names) == "Tinta"
    assert contest_short_name("pilwalkot", "Kota Palembang") == "Pilwalkot Palembang"
