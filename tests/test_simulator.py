"""The demo simulator: a whole election day played through the public ingest functions."""

from __future__ import annotations

import logging
import math
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

import data_sources
from data_sources.domain.actors import Actor
from data_sources.domain.fmt import WIB
from data_sources.domain.rules import STATUS_COUNTED, STATUS_REVIEW
from data_sources.domain.vocab import CATEGORIES
from data_sources.feed import FeedCursor
from data_sources.incidents import list_incidents
from data_sources.logistics import board, readiness
from data_sources.results import current_results, held_results, submit_result
from data_sources.simulator import SOURCE, SPEED_KEY, STARTED_KEY, Simulator
from data_sources.store import Store
from data_sources.summary import contests, tps_dpt
from tests.conftest import Templates
from tests.oracle import contest_totals
from tests.waiting import wait_for

CENTROIDS = Path(data_sources.__file__).parent / "demo" / "banyuasin_kecamatan_centroids.csv"
ELECTION_DAY = datetime(2024, 11, 27, tzinfo=WIB)


def wib(hour: int, minute: int = 0) -> datetime:
    """A moment of the demo's election day, in WIB."""
    return ELECTION_DAY.replace(hour=hour, minute=minute)


class FakeClock:
    """A wall clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def demo_store(folder: Path, templates: Templates) -> Store:
    """A SQLite store in `folder` with the Banyuasin demo scenario loaded (a copy of the session's template)."""
    return Store(templates.copy_sqlite("demo", folder / "t.db"))


@pytest.fixture
def bare_store(tmp_path: Path):
    """A store with nothing but the election date: enough for the clock."""
    store = Store(f"sqlite:///{tmp_path}/t.db")
    store.create_schema()
    store.set_setting("election_date", "2024-11-27")
    yield store
    store.dispose()


@pytest.fixture
def store(tmp_path: Path, templates: Templates):
    """A store with the demo scenario and nothing played yet."""
    store = demo_store(tmp_path, templates)
    yield store
    store.dispose()


def feed_events(cursor: FeedCursor) -> list[tuple[str, dict]]:
    """What the simulator wrote since the cursor, as the change feed tells it: (result|incident|logistics, after)."""
    out = []
    while changes := cursor.read():
        out += [(c.entity, c.after) for c in changes if c.actor == "simulator" and c.after is not None]
    return [(kind, data) for kind, data in out if kind in ("result", "incident", "logistics")]


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory, templates: Templates):
    """The whole demo day in one store: one simulator plays until 15.00, a restarted one to 24.00."""
    store = demo_store(tmp_path_factory.mktemp("simulasi"), templates)
    cursor = FeedCursor(store)

    began = time.perf_counter()
    first = Simulator(store)
    applied_first = first.run_until(wib(7))
    readiness_0700 = readiness(board(store))
    applied_first += first.run_until(wib(15))
    results_1500 = len(current_results(store))
    second = Simulator(store)
    applied_second = second.run_until(second.day_end)
    seconds = time.perf_counter() - began
    logging.getLogger(__name__).info("hari penuh dimainkan dalam %.1f s", seconds)
    yield SimpleNamespace(
        store=store,
        first=first,
        second=second,
        events=feed_events(cursor),
        applied_first=applied_first,
        applied_second=applied_second,
        readiness_0700=readiness_0700,
        results_1500=results_1500,
        seconds=seconds,
    )
    store.dispose()


# -- the day as a user sees it ----------------------------------------------------------------------------


def test_every_tps_of_both_contests_has_a_result(day):
    all_tps = set(tps_dpt(day.store))
    assert len(all_tps) == 2564
    for contest in contests(day.store):
        reported = {r["tps"] for r in current_results(day.store, contest.id)}
        assert reported == all_tps, contest.id
    first_versions = [r for r in current_results(day.store) if r["version"] == 1]
    assert all(r["source"] == SOURCE and r["author"] == "simulator" for r in first_versions)


def test_results_arrive_after_the_polls_close_with_a_peak_in_the_afternoon(day):
    assert 0 < day.results_1500 < 2564  # some results by 15.00, most still to come
    moments = [datetime.fromisoformat(d["submitted_at"]) for k, d in day.events if k == "result"]
    assert all(m.utcoffset() == timedelta(hours=7) for m in moments)
    assert min(moments) >= wib(13) and max(moments) < wib(23, 59)
    per_hour = Counter(m.astimezone(WIB).hour for m in moments)
    assert per_hour[13] < per_hour[15] / 10  # few at first
    assert max(per_hour, key=per_hour.get) in (15, 16)
    assert sum(n for h, n in per_hour.items() if h >= 21) < 0.03 * len(moments)  # a long, thin tail


def test_held_and_janggal_results_are_few_and_say_why(day):
    flagged = held_results(day.store)
    held = [r for r in flagged if r["status"] == STATUS_REVIEW]
    janggal = [r for r in flagged if any(f["code"] == "janggal" for f in r["flags"])]
    total = 2 * 2564
    assert 0.003 * total <= len(held) <= 0.015 * total
    assert 0.002 * total <= len(janggal) <= 0.01 * total
    for r in held:
        reasons = [f for f in r["flags"] if f["code"] != "janggal"]
        assert reasons and all(f["message"] for f in reasons), r
    for r in janggal:
        assert r["status"] == STATUS_COUNTED
        assert any(f["code"] == "janggal" and "%" in f["message"] for f in r["flags"]), r
    for totals in contest_totals(day.store):
        assert totals.tps_reported + totals.held == totals.tps_total


def test_a_handful_of_held_results_are_corrected_late_with_a_reason(day):
    corrected = [r for r in current_results(day.store) if r["kind"] == "koreksi"]
    assert 1 <= len(corrected) <= 10
    for r in corrected:
        assert r["version"] == 2 and r["author"] == "simulator" and r["reason"]
        assert r["status"] == STATUS_COUNTED
    corrections = [d for k, d in day.events if k == "result" and d["kind"] == "koreksi"]
    assert all(datetime.fromisoformat(d["submitted_at"]) >= wib(20) for d in corrections)


def test_results_look_like_an_election_day(day):
    dpt = tps_dpt(day.store)
    clean = [r for r in current_results(day.store) if r["status"] == STATUS_COUNTED and not r["flags"]]
    turnout = [r["pengguna_hak_pilih"] / dpt[r["tps"]] for r in clean]
    assert sum(0.60 <= t <= 0.85 for t in turnout) >= 0.9 * len(turnout)
    invalid = [r["suara_tidak_sah"] / r["pengguna_hak_pilih"] for r in clean]
    assert 0.01 <= sorted(invalid)[len(invalid) // 2] <= 0.04
    for r in clean:
        assert r["pengguna_hak_pilih"] == r["suara_sah"] + r["suara_tidak_sah"]
        assert r["suara_sah"] == sum(r["votes"].values())
    for contest in contests(day.store):
        per_kecamatan: dict[str, Counter] = defaultdict(Counter)
        for r in current_results(day.store, contest.id):
            per_kecamatan[r["tps"][:8]].update({k: v for k, v in r["votes"].items()})
        leaders = {votes.most_common(1)[0][0] for votes in per_kecamatan.values()}
        assert len(leaders) >= 2, f"{contest.id}: every kecamatan has the same leader"


def test_logistics_arrive_in_the_morning(day):
    assert day.readiness_0700 < 1.0
    rows = board(day.store)
    assert len(rows) == 147
    assert readiness(rows) == 1.0
    assert all(r.status == "diterima" and r.received == r.needed for r in rows)
    statuses = Counter(d["status"] for k, d in day.events if k == "logistics")
    assert statuses["dalam-perjalanan"] == 147 and statuses["diterima"] == 147
    assert 1 <= statuses["kurang"] <= 10


def test_incidents_through_the_day_with_histories(day):
    incidents = [i for i in list_incidents(day.store, limit=1000) if i["reporter"] == "simulator"]
    assert 60 <= len(incidents) <= 90
    categories = Counter(i["category"] for i in incidents)
    assert len(categories) >= 6 and set(categories) <= set(CATEGORIES)
    severities = Counter(i["severity"] for i in incidents)
    assert 1 <= severities["kritis"] <= 3
    assert severities["rendah"] + severities["sedang"] >= 0.6 * len(incidents)
    assert {i["stage"] for i in incidents} == {"pemungutan-suara", "penghitungan"}
    progressed = [i for i in incidents if len(i["history"]) > 1]
    assert len(progressed) >= len(incidents) / 2
    statuses = Counter(i["status"] for i in incidents)
    assert statuses["selesai"] > 0 and statuses["ditolak"] > 0
    assert all(h["note"] for i in progressed for h in i["history"][1:])
    centroids = {
        line.split(",")[0]: (float(line.split(",")[3]), float(line.split(",")[4]))
        for line in CENTROIDS.read_text(encoding="utf-8").splitlines()[1:]
    }
    for i in incidents:
        assert i["description"].strip()
        if i["tps"]:
            assert i["tps"].startswith(i["desa"] + ".") and i["desa"].startswith(i["kecamatan"] + ".")
        if i["latitude"] is not None:
            lat, lng = centroids[i["kecamatan"]]
            assert math.hypot(i["latitude"] - lat, i["longitude"] - lng) < 0.25
    assert len({(i["kecamatan"], i["tps"], i["description"]) for i in incidents}) == len(incidents)


def test_every_applied_change_is_an_entry_of_the_change_feed(day):
    assert len(day.events) == day.applied_first + day.applied_second
    kinds = Counter(kind for kind, _data in day.events)
    assert set(kinds) == {"result", "incident", "logistics"}
    incident = next(d for k, d in day.events if k == "incident")
    assert {"kecamatan", "category", "severity", "description"} <= set(incident)


# -- idempotency and resuming -----------------------------------------------------------------------------


def test_running_again_or_restarting_applies_nothing(day):
    cursor = FeedCursor(day.store)
    before = len(current_results(day.store)), len(list_incidents(day.store, limit=1000))
    assert day.second.run_until(day.second.day_end) == 0
    third = Simulator(day.store)
    assert third.run_until(third.day_end) == 0
    after = len(current_results(day.store)), len(list_incidents(day.store, limit=1000))
    assert after == before
    assert feed_events(cursor) == []  # nothing written
    assert third.outcomes == Counter()


def test_a_restart_mid_day_applies_each_planned_action_once(day):
    planned = sum(sum(c.values()) for c in day.second.plan_counts_per_hour().values())
    assert day.applied_first > 0 and day.applied_second > 0
    assert day.applied_first + day.applied_second == planned
    assert day.first.outcomes["created"] + day.second.outcomes["created"] == sum(
        1 for kind, _d in day.events if kind == "result"
    )
    assert day.first.outcomes["rejected"] == day.second.outcomes["rejected"] == 0


def test_plan_is_deterministic_and_counted_per_hour(day):
    counts = Simulator(day.store).plan_counts_per_hour()
    assert counts == Simulator(day.store).plan_counts_per_hour()
    assert counts != Simulator(day.store, seed=7).plan_counts_per_hour()
    assert sorted(counts) == list(range(6, 24))
    assert all(counts[h]["hasil"] == 0 for h in range(6, 13))
    assert all(counts[h]["logistik"] == 0 for h in range(12, 24))
    assert sum(c["hasil"] for c in counts.values()) >= 2 * 2564
    assert all(c["kejadian"] >= 0 for c in counts.values())


def test_a_result_entered_by_someone_else_is_left_alone(day, store):
    first = min(
        (d for k, d in day.events if k == "result" and d["contest"] == "pilbup-banyuasin"),
        key=lambda d: d["submitted_at"],
    )
    votes = {"1": 1, "2": 0, "3": 0, "4": 0, "5": 0}
    payload = {"contest": "pilbup-banyuasin", "tps": first["tps"], "votes": votes, "suara_tidak_sah": 0}
    assert submit_result(store, payload, Actor("operator1", "operator"), "form").changed
    sim = Simulator(store)
    assert sim.run_until(datetime.fromisoformat(first["submitted_at"])) > 0
    versions = [r for r in current_results(store, "pilbup-banyuasin") if r["tps"] == first["tps"]]
    assert len(versions) == 1 and versions[0]["author"] == "operator1" and versions[0]["version"] == 1


# -- the clock --------------------------------------------------------------------------------------------


def test_clock_maps_wall_time_with_speed(bare_store):
    clock = FakeClock(datetime(2026, 1, 5, 3, 0, tzinfo=UTC))
    sim = Simulator(bare_store, speed=2.0, wall_clock=clock)
    assert sim.sim_time() == wib(6)
    assert sim.sim_time().utcoffset() == timedelta(hours=7)
    assert bare_store.get_setting(STARTED_KEY) == "2026-01-05T03:00:00+00:00"
    clock.advance(100)  # 100 s × 108 × 2 = 6 hours
    assert sim.sim_time() == wib(12)
    clock.advance(250)  # far past midnight: the day stays over
    assert sim.sim_time() == sim.day_end == wib(0) + timedelta(days=1)


def test_speed_one_plays_the_day_in_ten_minutes(bare_store):
    clock = FakeClock(datetime(2026, 1, 5, 3, 0, tzinfo=UTC))
    sim = Simulator(bare_store, wall_clock=clock)
    sim.sim_time()
    clock.advance(1)
    assert sim.sim_time() == wib(6) + timedelta(seconds=108)
    clock.advance(299)
    assert sim.sim_time() == wib(15)
    clock.advance(300)
    assert sim.sim_time() == sim.day_end


def test_a_restarted_simulator_resumes_the_day(bare_store):
    clock = FakeClock(datetime(2026, 1, 5, 3, 0, tzinfo=UTC))
    Simulator(bare_store, speed=2.0, wall_clock=clock).sim_time()
    clock.advance(50)
    resumed = Simulator(bare_store, speed=2.0, wall_clock=clock)
    assert resumed.sim_time() == wib(9)


def test_a_new_speed_keeps_the_moment_reached(bare_store):
    clock = FakeClock(datetime(2026, 1, 5, 3, 0, tzinfo=UTC))
    Simulator(bare_store, speed=2.0, wall_clock=clock).sim_time()
    clock.advance(50)  # 09.00
    faster = Simulator(bare_store, speed=4.0, wall_clock=clock)
    assert faster.sim_time() == wib(9)
    assert bare_store.get_setting(SPEED_KEY) == "4.0"
    clock.advance(10)  # 10 s × 108 × 4 = 72 minutes
    assert faster.sim_time() == wib(10, 12)


def test_run_until_wants_an_aware_moment(bare_store):
    with pytest.raises(ValueError):
        Simulator(bare_store).run_until(datetime(2024, 11, 27, 12, 0))


# -- the thread -------------------------------------------------------------------------------------------


def test_thread_stops_by_itself_when_the_day_is_over(bare_store):
    clock = FakeClock(datetime(2026, 1, 5, 3, 0, tzinfo=UTC))
    sim = Simulator(bare_store, wall_clock=clock)
    sim.sim_time()
    clock.advance(601)
    sim.start()
    sim._thread.join(timeout=5)
    assert not sim._thread.is_alive()
    assert sim.finished


def test_thread_plays_the_morning_and_stops(store):
    clock = FakeClock(datetime(2026, 1, 5, 3, 0, tzinfo=UTC))
    sim = Simulator(store, speed=1.0, wall_clock=clock)
    sim.sim_time()
    clock.advance(100)  # 09.00
    sim.start()
    try:
        wait_for(lambda: any(r.status == "diterima" for r in board(store)), timeout=10)  # asserted below
    finally:
        sim.stop()
    assert not sim._thread.is_alive()
    assert not sim.finished
    assert any(r.status == "diterima" for r in board(store))
    assert 0 < readiness(board(store)) < 1.0
