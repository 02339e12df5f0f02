"""Rekapitulasi in headless Chromium: pushed results change every number and figure without a reload, the
map is drawn offline and recoloured in the browser, and the drill-down reaches a TPS by clicks and by URL."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.support.ui import WebDriverWait

from data_sources import results
from data_sources.domain.actors import Actor
from data_sources.domain.fmt import fmt_int, fmt_pct
from tests.browser.test_pages import foreign_resources, log_in, severe_logs
from tests.conftest import DEMO, SHARED

PILBUP = "pilbup-banyuasin"
TALANG_KELAPA = "16.07.10"
OPERATOR = Actor("operator", "operator")
BOUNDARIES = SHARED / "boundaries" / "banyuasin_kecamatan_adm3.geojson"
SLOW = 30  # seconds: generous, the machine may be busy; an idle one answers in well under a second
SHOT_NAME = "rekapitulasi-1600x1000.png"  # written to $DESK_SCREENSHOT_DIR when set, else the test's tmp_path


def _tps_of(desa: str) -> list[tuple[str, int]]:
    """(code, DPT) of the TPS of one desa in the demo scenario, by code."""
    tps = json.loads(Path(DEMO).read_text(encoding="utf-8"))["tps"]
    return sorted((t["code"], t["dpt"]) for t in tps if t["code"].startswith(desa + "."))


def _desa_of(kecamatan: str) -> list[str]:
    tps = json.loads(Path(DEMO).read_text(encoding="utf-8"))["tps"]
    return sorted({t["code"].rsplit(".", 1)[0] for t in tps if t["code"].startswith(kecamatan + ".")})


def _submit(desk: Any, tps: str, votes: dict[str, int], **extra: Any) -> dict:
    """A result through the ingest path, folded into the live recap (what the API does after storing)."""
    payload = {"contest": PILBUP, "tps": tps, "votes": votes, "suara_tidak_sah": 2, **extra}
    outcome = results.submit_result(desk.store, payload, OPERATOR, source="uji")
    assert outcome.changed, outcome
    return outcome.result


def _wait(duo: Any, condition: Any, message: str, timeout: float = 30) -> Any:
    """Wait until `condition(driver)` is truthy; returns its value."""
    return WebDriverWait(duo.driver, timeout, poll_frequency=0.1).until(condition, message)


def _log_in(duo: Any, username: str) -> None:
    """Log in through the form and wait for the shell to name the user."""
    log_in(duo, username)
    duo.wait_for_text_to_equal("#whoami", f"{username} ({username})", timeout=SLOW)


def _wait_connected(duo: Any) -> None:
    """Wait until the page's Socket.IO connection is up (live, or up but momentarily quiet on a busy machine)."""
    _wait(duo, lambda d: d.find_element("css selector", "#conn-state").text.startswith("Terhubung"), "not connected")


def _js(duo: Any, script: str, *args: Any) -> Any:
    return duo.driver.execute_script(script, *args)


GRAPH = "return document.querySelector(arguments[0] + ' .js-plotly-plot')"
TRACE = "const gd = document.querySelector(arguments[0] + ' .js-plotly-plot'); return gd && gd.data[0];"


def _row(duo: Any, code: str) -> list[str]:
    """The texts of the drill-down row of a region."""
    return _js(
        duo,
        "const tr = document.querySelector(`tr[data-code='${arguments[0]}']`);"
        "return tr ? Array.from(tr.cells).map(td => td.innerText.trim()) : null;",
        code,
    )


def _map_value(duo: Any, code: str) -> Any:
    """The colour value (z or marker.color) of a kecamatan on the map."""
    trace = _js(duo, TRACE, ".rk-map")
    i = [row[0] for row in trace["customdata"]].index(code)
    values = trace["z"] if trace["type"] == "choropleth" else trace["marker"]["color"]
    return values[i]


def _fresh_errors(duo: Any) -> list[dict]:
    return severe_logs(duo)


def test_results_appear_live_then_drill_down_to_a_tps(served, desk) -> None:
    duo = served
    _log_in(duo, "operator")
    duo.driver.get(f"{duo.base_url}/rekapitulasi?contest={PILBUP}")
    duo.wait_for_element("#page-rekapitulasi", timeout=SLOW)
    duo.wait_for_text_to_equal("#pilbup-banyuasin-reported", "0 / 2.564 TPS", timeout=SLOW)
    _wait_connected(duo)
    _wait(duo, lambda d: _js(duo, GRAPH, ".rk-map") is not None, "the map was not drawn")
    assert len(_js(duo, TRACE, ".rk-map")["customdata"]) == 21
    assert _map_value(duo, TALANG_KELAPA) == 0  # no votes yet: grey
    assert _row(duo, TALANG_KELAPA)[1:3] == ["0 / 450", "0,00 %"]
    _js(duo, "window.__same_page = true;")

    # eight TPS of the first desa of Talang Kelapa report: paslon 1 passes a thousand votes
    desa = _desa_of(TALANG_KELAPA)
    first_desa = _tps_of(desa[0])
    assert len(first_desa) >= 9
    for code, dpt in first_desa[:8]:
        _submit(desk, code, {"1": dpt - 60, "2": 20, "3": 10, "4": 5, "5": 3})
    votes = [sum(dpt - 60 for _code, dpt in first_desa[:8]), 160, 80, 40, 24]
    sah = sum(votes)
    assert votes[0] >= 1000

    duo.wait_for_text_to_equal("#pilbup-banyuasin-reported", "8 / 2.564 TPS", timeout=SLOW)
    duo.wait_for_text_to_equal("#pilbup-banyuasin-votes-1", fmt_int(votes[0]), timeout=SLOW)
    duo.wait_for_text_to_equal("#pilbup-banyuasin-share-1", fmt_pct(votes[0] / sah), timeout=SLOW)
    duo.wait_for_text_to_equal("#pilbup-banyuasin-sah", fmt_int(sah), timeout=SLOW)
    assert "." in fmt_int(votes[0]) and "," in fmt_pct(votes[0] / sah)
    # the bar chart, its labels and the progress bar were patched in the browser
    _wait(duo, lambda d: _js(duo, TRACE, ".rk-bars")["y"] == votes, "bars not updated")
    labels = _js(duo, "return Array.from(document.querySelectorAll('.rk-bars text.bartext')).map(t => t.textContent)")
    assert labels[0] == fmt_int(votes[0])
    assert _js(duo, "return document.querySelector('.rk-fill').style.width") == "0.31%"  # 8 of 2.564
    # the map: Talang Kelapa now in paslon 1's colour (leader index 1)
    _wait(duo, lambda d: _map_value(duo, TALANG_KELAPA) == 1, "map not recoloured")
    # the table row, in Indonesian notation
    _wait(duo, lambda d: _row(duo, TALANG_KELAPA)[1] == "8 / 450", "table row not updated")
    row = _row(duo, TALANG_KELAPA)
    assert row[2] == "1,78 %" and row[3] == fmt_int(votes[0]) and row[8].startswith("1. ")
    # the time series got a point per paslon
    series = _js(duo, "return document.querySelector('.rk-series .js-plotly-plot').data.map(t => t.y.length)")
    assert series and min(series) >= 1

    # colour by one paslon's share, in the browser
    duo.driver.find_element("css selector", ".rk-mode input[value='2']").click()
    _wait(duo, lambda d: _map_value(duo, TALANG_KELAPA) == round(160 / sah * 100, 2), "share colours not shown")
    duo.driver.find_element("css selector", ".rk-mode input[value='leader']").click()
    _wait(duo, lambda d: _map_value(duo, TALANG_KELAPA) == 1, "leader colours not back")
    assert _js(duo, "return window.__same_page === true;"), "the page was reloaded"

    # drill down: kecamatan → desa → TPS by clicking the rows' links
    duo.driver.find_element("css selector", f"tr[data-code='{TALANG_KELAPA}'] a").click()
    duo.wait_for_contains_text("#rk-crumbs", "Talang Kelapa", timeout=SLOW)
    _wait(duo, lambda d: _row(duo, desa[0]) is not None, "no desa rows")
    duo.wait_for_text_to_equal("#rk-pilbup-banyuasin-reported", "8 / 450 TPS", timeout=SLOW)

    # a result in this kecamatan while it is open: the region is fetched again, in the browser
    _submit(desk, first_desa[8][0], {"1": 10, "2": 100, "3": 10, "4": 5, "5": 3})
    duo.wait_for_text_to_equal("#rk-pilbup-banyuasin-reported", "9 / 450 TPS", timeout=SLOW)
    duo.wait_for_text_to_equal("#rk-pilbup-banyuasin-votes-2", "260", timeout=SLOW)
    _wait(duo, lambda d: _row(duo, desa[0])[1].startswith("9 / "), "desa row not updated")
    _wait(duo, lambda d: _js(duo, TRACE, ".rk-bars")["y"][1] == 260, "bars of the kecamatan not updated")

    duo.driver.find_element("css selector", f"tr[data-code='{desa[0]}'] a").click()
    tps = first_desa[0][0]
    _wait(duo, lambda d: _row(duo, tps) is not None, "no TPS rows")
    assert _row(duo, tps)[:3] == ["TPS " + tps[-3:], "1 / 1", "100,00 %"]
    duo.driver.find_element("css selector", f"tr[data-code='{tps}'] a").click()
    duo.wait_for_element(".rk-versions", timeout=SLOW)
    duo.wait_for_contains_text("#rk-crumbs", "TPS " + tps[-3:], timeout=SLOW)
    version = duo.find_element(".rk-version").text
    assert "Baru" in version and "Dihitung" in version and "operator" in version and "WIB" in version
    assert _js(duo, "return window.__same_page === true;"), "a click reloaded the page"
    query = parse_qs(urlsplit(duo.driver.current_url).query)
    assert query == {"contest": [PILBUP], "region": [tps]}

    # a correction of this TPS while its detail is open: numbers follow, and the new version is listed on top
    _submit(desk, tps, {"1": 70, "2": 30, "3": 10, "4": 5, "5": 3}, correction=True, reason="salah hitung")
    duo.wait_for_text_to_equal("#rk-pilbup-banyuasin-votes-1", "70", timeout=SLOW)
    _wait(duo, lambda d: len(duo.find_elements(".rk-version")) == 2, "the correction is not listed")
    newest = duo.find_elements(".rk-version")[0].text
    assert newest.split()[0] == "2" and "Koreksi" in newest and "salah hitung" in newest and "70" in newest
    assert "Belum ada TPS yang perlu dicek" in duo.find_element("#rk-held-body").text
    # a second correction whose own numbers disagree: held for review, listed as such, and flagged below
    _submit(desk, tps, {"1": 70, "2": 30, "3": 10, "4": 5, "5": 3}, suara_sah=100, correction=True, reason="cek")
    _wait(duo, lambda d: len(duo.find_elements(".rk-version")) == 3, "the held correction is not listed")
    assert "Perlu dicek" in duo.find_elements(".rk-version")[0].text
    _wait(duo, lambda d: duo.find_elements(f"#rk-held-body tr[data-code='{tps}']"), "not in the flagged list")
    held = duo.find_element(f"#rk-held-body tr[data-code='{tps}']").text
    assert "Perlu dicek" in held and "Suara sah tertulis 100" in held
    # corrected again, still held (no count changes): the new version and its reason still show
    _submit(desk, tps, {"1": 70, "2": 30, "3": 10, "4": 5, "5": 3}, suara_sah=101, correction=True, reason="ulang")
    _wait(duo, lambda d: len(duo.find_elements(".rk-version")) == 4, "the second held correction is not listed")
    _wait(duo, lambda d: "tertulis 101" in duo.find_element(f"#rk-held-body tr[data-code='{tps}']").text, "old reason")
    assert _js(duo, "return window.__same_page === true;"), "the page was reloaded"

    assert _fresh_errors(duo) == []
    assert foreign_resources(duo) == []

    # the address reproduces the view when opened fresh
    duo.driver.get(duo.driver.current_url)
    duo.wait_for_element(".rk-versions", timeout=SLOW)
    duo.wait_for_contains_text("#rk-crumbs", "TPS " + tps[-3:], timeout=SLOW)
    assert [e.text.split()[0] for e in duo.find_elements(".rk-version")] == ["4", "3", "2", "1"]
    assert "salah hitung" in duo.find_elements(".rk-version")[2].text
    assert _fresh_errors(duo) == []
    assert foreign_resources(duo) == []


def test_held_and_janggal_results_join_the_flagged_list_live(served, desk) -> None:
    duo = served
    _log_in(duo, "viewer")
    duo.driver.get(f"{duo.base_url}/rekapitulasi?contest={PILBUP}")
    duo.wait_for_text_to_equal("#pilbup-banyuasin-reported", "0 / 2.564 TPS", timeout=SLOW)
    _wait_connected(duo)
    assert "Belum ada TPS yang perlu dicek" in duo.find_element("#rk-held-body").text
    _js(duo, "window.__same_page = true;")
    (held, _dpt), (odd, odd_dpt) = _tps_of(_desa_of(TALANG_KELAPA)[1])[:2]
    _submit(desk, held, {"1": 40, "2": 30, "3": 20, "4": 10, "5": 5}, suara_sah=100)  # sah ≠ sum of the votes
    _wait(duo, lambda d: duo.find_elements(f"#rk-held-body tr[data-code='{held}']"), "held result not listed")
    row = duo.find_element(f"#rk-held-body tr[data-code='{held}']").text
    assert "Perlu dicek" in row and "Suara sah tertulis 100" in row and "WIB" in row
    voters = odd_dpt  # everyone came and voted for paslon 1: janggal (counted, marked)
    _submit(desk, odd, {"1": voters - 2, "2": 0, "3": 0, "4": 0, "5": 0}, suara_tidak_sah=2)
    _wait(duo, lambda d: duo.find_elements(f"#rk-held-body tr[data-code='{odd}']"), "janggal result not listed")
    assert "Janggal" in duo.find_element(f"#rk-held-body tr[data-code='{odd}']").text
    assert duo.find_element(".rk-held-count").text.startswith("2 TPS")
    duo.wait_for_text_to_equal("#pilbup-banyuasin-held", "1", timeout=SLOW)
    duo.wait_for_text_to_equal("#pilbup-banyuasin-janggal", "1", timeout=SLOW)
    # the newest first, the link opens the TPS detail inside the page
    assert duo.find_elements("#rk-held-body tr[data-code]")[0].get_attribute("data-code") == odd
    duo.find_element(f"#rk-held-body tr[data-code='{held}'] a").click()
    duo.wait_for_element(".rk-versions", timeout=SLOW)
    assert "Perlu dicek" in duo.find_element(".rk-version").text
    assert _js(duo, "return window.__same_page === true;"), "the page was reloaded"
    assert _fresh_errors(duo) == []


def _click_at_centre(duo: Any, element: Any) -> None:
    """Move the mouse over an element and click, as a person would."""
    ActionChains(duo.driver).move_to_element(element).pause(0.3).click().perform()


def test_map_click_on_a_bubble_opens_the_kecamatan(served) -> None:
    duo = served
    _log_in(duo, "viewer")
    duo.driver.get(f"{duo.base_url}/rekapitulasi?contest={PILBUP}")
    duo.wait_for_element("#page-rekapitulasi", timeout=SLOW)
    points = ".rk-map .scattergeo path.point"
    _wait(duo, lambda d: _js(duo, f"return document.querySelectorAll('{points}').length") == 21, "no bubbles")
    i = [row[0] for row in _js(duo, TRACE, ".rk-map")["customdata"]].index(TALANG_KELAPA)
    for _attempt in range(3):  # the map may be redrawn by a push between finding the bubble and clicking it
        try:
            _click_at_centre(duo, duo.driver.find_elements("css selector", points)[i])
            break
        except StaleElementReferenceException:
            continue
    duo.wait_for_contains_text("#rk-crumbs", "Talang Kelapa", timeout=SLOW)
    assert parse_qs(urlsplit(duo.driver.current_url).query)["region"] == [TALANG_KELAPA]
    assert severe_logs(duo) == []
    assert foreign_resources(duo) == []


def test_boundaries_map_offline_live_and_clickable(served, desk) -> None:
    if not BOUNDARIES.exists():
        pytest.skip(f"reference boundaries absent: {BOUNDARIES}")
    desk.config.boundaries = BOUNDARIES
    duo = served
    _log_in(duo, "viewer")
    duo.driver.get(f"{duo.base_url}/rekapitulasi?contest={PILBUP}")
    duo.wait_for_element("#page-rekapitulasi", timeout=SLOW)
    _wait_connected(duo)
    shapes = ".rk-map path.choroplethlocation"
    _wait(duo, lambda d: _js(duo, f"return document.querySelectorAll('{shapes}').length") == 21, "no polygons")
    # plotly asked for its world topology, and got it from the app
    topo = _js(duo, "return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('topo'))")
    assert topo and all(urlsplit(n).path.startswith("/assets/topojson/") for n in topo)
    # a pushed result recolours the polygon (only z changes; the geometry stays)
    geometry = _js(duo, "return JSON.stringify(document.querySelector('.rk-map .js-plotly-plot').data[0].geojson)")
    code, dpt = _tps_of(_desa_of(TALANG_KELAPA)[0])[0]
    _submit(desk, code, {"1": 10, "2": dpt // 2, "3": 10, "4": 5, "5": 3})
    _wait(duo, lambda d: _map_value(duo, TALANG_KELAPA) == 2, "polygon not recoloured")
    fill = _js(
        duo,
        "const p = Array.from(document.querySelectorAll(arguments[0])).find(p => p.__data__.loc === arguments[1]);"
        "return getComputedStyle(p).fill;",
        shapes,
        TALANG_KELAPA,
    )
    assert fill == "rgb(198, 40, 40)"  # paslon 2's colour, #c62828
    assert _js(duo, "return JSON.stringify(document.querySelector('.rk-map .js-plotly-plot').data[0].geojson)") == (
        geometry
    )
    # click a polygon where its own centre lies inside it
    target = _js(
        duo,
        """const paths = Array.from(document.querySelectorAll(arguments[0]));
        for (const p of paths) {
            const b = p.getBBox();
            if (p.isPointInFill(new DOMPoint(b.x + b.width / 2, b.y + b.height / 2))) { return p.__data__.loc; }
        }
        return null;""",
        shapes,
    )
    assert target
    element = next(e for e in duo.find_elements(shapes) if _js(duo, "return arguments[0].__data__.loc", e) == target)
    _click_at_centre(duo, element)
    _wait(duo, lambda d: parse_qs(urlsplit(d.current_url).query).get("region") == [target], "no drill-down")
    duo.wait_for_element(".desa-table", timeout=SLOW)
    assert severe_logs(duo) == []
    assert foreign_resources(duo) == []


def test_both_contests_side_by_side_update_live(served, desk) -> None:
    duo = served
    _log_in(duo, "viewer")
    duo.driver.set_window_size(1600, 1000)
    duo.driver.get(f"{duo.base_url}/rekapitulasi?contest=semua")
    duo.wait_for_element(".rk-both", timeout=SLOW)
    duo.wait_for_text_to_equal("#pilgub-sumsel-reported", "0 / 2.564 TPS", timeout=SLOW)
    _wait_connected(duo)
    panels = duo.find_elements(".rk-side")
    assert len(panels) == 2
    left, right = (p.rect for p in panels)
    assert left["y"] == right["y"] and left["x"] < right["x"], "not side by side on a wide screen"

    code, _dpt = _tps_of(_desa_of(TALANG_KELAPA)[0])[0]
    payload = {
        "contest": "pilgub-sumsel",
        "tps": code,
        "votes": {"1": 90, "2": 60, "3": 20, "4": 10},
        "suara_tidak_sah": 1,
    }
    results.submit_result(desk.store, payload, OPERATOR, source="uji")
    duo.wait_for_text_to_equal("#pilgub-sumsel-reported", "1 / 2.564 TPS", timeout=SLOW)
    duo.wait_for_text_to_equal("#pilgub-sumsel-votes-1", "90", timeout=SLOW)
    _wait(duo, lambda d: _js(duo, TRACE, ".rk-side-pilgub-sumsel .rk-bars")["y"] == [90, 60, 20, 10], "bars")
    assert _js(duo, TRACE, ".rk-side-pilbup-banyuasin .rk-bars")["y"] == [0, 0, 0, 0, 0]
    assert severe_logs(duo) == []
    assert foreign_resources(duo) == []


def test_screenshot_of_the_page(served, desk, tmp_path) -> None:
    """A picture of the page at 1600×1000 with some results in (saved for the record, not compared)."""
    duo = served
    shot = Path(os.environ.get("DESK_SCREENSHOT_DIR") or tmp_path) / SHOT_NAME
    for desa in _desa_of(TALANG_KELAPA)[:4] + _desa_of("16.07.01")[:3] + _desa_of("16.07.05")[:3]:
        for n, (code, dpt) in enumerate(_tps_of(desa)[:4]):
            votes = {"1": dpt // 4 + n * 3, "2": dpt // 5, "3": dpt // 6 + len(desa) % 7, "4": dpt // 9, "5": dpt // 12}
            _submit(desk, code, votes)
    _log_in(duo, "viewer")
    duo.driver.set_window_size(1600, 1000)
    duo.driver.get(f"{duo.base_url}/rekapitulasi?contest={PILBUP}")
    duo.wait_for_element("#page-rekapitulasi", timeout=SLOW)
    _wait_connected(duo)
    _wait(duo, lambda d: _js(duo, "return document.querySelectorAll('.rk-map path.point').length") == 21, "map")
    metrics = {"width": 1600, "height": 1000, "deviceScaleFactor": 1, "mobile": False}
    duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)  # the viewport, not the window
    _wait(duo, lambda d: _js(duo, "return window.innerWidth") == 1600, "viewport not resized")
    duo.driver.save_screenshot(str(shot))
    assert shot.exists()
    full = _js(duo, "return document.documentElement.scrollHeight")
    duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**metrics, "height": full})
    duo.driver.save_screenshot(str(shot.with_name("rekapitulasi-1600-full.png")))
    assert severe_logs(duo) == []
