"""Layar and the video call in headless Chromium (issue 5): the big screen at 1920×1080 and 1280×720, its
playlist, presenter and followers in two browsers, the frozen snapshot, and the stale banner when the server stops.

Screenshots go to $DESK_SCREENSHOT_DIR when set, else to the test's pytest tmp_path (printed with -s).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.actors import Actor
from data_sources import accounts, incidents, results
from tests.browser.conftest import pytest_setup_options
from tests.browser.test_pages import log_in_ok, severe_logs
from tests.conftest import DEMO, PASSWORD

SLOW = 30
PILBUP = "pilbup-banyuasin"
OPERATOR = Actor("operator", "operator")
SIZES = [(1920, 1080), (1280, 720)]
VIEWS = 5  # Ringkasan, two contests, incident map, logistics

MEASURE = """
const vw = window.innerWidth, vh = window.innerHeight;
let min = 1e9, minText = "", outside = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
    const node = walker.currentNode, text = node.textContent.trim();
    if (!text || !node.parentElement) { continue; }
    const range = document.createRange(); range.selectNodeContents(node);
    const rects = Array.from(range.getClientRects()).filter(r => r.width > 0 && r.height > 0);
    if (!rects.length) { continue; }
    const style = getComputedStyle(node.parentElement);
    if (style.visibility === "hidden" || parseFloat(style.opacity) === 0) { continue; }
    const size = parseFloat(style.fontSize);
    if (size < min) { min = size; minText = text.slice(0, 60); }
    for (const r of rects) {
        if (r.right > vw + 0.5 || r.bottom > vh + 0.5 || r.left < -0.5 || r.top < -0.5) {
            outside.push(text.slice(0, 60)); break;
        }
    }
}
const names = Array.from(document.querySelectorAll(".ly-slide.ly-active .ly-name")).filter(e => e.offsetParent);
const de = document.documentElement;
const boxes = Array.from(document.querySelectorAll(
    ".ly-slide.ly-active, .ly-slide.ly-active .ly-paslon-list, .ly-slide.ly-active .ly-grid, "
    + ".ly-slide.ly-active .ly-item-list, .ly-slide.ly-active .ly-panel, .ly-slide.ly-active .ly-paslon"));
const crowded = boxes.filter(e => e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1)
    .map(e => e.className + ": " + e.scrollHeight + ">" + e.clientHeight);
return {min: min, minText: minText, outside: outside, crowded: crowded,
        scroll: [de.scrollWidth, de.scrollHeight, vw, vh],
        clippedNames: names.filter(e => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1
                                        || getComputedStyle(e).textOverflow === "ellipsis").map(e => e.textContent),
        names: names.map(e => e.textContent)};
"""


def _wait(driver: Any, condition: Any, message: str, timeout: float = SLOW) -> Any:
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(condition, message)


def _js(driver: Any, script: str, *args: Any) -> Any:
    return driver.execute_script(script, *args)


def _text(driver: Any, element_id: str) -> str | None:
    return _js(
        driver, "const e = document.getElementById(arguments[0]); return e ? e.innerText.trim() : null;", element_id
    )


def _wait_text(driver: Any, element_id: str, expected: str, timeout: float = SLOW) -> None:
    _wait(driver, lambda _d: _text(driver, element_id) == expected, f"#{element_id} never showed {expected!r}", timeout)


def _here(driver: Any) -> str:
    parts = urlsplit(driver.current_url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _size(driver: Any, width: int, height: int) -> None:
    """The page itself at this size (what the screen, or the call, shows)."""
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)


def _folder(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("DESK_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _seed(desk: Any) -> None:
    """A few counted results in both contests, so leaders, shares and bars show."""
    seeds = [
        (PILBUP, "16.07.10.2001.001", [70, 50, 30, 20, 10]),
        (PILBUP, "16.07.10.2001.002", [60, 65, 25, 15, 8]),
        ("pilgub-sumsel", "16.07.10.2001.001", [80, 60, 20, 10]),
    ]
    for contest, tps, votes in seeds:
        payload = {
            "contest": contest,
            "tps": tps,
            "suara_tidak_sah": 3,
            "votes": {str(i + 1): v for i, v in enumerate(votes)},
        }
        outcome = results.submit_result(desk.store, payload, OPERATOR, source="uji")
        assert outcome.http_status == 201, outcome
        desk.changed("result", outcome.result)
    for kecamatan, severity in (("16.07.10", "tinggi"), ("16.07.08", "sedang"), ("16.07.01", "rendah")):
        payload = {
            "kecamatan": kecamatan,
            "stage": "pemungutan-suara",
            "category": "logistik",
            "severity": severity,
            "description": "Surat suara kurang 20 lembar",
        }
        desk.changed("incident", incidents.create_incident(desk.store, payload, OPERATOR))


def _display_token(desk: Any, name: str = "layar") -> str:
    secret, _info = accounts.create_token(desk.store, name, "display", "uji")
    return secret


def _open_screen(driver: Any, base: str, secret: str, query: str = "") -> None:
    driver.get(f"{base}/layar?token={secret}{query}")
    _wait(driver, lambda d: d.find_elements("css selector", "#page-layar .ly-slide.ly-active"), "no view shown")
    _wait(driver, lambda d: (_text(d, "conn-state") or "").startswith("Terhubung"), "not connected")


def _key(driver: Any, key: str) -> None:
    driver.find_element("css selector", "body").send_keys(key)


def _view_index(driver: Any) -> int:
    return int((_text(driver, "ly-pos") or "0").split(" / ")[0])


# ---------------------------------------------------------------------------------------------- the big screen


@pytest.mark.parametrize(("width", "height"), SIZES, ids=["1920x1080", "1280x720"])
def test_every_view_fits_the_screen_and_is_readable(served, desk, tmp_path, width, height) -> None:
    duo = served
    driver = duo.driver
    _seed(desk)
    _size(driver, width, height)
    _open_screen(driver, duo.base_url, _display_token(desk), "&interval=600")
    assert urlsplit(driver.current_url).query == "interval=600"  # the token is gone, the setting stays
    assert _js(driver, "return document.body.classList.contains('bigscreen')")
    _wait(driver, lambda d: re.fullmatch(r"\d\d\.\d\d\.\d\d WIB", _text(d, "ly-clock") or ""), "no WIB clock")
    folder = _folder(tmp_path)
    seen = []
    for i in range(1, VIEWS + 1):
        _wait(driver, lambda d, i=i: _view_index(d) == i, f"view {i} not shown")
        title = _js(driver, "return document.querySelector('.ly-slide.ly-active').dataset.name")
        if title == "kejadian":
            _wait(driver, lambda d: d.find_elements("css selector", ".ly-slide.ly-active .main-svg"), "map not drawn")
        time.sleep(0.3)  # let the fonts and the figure settle before measuring
        m = _js(driver, MEASURE)
        assert m["scroll"][0] <= m["scroll"][2] and m["scroll"][1] <= m["scroll"][3], (title, m["scroll"])
        assert m["outside"] == [], (title, m["outside"])
        assert m["crowded"] == [], (title, m["crowded"])  # nothing spills over its box
        assert m["clippedNames"] == [], (title, m["clippedNames"])
        if height == 720:
            assert m["min"] >= 14, (title, m["min"], m["minText"])
        updated = _js(
            driver,
            "return Array.from(document.querySelectorAll('.ly-slide.ly-active .ly-updated')).map(e => e.innerText)",
        )
        assert updated and all(u.startswith("Diperbarui ") for u in updated), (title, updated)
        driver.save_screenshot(str(folder / f"layar-{i}-{title}-{width}x{height}.png"))
        seen.append((title, m["names"]))
        _key(driver, Keys.ARROW_RIGHT)
    assert [t for t, _n in seen] == ["ringkasan", f"rekap-{PILBUP}", "rekap-pilgub-sumsel", "kejadian", "logistik"]
    pilbup_names = dict(seen)[f"rekap-{PILBUP}"]
    assert "Hj. Ratna Sari Dewi – Muhammad Fadli" in pilbup_names and len(pilbup_names) == 5  # whole names
    assert _text(driver, "conn-state") == "Terhubung (langsung)"
    print(f"screenshots in {folder}")
    assert severe_logs(duo) == []


def test_playlist_rotates_pauses_and_steps_in_the_browser(served, desk) -> None:
    duo = served
    driver = duo.driver
    _size(driver, 1280, 720)
    _open_screen(driver, duo.base_url, _display_token(desk), "&interval=5")
    _wait_text(driver, "ly-play", "Putar · 5 detik")
    requests_before = _js(driver, "return performance.getEntriesByType('resource').length")
    start = _view_index(driver)
    _wait(driver, lambda d: _view_index(d) == start % VIEWS + 1, "the playlist did not move on", timeout=15)
    _wait(driver, lambda d: _view_index(d) == (start + 1) % VIEWS + 1, "the playlist did not move on again", 15)
    dash_calls = _js(
        driver,
        "return performance.getEntriesByType('resource').slice(arguments[0])"
        ".filter(e => e.name.includes('_dash-update-component')).length",
        requests_before,
    )
    assert dash_calls == 0  # rotating asks the server nothing

    _key(driver, Keys.SPACE)
    _wait_text(driver, "ly-play", "Jeda (spasi untuk putar)")
    paused_at = _view_index(driver)
    time.sleep(6)
    assert _view_index(driver) == paused_at
    _key(driver, Keys.ARROW_RIGHT)
    assert _view_index(driver) == paused_at % VIEWS + 1
    _key(driver, Keys.ARROW_LEFT)
    _key(driver, Keys.ARROW_LEFT)
    assert _view_index(driver) == (paused_at - 2) % VIEWS + 1
    _key(driver, Keys.SPACE)
    _wait_text(driver, "ly-play", "Putar · 5 detik")
    assert severe_logs(duo) == []
