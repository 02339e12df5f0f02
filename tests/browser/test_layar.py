"""Layar and the video call in headless Chromium (issue 5): the big screen at 1920×1080 and 1280×720, its
playlist, presenter and followers in two browsers, the frozen snapshot, and the stale banner when the server stops.

Screenshots go to $DESK_SCREENSHOT_DIR when set, else to the test's pytest tmp_path (printed with -s).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from data_sources import accounts, incidents, results
from data_sources.domain.actors import Actor
from tests.browser.conftest import pytest_setup_options
from tests.browser.test_pages import log_in_ok, severe_logs
from tests.conftest import PASSWORD
from tests.live_server import free_port, serve, stop
from tests.waiting import holds_for

ROOT = Path(__file__).resolve().parents[2]
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


QUIET = """return document.fonts.status === "loaded" && !document.querySelector('[data-dash-is-loading="true"]');"""


def _quiet(driver: Any) -> bool:
    """Whether the page has its fonts and no Dash callback is still loading."""
    return bool(_js(driver, QUIET))


def _settled_measure(driver: Any) -> dict:
    """MEASURE of the page once it has settled: fonts loaded, no callback loading, and three measures in a row
    (0.1 s apart) the same, so the fonts and figures have stopped moving."""
    _wait(driver, _quiet, "the page did not finish loading")
    seen: list[dict] = []

    def steady(d: Any) -> dict | None:
        seen.append(_js(d, MEASURE))
        return seen[-1] if len(seen) >= 3 and seen[-1] == seen[-2] == seen[-3] else None

    return WebDriverWait(driver, SLOW, poll_frequency=0.1).until(steady, "the layout did not settle")


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
    for kecamatan, severity in (("16.07.10", "tinggi"), ("16.07.08", "sedang"), ("16.07.01", "rendah")):
        payload = {
            "kecamatan": kecamatan,
            "stage": "pemungutan-suara",
            "category": "logistik",
            "severity": severity,
            "description": "Surat suara kurang 20 lembar",
        }
        incidents.create_incident(desk.store, payload, OPERATOR)


def _display_token(desk: Any, name: str = "layar") -> str:
    secret, _info = accounts.create_token(desk.store, name, "display", "uji")
    return secret


def _open_screen(driver: Any, base: str, secret: str, query: str = "") -> None:
    driver.get(f"{base}/layar?token={secret}{query}")
    if "follow=1" not in query:  # a follower may already have moved on to the presenter's page
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
        m = _settled_measure(driver)  # once the fonts and the figure have settled
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
    _wait_text(driver, "conn-state", "Terhubung (langsung)")
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
    # a bounded wait for something that must not happen: paused, the 5-second playlist stays put for 6 s
    assert holds_for(lambda: _view_index(driver) == paused_at, 6, interval=0.25), "the paused playlist moved on"
    _key(driver, Keys.ARROW_RIGHT)
    assert _view_index(driver) == paused_at % VIEWS + 1
    _key(driver, Keys.ARROW_LEFT)
    _key(driver, Keys.ARROW_LEFT)
    assert _view_index(driver) == (paused_at - 2) % VIEWS + 1
    _key(driver, Keys.SPACE)
    _wait_text(driver, "ly-play", "Putar · 5 detik")
    assert severe_logs(duo) == []


# ------------------------------------------------------------------------------------ presenter and followers


@pytest.fixture
def second(live_server: str):
    """A second Chromium with the same options as dash_duo's (a follower's own browser); closed before the server."""
    options = pytest_setup_options()
    options.set_capability("goog:loggingPrefs", {"browser": "SEVERE"})
    driver = webdriver.Chrome(options=options)
    driver.implicitly_wait(1)
    yield driver
    driver.quit()


def _log_in(driver: Any, base: str, username: str) -> None:
    driver.get(f"{base}/login")
    driver.find_element("css selector", "#username").send_keys(username)
    driver.find_element("css selector", "#password").send_keys(PASSWORD)
    driver.find_element("css selector", "#login-button").click()
    _wait(driver, lambda d: _text(d, "whoami") == f"{username} ({username})", "not logged in")


def _click(driver: Any, selector: str) -> None:
    """Click an element; the follow bar is redrawn on every view change, so a stale element is looked up again."""

    def clicked(d: Any) -> bool:
        try:
            d.find_element("css selector", selector).click()
        except (NoSuchElementException, StaleElementReferenceException):
            return False
        return True

    _wait(driver, clicked, f"could not click {selector}")


def _become_presenter(duo: Any) -> None:
    _click(duo.driver, "#presenter-take")
    _wait_text(duo.driver, "presenter-name", "Presenter: operator")


ROWS_UNDER = """const rows = Array.from(document.querySelectorAll('#page-rekapitulasi tr.rk-row'));
return rows.length > 0 && rows.every(r => r.dataset.code.startsWith(arguments[0] + '.'));"""


def _mirrors(follower: Any, presenter: Any, what: str) -> str:
    """Wait until the follower shows the presenter's address (path and query); returns it."""
    want = _here(presenter)
    _wait(follower, lambda d: _here(d) == want, f"the follower did not follow to {what} ({want}); at {_here(follower)}")
    return want


def test_a_follower_mirrors_page_drilldown_and_filters_joins_late_and_steps_out(served, desk, second, tmp_path) -> None:
    duo = served
    base = duo.base_url
    secret = _display_token(desk)
    log_in_ok(duo, "operator")
    _become_presenter(duo)

    _open_screen(second, base, secret, "&follow=1")  # the big screen in follow mode
    _mirrors(second, duo.driver, "Ringkasan")
    _wait_text(second, "follow-state", "Mengikuti presenter")
    assert _js(second, "return document.body.classList.contains('screen-tab')")  # an unattended screen:
    assert not second.find_element("css selector", ".nav").is_displayed()  # nothing to click

    _click(duo.driver, "#nav-rekapitulasi")
    duo.wait_for_element("#page-rekapitulasi")
    _mirrors(second, duo.driver, "Rekapitulasi")
    _click(duo.driver, "#page-rekapitulasi td.rk-name a")  # drill down into a kecamatan
    _wait(duo.driver, lambda d: "region=" in _here(d), "no drill-down")
    drilled = _mirrors(second, duo.driver, "the drill-down")
    assert "region=16.07." in drilled
    region = parse_qs(urlsplit(drilled).query)["region"][0]
    _wait(second, lambda d: _js(d, ROWS_UNDER, region), f"the follower's recap does not show the rows of {region}")
    _wait(second, _quiet, "the follower's recap did not finish loading")
    second.save_screenshot(str(_folder(tmp_path) / "ikuti-rekapitulasi.png"))

    _click(duo.driver, "#nav-kejadian")
    duo.wait_for_element("#page-kejadian")
    _click(duo.driver, "#kj-f-hours input[value='6']")  # a map filter, written in the address
    _wait(duo.driver, lambda d: "hours=6" in _here(d), "filter not in the address")
    filtered = _mirrors(second, duo.driver, "the filtered incident map")
    assert "hours=6" in filtered and "token" not in filtered and "follow" not in filtered

    # late join: an official opens the follow link after all this and lands on the current view at once
    second.delete_all_cookies()
    _log_in(second, base, "viewer")
    second.get(f"{base}/ikuti")
    _wait(second, lambda d: _here(d) == filtered, f"late joiner not at {filtered}: {_here(second)}")
    _wait_text(second, "follow-state", "Mengikuti presenter")
    assert not _js(second, "return document.body.classList.contains('screen-tab')")  # an official's browser

    # step out: the official browses on its own, clearly marked, and the presenter's moves no longer pull it
    _click(second, "#nav-logistik")
    _wait(second, lambda d: d.find_elements("css selector", "#page-logistik"), "no logistik")
    _wait_text(second, "stepped-out", "Anda menjelajah sendiri — layar ini TIDAK mengikuti presenter.")
    _click(duo.driver, "#nav-ringkasan")
    duo.wait_for_element("#page-ringkasan")
    _wait(second, lambda _d: _js(second, "return window.deskFollowState.view.target") == "/", "no view event")
    assert _here(second) == "/logistik"
    # return with one click
    _click(second, "#follow-return")
    _wait(second, lambda d: _here(d) == "/", "did not return to the presenter")
    _wait_text(second, "follow-state", "Mengikuti presenter")
    assert not _js(second, "return document.getElementById('follow-banner').offsetParent")  # banner gone
    assert severe_logs(duo) == []
    assert [e for e in second.get_log("browser") if e["level"] == "SEVERE"] == []


def _votes_shown(driver: Any, contest: str) -> list[str]:
    return _js(
        driver,
        "return Array.from(document.querySelectorAll(`.ly-slide[data-name='rekap-${arguments[0]}'] .ly-votes`))"
        ".map(e => e.textContent)",
        contest,
    )


def test_freeze_shows_the_same_numbers_to_followers_until_back_to_live(served, desk, second, tmp_path) -> None:
    duo = served
    base = duo.base_url
    _seed(desk)
    log_in_ok(duo, "operator")
    duo.driver.get(f"{base}/layar?interval=600")
    duo.wait_for_element("#page-layar")
    _become_presenter(duo)
    _size(second, 1280, 720)
    _open_screen(second, base, _display_token(desk), "&follow=1")
    _wait(second, lambda d: _here(d) == "/layar?interval=600", "follower not on the big screen")
    _key(duo.driver, Keys.ARROW_RIGHT)  # the presenter steps the playlist: the follower shows the same view
    _wait(second, lambda d: _view_index(d) == 2, "the follower did not step with the presenter")
    live_votes = _votes_shown(second, PILBUP)
    assert live_votes == ["130", "115", "55", "35", "18"]

    _click(duo.driver, "#freeze-now")
    _wait(second, lambda d: "snapshot=" in _here(d), "the follower did not freeze")
    snapshot_url = _here(second)
    frozen_label = "const e = document.querySelector('#page-layar .ly-frozen-label'); return e ? e.textContent : null;"
    label = _wait(second, lambda d: _js(d, frozen_label), "no frozen banner")
    assert _js(second, "return document.getElementById('freeze-label').textContent") == label  # for the presenter
    assert re.fullmatch(r"BEKU per \d\d\.\d\d WIB", label)
    _wait(second, lambda d: _view_index(d) == 2, "frozen view not at the presenter's position")
    assert _votes_shown(second, PILBUP) == live_votes
    _folder(tmp_path)
    second.save_screenshot(str(_folder(tmp_path) / "layar-beku-1280x720.png"))
    m = _js(second, MEASURE)  # the frozen screen, banner included, still fits 720p and stays readable
    assert m["outside"] == [] and m["crowded"] == [] and m["min"] >= 14, m

    # a new result arrives: live numbers move, the frozen screen does not
    seq = _js(second, "return window.deskLive.seq")
    more = {
        "contest": PILBUP,
        "tps": "16.07.10.2001.003",
        "suara_tidak_sah": 1,
        "votes": {"1": 10, "2": 90, "3": 10, "4": 10, "5": 10},
    }
    results.submit_result(desk.store, more, OPERATOR, source="uji")
    _wait(second, lambda _d: (_js(second, "return window.deskLive.seq") or 0) > (seq or 0), "no push reached it")
    # a bounded wait for something that must not happen: the pushed result does not reach the frozen numbers
    assert holds_for(lambda: _votes_shown(second, PILBUP) == live_votes, 0.5), "the frozen numbers moved"
    assert _js(second, frozen_label) == label

    # the snapshot's own link shows the same numbers later, to anyone
    duo.driver.get(f"{base}{snapshot_url}")
    _wait(duo.driver, lambda d: d.find_elements("css selector", "#page-layar.ly-frozen-screen"), "no snapshot page")
    assert _votes_shown(duo.driver, PILBUP) == live_votes
    assert _js(duo.driver, frozen_label) == label

    # back to live for everyone
    duo.driver.get(f"{base}/layar?interval=600")
    _click(duo.driver, "#freeze-live")
    _wait(second, lambda d: _here(d) == "/layar?interval=600", "the follower did not return to live")
    _wait(second, lambda d: not d.find_elements("css selector", "#freeze-banner:not(.hidden)"), "banner stayed")
    _wait(second, lambda d: _votes_shown(d, PILBUP) == ["140", "205", "65", "45", "28"], "live numbers not shown")
    assert severe_logs(duo) == []


# ------------------------------------------------------------------------------------------ never stale in silence


def _banner(driver: Any) -> dict:
    return _js(
        driver,
        "const b = document.getElementById('stale-banner'); const r = b.getBoundingClientRect();"
        "return {shown: !b.classList.contains('hidden') && r.height > 0, text: b.innerText, top: r.top,"
        " width: r.width, size: parseFloat(getComputedStyle(b).fontSize)};",
    )


def test_the_big_screen_says_so_when_the_server_stops_and_recovers(dash_duo, tmp_path, templates) -> None:
    driver = dash_duo.driver
    data_dir = tmp_path / "srv"
    cli = [sys.executable, "-m", "dashboard"]
    templates.copy_sqlite("demo", data_dir / "desk.sqlite3")  # the data folder as `init` leaves it
    made = subprocess.run(
        [*cli, "tokens", "create", "layar", "--role", "display", "--data-dir", str(data_dir)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    secret = made.stdout.strip().splitlines()[-1]
    port = free_port()
    proc = serve(data_dir, port)
    try:
        _size(driver, 1280, 720)
        _open_screen(driver, f"http://127.0.0.1:{port}", secret)
        _wait_text(driver, "conn-state", "Terhubung (langsung)")
        assert not _banner(driver)["shown"]

        stop(proc)
        _wait(driver, lambda d: _banner(d)["shown"], "no stale banner after the server stopped", timeout=20)
        banner = _banner(driver)
        assert "mungkin tidak terbaru" in banner["text"]
        assert banner["size"] >= 24 and banner["width"] >= 1270 and 0 <= banner["top"] < 120  # prominent, on top
        assert _text(driver, "conn-state") in ("Terputus", "Terhubung, tanpa kabar")
        driver.save_screenshot(str(_folder(tmp_path) / "layar-terputus-1280x720.png"))

        proc = serve(data_dir, port)  # the same server comes back: the screen resyncs, the banner goes
        _wait(driver, lambda d: not _banner(d)["shown"], "the stale banner stayed after reconnect", timeout=40)
        _wait_text(driver, "conn-state", "Terhubung (langsung)")
    finally:
        stop(proc)


def test_the_presenter_role_is_handed_over_explicitly(served, second) -> None:
    duo = served
    base = duo.base_url
    log_in_ok(duo, "operator")
    _become_presenter(duo)
    _log_in(second, base, "admin")
    _wait_text(second, "presenter-name", "Presenter: operator")
    assert not second.find_elements("css selector", "#presenter-take")  # one presenter at a time
    _wait(second, lambda d: d.find_elements("css selector", "#presenter-takeover"), "admin sees no take-over")

    duo.find_element("#handover-to").send_keys("admin")
    _click(duo.driver, "#presenter-handover")
    _wait_text(second, "presenter-name", "Presenter: admin")
    _wait(second, lambda d: d.find_elements("css selector", "#presenter-release"), "admin is not presenting")
    _wait_text(duo.driver, "presenter-name", "Presenter: admin")
    assert not duo.driver.find_elements("css selector", "#presenter-release")
    assert severe_logs(duo) == []


def test_an_idle_screen_is_not_called_stale(served, desk) -> None:
    """No new data for a while is not silence: the heartbeats keep the screen "live" (no false stale banner)."""
    driver = served.driver
    _open_screen(driver, served.base_url, _display_token(desk), "&interval=600")
    _wait_text(driver, "conn-state", "Terhubung (langsung)")

    def live_without_banner() -> bool:
        return _text(driver, "conn-state") == "Terhubung (langsung)" and not _banner(driver)["shown"]

    # a bounded wait for something that must not happen: 12.5 s without data (twice live.js's STALE_MS of 6 s),
    # watched all along, and the screen never calls itself stale
    assert holds_for(live_without_banner, 12.5, interval=0.25), (_text(driver, "conn-state"), _banner(driver))


def test_pushed_results_change_the_big_screen_without_reload(served, desk) -> None:
    driver = served.driver
    _open_screen(driver, served.base_url, _display_token(desk), "&interval=600")
    _key(driver, Keys.ARROW_RIGHT)  # the Pilbup view
    _wait(driver, lambda d: _view_index(d) == 2, "no Pilbup view")
    _js(driver, "window.__same_page = true;")
    assert _votes_shown(driver, PILBUP) == ["0"] * 5
    _seed(desk)
    _wait(driver, lambda d: _votes_shown(d, PILBUP) == ["130", "115", "55", "35", "18"], "votes not pushed")
    width = _js(driver, f"return document.querySelector('[data-bar=\"{PILBUP}-share-1\"]').style.width")
    assert width == "36.83%"  # the bar follows, and its share is written beside it
    _wait(driver, lambda d: _text(d, f"{PILBUP}-reported") == "2 / 2.564 TPS", "Ringkasan figures not pushed")
    assert _js(driver, "return window.__same_page === true")
    assert severe_logs(served) == []
