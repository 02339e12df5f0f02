"""Rekapitulasi: drill-down by URL, the map with and without boundaries, flagged TPS, formats, both contests."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from dashboard.app import ASSETS
from dashboard.charts import maps
from dashboard.recap.engine import RegionTotals
from data_sources import geo, results
from data_sources.domain.actors import Actor
from data_sources.domain.contest import PaslonInfo
from layouts import rekapitulasi as page
from tests.conftest import SHARED, render_page, texts

BOUNDARIES = SHARED / "boundaries" / "banyuasin_kecamatan_adm3.geojson"
PILBUP = "pilbup-banyuasin"
PILGUB = "pilgub-sumsel"
TALANG_KELAPA = "16.07.10"
AIR_BATU = "16.07.10.1002"
TPS1 = "16.07.10.1002.001"
OPERATOR = Actor("operator", "operator")


# ---------------------------------------------------------------- helpers


def nodes(tree: Any) -> Iterator[dict]:
    """Every component of a rendered tree, depth first."""
    if isinstance(tree, list):
        for child in tree:
            yield from nodes(child)
    elif isinstance(tree, dict) and "props" in tree:
        yield tree
        for value in tree["props"].values():
            if isinstance(value, dict | list):
                yield from nodes(value)


def find(tree: Any, test: Callable[[dict], bool]) -> list[dict]:
    """The components for which `test` holds."""
    return [n for n in nodes(tree) if test(n)]


def by_id(tree: Any, wanted: Any) -> dict:
    """The one component with this id."""
    found = find(tree, lambda n: n["props"].get("id") == wanted)
    assert len(found) == 1, (wanted, len(found))
    return found[0]


def by_class(tree: Any, name: str) -> list[dict]:
    """Components whose className includes `name`."""
    return find(tree, lambda n: name in str(n["props"].get("className", "")).split())


def rows(tree: Any, contest: str = PILBUP) -> dict[str, list[str]]:
    """The drill-down table: region code → texts of the row."""
    body = by_id(tree, {"type": "rk-rows", "c": contest})
    return {tr["props"]["data-code"]: texts(tr) for tr in body["props"]["children"]}


def crumb_texts(tree: Any) -> list[str]:
    """The labels of the breadcrumb, in order."""
    return [t for t in texts(by_id(tree, "rk-crumbs")) if t != "›"]


def crumb_links(tree: Any) -> list[str]:
    """The addresses of the breadcrumb's links."""
    return [n["props"]["href"] for n in find(by_id(tree, "rk-crumbs"), lambda n: n["type"] == "Link")]


def submit(desk: Any, payload: dict, actor: Actor = OPERATOR) -> dict:
    """Store a result through the ingest path and fold it into the live recap, as the API does."""
    outcome = results.submit_result(desk.store, payload, actor, "uji")
    assert outcome.changed, outcome
    return outcome.result


def dpt_of(desk: Any, tps: str) -> int:
    """The DPT of one TPS from the live recap."""
    return desk.recap.totals(PILBUP, tps)[0].dpt


@pytest.fixture
def desk(app) -> Any:  # noqa: ANN001
    """The app's Desk."""
    return app.server.extensions["desk"]


@pytest.fixture
def filled(desk) -> Any:  # noqa: ANN001
    """TPS 001 of Air Batu counted then corrected; TPS 002 held for review; TPS 003 janggal; one Pilgub result."""
    base = {"contest": PILBUP, "tps": TPS1, "suara_tidak_sah": 2}
    submit(desk, {**base, "votes": {"1": 50, "2": 30, "3": 20, "4": 10, "5": 5}})
    fixed = {"1": 60, "2": 30, "3": 20, "4": 10, "5": 5}
    submit(desk, {**base, "votes": fixed, "correction": True, "reason": "salah baca formulir C1"})
    held = {"1": 40, "2": 30, "3": 20, "4": 10, "5": 5}
    submit(desk, {**base, "tps": "16.07.10.1002.002", "votes": held, "suara_sah": 100})
    voters = dpt_of(desk, "16.07.10.1002.003") - 2  # turnout and one paslon's share both at least 95 %
    odd = {"1": voters - 4, "2": 1, "3": 1, "4": 1, "5": 1}
    submit(desk, {**base, "tps": "16.07.10.1002.003", "votes": odd, "suara_tidak_sah": 0})
    submit(desk, {"contest": PILGUB, "tps": TPS1, "votes": {"1": 70, "2": 50, "3": 3, "4": 4}, "suara_tidak_sah": 3})
    return desk


# ---------------------------------------------------------------- pages by URL


def test_main_region_lists_the_21_kecamatan(filled, client_as) -> None:  # noqa: ANN001
    tree = render_page(client_as("viewer"), "/rekapitulasi", f"?contest={PILBUP}")
    table = rows(tree)
    assert len(table) == 21
    assert table[TALANG_KELAPA][0] == "Talang Kelapa"
    assert table[TALANG_KELAPA][1] == "2 / 450"  # TPS 001 and the janggal TPS 003 are counted, TPS 002 is held
    assert table[TALANG_KELAPA][-2:] == ["1", "1"]  # perlu dicek, janggal
    assert crumb_texts(tree) == ["Sumatera Selatan", "Kabupaten Banyuasin"]
    assert crumb_links(tree) == ["/rekapitulasi?contest=pilbup-banyuasin&region=16.07"]  # the provinsi is text
    link = find(tree, lambda n: n["type"] == "Link" and n["props"].get("children") == "Talang Kelapa")
    assert link[0]["props"]["href"] == "/rekapitulasi?contest=pilbup-banyuasin&region=16.07.10"
    # at the main region the headline carries the ids the shell's pushed texts update
    assert texts(by_id(tree, "pilbup-banyuasin-reported")) == ["2 / 2.564 TPS"]
    assert by_id(tree, "pilbup-banyuasin-votes-1")
    assert find(tree, lambda n: str(n["props"].get("id", "")).startswith("rk-pilbup")) == []


def test_drill_down_to_a_kecamatan_a_desa_and_a_tps(filled, client_as) -> None:  # noqa: ANN001
    client = client_as("viewer")
    kec = render_page(client, "/rekapitulasi", f"?contest={PILBUP}&region={TALANG_KELAPA}")
    assert crumb_texts(kec) == ["Sumatera Selatan", "Kabupaten Banyuasin", "Talang Kelapa"]
    desa_rows = rows(kec)
    assert len(desa_rows) == 19 and desa_rows[AIR_BATU][:2] == ["Air Batu", "2 / 24"]
    assert "Desa/Kelurahan" in texts(kec)
    assert by_class(kec, "desa-table")
    # below the main region the headline has its own ids (the shell's texts are for the whole contest)
    assert texts(by_id(kec, "rk-pilbup-banyuasin-reported")) == ["2 / 450 TPS"]

    desa = render_page(client, "/rekapitulasi", f"?contest={PILBUP}&region={AIR_BATU}")
    assert crumb_texts(desa) == ["Sumatera Selatan", "Kabupaten Banyuasin", "Talang Kelapa", "Air Batu"]
    tps_rows = rows(desa)
    assert len(tps_rows) == 24
    first = tps_rows[TPS1]
    assert first[0] == "TPS 001" and first[1] == "1 / 1" and first[2] == "100,00 %"
    assert tps_rows["16.07.10.1002.002"][1:3] == ["0 / 1", "0,00 %"] and tps_rows["16.07.10.1002.002"][-2] == "1"
    assert tps_rows["16.07.10.1002.004"][-3] == "—"  # no leader yet

    tps = render_page(client, "/rekapitulasi", f"?contest={PILBUP}&region={TPS1}")
    shown = texts(tps)
    assert crumb_texts(tps) == ["Sumatera Selatan", "Kabupaten Banyuasin", "Talang Kelapa", "Air Batu", "TPS 001"]
    assert crumb_links(tps)[-1] == "/rekapitulasi?contest=pilbup-banyuasin&region=16.07.10.1002.001"
    versions = by_class(tps, "rk-version")
    assert [texts(v)[0] for v in versions] == ["2", "1"]  # newest first
    newest, oldest = texts(versions[0]), texts(versions[1])
    assert newest[1:3] == ["Koreksi", "Dihitung"] and "salah baca formulir C1" in newest and "operator" in newest
    assert oldest[1] == "Baru" and oldest[3:8] == ["50", "30", "20", "10", "5"]
    assert all(v.endswith(" WIB") for v in (newest[-1], oldest[-1]))
    assert "DPT" in shown and f"{dpt_of(filled, TPS1):,}".replace(",", ".") in shown
    assert by_id(tps, "rk-tps-body")  # what a push replaces in the browser (recap.js panels)


def test_tps_detail_shows_flags_with_their_reasons(filled, client_as) -> None:  # noqa: ANN001
    tree = render_page(client_as("viewer"), "/rekapitulasi", f"?contest={PILBUP}&region=16.07.10.1002.002")
    version = texts(by_class(tree, "rk-version")[0])
    assert "Perlu dicek" in version
    assert "Suara sah tertulis 100, tetapi jumlah suara paslon 105." in version


def test_held_and_janggal_list_with_reasons_and_links(filled, client_as) -> None:  # noqa: ANN001
    tree = render_page(client_as("viewer"), "/rekapitulasi", f"?contest={PILBUP}&region={TALANG_KELAPA}")
    table = by_class(tree, "held-table")[0]
    listed = {tr["props"]["data-code"]: texts(tr) for tr in find(table, lambda n: "data-code" in n["props"])}
    assert set(listed) == {"16.07.10.1002.002", "16.07.10.1002.003"}
    held = listed["16.07.10.1002.002"]
    assert held[:3] == ["TPS 002", "Air Batu, Talang Kelapa", "Perlu dicek"]
    assert "Suara sah tertulis 100" in held[3]
    odd = listed["16.07.10.1002.003"]
    assert odd[2] == "Janggal" and odd[3].startswith("Paslon 1 meraih ") and " %" in odd[3]
    links = find(table, lambda n: n["type"] == "Link")
    assert "/rekapitulasi?contest=pilbup-banyuasin&region=16.07.10.1002.002" in [n["props"]["href"] for n in links]
    # another kecamatan has none
    other = render_page(client_as("viewer"), "/rekapitulasi", f"?contest={PILBUP}&region=16.07.01")
    assert "Belum ada TPS yang perlu dicek atau janggal di wilayah ini." in texts(other)


def test_panels_endpoint_sends_the_flagged_list_and_the_tps_versions(filled, client_as) -> None:  # noqa: ANN001
    """What the browser fetches after a push that changed the flagged counts or the TPS on screen."""
    client = client_as("viewer")
    kec = client.get(f"/rekapitulasi/_panels?contest={PILBUP}&region={TALANG_KELAPA}")
    assert kec.status_code == 200 and kec.headers["Cache-Control"] == "no-store"
    body = kec.get_json()
    assert body["tps"] is None
    listed = [tr["props"]["data-code"] for tr in find(body["held"], lambda n: "data-code" in n["props"])]
    assert listed == ["16.07.10.1002.003", "16.07.10.1002.002"]  # newest first
    assert texts(by_class(body["held"], "rk-held-count")[0]) == ["2 TPS (semua ditampilkan)"]
    # the same components as the page renders, so a pushed update looks like a reload
    tree = render_page(client, "/rekapitulasi", f"?contest={PILBUP}&region={TALANG_KELAPA}")
    assert by_id(tree, "rk-held-body")["props"]["children"] == body["held"]

    tps = client.get(f"/rekapitulasi/_panels?contest={PILBUP}&region={TPS1}").get_json()
    assert [texts(v)[0] for v in by_class(tps["tps"], "rk-version")] == ["2", "1"]
    assert "Belum ada TPS yang perlu dicek atau janggal di wilayah ini." in texts(tps["held"])

    assert client.get(f"/rekapitulasi/_panels?contest={PILBUP}&region=99.99").status_code == 404
    assert client.get("/rekapitulasi/_panels?contest=pilwalkot-x&region=16.07").status_code == 404


def test_panels_endpoint_needs_a_login(filled, app) -> None:  # noqa: ANN001
    response = app.server.test_client().get(f"/rekapitulasi/_panels?contest={PILBUP}&region={TALANG_KELAPA}")
    assert response.status_code in (302, 401)
    assert b"16.07.10.1002" not in response.data


def test_unknown_region_falls_back_to_the_main_region(filled, client_as) -> None:  # noqa: ANN001
    tree = render_page(client_as("viewer"), "/rekapitulasi", f"?contest={PILBUP}&region=99.99")
    assert len(rows(tree)) == 21
    assert any(t.startswith("Wilayah 99.99 tidak ada") for t in texts(tree))


def test_contest_switch_keeps_the_region(filled, client_as) -> None:  # noqa: ANN001
    tree = render_page(client_as("viewer"), "/rekapitulasi", f"?contest={PILBUP}&region={AIR_BATU}")
    tab = by_id(tree, f"tab-{PILGUB}")
    assert tab["props"]["href"] == f"/rekapitulasi?contest={PILGUB}&region={AIR_BATU}"
    pilgub = render_page(client_as("viewer"), "/rekapitulasi", f"?contest={PILGUB}&region={AIR_BATU}")
    assert "Hendra Kusuma – Fitri Handayani" in texts(pilgub)
    assert rows(pilgub, PILGUB)[TPS1][1] == "1 / 1"
    # the Pilgub's scope is the provinsi: its crumb is a link there
    assert crumb_links(pilgub)[0] == f"/rekapitulasi?contest={PILGUB}&region=16"
    prov = render_page(client_as("viewer"), "/rekapitulasi", f"?contest={PILGUB}&region=16")
    assert list(rows(prov, PILGUB)) == ["16.07"]


def test_both_contests_side_by_side(filled, client_as) -> None:  # noqa: ANN001
    tree = render_page(client_as("viewer"), "/rekapitulasi", "?contest=semua")
    shown = texts(tree)
    assert "Pemilihan Bupati dan Wakil Bupati Banyuasin" in shown
    assert "Pemilihan Gubernur dan Wakil Gubernur Sumatera Selatan" in shown
    for contest in (PILBUP, PILGUB):
        bars = by_id(tree, {"type": "rk-bars", "c": contest})["props"]["figure"]
        assert bars["data"][0]["type"] == "bar"
        assert texts(by_id(tree, f"{contest}-reported")) in (["2 / 2.564 TPS"], ["1 / 2.564 TPS"])
    assert by_id(tree, "page-rekapitulasi")["props"]["data-contests"] == f"{PILBUP} {PILGUB}"
    assert by_id(tree, "tab-semua")["props"]["className"] == "tab active"


def test_numbers_are_in_indonesian_notation(filled, client_as) -> None:  # noqa: ANN001
    tree = render_page(client_as("viewer"), "/rekapitulasi", f"?contest={PILBUP}")
    head = filled.recap.totals(PILBUP)[0]
    bars = by_id(tree, {"type": "rk-bars", "c": PILBUP})["props"]["figure"]
    assert bars["data"][0]["y"] == list(head.votes)
    assert bars["data"][0]["text"][0] == f"{head.votes[0]:,}".replace(",", ".")
    assert bars["layout"]["separators"] == ",."
    share = f"{head.shares[0] * 100:.2f}".replace(".", ",") + " %"
    assert texts(by_id(tree, "pilbup-banyuasin-share-1")) == [share]
    assert share in bars["data"][0]["hovertext"][0]
    assert texts(by_id(tree, "pilbup-banyuasin-sah")) == [f"{head.suara_sah:,}".replace(",", ".")]
    assert texts(by_id(tree, "pilbup-banyuasin-progress")) == ["0,08 %"]  # 2 of 2.564
    fill = by_id(tree, {"type": "rk-fill", "c": PILBUP})
    assert fill["props"]["style"] == {"width": "0.08%"}  # CSS wants a dot


def test_shares_over_time_start_from_stored_results(filled, client_as) -> None:  # noqa: ANN001
    tree = render_page(client_as("viewer"), "/rekapitulasi", f"?contest={PILBUP}")
    figure = by_id(tree, {"type": "rk-series", "c": PILBUP})["props"]["figure"]
    assert len(figure["data"]) == 5
    assert [len(trace["x"]) for trace in figure["data"]] == [1] * 5  # the results arrived within one bucket
    head = filled.recap.totals(PILBUP)[0]
    assert figure["data"][0]["y"][-1] == round(head.shares[0] * 100, 2)
    assert figure["layout"]["yaxis"]["ticksuffix"] == " %"


# ---------------------------------------------------------------- the map


def _kecamatan(desk: Any) -> list[RegionTotals]:
    return desk.recap.totals(PILBUP, "16.07")[1]


def test_map_with_boundaries_is_a_choropleth_of_21_kecamatan(filled) -> None:  # noqa: ANN001
    if not BOUNDARIES.exists():
        pytest.skip(f"reference boundaries absent: {BOUNDARIES}")
    contest = filled.recap.contest(PILBUP)
    boundaries = geo.load_boundaries(BOUNDARIES)
    fig = maps.kecamatan_map(contest.paslon, _kecamatan(filled), boundaries, geo.kecamatan_centroids(), TPS1)
    trace = fig.data[0]
    assert trace.type == "choropleth" and len(trace.locations) == 21
    assert trace.featureidkey == "properties.kode" and len(trace.geojson["features"]) == 21
    assert fig.layout.geo.fitbounds == "locations" and fig.layout.geo.visible is False
    i = list(trace.locations).index(TALANG_KELAPA)
    assert trace.z[i] == 1  # paslon 1 leads Talang Kelapa
    assert trace.marker.line.width[i] > trace.marker.line.width[(i + 1) % 21]  # the drilled kecamatan outlined
    assert trace.customdata[i][:2] == [TALANG_KELAPA, "Talang Kelapa"]
    assert "TPS masuk 2 / 450" in trace.text[i]


def test_page_map_uses_the_configured_boundaries(filled, client_as) -> None:  # noqa: ANN001
    if not BOUNDARIES.exists():
        pytest.skip(f"reference boundaries absent: {BOUNDARIES}")
    filled.config.boundaries = BOUNDARIES
    tree = render_page(client_as("viewer"), "/rekapitulasi", f"?contest={PILBUP}")
    graph = by_id(tree, {"type": "rk-map", "c": PILBUP})
    assert graph["props"]["config"]["topojsonURL"] == "/assets/topojson/"
    trace = graph["props"]["figure"]["data"][0]
    assert trace["type"] == "choropleth" and len(trace["locations"]) == 21


def test_map_without_boundaries_is_bubbles_at_the_centroids(filled, client_as) -> None:  # noqa: ANN001
    tree = render_page(client_as("viewer"), "/rekapitulasi", f"?contest={PILBUP}")
    trace = by_id(tree, {"type": "rk-map", "c": PILBUP})["props"]["figure"]["data"][0]
    assert trace["type"] == "scattergeo" and len(trace["lat"]) == 21
    with open(geo.CENTROIDS, encoding="utf-8") as f:
        expected = {r["kode"]: (float(r["centroid_lat"]), float(r["centroid_lng"])) for r in csv.DictReader(f)}
    placed = {row[0]: (lat, lon) for row, lat, lon in zip(trace["customdata"], trace["lat"], trace["lon"], strict=True)}
    assert placed == expected
    sizes = trace["marker"]["size"]
    assert min(sizes) >= 12 and max(sizes) == pytest.approx(42)


def test_map_colours_by_leader_or_by_a_paslon_share() -> None:
    paslon = (PaslonInfo(1, "A", "B", "#111111"), PaslonInfo(2, "C", "D", "#222222"))

    def region(code: str, votes: tuple[int, int]) -> RegionTotals:
        return RegionTotals(code, code, "kecamatan", 10, 1, 0, 0, 100, 100, sum(votes), sum(votes), 0, votes, (1, 2))

    data = [region("16.07.01", (0, 0)), region("16.07.02", (30, 70)), region("16.07.03", (50, 50))]
    by_leader = maps.map_colors(paslon, data)
    assert by_leader["z"] == [0, 2, 1] and by_leader["zmin"] == -0.5 and by_leader["zmax"] == 2.5
    assert by_leader["colorscale"][0][1] == maps.NO_VOTES and by_leader["colorscale"][-1] == [1.0, "#222222"]
    by_share = maps.map_colors(paslon, data, "2")
    assert by_share["z"] == [0, 70.0, 50.0] and by_share["zmax"] == 70.0 and by_share["showscale"] is True
    assert by_share["colorscale"][-1] == [1, "#222222"]


def test_map_reads_no_geometry_when_unconfigured(tmp_path) -> None:  # noqa: ANN001
    assert geo.load_boundaries(None) is None
    assert geo.load_boundaries(tmp_path / "nothing.geojson") is None
    (tmp_path / "bad.geojson").write_text('{"type": "FeatureCollection", "features": [{"properties": {}}]}')
    assert geo.load_boundaries(tmp_path / "bad.geojson") is None
    assert len(geo.kecamatan_centroids()) == 21


# ---------------------------------------------------------------- pure parts


def test_share_history_buckets_the_counted_results() -> None:
    start = datetime(2024, 11, 27, 6, 0, tzinfo=UTC)  # 13.00 WIB

    def result(minutes: int, votes: dict[str, int], status: str = "dihitung") -> dict:
        return {"received_at": (start + timedelta(minutes=minutes)).isoformat(), "votes": votes, "status": status}

    points = maps.share_history(
        [
            result(1, {"1": 30, "2": 10}),
            result(4, {"1": 10, "2": 30}),
            result(12, {"1": 0, "2": 40}),
            result(13, {"1": 500, "2": 0}, "perlu_dicek"),  # held: not counted
        ],
        [1, 2],
    )
    assert [p[0] for p in points] == [start + timedelta(minutes=4), start + timedelta(minutes=12)]
    assert points[0][1] == (0.5, 0.5) and points[1][1] == (40 / 120, 80 / 120)
    fig = maps.shares_line((PaslonInfo(1, "A", "B", "#111"), PaslonInfo(2, "C", "D", "#222")), points)
    assert fig.data[0].x == ("2024-11-27 13:04:00", "2024-11-27 13:12:00")
    assert fig.data[1].y == (50.0, 66.67)
    assert maps.shares_line((PaslonInfo(1, "A", "B", "#111"),), []).layout.annotations[0].text.startswith("Belum")


def test_row_and_crumb_builders() -> None:
    from data_sources.domain.contest import ContestInfo

    contest = ContestInfo(PILBUP, "Pilbup", "pilbup", "16.07", (PaslonInfo(1, "A", "B", "#111"),))
    t = RegionTotals(TPS1, TPS1, "tps", 1, 1, 0, 1, 300, 300, 290, 1234567, 3, (1234567,), (1,))
    assert page.child_cells(contest, t) == ["TPS 001", "1 / 1", "100,00 %", "1.234.567", "1. A", "0", "1"]
    names = {"16": "Sumatera Selatan", "16.07": "Kabupaten Banyuasin", "16.07.10": "Talang Kelapa"}
    assert page.crumbs(contest, "16.07.10", names) == [
        ("16", "Sumatera Selatan", False),
        ("16.07", "Kabupaten Banyuasin", True),
        ("16.07.10", "Talang Kelapa", True),
    ]
    assert page.page_href("semua") == "/rekapitulasi?contest=semua"
    assert page.text_id(PILBUP, True, "votes", 1) == "pilbup-banyuasin-votes-1"
    assert page.text_id(PILBUP, False, "votes", 1) == "rk-pilbup-banyuasin-votes-1"


def test_live_updates_are_clientside_only(app) -> None:  # noqa: ANN001
    """Every callback that writes to the page's live components runs in the browser."""
    page_callbacks = [cb for cb in app._callback_list if "rk-" in str(cb["output"]) or "rk-" in str(cb.get("inputs"))]
    assert len(page_callbacks) == 7
    assert all(cb.get("clientside_function") for cb in page_callbacks)
    assert not any("Interval" in str(cb) for cb in page_callbacks)


def test_names_in_figures_are_shown_as_written() -> None:
    odd = PaslonInfo(1, "<b>Budi</b> & Co", "Wati", "#111111")
    t = RegionTotals("16.07.01", "<i>Desa</i>", "kecamatan", 1, 1, 0, 0, 10, 10, 5, 5, 0, (5,), (1,))
    assert "&lt;b&gt;Budi&lt;/b&gt; &amp; Co" in maps.region_hover((odd,), t)
    assert "<b>&lt;i&gt;Desa&lt;/i&gt;</b>" in maps.region_hover((odd,), t)
    bar = maps.votes_bar((odd,), t)
    assert "<b>" not in bar.data[0].x[0].replace("<br>", "") and "&lt;b&gt;" in bar.data[0].x[0]


def test_browser_formatting_matches_python() -> None:
    """assets/recap.js formats numbers and times like domain.fmt, and knows when a region must be fetched."""
    import json
    import shutil
    import subprocess

    from data_sources.domain.fmt import fmt_int, fmt_pct

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = ASSETS / "recap.js"  # dashboard/assets, the folder Dash serves
    ints = [0, 7, 999, 1000, 1234567, -4321]
    pcts = [0.0, 0.341, 0.00039, 1.0, 0.123456, 0.5]
    moment = "2024-11-27T06:05:09.123456+00:00"
    view = {"level": "desa", "region": AIR_BATU}
    tps_view = {"level": "tps", "region": TPS1}
    cases = [
        [[AIR_BATU, TALANG_KELAPA, "16.07"], view],  # named
        [["16.07.10.2001", TALANG_KELAPA, "16.07"], view],  # another desa changed
        [[TALANG_KELAPA, "16.07"], view],  # only coarser regions named (too many changes): its kecamatan
        [["16.07.01", "16.07"], view],  # another kecamatan
        [[AIR_BATU, TALANG_KELAPA], tps_view],  # a TPS follows its desa
    ]
    program = f"""
        global.window = {{addEventListener() {{}}, dash_clientside: {{}}}};
        require({json.dumps(str(script))});
        const r = window.deskRecap;
        console.log(JSON.stringify({{
            ints: {json.dumps(ints)}.map(r.fmtInt),
            pcts: {json.dumps(pcts)}.map(x => r.fmtPct(x)),
            stamp: r.wibStamp({json.dumps(moment)}),
            refresh: {json.dumps(cases)}.map(c => r.needsRefresh(c[0], c[1])),
        }}));
    """
    out = json.loads(subprocess.run([node, "-e", program], capture_output=True, text=True, check=True).stdout)
    assert out["ints"] == [fmt_int(n) for n in ints]
    assert out["pcts"] == [fmt_pct(x) for x in pcts]
    assert out["stamp"] == maps.wib_text(datetime.fromisoformat(moment)) == "2024-11-27 13:05:09"
    assert out["refresh"] == [True, False, True, False, True]
