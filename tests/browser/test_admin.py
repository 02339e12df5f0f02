"""The Admin page in Chromium: filter and page the audit trail, create and revoke a token, disable a user."""

from __future__ import annotations

from urllib.request import Request, urlopen

from selenium.webdriver.common.keys import Keys

from data_sources import accounts, results
from data_sources.domain.actors import Actor
from tests.browser.test_input import pick
from tests.browser.test_pages import log_in_ok, open_from_nav, severe_logs


def _status(url: str, token: str) -> int:
    """The HTTP status of a GET with a bearer token."""
    try:
        with urlopen(Request(url, headers={"Authorization": f"Bearer {token}"}), timeout=10) as response:  # noqa: S310
            return response.status
    except Exception as exc:  # urllib raises HTTPError for 4xx
        return getattr(exc, "code", 0)


def _results(desk, count: int, author: str) -> list[str]:  # noqa: ANN001
    codes = sorted(c for c in desk.store.catalog().tps_dpt if c.startswith("16.07.10."))[:count]
    for code in codes:
        payload = {
            "contest": "pilbup-banyuasin",
            "tps": code,
            "votes": {"1": 10, "2": 9, "3": 8, "4": 7, "5": 6},
            "suara_tidak_sah": 1,
        }
        assert results.submit_result(desk.store, payload, Actor(author, "operator"), source="uji").changed
    return codes


def test_admin_filters_the_audit_trail_and_revokes_a_token(served, desk) -> None:
    codes = _results(desk, 60, "operator")
    secret, token = accounts.create_token(desk.store, "layar ruang rapat", "display", "uji")
    assert _status(f"{served.base_url}/api/v1/live", secret) == 200

    duo = served
    log_in_ok(duo, "admin")
    open_from_nav(duo, "admin", "admin")
    duo.wait_for_contains_text("#audit-info", "Halaman 1 dari")

    # who: only the operator's 60 results, 50 a page
    pick(duo, "#audit-actor", "opera", "operator")
    duo.wait_for_text_to_equal("#audit-info", "Halaman 1 dari 2 · 60 catatan")
    assert len(duo.find_elements(".audit-table tbody tr")) == 50
    assert {td.text for td in duo.find_elements(".audit-table tbody td:nth-child(2)")} == {"operator"}
    duo.find_element("#audit-next").click()
    duo.wait_for_text_to_equal("#audit-info", "Halaman 2 dari 2 · 60 catatan")
    assert len(duo.find_elements(".audit-table tbody tr")) == 10
    duo.wait_for_contains_text(".audit-table", f"Hasil TPS pilbup-banyuasin/{codes[0]}")  # the oldest last

    # which object: one TPS
    found = duo.find_element("#audit-object")
    found.send_keys(codes[1], Keys.ENTER)
    duo.wait_for_text_to_equal("#audit-info", "Halaman 1 dari 1 · 1 catatan")
    found.send_keys(Keys.CONTROL, "a", Keys.DELETE, Keys.ENTER)
    duo.wait_for_text_to_equal("#audit-info", "Halaman 1 dari 2 · 60 catatan")

    # what: tokens only (the operator filter cleared)
    duo.find_element("#audit-actor .dash-dropdown-clear").click()
    pick(duo, "#audit-entity", "Tok", "Token")
    duo.wait_for_text_to_equal("#audit-info", "Halaman 1 dari 1 · 1 catatan")
    duo.wait_for_contains_text(".audit-table", "token.create")

    # when: a range in the future shows nothing
    since = duo.find_element("#audit-since")
    since.send_keys("01012099", "\t", "0800AM")
    assert since.get_attribute("value") == "2099-01-01T08:00", since.get_attribute("value")
    duo.wait_for_text_to_equal("#audit-info", "Tidak ada catatan yang cocok.")

    # revoke the screen's token from its row: refused at once
    duo.find_element(f"#tokens-box button[id*='\"id\":{token.id}']").click()
    duo.wait_for_contains_text("#token-outcome", f"Token {token.id} (layar ruang rapat) dicabut.")
    duo.wait_for_contains_text(".tokens-table", "layar ruang rapat")
    assert _status(f"{served.base_url}/api/v1/live", secret) == 401

    # a new reporter token limited to a kecamatan, shown once
    duo.find_element("#token-name").send_keys("hp talang kelapa")
    pick(duo, "#token-role", "rep", "reporter (kirim data)")
    pick(duo, "#token-region", "Talang", "Kecamatan Talang Kelapa (16.07.10)")
    duo.find_element("#token-add").click()
    duo.wait_for_element("#new-token")
    fresh = duo.find_element("#new-token").text
    info = accounts.verify_token(desk.store, fresh)
    assert (info.name, info.role, info.region_code) == ("hp talang kelapa", "reporter", "16.07.10")

    # disable the viewer
    duo.find_element("#users-box button[id*='viewer']").click()
    duo.wait_for_contains_text("#user-outcome", "Pengguna viewer sekarang nonaktif.")
    assert accounts.verify_password(desk.store, "viewer", "x" * 8) is None
    assert not next(u for u in accounts.list_users(desk.store) if u.username == "viewer").active
    assert severe_logs(duo) == []
