"""The change feed: every committed write is an entry every process follows, whoever wrote it."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest
import socketio

from data_sources import feed, incidents, results
from data_sources.domain.actors import Actor
from data_sources.feed import FeedCursor
from data_sources.store import Store
from tests.live_server import import_tallies, live_server, tallies_csv
from tests.waiting import wait_for

REPORTER = Actor("token:hp", "reporter")
OPERATOR = Actor("operator", "operator")


def tally(code: str, votes: int = 5) -> dict:
    return {
        "contest": "pilbup-banyuasin",
        "tps": code,
        "votes": {str(n): votes for n in range(1, 6)},
        "suara_tidak_sah": 1,
    }


def first_tps(store: Store, n: int) -> list[str]:
    return sorted(store.catalog().tps_dpt)[:n]


def test_every_write_is_an_entry_in_commit_order(demo_store) -> None:  # noqa: ANN001
    cursor = FeedCursor(demo_store)
    code = first_tps(demo_store, 1)[0]
    results.submit_result(demo_store, tally(code), REPORTER, "uji")
    fixed = {**tally(code, 6), "correction": True, "reason": "salah tulis"}
    results.submit_result(demo_store, fixed, OPERATOR, "uji")
    made = incidents.create_incident(
        demo_store,
        {
            "kecamatan": code[:8],
            "stage": "pemungutan-suara",
            "category": "keamanan",
            "severity": "tinggi",
            "description": "ricuh",
        },
        OPERATOR,
    )
    changes = cursor.read()
    assert [(c.entity, c.action) for c in changes] == [
        ("result", "result.baru"),
        ("result", "result.koreksi"),
        ("incident", "incident.create"),
    ]
    assert [c.after["version"] for c in changes[:2]] == [1, 2]  # each version carries what the recap needs
    assert changes[1].after["votes"] == {str(n): 6 for n in range(1, 6)}
    assert changes[2].entity_id == str(made["id"])
    assert [c.id for c in changes] == sorted(c.id for c in changes) and cursor.position == changes[-1].id
    assert cursor.read() == []  # nothing new: nothing read twice
    assert feed.head(demo_store) == cursor.position


def test_a_refused_write_leaves_no_entry(demo_store) -> None:  # noqa: ANN001
    cursor = FeedCursor(demo_store)
    refused = results.submit_result(demo_store, {**tally("16.07.99.9999.001")}, REPORTER, "uji")
    assert refused.status == results.REJECTED
    assert cursor.read() == []


def test_an_id_committed_late_is_still_read(demo_store) -> None:  # noqa: ANN001
    """PostgreSQL hands out ids at insert and may commit them out of order: a skipped id is looked for again."""
    code = first_tps(demo_store, 2)
    cursor = FeedCursor(demo_store)
    results.submit_result(demo_store, tally(code[0]), REPORTER, "uji")
    first = cursor.read()[0]
    results.submit_result(demo_store, tally(code[1]), REPORTER, "uji")
    second = FeedCursor(demo_store, start=first.id - 1)
    second._advance([first.id + 1], time.monotonic())  # as if id first.id+1 came before first.id committed
    assert second.gaps == [(first.id, first.id)]
    late = second.read()
    assert [c.id for c in late] == [first.id] and second.gaps == []


def test_a_gap_that_never_fills_is_given_up(demo_store) -> None:  # noqa: ANN001
    cursor = FeedCursor(demo_store, start=0, gap_wait=0.0)
    cursor._advance([5], time.monotonic())
    assert cursor.gaps == [(1, 4)]
    cursor.read()
    assert cursor.gaps == []


def test_a_result_stored_by_the_store_alone_is_broadcast(app, tmp_path) -> None:  # noqa: ANN001
    """No app code is told: another Store on the same database (another process) writes, the hub sends it."""
    desk = app.server.extensions["desk"]
    screen = desk.socketio.test_client(app.server, flask_test_client=_viewer(app))
    screen.get_received()
    other = Store(desk.store.url)
    try:
        code = first_tps(other, 1)[0]
        assert results.submit_result(other, tally(code), REPORTER, "uji").status == results.CREATED
    finally:
        other.dispose()
    assert desk.hub.flush() >= 1
    recaps = [m["args"][0] for m in screen.get_received() if m["name"] == "recap"]
    assert [m["contest"] for m in recaps] == ["pilbup-banyuasin"]
    assert recaps[0]["totals"]["tps_reported"] == 1 and recaps[0]["totals"]["suara_sah"] == 25


def test_the_hub_follows_the_feed_by_itself(app) -> None:  # noqa: ANN001
    """With the background task running, a write of this process reaches a screen without anyone flushing."""
    desk = app.server.extensions["desk"]
    screen = desk.socketio.test_client(app.server, flask_test_client=_viewer(app))
    screen.get_received()
    desk.hub._started = False  # the fixture flushes by hand; start the task a server runs
    desk.hub.ensure_started()
    code = first_tps(desk.store, 1)[0]
    results.submit_result(desk.store, tally(code), REPORTER, "uji")
    recaps: list[dict] = []

    def pushed() -> bool:
        recaps.extend(m["args"][0] for m in screen.get_received() if m["name"] == "recap")
        return bool(recaps)

    assert wait_for(pushed, timeout=10)
    assert recaps and recaps[-1]["totals"]["tps_reported"] == 1


def _viewer(app):  # noqa: ANN001, ANN202
    from tests.conftest import login

    client = app.server.test_client()
    assert login(client, "viewer").status_code == 302
    return client


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    with live_server(tmp_path_factory.mktemp("feed") / "data") as running:
        yield running


def test_an_import_in_another_shell_reaches_a_display_socket(server, tmp_path: Path) -> None:  # noqa: ANN001
    """`serve` runs; `import tallies` in another process stores results; a python-socketio client holding a display
    token receives the `recap` event with them."""
    received: list[dict] = []
    arrived = threading.Event()
    client = socketio.Client(reconnection=False)

    @client.on("recap")
    def _recap(message: dict) -> None:
        received.append(message)
        if message["contest"] == "pilbup-banyuasin" and message["totals"]["tps_reported"] >= 3:
            arrived.set()

    client.connect(server.url, auth={"token": server.display_token}, transports=["websocket"], wait_timeout=10)
    try:
        sheet = tallies_csv(tmp_path / "kecamatan.csv", server.tps[:3])
        done = import_tallies(server, sheet)
        assert done.returncode == 0, done.stdout + done.stderr
        assert re.search(r"diterima\s+3\n", done.stdout), done.stdout
        assert arrived.wait(timeout=10), received
    finally:
        client.disconnect()
    last = next(m for m in reversed(received) if m["contest"] == "pilbup-banyuasin")
    assert last["totals"]["tps_reported"] == 3 and last["totals"]["suara_sah"] == 75
    assert last["text"]["pilbup-banyuasin-reported"] == "3 / 2.564 TPS"


def test_a_view_changed_by_another_process_reaches_this_ones_followers(app, tmp_path, db_url) -> None:  # noqa: ANN001
    """Two server processes on one database and no message queue: the presenter's view, set through the first,
    reaches a follower of the second by the change feed, once."""
    from dashboard.app import create_app
    from dashboard.config import Config
    from dashboard.live.follow_sockets import presence
    from dashboard.live.presence import Person

    other = create_app(Config(data_dir=tmp_path / "other", database_url=db_url, testing=True, background_push=False))
    second = other.server.extensions["desk"]
    try:
        follower = second.socketio.test_client(other.server, flask_test_client=_viewer(other))
        follower.get_received()
        first = app.server.extensions["desk"]
        ani = Person("u:1", "operator", "operator")
        presence(first).take(ani)
        state = presence(first).set_view(ani, "/rekapitulasi", "?contest=pilbup-banyuasin&region=16.07.10")
        second.hub.flush()
        views = [m["args"][0] for m in follower.get_received() if m["name"] == "view"]
        assert [v["version"] for v in views] == [state["version"]]
        assert views[0]["view"]["target"] == "/rekapitulasi?contest=pilbup-banyuasin&region=16.07.10"
        second.hub.flush()
        assert [m for m in follower.get_received() if m["name"] == "view"] == []  # sent once
    finally:
        second.hub.stop()
        second.store.dispose()


def test_behind_one_message_queue_one_process_broadcasts_each_change(app, tmp_path, db_url) -> None:  # noqa: ANN001
    """Two server processes on one database and one Redis: both fold the result into their recap, one of them
    broadcasts it (a viewer gets each `recap` once, not once per process); when it stops, the other takes over."""
    import uuid

    from dashboard.app import create_app
    from dashboard.config import Config
    from tests.conftest import require_redis

    url = require_redis()
    channel = f"uji-{uuid.uuid4().hex}"  # this test's own lease and wake-up channel on the shared Redis
    hubs = []
    for name in ("a", "b"):
        config = Config(tmp_path / name, database_url=db_url, message_queue=url, testing=True, background_push=False)
        desk = create_app(config).server.extensions["desk"]
        desk.socketio.server.manager.channel = channel
        hubs.append(desk)
    first, second = hubs
    try:
        sent: dict[str, list[dict]] = {"a": [], "b": []}
        for name, desk in zip("ab", hubs, strict=True):
            desk.hub.publish = lambda event, payload, name=name: sent[name].append(payload) or payload
        code = first_tps(first.store, 1)[0]
        results.submit_result(first.store, tally(code), REPORTER, "uji")
        assert first.hub.flush() + second.hub.flush() == 1  # both followed it, one broadcast it
        assert len(sent["a"]) + len(sent["b"]) == 1
        for desk in hubs:
            assert desk.recap.totals("pilbup-banyuasin")[0].tps_reported == 1
        leader, other = (first, second) if sent["a"] else (second, first)
        leader.hub.stop()  # it hands the broadcasting over
        results.submit_result(other.store, tally(first_tps(other.store, 2)[1]), REPORTER, "uji")
        other.hub.cluster._looked = -1e9  # look at the lease now rather than within RENEW_SECONDS
        assert other.hub.flush(now=time.monotonic() + 1) == 1  # after the rate window of the first broadcast
    finally:
        for desk in hubs:
            desk.hub.stop()
            desk.store.dispose()
