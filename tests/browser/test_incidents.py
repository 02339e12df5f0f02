"""Kejadian, Logistik, Ringkasan and the high-severity banner in headless Chromium: what the API, the simulator or
an operator writes reaches every open page by push, without a reload; field text is shown as written."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from data_sources import accounts, incidents, logistics, results
from data_sources.domain.actors import Actor
from tests.browser.test_pages import absent, foreign_resources, log_in_ok, open_from_nav, severe_logs
from tests.conftest import SHARED

TALANG_KELAPA = "16.07.10"
TPS = "16.07.10.2001.003"
BALLOTS = "surat-suara-pilbup-banyuasin"
HTML_TEXT = "<b>Massa</b> mendatangi TPS <script>alert(1)</script> & <i>ricuh</i>"
OPERATOR = Actor("operator", "operator")
BOUNDARIES = SHARED / "boundaries" / "banyuasin_kecamatan_adm3.geojson"
SLOW = 30  # seconds: generous for a busy machine; an idle one answers in well under a second


def _wait(duo: Any, condition: Any, message: str, timeout: float = SLOW) -> Any:
    """Wait until `condition(driver)` is truthy; returns its value."""
    return WebDriverWait(duo.driver, timeout, poll_frequency=0.1).until(condition, message)


def _js(duo: Any, script: str, *args: Any) -> Any:
    return duo.driver.execute_script(script, *args)


def _text(duo: Any, element_id: str) -> str | None:
    """The visible text of an element by id (ids with dots need no escaping this way)."""
    return _js(
        duo, "const e = document.getElementById(arguments[0]); return e ? e.innerText.trim() : null;", element_id
    )


def _wait_text(duo: Any, element_id: str, expected: str) -> None:
    _wait(duo, lambda _d: _text(duo, element_id) == expected, f"#{element_id} never showed {expected!r}")


def _wait_connected(duo: Any) -> None:
    _wait(duo, lambda d: d.find_element("css selector", "#conn-state").text.startswith("Terhubung"), "not connected")


def _open(duo: Any, path: str, page: str) -> None:
    """Load a page by address and wait until it is rendered and its push connection is up."""
    duo.driver.get(duo.base_url + path)
    duo.wait_for_element(f"#page-{page}", timeout=SLOW)
    _wait_connected(duo)
    _js(duo, "window.__same_page = true;")


def _same_page(duo: Any) -> bool:
    return bool(_js(duo, "return window.__same_page === true;"))


def _trace(duo: Any, graph_id: str, index: int) -> dict:
    return _js(
        duo,
        "const gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');"
        "return gd && gd.data && gd.data[arguments[1]] ? JSON.parse(JSON.stringify(gd.data[arguments[1]])) : null;",
        graph_id,
        index,
    )


def _mark_rendered(duo: Any) -> None:
    """Mark the page's current rendering, to tell when the router has rendered it again."""
    _js(duo, "document.querySelector('.kj-page').dataset.old = '1';")


def _wait_rendered_again(duo: Any) -> None:
    _wait(
        duo,
        lambda _d: _js(duo, "const p = document.querySelector('.kj-page'); return !!p && p.dataset.old !== '1';"),
        "the page was not rendered again",
    )
    _wait(duo, lambda d: d.find_elements("css selector", "#kj-map .js-plotly-plot .main-svg"), "no map drawn")


def _width(duo: Any, element_id: str) -> float:
    """The width of a progress bar's fill, in percent of its track (from its style)."""
    return float(_js(duo, "return document.getElementById(arguments[0]).style.width;", element_id).rstrip("%") or 0)


def _seq(duo: Any) -> int:
    return _js(duo, "return window.deskLive ? (window.deskLive.seq || 0) : 0;")


def _banner_hidden(duo: Any) -> bool:
    return "hidden" in (duo.find_element("#alert-banner").get_attribute("class") or "")


def _report(desk_app: Any, desk: Any, **changes: Any) -> dict:
    """An incident posted by a field reporter's token through the API."""
    secret, _info = accounts.create_token(desk.store, "hp", "reporter", "uji")
    payload = {
        "kecamatan": TALANG_KELAPA,
        "tps": TPS,
        "stage": "pemungutan-suara",
        "category": "keamanan",
        "severity": "kritis",
        "description": HTML_TEXT,
        **changes,
    }
    response = desk_app.server.test_client().post(
        "/api/v1/incidents", json=payload, headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _incident(desk: Any, **changes: Any) -> dict:
    """An incident stored and announced as the simulator does."""
    payload = {
        "kecamatan": TALANG_KELAPA,
        "stage": "pemungutan-suara",
        "category": "logistik",
        "severity": "tinggi",
        "description": "Surat suara kurang 20 lembar",
        **changes,
    }
    data = incidents.create_incident(desk.store, payload, OPERATOR)
    return data


def _literal(duo: Any, selector: str) -> None:
    """The field's markup shows as text: no element made from it."""
    assert absent(duo, f"{selector} b") and absent(duo, f"{selector} script") and absent(duo, f"{selector} i")


def test_an_incident_from_the_api_appears_on_kejadian_and_its_banner_on_ringkasan(served, desk, desk_app) -> None:
    duo = served
    log_in_ok(duo, "operator")
    _open(duo, "/kejadian", "kejadian")
    kejadian = duo.driver.current_window_handle
    duo.driver.switch_to.new_window("tab")  # a second screen: its own tab, its own sessionStorage
    _open(duo, "/", "ringkasan")
    ringkasan = duo.driver.current_window_handle
    assert _banner_hidden(duo)

    made = _report(desk_app, desk)
    item = f"#alert-item-{made['id']}"
    duo.wait_for_element(item, timeout=SLOW)
    for part in ("KRITIS", "Talang Kelapa · TPS 003", "Keamanan", HTML_TEXT, "Mengerti"):
        duo.wait_for_contains_text(item, part, timeout=SLOW)
    _literal(duo, "#alert-banner")
    assert not _banner_hidden(duo)
    _wait_text(duo, "inc-open-kritis", "1")
    duo.wait_for_contains_text("#rs-latest", HTML_TEXT, timeout=SLOW)
    _literal(duo, "#rs-latest")
    assert _same_page(duo)

    duo.driver.switch_to.window(kejadian)
    row = f"#kj-row-{made['id']}"
    duo.wait_for_element(row, timeout=SLOW)
    duo.wait_for_text_to_equal(f"{row} .desc", HTML_TEXT, timeout=SLOW)
    _literal(duo, row)
    cells = duo.find_element(row).text
    assert "Talang Kelapa · TPS 003" in cells and "Kritis" in cells and "Baru" in cells
    _wait_text(duo, "kj-shown", "1")
    assert len(duo.find_elements(".incident-table tbody tr")) == 1  # drawn once: the browser took the list over
    points = _wait(duo, lambda _d: (t := _trace(duo, "kj-map", 1)) and t.get("customdata") and t, "no point")
    assert points["customdata"] == [[made["id"]]] and points["marker"]["color"] == ["#c62828"]
    regions = _trace(duo, "kj-map", 0)
    counts = dict(zip([c[0] for c in regions["customdata"]], regions["marker"]["color"], strict=True))
    assert counts[TALANG_KELAPA] == 1 and sum(counts.values()) == 1
    keamanan = _trace(duo, "kj-timeline", 1)
    assert keamanan["name"] == "Keamanan" and sum(keamanan["y"]) == 1
    duo.wait_for_element(f"#alert-item-{made['id']}")  # the banner is on this screen too
    assert _same_page(duo)

    # acknowledged on one screen: gone there, for good; still shown on the other
    duo.driver.switch_to.window(ringkasan)
    duo.find_element(f"#alert-ack-{made['id']}").click()
    _wait(duo, lambda _d: _banner_hidden(duo), "the banner stayed after Mengerti")
    duo.driver.refresh()
    duo.wait_for_element("#page-ringkasan", timeout=SLOW)
    _wait_connected(duo)
    assert _banner_hidden(duo) and absent(duo, item)
    duo.driver.switch_to.window(kejadian)
    assert duo.find_element(item).is_displayed()

    # verified: the row moves in place, and the alert leaves every screen by itself (someone took it up; an
    # unattended big screen must not pile up alerts nobody will press "Mengerti" on)
    incidents.change_status(desk.store, made["id"], "diverifikasi", OPERATOR, "<i>dicek</i> Panwascam")
    duo.wait_for_contains_text(row, "Baru → Diverifikasi — <i>dicek</i> Panwascam", timeout=SLOW)
    assert "Diverifikasi" in duo.find_element(f"{row} .kj-status").text
    _literal(duo, row)
    _wait(duo, lambda _d: absent(duo, item), "the verified incident stayed in the banner")
    assert _banner_hidden(duo)
    seq = _seq(duo)
    incidents.change_status(desk.store, made["id"], "ditangani", OPERATOR, "Polsek di lokasi")
    _wait(duo, lambda _d: _seq(duo) > seq, "no message after the status change")
    duo.driver.refresh()
    duo.wait_for_element("#page-kejadian", timeout=SLOW)
    _wait_connected(duo)
    assert _banner_hidden(duo) and absent(duo, item)  # and it does not come back

    assert severe_logs(duo) == []
    assert foreign_resources(duo) == []
    duo.driver.switch_to.window(ringkasan)
    assert severe_logs(duo) == []
    assert foreign_resources(duo) == []


def test_several_alerts_stack_and_are_acknowledged_together(served, desk) -> None:
    duo = served
    log_in_ok(duo, "viewer")
    _wait_connected(duo)
    _js(duo, "window.__same_page = true;")
    quiet = _incident(desk, severity="sedang", description="Antrean panjang")
    first = _incident(desk, severity="tinggi", description="Hujan deras, TPS tergenang")
    second = _incident(desk, severity="kritis", category="keamanan", description="Kotak suara dibawa lari")
    duo.wait_for_element(f"#alert-item-{second['id']}", timeout=SLOW)
    duo.wait_for_element(f"#alert-item-{first['id']}", timeout=SLOW)
    assert absent(duo, f"#alert-item-{quiet['id']}")  # sedang is not announced
    assert "2 kejadian baru" in duo.find_element("#alert-banner").text
    assert "alert-banner-kritis" in duo.find_element("#alert-banner").get_attribute("class")
    open_from_nav(duo, "kejadian", "kejadian")  # another page: the banner stays
    assert duo.find_element(f"#alert-item-{second['id']}").is_displayed()
    duo.find_element("#alert-ack-all").click()
    _wait(duo, lambda _d: _banner_hidden(duo), "Mengerti semua left alerts")
    assert _same_page(duo)
    assert severe_logs(duo) == []


def test_the_kejadian_page_keeps_to_its_filters_and_writes_them_in_the_address(served, desk) -> None:
    duo = served
    log_in_ok(duo, "operator")
    _open(duo, "/kejadian?severity=kritis", "kejadian")
    assert duo.find_element("#kj-f-severity").text.startswith("Kritis") or "Kritis" in duo.find_element(
        "#kj-f-severity"
    ).get_attribute("innerText")
    seq = _seq(duo)
    other = _incident(desk, severity="tinggi")
    _wait(duo, lambda _d: _seq(duo) > seq, "no message")
    wanted = _incident(desk, severity="kritis", description="Bentrok pendukung")
    duo.wait_for_element(f"#kj-row-{wanted['id']}", timeout=SLOW)
    assert absent(duo, f"#kj-row-{other['id']}")
    _wait_text(duo, "kj-shown", "1")
    points = _trace(duo, "kj-map", 1)
    assert points["customdata"] == [[wanted["id"]]]

    # a filter chosen on the page goes into the address, and the page follows it without a reload
    _mark_rendered(duo)
    duo.find_element("#kj-f-hours input[value='6']").click()
    _wait(duo, lambda d: parse_qs(urlsplit(d.current_url).query).get("hours") == ["6"], "hours not in the address")
    assert parse_qs(urlsplit(duo.driver.current_url).query)["severity"] == ["kritis"]
    _wait_rendered_again(duo)
    duo.wait_for_element(f"#kj-row-{wanted['id']}", timeout=SLOW)
    _mark_rendered(duo)
    duo.select_dcc_dropdown("#kj-f-category", value="Keamanan")
    _wait(duo, lambda d: parse_qs(urlsplit(d.current_url).query).get("category") == ["keamanan"], "no category")
    _wait_rendered_again(duo)
    duo.wait_for_text_to_equal("#kj-shown", "0", timeout=SLOW)
    assert absent(duo, f"#kj-row-{wanted['id']}")
    assert _same_page(duo)
    assert severe_logs(duo) == []


def test_a_logistics_update_changes_the_readiness_shown(served, desk) -> None:
    duo = served
    log_in_ok(duo, "operator")
    _open(duo, "/logistik", "logistik")
    assert _text(duo, "log-readiness") == "0,00 %"
    assert _text(duo, "lg-done") == "0 / 147"
    needed = next(
        r.needed for r in logistics.board(desk.store) if (r.kecamatan_code, r.item) == (TALANG_KELAPA, BALLOTS)
    )

    logistics.update(desk.store, TALANG_KELAPA, BALLOTS, needed, "diterima", "operator")
    _wait(duo, lambda _d: _text(duo, "log-readiness") != "0,00 %", "readiness did not change")
    _wait_text(duo, "lg-done", "1 / 147")
    number = f"{needed:,}".replace(",", ".")
    _wait(duo, lambda _d: f"{number} / {number}" in (_text(duo, f"lg-row-{TALANG_KELAPA}") or ""), "cell unchanged")
    assert "Diterima" in _text(duo, f"lg-row-{TALANG_KELAPA}")
    trace = _trace(duo, "lg-map", 0)
    colours = dict(zip([c[0] for c in trace["customdata"]], trace["marker"]["color"], strict=True))
    assert colours[TALANG_KELAPA] > 0 and colours["16.07.01"] == 0
    assert "Kesiapan logistik" in " ".join(trace["text"])

    logistics.update(desk.store, TALANG_KELAPA, "tinta", 10, "kurang", "operator")
    duo.wait_for_contains_text(".lg-attention", "Kurang / rusak", timeout=SLOW)
    _wait_text(duo, "lg-short", "1")
    assert _same_page(duo)

    open_from_nav(duo, "ringkasan", "ringkasan")
    _wait_text(duo, "rs-log-done", "1 / 147")
    before = _text(duo, "log-readiness")
    width = duo.find_element("#rs-log-fill").get_attribute("style")
    other = next(r.needed for r in logistics.board(desk.store) if (r.kecamatan_code, r.item) == ("16.07.01", BALLOTS))
    logistics.update(desk.store, "16.07.01", BALLOTS, other - 1, "kurang", "operator")
    _wait_text(duo, "rs-log-short", "2")
    _wait(duo, lambda _d: _text(duo, "log-readiness") != before, "readiness on Ringkasan unchanged")
    _wait(duo, lambda d: d.find_element("css selector", "#rs-log-fill").get_attribute("style") != width, "bar")
    assert _same_page(duo)
    assert severe_logs(duo) == []
    assert foreign_resources(duo) == []


def test_ringkasan_progress_bars_follow_pushed_results(served, desk) -> None:
    duo = served
    log_in_ok(duo, "viewer")
    _open(duo, "/", "ringkasan")
    fill = "rs-fill-pilbup-banyuasin"
    assert _width(duo, fill) == 0
    tps = "16.07.10.2001.001"
    dpt = next(v for k, v in desk.store.catalog().tps_dpt.items() if k == tps)
    votes = {"1": dpt // 5, "2": dpt // 6, "3": dpt // 7, "4": dpt // 8, "5": dpt // 9}
    outcome = results.submit_result(
        desk.store, {"contest": "pilbup-banyuasin", "tps": tps, "votes": votes, "suara_tidak_sah": 1}, OPERATOR, "uji"
    )
    assert outcome.changed, outcome
    _wait_text(duo, "pilbup-banyuasin-reported", "1 / 2.564 TPS")
    _wait(duo, lambda _d: _width(duo, fill) == pytest.approx(100 / 2564, abs=0.01), "the bar did not move")
    assert _width(duo, "rs-fill-pilgub-sumsel") == 0
    assert _same_page(duo)
    assert severe_logs(duo) == []


def test_an_operator_reports_an_incident_and_follows_it_through_its_statuses(served, desk) -> None:
    duo = served
    log_in_ok(duo, "operator")
    open_from_nav(duo, "input", "input")
    duo.select_dcc_dropdown("#kj-new-kecamatan", value="Talang Kelapa")
    duo.select_dcc_dropdown("#kj-new-category", value="Listrik / internet")
    duo.select_dcc_dropdown("#kj-new-severity", value="Sedang")
    duo.find_element("#kj-new-description").send_keys("Listrik padam <di> TPS 003")
    duo.find_element("#kj-new-submit").click()
    duo.wait_for_contains_text("#kj-new-outcome", "Tersimpan sebagai kejadian #", timeout=SLOW)
    made = incidents.list_incidents(desk.store, limit=1)[0]
    assert (made["category"], made["severity"], made["reporter"]) == ("listrik-internet", "sedang", "operator")

    duo.find_element("#kj-new-submit").click()  # the text was cleared: refused, naming the field
    duo.wait_for_contains_text("#kj-new-outcome", "Uraian: wajib diisi", timeout=SLOW)

    duo.driver.get(f"{duo.base_url}/input?incident={made['id']}")
    duo.wait_for_element("#kj-st-current .desc", timeout=SLOW)
    duo.wait_for_text_to_equal("#kj-st-current .desc", "Listrik padam <di> TPS 003")
    duo.select_dcc_dropdown("#kj-st-status", value="Ditolak")
    duo.find_element("#kj-st-submit").click()
    duo.wait_for_contains_text("#kj-st-outcome", "Catatan: alasan penolakan wajib diisi", timeout=SLOW)
    duo.select_dcc_dropdown("#kj-st-status", value="Diverifikasi")
    duo.find_element("#kj-st-note").send_keys("PLN dihubungi")
    duo.find_element("#kj-st-submit").click()
    duo.wait_for_contains_text("#kj-st-outcome", "sekarang Diverifikasi", timeout=SLOW)
    duo.wait_for_contains_text("#kj-st-current", "Baru → Diverifikasi — PLN dihubungi", timeout=SLOW)
    assert incidents.get_incident(desk.store, made["id"])["status"] == "diverifikasi"

    open_from_nav(duo, "kejadian", "kejadian")
    duo.wait_for_contains_text(f"#kj-row-{made['id']}", "Baru → Diverifikasi — PLN dihubungi", timeout=SLOW)
    duo.find_element(f"#kj-row-{made['id']} .kj-edit").click()
    duo.wait_for_element("#page-input", timeout=SLOW)
    duo.wait_for_contains_text("#kj-st-current", "status sekarang: Diverifikasi", timeout=SLOW)

    duo.select_dcc_dropdown("#lg-in-kecamatan", value="Talang Kelapa")
    duo.select_dcc_dropdown("#lg-in-item", value="Tinta")
    duo.wait_for_contains_text("#lg-in-current", "Talang Kelapa · Tinta: kebutuhan", timeout=SLOW)
    received = duo.find_element("#lg-in-received")
    received.clear()
    received.send_keys("12")
    duo.select_dcc_dropdown("#lg-in-status", value="Kurang")
    duo.find_element("#lg-in-submit").click()
    duo.wait_for_contains_text("#lg-in-outcome", "Tersimpan: Talang Kelapa · Tinta — 12 dari", timeout=SLOW)
    tinta = next(r for r in logistics.board(desk.store) if (r.kecamatan_code, r.item) == (TALANG_KELAPA, "tinta"))
    assert (tinta.received, tinta.status, tinta.updated_by) == (12, "kurang", "operator")
    assert severe_logs(duo) == []


def _shape_value(duo: Any, graph_id: str, code: str) -> Any:
    """The colour value (z) of a kecamatan's polygon on a map."""
    trace = _trace(duo, graph_id, 0)
    return dict(zip(trace["locations"], trace["z"], strict=True)).get(code) if trace else None


def _geometry(duo: Any, graph_id: str) -> str:
    return _js(
        duo, "return JSON.stringify(document.querySelector('#' + arguments[0] + ' .js-plotly-plot').data[0].geojson)",
        graph_id,
    )  # fmt: skip


def test_with_boundaries_the_kecamatan_shapes_are_drawn_offline_and_recoloured_live(served, desk, desk_app) -> None:
    if not BOUNDARIES.exists():
        pytest.skip(f"reference boundaries absent: {BOUNDARIES}")
    desk.config.boundaries = BOUNDARIES
    duo = served
    log_in_ok(duo, "operator")
    _open(duo, "/kejadian", "kejadian")
    shapes = "#kj-map path.choroplethlocation"
    _wait(duo, lambda _d: _js(duo, f"return document.querySelectorAll('{shapes}').length") == 21, "no polygons")
    assert _shape_value(duo, "kj-map", TALANG_KELAPA) == 0
    geometry = _geometry(duo, "kj-map")
    made = _report(desk_app, desk, severity="sedang", description="Antrean panjang di TPS 003")
    duo.wait_for_element(f"#kj-row-{made['id']}", timeout=SLOW)
    _wait(duo, lambda _d: _shape_value(duo, "kj-map", TALANG_KELAPA) == 1, "the polygon was not recoloured")
    assert _geometry(duo, "kj-map") == geometry  # values patched, the shapes never sent again
    assert _trace(duo, "kj-map", 1)["customdata"] == [[made["id"]]]
    assert _same_page(duo)
    assert severe_logs(duo) == []
    assert foreign_resources(duo) == []

    _open(duo, "/logistik", "logistik")
    shapes = "#lg-map path.choroplethlocation"
    _wait(duo, lambda _d: _js(duo, f"return document.querySelectorAll('{shapes}').length") == 21, "no polygons")
    assert _shape_value(duo, "lg-map", TALANG_KELAPA) == 0
    geometry = _geometry(duo, "lg-map")
    for line in logistics.board(desk.store, kecamatan=[TALANG_KELAPA]):
        logistics.update(desk.store, TALANG_KELAPA, line.item, line.needed, "diterima", "uji")
    _wait(duo, lambda _d: _shape_value(duo, "lg-map", TALANG_KELAPA) == 100, "readiness not recoloured")
    assert _shape_value(duo, "lg-map", "16.07.01") == 0
    assert _geometry(duo, "lg-map") == geometry
    assert _same_page(duo)
    assert severe_logs(duo) == []
    assert foreign_resources(duo) == []


def test_screenshots_of_kejadian_and_logistik(served, desk, tmp_path) -> None:
    """Pictures at 1600×1000 for people to look at ($DESK_SCREENSHOT_DIR when set, else the test's tmp_path)."""
    duo = served
    folder = Path(os.environ.get("DESK_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    for severity, category in (("kritis", "keamanan"), ("tinggi", "logistik"), ("rendah", "hak-pilih")):
        _incident(desk, severity=severity, category=category, description=f"Contoh kejadian {severity}")
    log_in_ok(duo, "viewer")
    metrics = {"width": 1600, "height": 1000, "deviceScaleFactor": 1, "mobile": False}
    duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)  # the page itself 1600×1000
    for path, page in (("/kejadian", "kejadian"), ("/logistik", "logistik")):
        _open(duo, path, page)
        _wait(duo, lambda d: d.find_elements("css selector", ".js-plotly-plot .main-svg"), "no figure drawn")
        duo.driver.save_screenshot(str(folder / f"{page}-1600x1000.png"))
        assert (folder / f"{page}-1600x1000.png").stat().st_size > 10_000
    assert severe_logs(duo) == []
