"""Live recap: one aggregation per change, coalesced broadcasts with sequence numbers, recap and resync API."""

from __future__ import annotations

import pytest

from data_sources import results
from data_sources.domain.actors import Actor
from data_sources.summary import tps_dpt
from tests.oracle import contest_totals

REPORTER = Actor("token:hp", "reporter")


def tallies(store, contest: str, n: int, paslon: int) -> list[dict]:  # noqa: ANN001
    """n consistent results for the first n TPS of the store."""
    out = []
    for i, (code, dpt) in enumerate(sorted(tps_dpt(store).items())[:n]):
        valid = int(dpt * 0.7)
        votes = {str(k): valid // paslon for k in range(1, paslon + 1)}
        votes["1"] += valid - sum(votes.values()) - (i % 3)
        out.append({"contest": contest, "tps": code, "votes": votes, "suara_tidak_sah": 2})
    return out


def test_burst_becomes_one_broadcast_per_contest_equal_to_the_store(app, client_as) -> None:  # noqa: ANN001
    desk = app.server.extensions["desk"]
    viewer = desk.socketio.test_client(app.server, flask_test_client=client_as("viewer"))
    for tally in tallies(desk.store, "pilbup-banyuasin", 40, 5) + tallies(desk.store, "pilgub-sumsel", 15, 4):
        outcome = results.submit_result(desk.store, tally, REPORTER, "uji")
        assert outcome.changed
    desk.hub.flush()
    recaps = [m["args"][0] for m in viewer.get_received() if m["name"] == "recap"]
    assert sorted(m["contest"] for m in recaps) == ["pilbup-banyuasin", "pilgub-sumsel"]
    by_contest = {m["contest"]: m for m in recaps}
    for totals in contest_totals(desk.store):  # brute force over the stored versions
        pushed = by_contest[totals.contest.id]["totals"]
        assert pushed["tps_reported"] == totals.tps_reported
        assert pushed["suara_sah"] == totals.suara_sah
        assert pushed["votes"] == {str(p.nomor): totals.votes[p.nomor] for p in totals.contest.paslon}
    assert by_contest["pilbup-banyuasin"]["text"]["pilbup-banyuasin-reported"] == "40 / 2.564 TPS"
    assert len({m["seq"] for m in recaps}) == 2
    assert desk.hub.flush() == 0  # nothing changed since: nothing sent


def test_recap_message_is_small(app) -> None:  # noqa: ANN001
    import json

    from dashboard.live.messages import recap_message

    desk = app.server.extensions["desk"]
    for tally in tallies(desk.store, "pilbup-banyuasin", 200, 5):
        results.submit_result(desk.store, tally, REPORTER, "uji")
    message = recap_message(desk, "pilbup-banyuasin")
    assert len(message["children"]) == 21  # the kecamatan of Banyuasin
    assert len(json.dumps(message).encode()) <= 4096


def test_recap_api_drills_down_and_answers_as_of(app, client_as) -> None:  # noqa: ANN001
    desk = app.server.extensions["desk"]
    client = client_as("viewer")
    first = tallies(desk.store, "pilbup-banyuasin", 1, 5)[0]
    accepted = results.submit_result(desk.store, first, REPORTER, "uji")
    moment = accepted.result["received_at"]
    body = client.get("/api/v1/recap/pilgub-sumsel").get_json()
    assert body["region"]["code"] == "16" and [c["code"] for c in body["children"]] == ["16.07"]
    kab = client.get("/api/v1/recap/pilbup-banyuasin?region=16.07").get_json()
    assert kab["region"]["tps_reported"] == 1 and len(kab["children"]) == 21
    desa = first["tps"].rsplit(".", 1)[0]
    tps_rows = client.get(f"/api/v1/recap/pilbup-banyuasin?region={desa}").get_json()["children"]
    assert tps_rows[0]["code"] == first["tps"] and tps_rows[0]["votes"] == first["votes"]

    correction = {**first, "suara_tidak_sah": 3, "correction": True, "reason": "salah hitung"}
    results.submit_result(desk.store, correction, Actor("op", "operator"), "uji")
    now = client.get("/api/v1/recap/pilbup-banyuasin").get_json()["region"]
    before = client.get("/api/v1/recap/pilbup-banyuasin", query_string={"as_of": moment}).get_json()["region"]
    assert (now["suara_tidak_sah"], before["suara_tidak_sah"]) == (3, 2)


def test_recap_api_bad_parameters(client_as) -> None:  # noqa: ANN001
    client = client_as("viewer")
    assert client.get("/api/v1/recap/pilwalkot-x").status_code == 404
    assert client.get("/api/v1/recap/pilbup-banyuasin?region=99.99").status_code == 404
    bad = client.get("/api/v1/recap/pilbup-banyuasin?as_of=kemarin")
    assert bad.status_code == 422 and "as_of" in bad.get_json()["errors"]
    assert client.get("/api/v1/recap/pilbup-banyuasin?as_of=2024-11-27T16:00:00").status_code == 422


def test_live_state_for_resync(app, client_as) -> None:  # noqa: ANN001
    body = client_as("viewer").get("/api/v1/live").get_json()
    events = [m["event"] for m in body["messages"]]
    assert events == ["recap", "recap", "incident", "logistics"]
    assert body["messages"][0]["data"]["text"]["pilbup-banyuasin-reported"] == "0 / 2.564 TPS"


def test_recap_message_names_changed_regions_once(app) -> None:  # noqa: ANN001
    from dashboard.live.messages import recap_message

    desk = app.server.extensions["desk"]
    tally = tallies(desk.store, "pilbup-banyuasin", 1, 5)[0]
    results.submit_result(desk.store, tally, REPORTER, "uji")
    desa = tally["tps"].rsplit(".", 1)[0]
    assert recap_message(desk, "pilbup-banyuasin")["changed"] == ["16.07", desa[:8], desa]
    assert recap_message(desk, "pilbup-banyuasin")["changed"] == []


def test_a_held_result_corrected_into_another_held_one_still_names_its_regions(app) -> None:  # noqa: ANN001
    from dashboard.live.messages import recap_message

    desk = app.server.extensions["desk"]
    tally = {**tallies(desk.store, "pilbup-banyuasin", 1, 5)[0], "suara_sah": 1}  # sah ≠ the votes: held
    results.submit_result(desk.store, tally, REPORTER, "uji")
    desa = tally["tps"].rsplit(".", 1)[0]
    assert desa in recap_message(desk, "pilbup-banyuasin")["changed"]
    again = {**tally, "suara_sah": 2, "correction": True, "reason": "dicek ulang"}
    outcome = results.submit_result(desk.store, again, Actor("op", "operator"), "uji")
    assert outcome.result["status"] == "perlu_dicek" and outcome.result["version"] == 2
    message = recap_message(desk, "pilbup-banyuasin")
    assert message["totals"]["held"] == 1  # no total moved…
    assert message["changed"] == ["16.07", desa[:8], desa]  # …but the TPS's desa is named for its viewers


def test_incident_and_logistics_broadcasts_carry_the_changed_items(app, client_as) -> None:  # noqa: ANN001
    desk = app.server.extensions["desk"]
    viewer = desk.socketio.test_client(app.server, flask_test_client=client_as("viewer"))
    operator = client_as("operator")
    incident = {
        "kecamatan": "16.07.10",
        "stage": "pemungutan-suara",
        "category": "keamanan",
        "severity": "kritis",
        "description": "Keributan di TPS 003",
    }
    created = operator.post("/api/v1/incidents", json=incident).get_json()
    operator.patch(f"/api/v1/incidents/{created['id']}", json={"status": "diverifikasi", "note": "dicek"})
    put = operator.put("/api/v1/logistics/16.07.10/tinta", json={"received": 10, "status": "kurang"})
    assert put.status_code == 200
    desk.hub.flush()
    got = {m["name"]: m["args"][0] for m in viewer.get_received()}
    items = got["incident"]["items"]
    assert [(i["id"], i["status"]) for i in items] == [(created["id"], "diverifikasi")]  # one item, latest state
    assert got["incident"]["text"]["inc-open-kritis"] == "1"
    assert got["logistics"]["items"][0]["item"] == "tinta" and got["logistics"]["items"][0]["received"] == 10


def test_coalescing_window_holds_changes_that_come_too_soon(app) -> None:  # noqa: ANN001
    from dashboard.live.hub import MIN_GAP_SECONDS

    desk = app.server.extensions["desk"]
    hub = desk.hub
    sent: list[tuple[str, dict]] = []
    hub.publish = lambda event, payload: sent.append((event, payload)) or payload  # count what would go out
    for _ in range(3):
        hub.notify("recap:pilbup-banyuasin")
    assert hub.flush(now=100.0) == 1  # the leading change goes out at once, once
    hub.notify("recap:pilbup-banyuasin")
    assert hub.flush(now=100.0 + MIN_GAP_SECONDS / 2) == 0  # too soon: held, not lost
    assert hub._next_due(100.0 + MIN_GAP_SECONDS / 2) == pytest.approx(MIN_GAP_SECONDS / 2)
    assert hub.flush(now=100.0 + MIN_GAP_SECONDS) == 1
    assert hub._next_due(100.0 + MIN_GAP_SECONDS) is None
    assert [e for e, _ in sent] == ["recap", "recap"]


def test_at_most_ten_broadcasts_in_any_second_without_drift(app) -> None:  # noqa: ANN001
    from dashboard.live.hub import RATE_LIMIT, RATE_WINDOW

    hub = app.server.extensions["desk"].hub
    sent: list[float] = []
    clock = {"now": 0.0}
    hub.publish = lambda event, payload: sent.append(clock["now"]) or payload
    # a change every 10 ms for 3 s (300 changes): the hub may flush whenever it likes
    for step in range(300):
        clock["now"] = 50.0 + step * 0.01
        hub.notify("recap:pilbup-banyuasin")
        hub.flush(now=clock["now"])
    assert max(sum(1 for t in sent if s <= t < s + RATE_WINDOW) for s in sent) == RATE_LIMIT
    assert len(sent) >= 3 * RATE_LIMIT - 1
    # changes arriving exactly at the limit rate, each a little late or early, go out at once (no phase drift)
    sent.clear()
    late = [0.0, 0.004, 0.001, 0.003, 0.0, 0.002, 0.004, 0.001, 0.0, 0.003] * 3
    waits = []
    for step, jitter in enumerate(late):
        arrived = 60.0 + step * RATE_WINDOW / RATE_LIMIT + jitter
        hub.notify("recap:pilbup-banyuasin")
        due = hub._next_due(arrived)
        waits.append(due)
        clock["now"] = arrived + due
        assert hub.flush(now=clock["now"]) == 1
    assert max(waits) <= 0.004 + 1e-9  # at most the jitter, never a window


def test_processes_sharing_a_redis_queue_number_their_messages_as_one_series(tmp_path) -> None:  # noqa: ANN001
    """Two server processes behind one Redis message queue: a viewer on either sees one gap-free sequence."""
    from dashboard.app import create_app
    from dashboard.config import Config
    from tests.conftest import require_redis

    url = require_redis()
    data = tmp_path / "data"
    hubs = []
    for _ in range(2):
        app = create_app(Config(data_dir=data, testing=True, background_push=False, message_queue=url))
        hubs.append(app.server.extensions["desk"].hub)
    try:
        first = hubs[0].publish("recap", {"contest": "pilbup-banyuasin"})["seq"]
        second = hubs[1].publish("recap", {"contest": "pilbup-banyuasin"})["seq"]
        third = hubs[0].publish("recap", {"contest": "pilgub-sumsel"})["seq"]
        assert (second, third) == (first + 1, first + 2)  # one series across the processes
        assert hubs[1].seq == hubs[0].seq == third  # what heartbeats and resyncs report, on either process
    finally:
        for hub in hubs:
            hub.stop()


def test_a_second_process_on_the_same_store_follows_the_results_of_the_first(app, tmp_path, db_url, monkeypatch) -> None:  # noqa: ANN001, E501
    """Several servers share the database: each one's recap follows the change feed, every result counted once."""
    from dashboard.app import create_app
    from dashboard.config import Config
    from dashboard.live import follower

    first = app.server.extensions["desk"]
    other = create_app(Config(data_dir=tmp_path / "other", database_url=db_url, testing=True, background_push=False))
    second = other.server.extensions["desk"]
    try:
        assert second.recap.totals("pilbup-banyuasin")[0].tps_reported == 0
        tally = tallies(first.store, "pilbup-banyuasin", 1, 5)[0]
        results.submit_result(first.store, tally, REPORTER, "uji")
        assert second.feed.poll() == 1  # what its hub does every 0.2 s (and a read whose last look is older)
        here = second.recap.totals("pilbup-banyuasin")[0]  # accepted by the first process, read in the second
        assert here.tps_reported == 1 and here.suara_sah == sum(tally["votes"].values())
        fixed = {**tally, "votes": {**tally["votes"], "1": tally["votes"]["1"] - 10}, "correction": True, "reason": "x"}
        results.submit_result(first.store, fixed, Actor("op", "operator"), "uji")
        monkeypatch.setattr(follower, "FRESH_SECONDS", 0.0)  # a read after the freshness window looks by itself
        assert second.recap.totals("pilbup-banyuasin")[0].suara_sah == here.suara_sah - 10
        assert second.feed.poll() == 0  # nothing new: nothing applied twice
        assert second.recap.totals("pilbup-banyuasin")[0].tps_reported == 1
    finally:
        second.hub.stop()
        second.store.dispose()
