"""A command-line import beside a running server changes the open screens: Rekapitulasi and the big screen."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_pages import log_in_ok
from tests.live_server import import_tallies, live_server, tallies_csv
from tests.waiting import wait_for

REPORTED = "pilbup-banyuasin-reported"
WAIT = 15.0


def _text(driver: Any, element_id: str) -> str | None:
    """The element's text as laid out, also on a slide that is not shown at the moment."""
    return driver.execute_script(f"const e = document.getElementById('{element_id}'); return e && e.textContent;")


def _wait_text(driver: Any, element_id: str, expected: str) -> None:
    """Wait until the element says `expected`."""
    shown = wait_for(lambda: _text(driver, element_id) == expected, timeout=WAIT, interval=0.02)
    assert shown, f"#{element_id} says {_text(driver, element_id)!r}, not {expected!r}"


def _watch(driver: Any, element_id: str) -> None:
    """Note in the page the moment (its clock, ms since the epoch) the element's text first changes."""
    driver.execute_script(
        "window.__changedAt = null; new MutationObserver(function () { window.__changedAt ??= Date.now(); })"
        f".observe(document.getElementById('{element_id}'), {{childList: true, subtree: true, characterData: true}});"
    )


@pytest.fixture
def server(tmp_path: Path):
    with live_server(tmp_path / "data") as running:
        yield running


@pytest.fixture
def big_screen():
    """A second browser: the command center's big screen is another machine than the operator's laptop."""
    from selenium import webdriver

    from tests.browser.conftest import pytest_setup_options

    driver = webdriver.Chrome(options=pytest_setup_options())
    yield driver
    driver.quit()


def test_an_import_in_another_shell_changes_the_open_screens(  # noqa: ANN001
    server, dash_duo, big_screen, tmp_path, record_property
) -> None:
    duo = dash_duo
    duo.base_url = server.url
    laptop = duo.driver
    log_in_ok(duo, "viewer")
    laptop.get(f"{server.url}/rekapitulasi?contest=pilbup-banyuasin")
    duo.wait_for_element("#page-rekapitulasi", timeout=WAIT)
    _wait_text(laptop, REPORTED, "0 / 2.564 TPS")
    duo.wait_for_text_to_equal("#conn-state", "Terhubung (langsung)", timeout=WAIT)

    big_screen.get(f"{server.url}/layar?token={server.display_token}")
    _wait_text(big_screen, REPORTED, "0 / 2.564 TPS")
    _wait_text(big_screen, "conn-state", "Terhubung (langsung)")
    for driver in (laptop, big_screen):
        _watch(driver, REPORTED)

    sheet = tallies_csv(tmp_path / "banyuasin.csv", server.tps[:3])
    done = import_tallies(server, sheet)
    imported = time.time()  # the command has ended: its transaction was committed before
    assert done.returncode == 0, done.stdout + done.stderr

    for driver, name in ((big_screen, "big_screen"), (laptop, "rekapitulasi")):
        _wait_text(driver, REPORTED, "3 / 2.564 TPS")
        delay = driver.execute_script("return window.__changedAt") / 1000 - imported
        record_property(f"import_to_{name}_seconds", round(delay, 3))  # < 0: shown before the command had ended
        assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []
    assert _text(laptop, "pilbup-banyuasin-votes-1") == "15"
    assert laptop.current_url.endswith("/rekapitulasi?contest=pilbup-banyuasin")  # the same page, not reloaded
