"""A burst of 1,000 results in about a second: broadcasts per contest per second, completeness, message size.

Run from the repository root:  python bench/burst.py
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import (  # noqa: E402
    Server,
    fmt_ms,
    load_contest,
    make_result,
    pcts,
    running_server,
    start_profile,
    viewers,
)

CONTEST = "pilbup-banyuasin"
MAX_BROADCASTS_PER_S = 10
MAX_MESSAGE_BYTES = 4096
MIN_ACCEPTED_PER_S = 500


def _alarm(_signum: int, _frame: Any) -> None:
    raise TimeoutError("--max-seconds reached")


def burst(server: Server, count: int, workers: int, duration: float, seed: int) -> list[tuple[float, float, int]]:
    """POST `count` results for distinct TPS, paced over `duration` s by `workers` threads: (sent, done, status)."""
    contest = load_contest(CONTEST)
    rng = random.Random(seed)
    codes = rng.sample(sorted(contest.tps), count)
    bodies = [make_result(contest, code, rng) for code in codes]
    local = threading.local()
    url = server.url + "/api/v1/tallies"
    start = time.monotonic() + 0.2

    def post(i: int) -> tuple[float, float, int]:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
            session.headers.update(server.bearer(server.reporter_token))
        wait = start + i * duration / count - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        sent = time.time()
        try:
            status = session.post(url, json=bodies[i], timeout=30).status_code
        except requests.RequestException:
            status = 0
        return sent, time.time(), status

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(post, range(count)))


def max_in_window(times: list[float], window: float = 1.0) -> int:
    """The most events inside any window of `window` seconds."""
    best, lo = 0, 0
    ordered = sorted(times)
    for hi, t in enumerate(ordered):
        while ordered[lo] <= t - window:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=20)
    parser.add_argument("--client", choices=["socketio", "light", "raw"], default="socketio", help="viewer client kind")
    parser.add_argument("--results", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=16, help="concurrent POSTs")
    parser.add_argument("--duration", type=float, default=1.0, help="spread the submissions over this many seconds")
    parser.add_argument("--settle", type=float, default=20.0, help="max seconds to wait for the final recap")
    parser.add_argument("--max-seconds", type=int, default=900, help="hard limit for the whole run")
    parser.add_argument("--profile", help="file for a py-spy profile (collapsed stacks) of the worker during the burst")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(args.max_seconds)
    try:
        return run(args)
    finally:
        signal.alarm(0)


def run(args: argparse.Namespace) -> int:
    """The measured run and its report."""
    with running_server() as server:
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"server ready in {server.started_in:.1f} s at {server.url}; load average {load}")
        with viewers(server, args.viewers, kind=args.client, keep_sizes=True) as pool:
            print(f"{pool.connected}/{args.viewers} viewers connected ({args.client} clients, 4 processes)", flush=True)
            if pool.connected == 0:
                raise RuntimeError("no viewer connected")
            time.sleep(1.0)
            pool.reset()
            spy = start_profile(server, args.duration + 15, Path(args.profile)) if args.profile else None
            burst_start = time.time()
            cpu0 = server.cpu_seconds()
            posts = burst(server, args.results, args.workers, args.duration, args.seed)
            cpu_burst = server.cpu_seconds() - cpu0
            accepted = [p for p in posts if p[2] == 201]
            got = pool.collect(CONTEST, len(accepted), wait=args.settle)
            cpu_all = server.cpu_seconds() - cpu0
            resp = requests.get(
                f"{server.url}/api/v1/recap/{CONTEST}", headers=server.bearer(server.display_token), timeout=30
            )
            resp.raise_for_status()
            final = resp.json()["region"]
            if spy is not None:
                spy.send_signal(signal.SIGINT)  # py-spy writes what it has when interrupted
                spy.wait(timeout=30)

    statuses = Counter(p[2] for p in posts)
    first_sent = min(p[0] for p in posts)
    last_done = max(p[1] for p in posts)
    span = last_done - first_sent
    rate = len(accepted) / span if span > 0 else float("nan")
    post_ms = [(done - sent) * 1000 for sent, done, _s in posts]

    print(f"\n## API: {args.results} POST /api/v1/tallies, {args.workers} concurrent, paced over {args.duration:g} s")
    print(f"  status codes: {dict(sorted(statuses.items()))}  (0 = no answer)")
    print(f"  accepted {len(accepted)} in {span:.2f} s → {rate:.0f} accepted results/s")
    p50, p95, p99 = pcts(post_ms)
    print(f"  POST round trip ms: p50 {fmt_ms(p50).strip()}  p95 {fmt_ms(p95).strip()}  p99 {fmt_ms(p99).strip()}")
    print(f"  server CPU: {cpu_burst:.2f} s during the burst, {cpu_all:.2f} s until the last recap arrived")

    print("\n## Broadcasts seen by the viewers (`recap` events; one viewer's timeline, all viewers compared)")
    timelines: dict[str, list[tuple[float, int, int]]] = {}
    for t, contest, seq, n, _built in sorted(got["records"][0]):
        timelines.setdefault(contest, []).append((t, seq, n))
    per_viewer = Counter(len({r[2] for r in recs}) for recs in got["records"])
    print(f"  distinct recap seqs per viewer → viewers: {dict(per_viewer)}; disconnected: {got['disconnected']}")
    worst_rate = 0
    for contest, line in sorted(timelines.items()):
        times = [t for t, _seq, _n in line]
        buckets = Counter(int(t - burst_start) for t in times)
        per_second = [buckets.get(s, 0) for s in range(max(buckets) + 1)] if buckets else []
        window = max_in_window(times)
        worst_rate = max(worst_rate, window)
        seqs = [seq for _t, seq, _n in line]
        gaps = sum(1 for a, b in zip(seqs, seqs[1:], strict=False) if b != a + 1)
        print(
            f"  {contest}: {len(line)} broadcasts over {times[-1] - times[0]:.2f} s; per second since the burst"
            f" began {per_second}; max in any 1 s window {window}; seq gaps {gaps}"
        )
        print(f"    tps_reported along the way: {[n for _t, _s, n in line]}")
    if CONTEST not in timelines:
        print(f"  {CONTEST}: no recap received")

    print(f"\n## Last recap vs GET /api/v1/recap/{CONTEST}")
    want = (final["tps_reported"], final["votes"])
    matches = 0
    for last in got["last"]:
        msg = last.get(CONTEST)
        if msg and (msg["totals"]["tps_reported"], msg["totals"]["votes"]) == want:
            matches += 1
    sample = next((last.get(CONTEST) for last in got["last"] if last.get(CONTEST)), None)
    print(f"  GET: tps_reported {final['tps_reported']}, votes {final['votes']}")
    if sample:
        head = sample["totals"]
        print(f"  last recap (viewer 0): tps_reported {head['tps_reported']}, votes {head['votes']}")
    print(f"  viewers whose last recap equals GET: {matches}/{len(got['last'])}; accepted results {len(accepted)}")
    complete = matches == len(got["last"]) > 0 and final["tps_reported"] == len(accepted)

    sizes = [size for _t, _c, size in got["sizes"]]
    print("\n## Size of a `recap` message on the wire (Socket.IO text frame, JSON)")
    if sizes:
        print(f"  {len(sizes)} messages measured: max {max(sizes)} B, mean {sum(sizes) / len(sizes):.0f} B")
    else:
        print("  none received")

    print("\n## Budgets (DESIGN §6)")
    checks = [
        (f"recap broadcasts per contest ≤ {MAX_BROADCASTS_PER_S}/s (max in any 1 s)", worst_rate, worst_rate <= 10),
        ("last recap at every viewer equals the final state", f"{matches}/{len(got['last'])}", complete),
        (f"recap message ≤ {MAX_MESSAGE_BYTES} B", max(sizes, default=0), bool(sizes) and max(sizes) <= 4096),
        (f"accepted results ≥ {MIN_ACCEPTED_PER_S}/s through the API", f"{rate:.0f}/s", rate >= MIN_ACCEPTED_PER_S),
    ]
    for label, value, ok in checks:
        print(f"  {label}: {value} → {'PASS' if ok else 'FAIL'}")
    if span > args.duration * 1.5:
        print(f"  note: the burst took {span:.2f} s, not {args.duration:g} s: the API was the limit")
    return 0 if all(ok for _l, _v, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
