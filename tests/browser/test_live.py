"""Live state in the browser: a missed message is made good over HTTP; a dead link is said on screen."""

from __future__ import annotations

import threading

from data_sources import results
from data_sources.domain.actors import Actor
from tests.browser.test_pages import _dpt, log_in_ok, severe_logs


def _tally(tps: str) -> dict:
    dpt = _dpt(tps)
    votes = {"1": dpt // 5, "2": dpt // 6, "3": dpt // 7, "4": dpt // 8, "5": dpt // 9}
    return {"contest": "pilbup-banyuasin", "tps": tps, "votes": votes, "suara_tidak_sah": 1}


def test_a_missed_message_is_recovered_by_resync(served, desk) -> None:  # noqa: ANN001
    duo = served
    log_in_ok(duo, "viewer")
    duo.wait_for_text_to_equal("#conn-state", "Terhubung (langsung)")
    duo.wait_for_text_to_equal("#pilbup-banyuasin-reported", "0 / 2.564 TPS")
    publish, lost = desk.hub.publish, threading.Event()

    def lose(event: str, payload: dict) -> dict:  # the broadcast of the next change is lost on the way
        desk.hub.publish = publish
        message = {**payload, "seq": desk.hub._next_seq()}
        lost.set()
        return message

    desk.hub.publish = lose
    results.submit_result(desk.store, _tally("16.07.10.1002.001"), Actor("uji", "operator"), "uji")
    assert lost.wait(timeout=10)
    assert duo.find_element("#pilbup-banyuasin-reported").text == "0 / 2.564 TPS"
    desk.hub.heartbeat()  # the next heartbeat tells the page it is behind
    duo.wait_for_text_to_equal("#pilbup-banyuasin-reported", "1 / 2.564 TPS", timeout=10)
    assert severe_logs(duo) == []


def test_a_silent_server_is_shown_prominently(served, desk) -> None:  # noqa: ANN001
    duo = served
    log_in_ok(duo, "viewer")
    duo.wait_for_text_to_equal("#conn-state", "Terhubung (langsung)")
    assert "hidden" in duo.find_element("#stale-banner").get_attribute("class")
    desk.hub.stop()  # no more messages nor heartbeats: the screen must not pretend to be live
    duo.wait_for_contains_text("#stale-banner", "Tidak ada kabar dari server", timeout=15)
    assert "mungkin tidak terbaru" in duo.find_element("#stale-banner").text
    assert duo.find_element("#conn-state").text == "Terhubung, tanpa kabar"
