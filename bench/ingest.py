"""Ingest budgets (DESIGN §6): accepted results a second through the HTTP API, durably, on SQLite and PostgreSQL
(≥ 500/s on SQLite), and the bulk CSV import of 820,000 rows (≥ 20,000 rows/s).

Run from the repository root with the venv active:

    python bench/ingest.py                       # both parts, API on SQLite and PostgreSQL
    python bench/ingest.py --only api --backends sqlite --results 3000
    python bench/ingest.py --only csv --rows 820000

API part, per backend: a fresh data folder (and, for PostgreSQL, a fresh schema on `--pg-url`), `init` of the
Banyuasin demo scenario and a reporter token through the command line, then a real `python -m dashboard serve
--no-simulator` on a free port of 127.0.0.1. `--procs` client processes × `--threads` threads (keep-alive HTTP
connections, `http.client`) post `--results` distinct results (both contests, every TPS once) as fast as they are
answered. It prints accepted results a second (201s over the wall clock of the burst), the POST round trips, the
server's CPU per result, and checks that the store holds exactly the acknowledged results (read after the server
is stopped). The clients share the machine's cores with the server.

CSV part: `bench/ingest_csv.py` (a synthetic scenario of `--rows / 5` TPS × 5 contests over Sumatera Selatan's
real desa codes, the import timed twice; see its docstring).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import multiprocessing as mp
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import psutil
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._harness import HOST, ROOT, SCENARIO, _cli, _stop, free_port, load_contest, make_result, pcts  # noqa: E402

BUDGET_API_PER_S = 500
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CONTESTS = ("pilbup-banyuasin", "pilgub-sumsel")


def _pg_schema(base: str) -> tuple[str, str]:
    """A fresh schema on the PostgreSQL server and the URL that uses it."""
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}", schema


def _drop_pg_schema(base: str, schema: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    engine.dispose()


def payloads(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """`count` counted results for distinct (contest, TPS) of the demo scenario, in a shuffled order."""
    rng = random.Random(seed)
    items = []
    for contest_id in CONTESTS:
        contest = load_contest(contest_id)
        items += [make_result(contest, code, rng) for code in sorted(contest.tps)]
    rng.shuffle(items)
    if count > len(items):
        raise SystemExit(f"the demo scenario has {len(items)} (contest, TPS) pairs; ask for at most that many")
    return items[:count]


def _client(url: str, token: str, bodies: list[bytes], threads: int, start_at: float, out: Any) -> None:
    """One client process: `threads` keep-alive connections posting its share of bodies; puts its records."""
    host, port = url.removeprefix("http://").split(":")
    records: list[tuple[int, float, float]] = []
    lock = threading.Lock()
    chunks = [bodies[i::threads] for i in range(threads)]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def work(chunk: list[bytes]) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        mine = []
        for body in chunk:
            sent = time.time()
            try:
                conn.request("POST", "/api/v1/tallies", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=60)
                status = -1
            mine.append((status, sent, time.time()))
        conn.close()
        with lock:
            records.extend(mine)

    time.sleep(max(0.0, start_at - time.time()))
    pool = [threading.Thread(target=work, args=(chunk,)) for chunk in chunks]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    out.put(records)


def _start_server(data_dir: Path, db_url: str | None) -> tuple[subprocess.Popen[bytes], str, Path]:
    port = free_port()
    log_path = data_dir / "server.log"
    args = [sys.executable, "-m", "dashboard", "serve", "--data-dir", str(data_dir), "--host", HOST]
    args += ["--port", str(port), "--no-simulator"] + (["--database-url", db_url] if db_url else [])
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            args, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    url = f"http://{HOST}:{port}"
    deadline = time.monotonic() + 120
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log_path.read_text()[-2000:]}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url + "/healthz", timeout=2).status_code == 200:
                return proc, url, log_path
        if time.monotonic() > deadline:
            _stop(proc)
            raise RuntimeError("server did not answer /healthz within 120 s")
        time.sleep(0.2)


def _stored(db_url: str) -> tuple[int, int, int]:
    """Result versions, distinct (contest, TPS) and `result.baru` audit rows in the store."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT count(*) FROM results")).scalar_one()
        distinct = conn.execute(text("SELECT count(*) FROM (SELECT DISTINCT contest_id, tps_code FROM results) d"))
        audits = conn.execute(text("SELECT count(*) FROM audit WHERE action = 'result.baru'")).scalar_one()
        result = (int(versions), int(distinct.scalar_one()), int(audits))
    engine.dispose()
    return result


def api_run(backend: str, args: argparse.Namespace) -> float:
    """One API measurement on a backend; returns accepted results a second."""
    data_dir = Path(tempfile.mkdtemp(prefix="desk-ingest-"))
    schema = None
    proc = None
    try:
        if backend == "postgresql":
            db_url, schema = _pg_schema(args.pg_url)
        else:
            db_url = f"sqlite:///{data_dir / 'desk.sqlite3'}"
        common = ["--data-dir", str(data_dir), "--database-url", db_url]
        _cli(["init", str(SCENARIO), *common], timeout=180)
        token = _cli(["tokens", "create", "bench-reporter", "--role", "reporter", *common], 60).strip().splitlines()[-1]
        proc, url, _log = _start_server(data_dir, db_url)
        server = psutil.Process(proc.pid)
        warm = payloads(args.results + 20)[args.results :]
        for body in warm:  # first requests pay for imports and caches: not measured
            requests.post(url + "/api/v1/tallies", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        bodies = [json.dumps(p).encode() for p in payloads(args.results)]
        cpu0 = sum(server.cpu_times()[:2])
        ctx = mp.get_context("spawn")
        out = ctx.Queue()
        start_at = time.time() + 2.0
        procs = [
            ctx.Process(target=_client, args=(url, token, bodies[i :: args.procs], args.threads, start_at, out))
            for i in range(args.procs)
        ]
        for p in procs:
            p.start()
        records: list[tuple[int, float, float]] = []
        for _ in procs:
            records += out.get(timeout=args.max_seconds)
        for p in procs:
            p.join(timeout=30)
        cpu = sum(server.cpu_times()[:2]) - cpu0
        _stop(proc)
        proc = None
        statuses: dict[int, int] = {}
        for status, _s, _e in records:
            statuses[status] = statuses.get(status, 0) + 1
        first = min(s for _st, s, _e in records)
        last = max(e for _st, _s, e in records)
        accepted = statuses.get(201, 0)
        rate = accepted / (last - first)
        rtt = [(e - s) * 1000 for _st, s, e in records]
        p50, p95, p99 = pcts(rtt)
        versions, distinct, audits = _stored(db_url)
        expected = accepted + len(warm)
        verdict = f"  budget ≥ {BUDGET_API_PER_S}/s: {'OK' if rate >= BUDGET_API_PER_S else 'MISSED'}"
        took = last - first
        print(f"API {backend:<10} {len(records):,} POSTs by {args.procs}×{args.threads} clients in {took:.2f} s: "
              f"{rate:,.0f} accepted/s{verdict if backend == 'sqlite' else ''}")  # fmt: skip
        per = cpu / max(accepted, 1) * 1000
        print(f"  statuses {dict(sorted(statuses.items()))}; round trip p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
              f"p99 {p99:.1f} ms; server CPU {cpu:.2f} s = {per:.2f} ms per result")  # fmt: skip
        ok = versions == distinct == audits == expected
        print(f"  stored after stop: {versions:,} versions, {distinct:,} TPS results, {audits:,} audit rows; "
              f"acknowledged {expected:,} (incl. {len(warm)} warm-up): {'OK' if ok else 'MISMATCH'}")  # fmt: skip
        return rate
    finally:
        if proc is not None:
            _stop(proc)
        if schema:
            _drop_pg_schema(args.pg_url, schema)
        shutil.rmtree(data_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Run the API part on each backend, then the CSV part."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["api", "csv"], help="one part only")
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma list: sqlite, postgresql")
    parser.add_argument("--pg-url", default=PG_URL, help="PostgreSQL database (a schema is created and dropped)")
    parser.add_argument("--results", type=int, default=4000, help="results posted per backend (≤ 5,100)")
    parser.add_argument("--procs", type=int, default=2, help="client processes")
    parser.add_argument("--threads", type=int, default=16, help="connections per client process")
    parser.add_argument("--max-seconds", type=float, default=600)
    parser.add_argument("--rows", type=int, default=820_000, help="CSV rows (CSV part)")
    args = parser.parse_args(argv)
    print(f"load average {', '.join(f'{x:.1f}' for x in psutil.getloadavg())} on {psutil.cpu_count()} CPUs")
    if args.only in (None, "api"):
        for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
            api_run(backend, args)
    if args.only in (None, "csv"):
        from bench import ingest_csv

        ingest_csv.main(["--rows", str(args.rows), "--per-row-rows", "0"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
