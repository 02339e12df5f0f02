"""A write by another process → `recap` at a viewer of the server (the change feed; DESIGN §10.1: ≤ 0.5 s).

A real `python -m dashboard serve` (bench/_harness.py) and one python-socketio viewer holding a display token. The
writer is NOT the server: this bench process opens the same SQLite file with its own Store, as `import tallies`
run in another shell or a second server does, and stores one result at a time (`submit_result`, committed when
it returns). Latency = the viewer's receipt of the first `recap` counting that result − the moment the writer's
commit returned (same clock). The server finds such writes by looking at the feed every POLL_SECONDS (0.2 s),
so the expected spread is 0–0.2 s plus the broadcast.

`--cli N` also times N runs of the real command (`python -m dashboard import tallies` of a one-row sheet) from the
command's exit to the receipt (negative: the screen had it before the command finished writing its report).

Server CPU while idle with the viewer connected (heartbeats and the 0.2 s look at the feed) is printed too.

    python bench/feed_latency.py --results 50 --cli 5
"""

from __future__ import annotations

import argparse
import csv
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._harness import ROOT, fmt_ms, load_contest, make_result, pcts, running_server  # noqa: E402
from data_sources.domain.actors import Actor  # noqa: E402
from data_sources.results import CREATED, submit_result  # noqa: E402
from data_sources.store import Store, default_database_url  # noqa: E402

CONTEST = "pilbup-banyuasin"
WRITER = Actor("bench-other-process", "operator")


class Viewer:
    """A python-socketio client noting when `recap` first reports each count of TPS."""

    def __init__(self) -> None:
        import socketio

        self.client = socketio.Client(reconnection=False)
        self.reached: dict[int, float] = {}
        self.lock = threading.Lock()
        self.client.on("recap", self._on_recap)

    def _on_recap(self, msg: dict) -> None:
        now = time.time()
        if msg.get("contest") != CONTEST:
            return
        with self.lock:
            self.reached.setdefault(int(msg["totals"]["tps_reported"]), now)

    def wait_for(self, count: int, timeout: float = 10.0) -> float | None:
        """When the first recap counting `count` TPS arrived (None after `timeout`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if count in self.reached:
                    return self.reached[count]
            time.sleep(0.002)
        return None


def _one_row_sheet(path: Path, result: dict) -> Path:
    nomor = sorted(result["votes"], key=int)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["tps", *(f"suara_{n}" for n in nomor), "suara_tidak_sah"])
        writer.writerow([result["tps"], *(result["votes"][n] for n in nomor), result["suara_tidak_sah"]])
    return path


def main() -> int:
    """Run the measurement and print the report."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", type=int, default=50, help="results stored by the other process")
    parser.add_argument("--interval", type=float, default=0.3, help="seconds between two of them")
    parser.add_argument("--cli", type=int, default=3, help="runs of `import tallies` (one row each)")
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle CPU measurement")
    args = parser.parse_args()
    contest = load_contest(CONTEST)
    rng = random.Random(11)
    codes = rng.sample(sorted(contest.tps), args.results + args.cli)
    with running_server() as server:
        viewer = Viewer()
        viewer.client.connect(server.url, auth={"token": server.display_token}, transports=["websocket"])
        cpu0, t0 = server.cpu_seconds(), time.monotonic()
        time.sleep(args.idle)
        idle_cores = (server.cpu_seconds() - cpu0) / (time.monotonic() - t0)
        store = Store(default_database_url(server.data_dir))
        delays, missing = [], 0
        for i, code in enumerate(codes[: args.results], start=1):
            outcome = submit_result(store, make_result(contest, code, rng), WRITER, "bench")
            committed = time.time()
            assert outcome.status == CREATED, outcome.errors
            arrived = viewer.wait_for(i)
            if arrived is None:
                missing += 1
            else:
                delays.append(arrived - committed)
            time.sleep(args.interval * rng.uniform(0.5, 1.5))
        store.dispose()
        cli_delays = []
        for j, code in enumerate(codes[args.results :], start=args.results + 1):
            sheet = _one_row_sheet(server.data_dir / f"sheet{j}.csv", make_result(contest, code, rng))
            command = [sys.executable, "-m", "dashboard", "import", "tallies", str(sheet), "--contest", CONTEST]
            subprocess.run([*command, "--data-dir", str(server.data_dir)], cwd=ROOT, check=True, capture_output=True)
            ended = time.time()
            arrived = viewer.wait_for(j)
            cli_delays.append(arrived - ended if arrived is not None else float("nan"))
        viewer.client.disconnect()
    p50, p95, p99 = pcts(delays)
    print(f"## Another process stores a result → `recap` at a viewer ({len(delays)} results, {missing} missing)")
    print(
        f"p50 {fmt_ms(p50 * 1000)} ms, p95 {fmt_ms(p95 * 1000)} ms, p99 {fmt_ms(p99 * 1000)} ms, "
        f"max {fmt_ms(max(delays) * 1000)} ms   (budget ≤ 500 ms: {'PASS' if p95 <= 0.5 else 'MISSED'})"
    )
    if cli_delays:
        shown = ", ".join(f"{d * 1000:.0f}" for d in cli_delays)
        print(f"`import tallies` (one row) exit → `recap`: {shown} ms")
    print(f"server CPU while idle with a viewer: {idle_cores * 100:.2f} % of a core")
    return 0 if not missing else 1


if __name__ == "__main__":
    sys.exit(main())
