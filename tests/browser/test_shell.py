"""The shell seen in headless Chromium when a screen opens: the banner raises the severe incidents nobody has
verified yet (and lets them go once verified), and the top bar shows the time of the last change from the first
paint, on a page and on the big screen."""

from __future__ import annotations

import re
from typing import Any

import pytest

from data_sources import summary
from data_sources.domain.fmt import now_utc
from layouts.shell import last_update_text
from tests.browser.test_incidents import (
    SLOW,
    _banner_hidden,
    _incident,
    _js,
    _report,
    _same_page,
    _seq,
    _wait,
    _wait_connected,
)
from tests.browser.test_layar import (
    VIEWS,
    _display_token,
    _folder,
    _key,
    _open_screen,
    _seed,
    _settled_measure,
    _size,
    _view_index,
)
from tests.browser.test_pages import absent, log_in_ok, open_from_nav, severe_logs
from tests.conftest import login

WIB_TIME = re.compile(r"\d\d\.\d\d WIB")
EARLY_TITLE = "Kejadian tingkat tinggi/kritis belum diverifikasi"
LONG_TEXT = (
    "Sekelompok orang mendatangi TPS dan meminta penghitungan diulang; petugas KPPS menghentikan penghitungan "
    "sementara, aparat keamanan sudah dihubungi, warga masih berkumpul di depan sekolah tempat TPS berada"
)

DESCRIPTIONS_CUT = """
const vw = window.innerWidth, vh = window.innerHeight;
return Array.from(document.querySelectorAll("#alert-banner .alert-desc")).filter(e => e.offsetParent).filter(e => {
    const r = e.getBoundingClientRect();
    return r.left < 0 || r.top < 0 || r.right > vw + 0.5 || r.bottom > vh + 0.5
        || (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).textOverflow !== "ellipsis");
}).map(e => e.textContent.slice(0, 40));
"""


def _operator(desk_app: Any) -> Any:
    """A test client logged in as the operator (the API's session login, CSRF token included)."""
    client = desk_app.server.test_client()
    assert login(client, "operator").status_code == 302
    return client


def _set_status(client: Any, incident_id: int, status: str, note: str = "dicek Panwascam") -> None:
    """Change an incident's status through the API, as an operator's page or tool does."""
    response = client.patch(f"/api/v1/incidents/{incident_id}", json={"status": status, "note": note})
    assert response.status_code == 200, response.get_json()


def _banner_title(duo: Any) -> str:
    return duo.find_element("#alert-banner .alert-title").text


def test_a_screen_opened_after_a_severe_incident_raises_it_until_it_is_verified(served, desk, desk_app) -> None:
    duo = served
    operator = _operator(desk_app)
    waiting = _report(desk_app, desk, description="Kotak suara dibawa lari dari TPS 003")
    quiet = _report(desk_app, desk, severity="rendah", description="Antrean panjang")
    handled = _report(desk_app, desk, severity="tinggi", description="Massa berkumpul, sudah ditangani")
    _set_status(operator, handled["id"], "diverifikasi")
    expected = last_update_text(summary.last_change(desk.store), now_utc())
    assert WIB_TIME.fullmatch(expected)

    log_in_ok(duo, "viewer")  # an official opens the dashboard: Ringkasan
    duo.wait_for_element("#page-ringkasan", timeout=SLOW)
    assert duo.find_element("#last-update").text == expected  # nothing pushed since: the last change's time
    item = f"#alert-item-{waiting['id']}"
    duo.wait_for_element(item, timeout=SLOW)
    assert _banner_title(duo) == EARLY_TITLE
    shown = duo.find_element(item).text
    for part in ("KRITIS", "Talang Kelapa · TPS 003", "Keamanan", "Belum diverifikasi", "Kotak suara dibawa lari"):
        assert part in shown, (part, shown)
    assert "alert-banner-kritis" in duo.find_element("#alert-banner").get_attribute("class")
    assert absent(duo, f"#alert-item-{quiet['id']}")  # rendah is never raised
    assert absent(duo, f"#alert-item-{handled['id']}")  # verified before the screen opened
    _wait_connected(duo)
    _js(duo, "window.__same_page = true;")
    ringkasan = duo.driver.current_window_handle

    duo.driver.switch_to.new_window("tab")  # a second screen: its own tab, its own acknowledgements
    duo.driver.get(duo.base_url + "/kejadian")
    duo.wait_for_element("#page-kejadian", timeout=SLOW)
    duo.wait_for_element(item, timeout=SLOW)
    _wait_connected(duo)
    _js(duo, "window.__same_page = true;")
    kejadian = duo.driver.current_window_handle

    duo.driver.switch_to.window(ringkasan)  # "Mengerti" here: gone here, still raised on the other screen
    duo.find_element(f"#alert-ack-{waiting['id']}").click()
    _wait(duo, lambda _d: _banner_hidden(duo), "the banner stayed after Mengerti")
    duo.driver.switch_to.window(kejadian)
    assert duo.find_element(item).is_displayed()

    seq = _seq(duo)
    _set_status(operator, waiting["id"], "diverifikasi")  # taken up: it leaves every screen by itself
    _wait(duo, lambda _d: _banner_hidden(duo), "the verified incident stayed in the banner")
    assert absent(duo, item) and _seq(duo) > seq and _same_page(duo)
    assert duo.find_element("#last-update").text != "—"
    duo.driver.refresh()  # a restart of this screen does not bring it back
    duo.wait_for_element("#page-kejadian", timeout=SLOW)
    _wait_connected(duo)
    assert _banner_hidden(duo) and absent(duo, item)
    assert severe_logs(duo) == []

    duo.driver.switch_to.window(ringkasan)
    assert _same_page(duo) and _banner_hidden(duo)
    duo.driver.refresh()  # acknowledged on this screen: not raised again
    duo.wait_for_element("#page-ringkasan", timeout=SLOW)
    _wait_connected(duo)
    assert _banner_hidden(duo) and absent(duo, item)
    assert severe_logs(duo) == []


def test_earlier_and_new_severe_incidents_share_the_banner_until_taken_up_or_acknowledged(
    served, desk, desk_app
) -> None:
    duo = served
    operator = _operator(desk_app)
    early = _report(desk_app, desk, severity="tinggi", description="Hujan deras, TPS tergenang")
    log_in_ok(duo, "operator")
    duo.wait_for_element(f"#alert-item-{early['id']}", timeout=SLOW)
    _wait_connected(duo)
    _js(duo, "window.__same_page = true;")

    fresh = _incident(desk, severity="kritis", category="keamanan", description="Kotak suara dibawa lari")
    duo.wait_for_element(f"#alert-item-{fresh['id']}", timeout=SLOW)
    _wait(
        duo,
        lambda _d: _banner_title(duo) == "2 kejadian tingkat tinggi/kritis: 1 baru, 1 belum diverifikasi",
        "the title does not tell new from unverified",
    )
    items = [e.get_attribute("id") for e in duo.find_elements("#alert-banner .alert-item")]
    assert items == [f"alert-item-{fresh['id']}", f"alert-item-{early['id']}"]  # newest first
    assert "Belum diverifikasi" in duo.find_element(f"#alert-item-{early['id']}").text
    assert "Baru" in duo.find_element(f"#alert-item-{fresh['id']}").text

    _set_status(operator, early["id"], "ditolak", "laporan ganda")  # an earlier one leaves once decided
    _wait(duo, lambda _d: absent(duo, f"#alert-item-{early['id']}"), "the rejected incident stayed")
    assert _banner_title(duo) == "Kejadian baru tingkat tinggi/kritis"
    open_from_nav(duo, "kejadian", "kejadian")  # another page: the banner goes along
    assert duo.find_element(f"#alert-item-{fresh['id']}").is_displayed()
    _set_status(operator, fresh["id"], "diverifikasi")  # a new one leaves too once someone took it up
    _wait(duo, lambda _d: _banner_hidden(duo), "the verified new incident stayed in the banner")
    another = _incident(desk, severity="tinggi", description="Saksi ditolak masuk TPS")
    duo.find_element(f"#alert-ack-{another['id']}").click()  # or on "Mengerti" on this screen
    _wait(duo, lambda _d: _banner_hidden(duo), "Mengerti left the new one")
    assert _same_page(duo)
    assert severe_logs(duo) == []


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1280, 720)], ids=["1920x1080", "1280x720"])
def test_the_big_screen_raises_unverified_incidents_and_still_fits(
    served, desk, desk_app, tmp_path, width, height
) -> None:
    duo = served
    driver = duo.driver
    _seed(desk)  # results, and one tinggi incident among others
    made = [
        _report(desk_app, desk, severity="kritis" if i % 2 else "tinggi", description=f"{LONG_TEXT} ({i + 1})")
        for i in range(5)
    ]
    expected = last_update_text(summary.last_change(desk.store), now_utc())
    _size(driver, width, height)
    _open_screen(driver, duo.base_url, _display_token(desk), "&interval=600")
    assert duo.find_element("#last-update").text == expected
    newest = [f"alert-item-{m['id']}" for m in reversed(made)]
    _wait(
        duo,
        lambda _d: [e.get_attribute("id") for e in duo.find_elements("#alert-banner .alert-item")] == newest[:4],
        "the banner does not hold the four newest",
    )
    assert _banner_title(duo) == "6 kejadian tingkat tinggi/kritis belum diverifikasi"
    visible = [e.get_attribute("id") for e in duo.find_elements("#alert-banner .alert-item") if e.is_displayed()]
    assert visible == newest[:2]  # the big screen keeps room for its views: the two newest, one line each
    more = [e.text for e in duo.find_elements("#alert-banner .alert-more") if e.is_displayed()]
    assert more == ["dan 4 lainnya"]
    assert duo.find_element("#alert-ack-all").is_displayed()
    banner = duo.find_element("#alert-banner").rect
    assert banner["height"] <= height * 0.2, banner
    for i in range(1, VIEWS + 1):
        _wait(duo, lambda _d, i=i: _view_index(driver) == i, f"view {i} not shown")
        if i == 4:
            _wait(duo, lambda d: d.find_elements("css selector", ".ly-slide.ly-active .main-svg"), "map not drawn")
        m = _settled_measure(driver)  # once the fonts and the figure have settled
        assert m["scroll"][0] <= m["scroll"][2] and m["scroll"][1] <= m["scroll"][3], (i, m["scroll"])
        outside = [t for t in m["outside"] if not LONG_TEXT.startswith(t)]
        assert outside == [] and m["crowded"] == [] and m["clippedNames"] == [], (i, m)
        assert _js(duo, DESCRIPTIONS_CUT) == [], i  # a long description ends in "…" inside the screen
        driver.save_screenshot(str(_folder(tmp_path) / f"layar-banner-{i}-{width}x{height}.png"))
        if height == 720:
            assert m["min"] >= 14, (i, m["min"], m["minText"])
        _key(driver, "\ue014")  # →
    assert severe_logs(duo) == []
