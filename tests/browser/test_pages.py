"""The app opened in headless Chromium as a person would: log in, click through the pages, watch live numbers."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from data_sources import accounts, incidents, results
from data_sources.domain.actors import Actor
from tests.conftest import DEMO, PASSWORD

PILBUP = "Pemilihan Bupati dan Wakil Bupati Banyuasin"
PILGUB = "Pemilihan Gubernur dan Wakil Gubernur Sumatera Selatan"
INCIDENT_TEXT = "<b>Kotak suara</b> rusak <script>alert(1)</script>"
OPERATOR_NAV = ("ringkasan", "rekapitulasi", "kejadian", "logistik", "layar", "input")


def _dpt(code: str) -> int:
    return next(t["dpt"] for t in json.loads(Path(DEMO).read_text(encoding="utf-8"))["tps"] if t["code"] == code)


@contextmanager
def _no_implicit_wait(duo):  # noqa: ANN001
    """Look for elements that should be absent without waiting dash_duo's implicit 2 s."""
    duo.driver.implicitly_wait(0)
    try:
        yield
    finally:
        duo.driver.implicitly_wait(2)


def absent(duo, selector: str) -> bool:  # noqa: ANN001
    """True when no element matches now."""
    with _no_implicit_wait(duo):
        return not duo.driver.find_elements("css selector", selector)


def log_in(duo, username: str, password: str = PASSWORD) -> None:  # noqa: ANN001
    """Type a name and a password into the login form and press the button."""
    duo.driver.get(f"{duo.base_url}/login")
    duo.wait_for_element("#username").send_keys(username)
    duo.find_element("#password").send_keys(password)
    duo.find_element("#login-button").click()


def log_in_ok(duo, username: str) -> None:  # noqa: ANN001
    """Log in and wait until the Dash shell shows who is logged in."""
    log_in(duo, username)
    duo.wait_for_text_to_equal("#whoami", f"{username} ({username})")


def open_from_nav(duo, label: str, page: str) -> None:  # noqa: ANN001
    """Click a link in the navigation bar and wait for the page to render."""
    duo.find_element(f"#nav-{label}").click()
    duo.wait_for_element(f"#page-{page}")


def severe_logs(duo) -> list[dict]:  # noqa: ANN001
    """The browser console's SEVERE entries since the last call."""
    return [e for e in duo.driver.get_log("browser") if e["level"] == "SEVERE"]


def foreign_resources(duo) -> list[str]:  # noqa: ANN001
    """Every resource the current document loaded from somewhere other than the app itself."""
    names = duo.driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert names, "the page loaded no resources at all"
    origin = urlsplit(duo.base_url)
    own = (f"{origin.scheme}://{origin.netloc}/", f"ws://{origin.netloc}/")
    return [n for n in names if not n.startswith(own)]


def assert_badge(duo) -> None:  # noqa: ANN001
    duo.wait_for_text_to_equal("#demo-badge", "DATA SIMULASI")


def test_operator_clicks_through_every_page(served, desk) -> None:
    duo = served
    incidents.create_incident(
        desk.store,
        {
            "stage": "pemungutan-suara",
            "category": "logistik",
            "severity": "tinggi",
            "kecamatan": "16.07.10",
            "description": INCIDENT_TEXT,
        },
        Actor("uji", "operator"),
    )
    log_in_ok(duo, "operator")
    assert urlsplit(duo.driver.current_url).path == "/"

    # Ringkasan: both contests and the TPS count
    duo.wait_for_element("#page-ringkasan")
    duo.wait_for_contains_text("#page-ringkasan", PILBUP)
    duo.wait_for_contains_text("#page-ringkasan", PILGUB)
    duo.wait_for_text_to_equal("#pilbup-banyuasin-reported", "0 / 2.564 TPS")
    assert_badge(duo)

    # the nav bar of an operator: every page but Admin
    nav = [a.get_attribute("id") for a in duo.find_elements(".nav a")]
    assert nav == [f"nav-{name}" for name in OPERATOR_NAV]
    assert absent(duo, "#nav-admin")

    open_from_nav(duo, "rekapitulasi", "rekapitulasi")
    duo.wait_for_text_to_equal("#recap-contest-name", PILBUP)
    duo.wait_for_contains_text(".paslon-table", "Hj. Ratna Sari Dewi – Muhammad Fadli")
    duo.wait_for_contains_text(".paslon-table", "Darmawan Saputra – Rini Anggraini")
    duo.wait_for_contains_text(".kecamatan-table", "Talang Kelapa")
    assert_badge(duo)
    duo.find_element("#tab-pilgub-sumsel").click()
    duo.wait_for_text_to_equal("#recap-contest-name", PILGUB)
    duo.wait_for_contains_text(".paslon-table", "Hendra Kusuma – Fitri Handayani")

    open_from_nav(duo, "kejadian", "kejadian")
    duo.wait_for_text_to_equal(".incident-table .desc", INCIDENT_TEXT)  # the markup shown as text
    assert absent(duo, ".incident-table .desc b")
    assert absent(duo, ".incident-table .desc script")
    duo.wait_for_contains_text(".incident-table", "Talang Kelapa")
    duo.wait_for_text_to_equal("#inc-open-total", "1")
    assert_badge(duo)

    open_from_nav(duo, "logistik", "logistik")
    duo.wait_for_contains_text(".logistics-table", "Surat suara Pilbup Banyuasin")
    duo.wait_for_contains_text(".logistics-table", "Talang Kelapa")
    assert_badge(duo)

    open_from_nav(duo, "layar", "layar")
    duo.wait_for_contains_text("#page-layar", PILBUP)
    duo.wait_for_text_to_equal("#pilbup-banyuasin-reported", "0 / 2.564 TPS")
    duo.wait_for_text_to_equal("#pilgub-sumsel-reported", "0 / 2.564 TPS")
    big = duo.find_element("#pilbup-banyuasin-reported").value_of_css_property("font-size")
    body = duo.find_element("body").value_of_css_property("font-size")
    assert float(big.removesuffix("px")) >= 2 * float(body.removesuffix("px")), (big, body)
    assert_badge(duo)

    open_from_nav(duo, "input", "input")
    duo.wait_for_element("#c1-tps")
    assert len(duo.find_elements("#c1-votes input")) == 5
    duo.wait_for_contains_text("#c1-votes", "Paslon 1: Hj. Ratna Sari Dewi – Muhammad Fadli")
    duo.wait_for_text_to_equal("#c1-submit", "Simpan hasil")
    assert absent(duo, "#page-input .notice-denied")
    assert_badge(duo)

    open_from_nav(duo, "ringkasan", "ringkasan")
    duo.wait_for_text_to_equal("#pilbup-banyuasin-reported", "0 / 2.564 TPS")
    assert_badge(duo)

    # a quiet console, and nothing loaded from anywhere but the app
    assert severe_logs(duo) == []
    assert foreign_resources(duo) == []

    # Admin is refused to an operator when opened by address ...
    duo.driver.get(f"{duo.base_url}/admin")
    duo.wait_for_text_to_equal("h1", "Forbidden")
    assert absent(duo, "#react-entry-point")
    assert [e for e in severe_logs(duo) if "403" not in e["message"]] == []


def test_admin_route_inside_the_app_shows_a_notice_to_an_operator(served) -> None:
    duo = served
    log_in_ok(duo, "operator")
    duo.wait_for_element("#page-ringkasan")
    # ... and when the app's own router is sent there without a page load, the page says no
    duo.driver.execute_script(
        "window.history.pushState({}, '', '/admin');window.dispatchEvent(new PopStateEvent('popstate'));"
    )
    duo.wait_for_element("#page-admin")
    duo.wait_for_text_to_equal("#page-admin .notice-denied", "Halaman ini hanya untuk admin.")
    assert absent(duo, ".users-table")
    assert severe_logs(duo) == []


def test_live_push_updates_ringkasan_without_reload(served, desk) -> None:
    duo = served
    log_in_ok(duo, "operator")
    duo.wait_for_text_to_equal("#pilbup-banyuasin-reported", "0 / 2.564 TPS")
    duo.wait_for_text_to_equal("#conn-state", "Terhubung (langsung)")
    duo.driver.execute_script("window.__same_page = true;")

    tps = "16.07.10.2001.001"
    dpt = _dpt(tps)
    votes = {"1": dpt // 5, "2": dpt // 6, "3": dpt // 7, "4": dpt // 8, "5": dpt // 9}
    payload = {"contest": "pilbup-banyuasin", "tps": tps, "votes": votes, "suara_tidak_sah": 3}
    assert sum(votes.values()) + 3 <= dpt
    outcome = results.submit_result(desk.store, payload, Actor("uji", "operator"), source="uji")
    assert outcome.changed, outcome

    duo.wait_for_text_to_equal("#pilbup-banyuasin-reported", "1 / 2.564 TPS")
    duo.wait_for_text_to_equal("#pilgub-sumsel-reported", "0 / 2.564 TPS")
    assert duo.find_element("#last-update").text not in ("", "—")
    assert duo.driver.execute_script("return window.__same_page === true;"), "the page was reloaded"
    assert duo.find_element("#conn-state").text == "Terhubung (langsung)"
    assert severe_logs(duo) == []


def test_operator_enters_a_c1_on_the_input_page(served) -> None:
    duo = served
    log_in_ok(duo, "operator")
    duo.wait_for_text_to_equal("#pilbup-banyuasin-reported", "0 / 2.564 TPS")
    open_from_nav(duo, "input", "input")

    tps = "16.07.10.2001.002"
    numbers = [40, 35, 30, 25, 20]
    assert sum(numbers) + 4 <= _dpt(tps)
    duo.driver.get(f"{duo.base_url}/input?tps={tps}")  # by address (test_input.py types it)
    duo.wait_for_text_to_equal("#c1-tps-code", tps)
    fields = duo.find_elements("#c1-votes input")
    assert len(fields) == len(numbers)
    for field, number in zip(fields, numbers, strict=True):
        field.send_keys(str(number))
    duo.find_element("#c1-tidak-sah").send_keys("4")
    duo.find_element("#c1-hadir").send_keys(str(sum(numbers) + 4))
    duo.find_element("#c1-submit").click()

    duo.wait_for_contains_text("#c1-outcome", "Tersimpan")
    assert f"TPS {tps} versi 1" in duo.find_element("#c1-outcome").text

    open_from_nav(duo, "ringkasan", "ringkasan")
    duo.wait_for_text_to_equal("#pilbup-banyuasin-reported", "1 / 2.564 TPS")
    assert severe_logs(duo) == []


def test_admin_sees_users_and_creates_a_token(served) -> None:
    duo = served
    log_in_ok(duo, "admin")
    open_from_nav(duo, "admin", "admin")
    duo.wait_for_element(".users-table")
    names = [td.text for td in duo.find_elements(".users-table tbody tr td:first-child")]
    assert sorted(names) == ["admin", "operator", "viewer"]

    duo.find_element("#token-name").send_keys("layar rapat")
    duo.find_element("#token-add").click()
    duo.wait_for_element("#new-token")
    assert duo.find_element("#new-token").text.startswith("dp_")
    duo.wait_for_contains_text(".tokens-table", "layar rapat")
    assert_badge(duo)
    assert severe_logs(duo) == []
    assert foreign_resources(duo) == []


def test_display_token_link_opens_the_big_screen_without_login(served, desk) -> None:
    duo = served
    secret, _info = accounts.create_token(desk.store, "layar", "display", "uji")
    duo.driver.get(f"{duo.base_url}/login")
    duo.driver.delete_all_cookies()
    duo.driver.get(f"{duo.base_url}/layar")
    duo.wait_for_element("#username")  # without the token: the login form

    duo.driver.delete_all_cookies()
    duo.driver.get(f"{duo.base_url}/layar?token={secret}")
    duo.wait_for_element("#page-layar")
    assert urlsplit(duo.driver.current_url).path == "/layar"
    assert secret not in duo.driver.current_url
    assert absent(duo, "#username")
    assert absent(duo, "#login-button")
    duo.wait_for_text_to_equal("#whoami", "token:layar (display)")
    duo.wait_for_text_to_equal("#pilbup-banyuasin-reported", "0 / 2.564 TPS")
    duo.wait_for_text_to_equal("#conn-state", "Terhubung (langsung)")
    assert_badge(duo)
    assert absent(duo, "#nav-input")
    assert absent(duo, "#nav-admin")
    assert severe_logs(duo) == []
    assert foreign_resources(duo) == []

    duo.driver.get(f"{duo.base_url}/input")
    duo.wait_for_text_to_equal("h1", "Forbidden")
    assert absent(duo, "#c1-tps")


def test_wrong_password_is_refused(served) -> None:
    duo = served
    log_in(duo, "operator", "bukan-kata-sandinya")
    duo.wait_for_text_to_equal(".login-error", "Nama pengguna atau kata sandi salah.")
    assert absent(duo, "#whoami")
    assert duo.find_element("#username").get_attribute("value") == "operator"
    assert duo.find_element("#password").get_attribute("value") == ""
