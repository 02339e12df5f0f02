"""Presenter view change → follower receipt, on loopback (issue 5: ≤ 100 ms p95).

A real `python -m dashboard serve` (bench/_harness.py) with an operator who takes the presenter role over HTTP;
N followers are python-socketio clients holding a display token. Each round the presenter POSTs a new view
(/api/v1/view: a page with a distinct query, as a drill-down or a filter change does) and every follower records
when the `view` event carrying that address arrives. Latency = receipt − the moment the POST was sent (same clock).

    python bench/mirror_latency.py --followers 1,10,50 --changes 100
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._harness import ROOT, fmt_ms, pcts, running_server  # noqa: E402

PASSWORD = "bench-presenter-123"


class Follower:
    """A python-socketio client that records when each view address arrives."""

    def __init__(self) -> None:
        import socketio

        self.client = socketio.Client(reconnection=False)
        self.seen: dict[str, float] = {}
        self.client.on("view", self._on_view)

    def _on_view(self, state: dict) -> None:
        self.seen.setdefault(state["view"]["target"], time.time())

    def connect(self, url: str, token: str) -> None:
        """Connect over WebSocket with the display token."""
        self.client.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=20)


def presenter_session(url: str, data_dir: Path) -> requests.Session:
    """An operator user, logged in through the form, who has taken the presenter role."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "dashboard",
            "users",
            "add",
            "penyaji",
            "--role",
            "operator",
            "--data-dir",
            str(data_dir),
        ],
        input=PASSWORD,
        text=True,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    s = requests.Session()
    page = s.get(f"{url}/login", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    s.post(f"{url}/login", data={"username": "penyaji", "password": PASSWORD, "csrf_token": token}, timeout=10)
    s.post(f"{url}/api/v1/presenter", json={"action": "take"}, timeout=10).raise_for_status()
    return s


def run(followers: int, changes: int, pause: float) -> list[float]:
    """Latencies in ms of every (change, follower) pair."""
    with running_server() as server:
        session = presenter_session(server.url, server.data_dir)
        clients = [Follower() for _ in range(followers)]
        threads = [threading.Thread(target=c.connect, args=(server.url, server.display_token)) for c in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        sent: dict[str, float] = {}
        paths = ("/rekapitulasi", "/kejadian", "/")
        for i in range(changes):
            path = paths[i % len(paths)]
            search = f"?contest=pilbup-banyuasin&region=16.07.{i % 21 + 1:02d}&n={i}"
            sent[path + search] = time.time()
            session.post(f"{server.url}/api/v1/view", json={"path": path, "search": search}, timeout=10)
            time.sleep(pause)
        deadline = time.time() + 10
        while time.time() < deadline and any(len(c.seen) < changes for c in clients):
            time.sleep(0.05)
        lost = sum(changes - len([k for k in c.seen if k in sent]) for c in clients)
        for c in clients:
            c.client.disconnect()
        if lost:
            print(f"  {lost} receipts missing")
        return [(c.seen[k] - t0) * 1000 for c in clients for k, t0 in sent.items() if k in c.seen]


def main() -> None:
    """Measure for each number of followers and print p50/p95/p99."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", default="1,10,50", help="comma-separated numbers of followers")
    parser.add_argument("--changes", type=int, default=100, help="view changes per run")
    parser.add_argument("--pause", type=float, default=0.05, help="seconds between view changes")
    args = parser.parse_args()
    print("followers  changes      p50 ms      p95 ms      p99 ms")
    for n in (int(x) for x in args.followers.split(",")):
        lat = run(n, args.changes, args.pause)
        p50, p95, p99 = pcts(lat)
        print(f"{n:9d}  {args.changes:7d}  {fmt_ms(p50)}    {fmt_ms(p95)}    {fmt_ms(p99)}")


if __name__ == "__main__":
    main()
