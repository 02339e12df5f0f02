"""Accepted result → `recap` event at every viewer, for N viewers, beside a modelled 5 s `dcc.Interval` poller.

Run from the repository root:  python bench/push_latency.py --viewers 1,200,1000 --results 100
(add `--relays 1 --message-queue redis://127.0.0.1:6379/0` to spread the viewers over two server processes)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from bisect import bisect_left
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import (  # noqa: E402
    CpuSampler,
    Server,
    fmt_ms,
    iso_seconds,
    load_contest,
    make_result,
    pcts,
    running_server,
    start_profile,
    viewers,
)

CONTEST = "pilbup-banyuasin"
BUDGET_MS = {200: 100.0, 1000: 300.0}
POLL_SECONDS = 5.0
MODEL_SAMPLES = 100_000


class Deadline(Exception):
    """The whole run took longer than --max-seconds."""


def _alarm(_signum: int, _frame: Any) -> None:
    raise Deadline("time limit reached")


def submit_sequentially(
    server: Server, count: int, interval: float, seed: int
) -> list[tuple[float, int, float, float]]:
    """POST `count` results one after another, one every `interval` s; returns (accepted at, expected, rtt, 201 at).

    `accepted at` is the result's `received_at` as the server stamped it when it stored the result (same
    machine, same clock), not the later moment the client read the 201.
    """
    contest = load_contest(CONTEST)
    rng = random.Random(seed)
    codes = rng.sample(sorted(contest.tps), count)
    session = requests.Session()
    session.headers.update(server.bearer(server.reporter_token))
    accepted: list[tuple[float, int, float, float]] = []
    failures = 0
    start = time.monotonic()
    for i, code in enumerate(codes):
        wait = start + i * interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        sent = time.time()
        try:
            resp = session.post(server.url + "/api/v1/tallies", json=make_result(contest, code, rng), timeout=30)
        except requests.RequestException as exc:
            print(f"    POST {i + 1} failed: {type(exc).__name__}: {exc}", flush=True)
            failures += 1
            if failures >= 3:
                raise RuntimeError("3 POSTs in a row failed: the server stopped answering HTTP") from exc
            continue
        failures = 0
        done = time.time()
        if resp.status_code == 201:
            stamped = iso_seconds(resp.json()["result"]["received_at"])
            accepted.append((stamped, len(accepted) + 1, done - sent, done))
        else:
            print(f"    POST {i + 1} → {resp.status_code}: {resp.text[:200]}", flush=True)
    session.close()
    return accepted


def latencies(
    accepted: list[tuple[float, int, float, float]], per_viewer: list[list[tuple[float, str, int, int, float]]]
) -> dict[str, Any]:
    """Per (result, viewer): time from the server's acceptance to the first `recap` whose tps_reported reached that
    result; split into `wait` (acceptance → the message built: coalescing, scheduling) and `deliver` (built →
    received: encoding, fan-out to every viewer, the viewer's own reading)."""
    all_ms: list[float] = []
    first_ms: list[float] = []
    last_ms: list[float] = []
    wait_ms: list[float] = []
    deliver_ms: list[float] = []
    from_201_ms: list[float] = []
    missing = 0
    per_result: list[list[float]] = [[] for _ in accepted]
    for v, records in enumerate(per_viewer):
        mine = sorted((t, n, built) for t, contest, _seq, n, built in records if contest == CONTEST)
        times: list[float] = []
        counts: list[int] = []
        builts: list[float] = []
        high = -1
        for t, n, built in mine:
            high = max(high, n)  # handler threads may append slightly out of order
            times.append(t)
            counts.append(high)
            builts.append(built)
        for i, (accepted_at, expected, _rtt, answered_at) in enumerate(accepted):
            k = bisect_left(counts, expected)
            if k == len(counts):
                missing += 1
                continue
            ms = (times[k] - accepted_at) * 1000.0
            from_201_ms.append((times[k] - answered_at) * 1000.0)
            all_ms.append(ms)
            per_result[i].append(ms)
            deliver_ms.append((times[k] - builts[k]) * 1000.0)
            if v == 0:
                wait_ms.append((builts[k] - accepted_at) * 1000.0)
    for row in per_result:
        if row:
            first_ms.append(min(row))
            last_ms.append(max(row))
    return {
        "all": all_ms,
        "first": first_ms,
        "last": last_ms,
        "wait": wait_ms,
        "deliver": deliver_ms,
        "from_201": from_201_ms,
        "missing": missing,
    }


def probe_http(server: Server, timeout: float = 10.0) -> None:
    """Fail fast when the server no longer answers plain HTTP with the viewers connected."""
    t0 = time.perf_counter()
    try:
        requests.get(server.url + "/healthz", timeout=timeout).raise_for_status()
    except requests.RequestException as exc:
        raise RuntimeError(
            f"GET /healthz got no answer within {timeout:.0f} s with the viewers connected"
            f" (server threads {server.thread_count()}, established connections {server.open_connections()}):"
            f" {type(exc).__name__}"
        ) from exc
    print(f"    GET /healthz with viewers connected: {(time.perf_counter() - t0) * 1000:.1f} ms", flush=True)


def get_rtts(server: Server, count: int, idle_cores: float = 0.0) -> tuple[list[float], float]:
    """Round trips (ms) of GET /api/v1/recap/<contest> with the display token, and the server CPU s per request.

    The CPU the server spends meanwhile on idle work (heartbeats to the viewers) is subtracted.
    """
    session = requests.Session()
    session.headers.update(server.bearer(server.display_token))
    url = f"{server.url}/api/v1/recap/{CONTEST}"
    rtts: list[float] = []
    cpu0 = server.cpu_seconds()
    started = time.monotonic()
    for _ in range(count):
        t0 = time.perf_counter()
        resp = session.get(url, timeout=30)
        resp.raise_for_status()
        _ = resp.content
        rtts.append((time.perf_counter() - t0) * 1000.0)
    cpu = server.cpu_seconds() - cpu0 - idle_cores * (time.monotonic() - started)
    session.close()
    return rtts, max(0.0, cpu) / max(1, count)


def modelled_poll(rtts: list[float], seed: int) -> tuple[float, float, float]:
    """p50/p95/p99 of uniform(0, 5000 ms) + a measured round trip: when a 5 s poller first shows a change."""
    rng = random.Random(seed)
    return pcts([rng.uniform(0.0, POLL_SECONDS * 1000.0) + rng.choice(rtts) for _ in range(MODEL_SAMPLES)])


def run_one(n: int, args: argparse.Namespace) -> dict[str, Any]:
    """One fresh server, n viewers, the sequential submissions, the polling comparison."""
    print(f"\n=== {n} viewer(s): fresh server ===", flush=True)
    with running_server(relays=args.relays, message_queue=args.message_queue) as server:
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        where = ", ".join(server.viewer_urls)
        print(f"    server ready in {server.started_in:.1f} s at {where}; machine load average {load}", flush=True)
        t0 = time.monotonic()
        with viewers(server, n, kind=args.client, connect_timeout=args.connect_timeout) as pool:
            print(
                f"    {pool.connected}/{n} viewers connected in {time.monotonic() - t0:.1f} s"
                f" ({args.client} clients, {pool.processes} processes); server threads {server.thread_count()}"
                + (f"; errors e.g. {pool.errors[:2]}" if pool.errors else ""),
                flush=True,
            )
            if pool.connected == 0:
                raise RuntimeError("no viewer connected")
            probe_http(server)
            time.sleep(1.0)
            idle0 = server.cpu_seconds()
            time.sleep(3.0)
            idle_cpu = (server.cpu_seconds() - idle0) / 3.0
            pool.reset()
            spy = None
            if args.profile:
                spy = start_profile(server, args.results * args.interval + 2, Path(args.profile) / f"push_{n}.txt")
            cpu0 = server.cpu_seconds()
            vcpu0 = pool.cpu_seconds()
            started = time.monotonic()
            with CpuSampler(server) as sampler:
                accepted = submit_sequentially(server, args.results, args.interval, args.seed + n)
                submit_s = time.monotonic() - started
                expected = accepted[-1][1] if accepted else 0
                got = pool.collect(CONTEST, expected, wait=args.settle)
            cpu_push = server.cpu_seconds() - cpu0
            cpu_viewers = pool.cpu_seconds() - vcpu0
            push_s = time.monotonic() - started
            if spy is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    spy.wait(timeout=30)
            print(f"    load average after the push phase: {os.getloadavg()[0]:.1f} (2 cores)", flush=True)
            lat = latencies(accepted, got["records"])
            broadcasts = len({seq for recs in got["records"][:1] for _t, c, seq, _n, _b in recs if c == CONTEST})
            rtts, cpu_per_get = get_rtts(server, args.polls, idle_cpu)
    return {
        "n": n,
        "connected": pool.connected,
        "accepted": len(accepted),
        "post_rtt": [r * 1000.0 for _a, _e, r, _d in accepted],
        "lat": lat,
        "disconnected": got["disconnected"],
        "broadcasts": broadcasts,
        "submit_s": submit_s,
        "push_s": push_s,
        "cpu_push": cpu_push,
        "cpu_viewers": cpu_viewers,
        "peak_cores": sampler.peak_cores(),
        "idle_cpu": idle_cpu,
        "rtts": rtts,
        "cpu_per_get": cpu_per_get,
    }


def report(rows: list[dict[str, Any]], failed: dict[int, str], args: argparse.Namespace) -> bool:
    """Print the tables and the budget checks; True when every checked budget holds."""
    print("\n## Push (measured): result stored (server's received_at) → `recap` received, per (result, viewer), ms")
    print(
        f"{'viewers':>7} {'conn':>5} {'results':>7} {'deliveries':>10} {'missing':>7} "
        f"{'p50':>8} {'p95':>8} {'p99':>8} {'max':>8} | {'1st p50':>8} {'last p95':>8}"
    )
    for r in rows:
        lat = r["lat"]
        p50, p95, p99 = pcts(lat["all"])
        print(
            f"{r['n']:>7} {r['connected']:>5} {r['accepted']:>7} {len(lat['all']):>10} {lat['missing']:>7} "
            f"{fmt_ms(p50)} {fmt_ms(p95)} {fmt_ms(p99)} {fmt_ms(max(lat['all'], default=float('nan')))} | "
            f"{fmt_ms(pcts(lat['first'])[0])} {fmt_ms(pcts(lat['last'])[1])}"
        )
    print("  (1st p50 = median over results of the fastest viewer; last p95 = p95 over results of the slowest viewer)")
    print("  the same pairs timed from the moment the client read the 201 (after the commit; a lower bound):")
    for r in rows:
        f50, f95, f99 = pcts(r["lat"]["from_201"])
        print(f"{r['n']:>7} from 201: p50 {fmt_ms(f50).strip()}  p95 {fmt_ms(f95).strip()}  p99 {fmt_ms(f99).strip()}")
    print("\n## Where the time goes: acceptance → message built (wait) and built → received (deliver), ms")
    print(f"{'viewers':>7} {'wait p50':>8} {'wait p95':>8} {'max':>8} | {'deliver p50':>11} {'p95':>8} {'p99':>8}")
    for r in rows:
        w50, w95, _w99 = pcts(r["lat"]["wait"])
        d50, d95, d99 = pcts(r["lat"]["deliver"])
        wmax = max(r["lat"]["wait"], default=float("nan"))
        print(f"{r['n']:>7} {fmt_ms(w50)} {fmt_ms(w95)} {fmt_ms(wmax)} | {fmt_ms(d50):>11} {fmt_ms(d95)} {fmt_ms(d99)}")
    print(
        "  (wait: coalescing window + the hub greenlet being scheduled, one viewer's view; deliver: every viewer —"
        " the fan-out over all sockets plus the viewer processes reading, on the same 2 cores)"
    )

    print("\n## Polling with dcc.Interval every 5 s (MODELLED, not run): uniform(0, 5000 ms) + measured GET round trip")
    print(f"{'viewers':>7} {'GET rtt p50':>11} {'rtt p95':>8} | {'p50':>8} {'p95':>8} {'p99':>8}")
    for r in rows:
        rp50, rp95, _ = pcts(r["rtts"])
        m50, m95, m99 = modelled_poll(r["rtts"], args.seed)
        print(f"{r['n']:>7} {fmt_ms(rp50):>11} {fmt_ms(rp95)} | {fmt_ms(m50)} {fmt_ms(m95)} {fmt_ms(m99)}")
    print(f"  (GET /api/v1/recap/{CONTEST} × {args.polls}, sequential, keep-alive, display token, viewers connected)")

    print("\n## Cost during the push phase (measured; the viewers' processes share the 2 cores)")
    print(
        f"{'viewers':>7} {'wall s':>6} {'server CPU s':>12} {'ms/result':>9} {'avg cores':>9} {'peak':>5} "
        f"{'idle cores':>10} {'viewers cores':>13} {'POST p50 ms':>11} {'bcasts':>6}"
    )
    for r in rows:
        print(
            f"{r['n']:>7} {r['push_s']:>6.1f} {r['cpu_push']:>12.2f}"
            f" {r['cpu_push'] / max(1, r['accepted']) * 1000:>9.1f}"
            f" {r['cpu_push'] / r['push_s']:>9.2f} {r['peak_cores']:>5.2f} {r['idle_cpu']:>10.3f}"
            f" {r['cpu_viewers'] / r['push_s']:>13.2f} {fmt_ms(pcts(r['post_rtt'])[0]):>11} {r['broadcasts']:>6}"
        )
    print("  (server CPU includes the ingest of each result; idle = heartbeats only, viewers connected)")

    print("\n## Per minute: 5 s polling (modelled) vs push (measured at this change rate)")
    print(
        f"{'viewers':>7} {'poll requests':>13} {'poll server CPU s (est.)':>24} | {'push broadcasts':>15} "
        f"{'push frames':>11} {'push server CPU s':>17} {'of which fan-out (est.)':>22}"
    )
    single = next((r for r in rows if r["n"] == 1), None)
    base = single["cpu_push"] / single["push_s"] * 60 if single else None
    for r in rows:
        per_min = r["broadcasts"] / r["push_s"] * 60 if r["push_s"] else 0.0
        polls = r["n"] * 60 / POLL_SECONDS
        push_min = r["cpu_push"] / r["push_s"] * 60
        fan_out = f"{push_min - base:>22.2f}" if base is not None else f"{'n/a':>22}"
        print(
            f"{r['n']:>7} {polls:>13.0f} {polls * r['cpu_per_get']:>24.2f} | {per_min:>15.0f} "
            f"{per_min * r['n']:>11.0f} {push_min:>17.2f} {fan_out}"
        )
    print(
        f"  (push: {args.results} results at one per {args.interval * 1000:.0f} ms; one broadcast = one aggregation,"
        " sent as one frame per viewer, only when something changed. A 5 s poller makes 12 requests/min per viewer"
        " whether or not anything changed; its CPU = that × the measured server CPU of one GET, on top of ingest."
        " Push CPU includes the ingest of every result; fan-out = push CPU minus the 1-viewer run's.)"
    )

    print("\n## Budget (DESIGN §6): p95 ≤ 100 ms with 200 viewers, ≤ 300 ms with 1,000")
    ok = True
    for r in rows:
        budget = BUDGET_MS.get(r["n"])
        if budget is None:
            continue
        p95 = pcts(r["lat"]["all"])[1]
        complete = r["lat"]["missing"] == 0 and r["connected"] == r["n"] and r["accepted"] == args.results
        passed = complete and p95 <= budget
        ok = ok and passed
        why = "" if complete else " (incomplete: missing deliveries, viewers or results)"
        verdict = "PASS" if passed else "FAIL"
        print(f"  {r['n']:>5} viewers: p95 {fmt_ms(p95).strip()} ms vs ≤ {budget:.0f} ms → {verdict}{why}")
    for n, why in failed.items():
        ok = False
        budget = f" vs ≤ {BUDGET_MS[n]:.0f} ms" if n in BUDGET_MS else ""
        print(f"  {n:>5} viewers: not measured{budget} → FAIL ({why})")
    return ok


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", default="1,200,1000", help="comma-separated viewer counts")
    parser.add_argument(
        "--client",
        choices=["socketio", "light", "raw"],
        default="raw",
        help="viewer client: python-socketio (threads), light (wsproto + json, one thread per process) or raw"
        " (hand-parsed frames, reads only the fields measured: the least CPU taken from the server)",
    )
    parser.add_argument("--results", type=int, default=100, help="results submitted per viewer count")
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between submissions")
    parser.add_argument("--polls", type=int, default=200, help="GET round trips measured for the polling model")
    parser.add_argument("--connect-timeout", type=float, default=300.0)
    parser.add_argument("--settle", type=float, default=20.0, help="max seconds to wait for the last deliveries")
    parser.add_argument("--max-seconds", type=int, default=3000, help="hard limit for the whole run")
    parser.add_argument("--profile", help="folder for py-spy profiles of the worker (needs py-spy on PATH)")
    parser.add_argument(
        "--relays",
        type=int,
        default=0,
        help="more server processes sharing the viewers through the message queue (results go to the first)",
    )
    parser.add_argument("--message-queue", default=None, help="Redis URL for --relays, e.g. redis://127.0.0.1:6379/0")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.relays and not args.message_queue:
        parser.error("--relays needs --message-queue")
    counts = [int(x) for x in args.viewers.split(",") if x.strip()]

    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(args.max_seconds)
    rows: list[dict[str, Any]] = []
    failed: dict[int, str] = {}
    try:
        for n in counts:
            try:
                rows.append(run_one(n, args))
            except Deadline:
                raise
            except Exception as exc:
                failed[n] = f"{type(exc).__name__}: {exc}"
                print(f"    {n} viewers: run failed: {failed[n]}", flush=True)
    except Deadline:
        print(f"Stopped: --max-seconds {args.max_seconds} reached; reporting what finished.", flush=True)
    finally:
        signal.alarm(0)
    if not rows:
        for n, why in failed.items():
            print(f"  {n:>5} viewers: not measured → FAIL ({why})")
        return 2
    return 0 if report(rows, failed, args) else 1


if __name__ == "__main__":
    sys.exit(main())
