"""Incidents: intake validation (422 naming the field, nothing stored), the status workflow with its history,
filters, the Kejadian page and its figures (with and without boundaries), text shown as written, live wiring."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from dashboard.charts import incident_maps as im
from data_sources import accounts, geo, incidents
from data_sources.domain.actors import Actor
from data_sources.domain.fmt import WIB, now_utc
from data_sources.domain.vocab import CATEGORIES, SEVERITY_COLORS
from data_sources.models import AuditEntry, Incident, IncidentEvent
from tests import deskjs
from tests.conftest import SHARED, component, render_page, texts

BOUNDARIES = SHARED / "boundaries" / "banyuasin_kecamatan_adm3.geojson"
TALANG_KELAPA = "16.07.10"
DESA = "16.07.10.2001"  # a desa of Talang Kelapa in the demo
TPS = "16.07.10.2001.001"
OTHER_KEC = "16.07.01"
HTML_TEXT = "<b>Kotak suara</b> rusak <script>alert(1)</script> & <i>basah</i>"
OPERATOR = Actor("operator", "operator")


def good(**changes: Any) -> dict[str, Any]:
    """A valid incident report, with some fields changed (None removes a field)."""
    payload = {
        "kecamatan": TALANG_KELAPA,
        "desa": DESA,
        "tps": TPS,
        "stage": "pemungutan-suara",
        "category": "keamanan",
        "severity": "tinggi",
        "description": "Keributan kecil di depan TPS 001",
        "occurred_at": "2024-11-27T09:30:00+07:00",
    }
    payload.update(changes)
    return {k: v for k, v in payload.items() if v is not None}


def stored(store) -> tuple[int, int, int]:  # noqa: ANN001
    """How many incidents, history rows and audit rows the store holds."""
    with store.reader() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) for t in (Incident, IncidentEvent, AuditEntry))


@pytest.fixture
def desk(app):  # noqa: ANN001
    """The running app's Desk."""
    return app.server.extensions["desk"]


@pytest.fixture
def reporter(app, desk):  # noqa: ANN001
    """A test client carrying a reporter token (no session)."""
    secret, _info = accounts.create_token(desk.store, "hp", "reporter", "uji")
    client = app.server.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def centroid(code: str) -> geo.Centroid:
    return geo.kecamatan_centroids()[code]


# ---------------------------------------------------------------- intake


def test_a_reporter_posts_an_incident_and_it_is_pushed(app, desk, reporter, client_as) -> None:  # noqa: ANN001
    viewer = desk.socketio.test_client(app.server, flask_test_client=client_as("viewer"))
    c = centroid(TALANG_KELAPA)
    response = reporter.post("/api/v1/incidents", json=good(latitude=c.lat, longitude=c.lng))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "baru" and body["reporter"] == "token:hp"
    assert body["kecamatan_name"] == "Talang Kelapa" and body["tps"] == TPS
    assert body["occurred_at"] == "2024-11-27T02:30:00+00:00"  # stored as UTC
    assert [(h["actor"], h["from"], h["to"]) for h in body["history"]] == [("token:hp", None, "baru")]
    desk.hub.flush()
    pushed = [m["args"][0] for m in viewer.get_received() if m["name"] == "incident"]
    assert [i["id"] for i in pushed[0]["items"]] == [body["id"]]
    assert pushed[0]["text"]["inc-open-tinggi"] == "1"


def test_a_kpu_style_tps_code_is_accepted(desk, reporter) -> None:  # noqa: ANN001
    response = reporter.post("/api/v1/incidents", json=good(tps=TPS.replace(".", ""), desa=None))
    assert response.status_code == 201 and response.get_json()["tps"] == TPS


BAD_INPUTS = [
    ("unknown kecamatan", {"kecamatan": "16.07.99"}, "kecamatan"),
    ("missing kecamatan", {"kecamatan": None}, "kecamatan"),
    ("a desa is no kecamatan", {"kecamatan": DESA}, "kecamatan"),
    ("unknown desa", {"desa": "16.07.10.2999"}, "desa"),
    ("desa of another kecamatan", {"desa": "16.07.01.1016"}, "desa"),
    ("unknown TPS", {"tps": "16.07.10.2001.999"}, "tps"),
    ("TPS of another desa", {"tps": "16.07.10.1002.001"}, "tps"),
    ("TPS of another kecamatan", {"tps": "16.07.01.1016.001", "desa": None}, "tps"),
    ("a TPS code that is no code", {"tps": "TPS satu"}, "tps"),
    ("coordinates in Jakarta", {"latitude": -6.2, "longitude": 106.8}, "latitude"),
    ("longitude outside", {"latitude": -2.9, "longitude": 110.0}, "longitude"),
    ("latitude without longitude", {"latitude": -2.9}, "longitude"),
    ("latitude as text", {"latitude": "abc", "longitude": 104.6}, "latitude"),
    ("latitude not finite", {"latitude": float("nan"), "longitude": 104.6}, "latitude"),
    ("latitude a boolean", {"latitude": True, "longitude": 104.6}, "latitude"),
    ("unknown category", {"category": "hantu"}, "category"),
    ("unknown severity", {"severity": "gawat"}, "severity"),
    ("missing severity", {"severity": None}, "severity"),
    ("unknown stage", {"stage": "pesta"}, "stage"),
    ("unknown status", {"status": "hilang"}, "status"),
    ("created already closed", {"status": "selesai"}, "status"),
    ("empty description", {"description": "   "}, "description"),
    ("missing description", {"description": None}, "description"),
    ("oversized description", {"description": "x" * (incidents.MAX_DESCRIPTION + 1)}, "description"),
    ("description not text", {"description": 12}, "description"),
    ("time without zone", {"occurred_at": "2024-11-27T09:30:00"}, "occurred_at"),
    ("time not a time", {"occurred_at": "kemarin sore"}, "occurred_at"),
    ("a misspelt field", {"lat": -2.9}, "lat"),
    ("a reporter of its own", {"reporter": "Budi"}, "reporter"),
]


@pytest.mark.parametrize(("case", "changes", "field"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(
    desk,
    reporter,
    case: str,
    changes: dict,
    field: str,  # noqa: ANN001
) -> None:
    before = stored(desk.store)
    payload = good(**changes)
    for key, value in changes.items():
        if value is None:
            payload.pop(key, None)
    response = reporter.post("/api/v1/incidents", data=json.dumps(payload), content_type="application/json")
    assert response.status_code == 422, (case, response.get_json())
    errors = response.get_json()["errors"]
    assert field in errors, (case, errors)
    assert all(isinstance(m, str) and m for m in errors.values())
    assert stored(desk.store) == before


@pytest.mark.parametrize(
    ("body", "field"), [("[1, 2]", "body"), ("bukan json", "body"), ('"teks"', "body")], ids=["list", "text", "string"]
)
def test_a_body_that_is_no_object_is_refused(desk, reporter, body: str, field: str) -> None:  # noqa: ANN001
    before = stored(desk.store)
    response = reporter.post("/api/v1/incidents", data=body, content_type="application/json")
    assert response.status_code == 422 and field in response.get_json()["errors"]
    assert stored(desk.store) == before


def test_every_bad_field_is_named_at_once(desk, reporter) -> None:  # noqa: ANN001
    response = reporter.post(
        "/api/v1/incidents", json=good(kecamatan="16.07.99", category="x", severity="y", description="")
    )
    assert response.status_code == 422
    assert {"kecamatan", "category", "severity", "description"} <= set(response.get_json()["errors"])


def test_a_token_limited_to_a_region_reports_only_there(app, desk) -> None:  # noqa: ANN001
    secret, _info = accounts.create_token(desk.store, "camat", "reporter", "uji", region=TALANG_KELAPA)
    client = app.server.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.post("/api/v1/incidents", json=good(), headers=headers).status_code == 201
    before = stored(desk.store)
    refused = client.post("/api/v1/incidents", json=good(kecamatan=OTHER_KEC, desa=None, tps=None), headers=headers)
    assert refused.status_code == 422 and "kecamatan" in refused.get_json()["errors"]
    assert stored(desk.store) == before


def test_who_may_report(client_as) -> None:  # noqa: ANN001
    assert client_as(None).post("/api/v1/incidents", json=good()).status_code in (401, 302)
    assert client_as("viewer").post("/api/v1/incidents", json=good()).status_code == 403
    assert client_as("operator").post("/api/v1/incidents", json=good()).status_code == 201


def test_the_regency_area_from_centroids_and_from_boundaries(desk) -> None:  # noqa: ANN001
    centroids = geo.kecamatan_centroids()
    area = incidents.regency_area(desk.store)
    lats = [c.lat for c in centroids.values()]
    lons = [c.lng for c in centroids.values()]
    assert area.south == pytest.approx(min(lats) - incidents.AREA_MARGIN)
    assert area.east == pytest.approx(max(lons) + incidents.AREA_MARGIN)
    assert all(area.contains_lat(c.lat) and area.contains_lon(c.lng) for c in centroids.values())
    assert not area.contains_lat(-6.2) and not area.contains_lon(106.8)  # Jakarta
    if not BOUNDARIES.exists():
        pytest.skip(f"reference boundaries absent: {BOUNDARIES}")
    shaped = incidents.regency_area(desk.store, geo.load_boundaries(BOUNDARIES))
    assert shaped != area
    assert shaped.south < min(lats) and shaped.north > max(lats)  # the polygons reach beyond the centroids
    assert shaped.north - shaped.south < area.north - area.south + 1  # and stay near the regency


def test_coordinates_outside_the_configured_boundaries_are_refused(app, desk, reporter) -> None:  # noqa: ANN001
    if not BOUNDARIES.exists():
        pytest.skip(f"reference boundaries absent: {BOUNDARIES}")
    desk.config.boundaries = BOUNDARIES
    box = incidents.regency_area(desk.store, geo.load_boundaries(BOUNDARIES))
    before = stored(desk.store)
    north = reporter.post("/api/v1/incidents", json=good(latitude=box.north + 0.1, longitude=box.west + 0.1))
    assert north.status_code == 422 and set(north.get_json()["errors"]) == {"latitude"}
    assert stored(desk.store) == before
    inside = reporter.post("/api/v1/incidents", json=good(latitude=box.north - 0.01, longitude=box.west + 0.01))
    assert inside.status_code == 201


# ---------------------------------------------------------------- workflow


def test_status_workflow_keeps_a_history_of_who_when_from_to_note(desk, client_as) -> None:  # noqa: ANN001
    operator = client_as("operator")
    created = operator.post("/api/v1/incidents", json=good()).get_json()
    path = f"/api/v1/incidents/{created['id']}"
    steps = [("diverifikasi", "dicek Panwascam"), ("ditangani", None), ("selesai", "aman kembali")]
    for status, note in steps:
        started = now_utc()
        response = operator.patch(path, json={"status": status, "note": note})
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["status"] == status
        moment = datetime.fromisoformat(response.get_json()["history"][-1]["at"])
        assert started - timedelta(seconds=1) <= moment <= now_utc()
    history = operator.get(path).get_json()["history"]
    assert [(h["actor"], h["from"], h["to"], h["note"]) for h in history] == [
        ("operator", None, "baru", None),
        ("operator", "baru", "diverifikasi", "dicek Panwascam"),
        ("operator", "diverifikasi", "ditangani", None),
        ("operator", "ditangani", "selesai", "aman kembali"),
    ]
    audit = [e for e in desk.store.audit_entries(limit=20) if e.action == "incident.status"]
    assert [(e.before["status"], e.after["status"]) for e in reversed(audit)] == [
        ("baru", "diverifikasi"),
        ("diverifikasi", "ditangani"),
        ("ditangani", "selesai"),
    ]


ILLEGAL = [
    ("baru", {"status": "selesai"}, "status", 422),
    ("baru", {"status": "ditangani"}, "status", 422),
    ("baru", {"status": "baru"}, "status", 422),
    ("baru", {"status": "hilang"}, "status", 422),
    ("baru", {}, "status", 422),
    ("baru", {"status": "ditolak"}, "note", 422),  # a rejection needs its reason
    ("baru", {"status": "ditolak", "note": "   "}, "note", 422),
    ("baru", {"status": "diverifikasi", "note": "x" * (incidents.MAX_NOTE + 1)}, "note", 422),
    ("baru", {"status": "diverifikasi", "note": 5}, "note", 422),
    ("baru", {"status": "diverifikasi", "severity": "kritis"}, "severity", 422),  # only the status changes
    ("selesai", {"status": "ditangani"}, "status", 422),
    ("ditolak", {"status": "diverifikasi"}, "status", 422),
]


@pytest.mark.parametrize(("start", "body", "field", "code"), ILLEGAL)
def test_illegal_status_changes_are_refused_and_leave_no_trace(
    desk,
    client_as,
    start: str,
    body: dict,
    field: str,
    code: int,  # noqa: ANN001
) -> None:
    operator = client_as("operator")
    created = operator.post("/api/v1/incidents", json=good()).get_json()
    path = f"/api/v1/incidents/{created['id']}"
    route = {"baru": [], "selesai": ["diverifikasi", "selesai"], "ditolak": ["ditolak"]}[start]
    for status in route:
        assert operator.patch(path, json={"status": status, "note": "alasan"}).status_code == 200
    before = stored(desk.store)
    response = operator.patch(path, json=body)
    assert response.status_code == code and field in response.get_json()["errors"], response.get_json()
    assert stored(desk.store) == before
    assert operator.get(path).get_json()["status"] == start


def test_status_change_of_a_missing_incident_and_who_may_change(desk, client_as, reporter) -> None:  # noqa: ANN001
    operator = client_as("operator")
    assert operator.patch("/api/v1/incidents/9999", json={"status": "diverifikasi"}).status_code == 404
    created = operator.post("/api/v1/incidents", json=good()).get_json()
    path = f"/api/v1/incidents/{created['id']}"
    assert reporter.patch(path, json={"status": "diverifikasi"}).status_code == 403
    assert client_as("viewer").patch(path, json={"status": "diverifikasi"}).status_code == 403
    assert operator.get("/api/v1/incidents/9999").status_code == 404


def test_next_statuses_follow_the_catalogue() -> None:
    assert incidents.next_statuses("baru") == ["diverifikasi", "ditolak"]
    assert incidents.next_statuses("diverifikasi") == ["ditangani", "selesai", "ditolak"]
    assert incidents.next_statuses("selesai") == [] and incidents.next_statuses("ditolak") == []


# ---------------------------------------------------------------- filters


@pytest.fixture
def several(desk):  # noqa: ANN001
    """Five incidents of different kinds, places and times; #2 verified, #5 rejected."""
    store = desk.store
    now = now_utc()
    specs = [
        good(category="keamanan", severity="kritis", occurred_at=(now - timedelta(minutes=30)).isoformat()),
        good(category="logistik", severity="rendah", occurred_at=(now - timedelta(hours=3)).isoformat()),
        good(
            kecamatan=OTHER_KEC,
            desa=None,
            tps=None,
            category="logistik",
            severity="tinggi",
            stage="penghitungan",
            occurred_at=(now - timedelta(hours=10)).isoformat(),
        ),
        good(category="politik-uang", severity="sedang", occurred_at=(now - timedelta(hours=30)).isoformat()),
        good(category="lainnya", severity="rendah", occurred_at=(now - timedelta(hours=2)).isoformat()),
    ]
    made = [incidents.create_incident(store, p, OPERATOR) for p in specs]
    incidents.change_status(store, made[1]["id"], "diverifikasi", OPERATOR, "cek")
    incidents.change_status(store, made[4]["id"], "ditolak", OPERATOR, "ganda")
    return [m["id"] for m in made]


def ids_of(client, query: str) -> list[int]:  # noqa: ANN001
    response = client.get(f"/api/v1/incidents?{query}")
    assert response.status_code == 200, response.get_json()
    return [i["id"] for i in response.get_json()["incidents"]]


def test_filters_by_category_severity_status_stage_kecamatan_and_time(several, client_as) -> None:  # noqa: ANN001
    a, b, c, d, e = several
    viewer = client_as("viewer")
    assert ids_of(viewer, "") == [e, d, c, b, a]  # newest report first
    assert ids_of(viewer, "category=logistik") == [c, b]
    assert ids_of(viewer, "severity=tinggi,kritis") == [c, a]
    assert ids_of(viewer, "status=baru") == [d, c, a]
    assert ids_of(viewer, "status=terbuka") == [d, c, b, a]
    assert ids_of(viewer, "status=ditolak") == [e]
    assert ids_of(viewer, "stage=penghitungan") == [c]
    assert ids_of(viewer, f"kecamatan={OTHER_KEC}") == [c]
    assert ids_of(viewer, "hours=1") == [a]
    assert ids_of(viewer, "hours=6") == [e, b, a]
    assert ids_of(viewer, "hours=24&category=logistik") == [c, b]
    since = (now_utc() - timedelta(hours=2, minutes=30)).astimezone(WIB).isoformat()
    assert ids_of(viewer, f"since={since.replace('+', '%2B')}") == [e, a]
    assert ids_of(viewer, "limit=2") == [e, d]
    body = viewer.get("/api/v1/incidents?category=logistik").get_json()
    assert body["count"] == 2 and all("history" in i for i in body["incidents"])


BAD_FILTERS = [
    ("category=hantu", "category"),
    ("severity=tinggi,gawat", "severity"),
    ("status=hilang", "status"),
    ("stage=pesta", "stage"),
    ("kecamatan=16.07.99", "kecamatan"),
    ("since=kemarin", "since"),
    ("since=2024-11-27T09:00:00", "since"),
    ("updated_since=tadi", "updated_since"),
    ("hours=0", "hours"),
    ("hours=abc", "hours"),
    ("hours=1000", "hours"),
    ("limit=0", "limit"),
    ("limit=banyak", "limit"),
    ("warna=merah", "warna"),
]


@pytest.mark.parametrize(("query", "field"), BAD_FILTERS, ids=[q for q, _ in BAD_FILTERS])
def test_bad_filter_values_are_refused_naming_the_parameter(client_as, query: str, field: str) -> None:  # noqa: ANN001
    response = client_as("viewer").get(f"/api/v1/incidents?{query}")
    assert response.status_code == 422 and field in response.get_json()["errors"], response.get_json()


def test_the_browser_filter_check_agrees_with_the_store(several, desk) -> None:  # noqa: ANN001
    now = now_utc()
    rows = incidents.list_incidents(desk.store)
    for query in ({"category": "logistik"}, {"status": "terbuka", "hours": "6"}, {"severity": "rendah,kritis"}):
        filters, errors = incidents.parse_filters(query, now, incidents.kecamatan_codes(desk.store))
        assert not errors
        expected = [
            r["id"] for r in incidents.list_incidents(desk.store, **{k: v for k, v in filters.items() if k != "hours"})
        ]
        assert [r["id"] for r in rows if incidents.matches(r, filters)] == expected


# ---------------------------------------------------------------- figures


def sample(n: int = 6) -> list[dict[str, Any]]:
    """Incidents as plain data, without a store: two with own coordinates, one closed."""
    out = []
    cats = list(CATEGORIES)
    for i in range(1, n + 1):
        moment = datetime(2024, 11, 27, 7 + i // 2, 5 * i, tzinfo=WIB)
        out.append(
            {
                "id": i,
                "occurred_at": moment.isoformat(),
                "created_at": moment.isoformat(),
                "kecamatan": TALANG_KELAPA if i % 2 else OTHER_KEC,
                "kecamatan_name": "Talang Kelapa" if i % 2 else "Banyuasin I",
                "tps": None,
                "latitude": -2.9 if i == 2 else None,
                "longitude": 104.7 if i == 2 else None,
                "stage": "pemungutan-suara",
                "category": cats[i % 3],
                "severity": ["rendah", "sedang", "tinggi", "kritis"][i % 4],
                "status": "selesai" if i == 3 else "baru",
                "description": HTML_TEXT if i == 1 else f"Kejadian {i}",
            }
        )
    return out


def regions() -> dict[str, str]:
    return {code: c.name for code, c in sorted(geo.kecamatan_centroids().items())}


def test_map_without_boundaries_is_bubbles_at_the_centroids_with_a_point_per_incident() -> None:
    rows = sample()
    names = regions()
    centres = geo.region_centres(names, geo.kecamatan_centroids())
    fig = im.incident_map(rows, names, None, centres)
    bubbles, points = fig.data
    assert bubbles.type == "scattergeo" and len(bubbles.lat) == 21
    counts = dict(zip([row[0] for row in bubbles.customdata], bubbles.marker.color, strict=True))
    assert counts[TALANG_KELAPA] == 2 and counts[OTHER_KEC] == 3  # #3 is closed
    assert sum(counts.values()) == 5 and bubbles.marker.cmax == 3
    assert points.type == "scattergeo" and len(points.lat) == 6
    by_id = {row[0]: k for k, row in enumerate(points.customdata)}
    assert (points.lat[by_id[2]], points.lon[by_id[2]]) == (-2.9, 104.7)  # its own coordinates
    tk = centroid(TALANG_KELAPA)
    spots = {(points.lat[by_id[i]], points.lon[by_id[i]]) for i in (1, 3, 5)}
    assert len(spots) == 3  # same kecamatan, never stacked
    for i in (1, 3, 5):
        assert abs(points.lat[by_id[i]] - tk.lat) <= im.JITTER_DEGREES and abs(points.lon[by_id[i]] - tk.lng) <= 0.03
    assert list(points.marker.color) == [SEVERITY_COLORS[r["severity"]] for r in rows]
    assert points.marker.symbol[by_id[3]] == "circle-open" and points.marker.symbol[by_id[1]] == "circle"
    assert fig.layout.geo.fitbounds == "locations" and fig.layout.geo.visible is False
    assert im.incident_map(rows, names, None, centres).to_json() == fig.to_json()  # deterministic


def test_map_with_boundaries_is_a_choropleth_of_the_kecamatan() -> None:
    if not BOUNDARIES.exists():
        pytest.skip(f"reference boundaries absent: {BOUNDARIES}")
    boundaries = geo.load_boundaries(BOUNDARIES)
    names = regions()
    centres = geo.region_centres(names, geo.kecamatan_centroids(), boundaries)
    fig = im.incident_map(sample(), names, boundaries, centres)
    shapes, points = fig.data
    assert shapes.type == "choropleth" and shapes.featureidkey == "properties.kode"
    assert len(shapes.locations) == 21 and shapes.geojson is boundaries or shapes.geojson == boundaries
    z = dict(zip(shapes.locations, shapes.z, strict=True))
    assert z[TALANG_KELAPA] == 2 and z[OTHER_KEC] == 3 and shapes.zmin == 0 and shapes.zmax == 3
    assert len(points.lat) == 6
    readiness = im.readiness_map({TALANG_KELAPA: 0.5}, names, boundaries, centres)
    assert readiness.data[0].type == "choropleth"
    assert dict(zip(readiness.data[0].locations, readiness.data[0].z, strict=True))[TALANG_KELAPA] == 50


def test_a_region_without_centroid_is_placed_in_the_middle_of_its_shape() -> None:
    polygon = {"type": "Polygon", "coordinates": [[[104.0, -3.0], [105.0, -3.0], [105.0, -2.0], [104.0, -3.0]]]}
    boundaries = {"type": "FeatureCollection", "features": [{"properties": {"kode": "99.01"}, "geometry": polygon}]}
    assert geo.region_centres(["99.01", "99.02"], {}, boundaries) == {"99.01": (-2.5, 104.5)}


def test_timeline_is_per_hour_by_category_stacked() -> None:
    rows = sample()
    fig = im.incident_timeline(rows)
    assert [t.name for t in fig.data] == list(CATEGORIES.values())
    assert fig.layout.barmode == "stack"
    x = list(fig.data[0].x)
    assert x[0] == "2024-11-27 07:00:00" and x[-1] == "2024-11-27 10:00:00" and len(x) == 4  # no hour missing
    assert sum(sum(t.y) for t in fig.data) == len(rows)
    shown = {t.name for t in fig.data if t.showlegend}
    assert shown == {CATEGORIES[c] for c in {r["category"] for r in rows}}
    empty = im.incident_timeline([])
    assert empty.layout.annotations[0].text == "Belum ada kejadian yang cocok"


def test_field_text_in_figures_is_escaped() -> None:
    hover = im.incident_hover(sample()[0])
    assert "&lt;script&gt;" in hover and "<script>" not in hover and "&amp;" in hover
    assert "<b>#1 · " in hover  # our own markup stays


# ---------------------------------------------------------------- the page


def test_kejadian_page_lists_incidents_with_history_and_html_as_text(desk, client_as) -> None:  # noqa: ANN001
    made = incidents.create_incident(desk.store, good(description=HTML_TEXT), OPERATOR)
    incidents.change_status(desk.store, made["id"], "diverifikasi", OPERATOR, "<i>dicek</i>")
    tree = render_page(client_as("viewer"), "/kejadian")
    shown = texts(tree)
    assert HTML_TEXT in shown  # a text node, never markup
    assert any("Baru → Diverifikasi — <i>dicek</i>" in t for t in shown)
    assert "Talang Kelapa · TPS 001" in shown and "Keamanan" in shown and "Tinggi" in shown
    assert "Ubah status" not in shown  # a viewer may not change statuses
    assert "Ubah status" in texts(render_page(client_as("operator"), "/kejadian"))
    blob = json.dumps(tree)
    assert "<script>alert(1)</script>" not in blob.replace(json.dumps(HTML_TEXT)[1:-1], "")


def test_html_sent_through_the_api_is_shown_as_text_on_every_page(desk, reporter, client_as) -> None:  # noqa: ANN001
    note = "<i>dicek</i> & <b>aman</b>"
    made = reporter.post("/api/v1/incidents", json=good(description=HTML_TEXT)).get_json()
    operator = client_as("operator")
    assert (
        operator.patch(f"/api/v1/incidents/{made['id']}", json={"status": "diverifikasi", "note": note}).status_code
        == 200
    )
    viewer = client_as("viewer")
    back = viewer.get(f"/api/v1/incidents/{made['id']}").get_json()
    assert back["description"] == HTML_TEXT and back["history"][-1]["note"] == note  # stored as sent
    kejadian = render_page(viewer, "/kejadian")
    shown = texts(kejadian)
    assert HTML_TEXT in shown and any(t.endswith(f"Baru → Diverifikasi — {note}") for t in shown)
    hover = component(kejadian, "kj-map")["props"]["figure"]["data"][1]["text"][0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hover and "<script>" not in hover
    assert HTML_TEXT in texts(render_page(viewer, "/"))  # Ringkasan's latest incidents


def test_kejadian_filters_come_from_the_address(several, client_as) -> None:  # noqa: ANN001
    a, b, c, d, e = several
    viewer = client_as("viewer")

    def listed(query: str) -> list[str]:
        return [t for t in texts(render_page(viewer, "/kejadian", query)) if t.startswith("#")]

    assert listed("") == [f"#{i}" for i in (e, d, c, b, a)]
    assert listed("?category=logistik") == [f"#{c}", f"#{b}"]
    assert listed("?severity=kritis,tinggi&hours=6") == [f"#{a}"]
    assert listed("?status=terbuka&kecamatan=" + TALANG_KELAPA) == [f"#{d}", f"#{b}", f"#{a}"]
    bad = texts(render_page(viewer, "/kejadian", "?severity=gawat"))
    assert any(t.startswith("severity:") for t in bad) and len([t for t in bad if t.startswith("#")]) == 5


def test_kejadian_page_uses_the_configured_boundaries(desk, client_as) -> None:  # noqa: ANN001
    graph = component(render_page(client_as("viewer"), "/kejadian"), "kj-map")["props"]
    assert [t["type"] for t in graph["figure"]["data"]] == ["scattergeo", "scattergeo"]
    assert graph["config"]["topojsonURL"] == "/assets/topojson/"
    if not BOUNDARIES.exists():
        pytest.skip(f"reference boundaries absent: {BOUNDARIES}")
    desk.config.boundaries = BOUNDARIES
    graph = component(render_page(client_as("viewer"), "/kejadian"), "kj-map")["props"]
    assert [t["type"] for t in graph["figure"]["data"]] == ["choropleth", "scattergeo"]
    assert len(graph["figure"]["data"][0]["locations"]) == 21


def test_page_links_encode_filters() -> None:
    from layouts.kejadian import page_href

    assert page_href(category=["keamanan", "logistik"], severity=[], hours="6") == (
        "/kejadian?category=keamanan%2Clogistik&hours=6"
    )
    assert page_href() == "/kejadian"


def test_live_updates_are_clientside_only(app) -> None:  # noqa: ANN001
    """Every callback that writes to the live pages or the banner runs in the browser; none polls."""
    forms = ("kj-new-", "kj-st-", "lg-in-")

    def ids(cb: dict) -> list[str]:
        return re.findall(r"(?:^|\.\.\.?)([a-z][a-z0-9-]*)\.", str(cb["output"]))

    live = [
        cb
        for cb in app._callback_list
        if any(i.startswith(("kj-", "lg-", "rs-", "alert-")) and not i.startswith(forms) for i in ids(cb))
    ]
    assert len(live) == 7, [cb["output"] for cb in live]
    assert all(cb.get("clientside_function") for cb in live)
    assert not any("Interval" in str(cb) for cb in live)
    inputs = [i["id"] for cb in live for i in cb["inputs"]]
    assert "liveness" in inputs  # the browser's own tick (fetches nothing) turns lines late at the cut-off


def test_browser_helpers_match_python() -> None:
    """assets/incidents.js places, buckets, formats and filters like dashboard.charts.incident_maps and data_sources."""
    rows = sample()
    centres = {TALANG_KELAPA: [-2.8, 104.6], OTHER_KEC: [-2.9, 104.9]}
    since = datetime(2024, 11, 27, 8, 0, tzinfo=WIB)
    filters = {"category": ["hak-pilih", "keamanan"], "status": ["baru"], "since": since}
    js_filters = {**filters, "since": since.isoformat()}
    out = deskjs.evaluate(
        """{
            positions: rows.map(r => d.position(r, centres)),
            when: rows.map(r => d.fmtWib(r.occurred_at, true)),
            buckets: rows.map(r => d.hourBucket(r.occurred_at)),
            timeline: d.timelineData(rows, categories),
            matches: rows.map(r => d.matches(r, filters)),
            place: d.placeText({kecamatan_name: "Talang Kelapa", tps: "16.07.10.2001.003"}),
            hover: d.incidentHover(rows[0], labels),
        }""",
        rows=rows,
        centres=centres,
        categories=list(CATEGORIES),
        filters=js_filters,
        labels=im.labels(),
    )
    tuples = {k: (lat, lon) for k, (lat, lon) in centres.items()}
    assert out["positions"] == [pytest.approx(list(im.incident_position(r, tuples))) for r in rows]
    assert out["when"] == [im.when_text(r["occurred_at"]) for r in rows]
    assert out["buckets"] == [im.hour_bucket(r["occurred_at"]) for r in rows]
    x, per = im.timeline_data(rows)
    assert out["timeline"] == {"x": x, "y": per}
    assert out["matches"] == [incidents.matches(r, filters) for r in rows]
    assert out["place"] == im.place_text({"kecamatan_name": "Talang Kelapa", "tps": "16.07.10.2001.003"})
    assert out["hover"] == im.incident_hover(rows[0])


def test_history_lines_use_status_labels() -> None:
    step = {"at": "2024-11-27T02:05:00+00:00", "actor": "operator", "from": "baru", "to": "ditolak", "note": "ganda"}
    assert im.history_line(step) == "09.05 WIB · operator: Baru → Ditolak — ganda"
    assert im.history_line({**step, "from": None, "to": "baru", "note": None}) == "09.05 WIB · operator: — → Baru"
