"""Nothing lost: a real server process on SQLite and PostgreSQL, killed with SIGKILL mid-burst, restarted.

Every result the server acknowledged (2xx) is stored exactly once; the same result sent three times at once is
stored once; different results for one TPS sent at once end with one version and the others answered 409.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from data_sources.models import AuditEntry, Result
from data_sources.store import Store
from tests.conftest import DEMO, ROOT, Templates, _drop_schema
from tests.waiting import wait_for

HOST = "127.0.0.1"
CONTEST = "pilbup-banyuasin"


def _cli(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", *args], capture_output=True, text=True, cwd=ROOT, timeout=180
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass
class Live:
    """A `python -m dashboard serve` process on a data folder and database, with a reporter token."""

    data_dir: Path
    db_url: str
    token: str
    port: int = 0
    proc: subprocess.Popen | None = None

    def start(self) -> None:
        """Start the server on a fresh port and wait until /healthz answers."""
        self.port = _free_port()
        log = open(self.data_dir / f"server-{self.port}.log", "wb")  # noqa: SIM115 - kept open by the child
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dashboard", "serve", "--no-simulator", "--host", HOST, "--port", str(self.port),
             "--data-dir", str(self.data_dir), "--database-url", self.db_url],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        log.close()
        assert wait_for(self._healthy, timeout=90, interval=0.1), "the server did not answer /healthz within 90 s"

    def _healthy(self) -> bool:
        """Whether /healthz answers 200 (the process must still be running)."""
        assert self.proc is not None and self.proc.poll() is None, "the server exited while starting"
        with contextlib.suppress(OSError, http.client.HTTPException):
            return self.request("GET", "/healthz")[0] == 200
        return False

    def kill(self) -> None:
        """SIGKILL the server's process group (no shutdown of any kind) and reap it."""
        assert self.proc is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        """End the server if it still runs."""
        if self.proc is not None and self.proc.poll() is None:
            self.kill()

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None) -> tuple:
        """(status, JSON body) of one request on a new connection."""
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            sent = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json", **(headers or {})}
            conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=sent)
            response = conn.getresponse()
            data = response.read()
            return response.status, json.loads(data) if data else None
        finally:
            conn.close()

    def post(self, tally: dict, headers: dict | None = None) -> tuple:
        """POST a result to /api/v1/tallies."""
        return self.request("POST", "/api/v1/tallies", tally, headers)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def live(request, tmp_path: Path, templates: Templates) -> Iterator[Live]:
    """The demo scenario (a copy of the session's template, as `init` stores it) and a reporter token on a fresh
    SQLite file or PostgreSQL schema, served for real."""
    schema = None
    if request.param == "sqlite":
        db_url = templates.copy_sqlite("demo", tmp_path / "desk.sqlite3")
    else:
        db_url, schema = templates.copy_postgres("demo")
    data_dir = tmp_path / "data"
    common = ("--data-dir", str(data_dir), "--database-url", db_url)
    token = _cli("tokens", "create", "hp-uji", "--role", "reporter", *common).strip().splitlines()[-1]
    server = Live(data_dir, db_url, token)
    server.start()
    yield server
    server.stop()
    if schema:
        _drop_schema(schema)


def _tps_codes(count: int) -> list[str]:
    scenario = json.loads(DEMO.read_text(encoding="utf-8"))
    scope = next(c["scope"] for c in scenario["contests"] if c["id"] == CONTEST) + "."
    return [t["code"] for t in scenario["tps"] if t["code"].startswith(scope) and t["dpt"] >= 150][:count]


def _tally(tps: str, rng: random.Random) -> dict:
    """A counted result for a TPS with a DPT of at least 150: suara sah 100–119, tidak sah 0–4."""
    votes = [rng.randint(5, 20) for _ in range(4)]
    sah = rng.randint(100, 119)
    return {
        "contest": CONTEST,
        "tps": tps,
        "votes": {"1": sah - sum(votes), **{str(i + 2): v for i, v in enumerate(votes)}},
        "suara_tidak_sah": rng.randint(0, 4),
    }


def _versions(db_url: str) -> dict[tuple[str, str], list]:
    store = Store(db_url)
    try:
        with store.reader() as s:
            rows = s.execute(select(Result).order_by(Result.id)).scalars().all()
            audits = s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "result.baru"))
    finally:
        store.dispose()
    found: dict[tuple[str, str], list] = {}
    for row in rows:
        found.setdefault((row.contest_id, row.tps_code), []).append(row)
    assert audits == len(rows), "every stored version has its audit row"
    return found


def test_acknowledged_results_survive_kill_9_and_are_stored_once(live: Live) -> None:
    codes = _tps_codes(2000)
    rng = random.Random(9)
    tallies = {code: _tally(code, rng) for code in codes}
    acked: dict[str, dict] = {}
    lock = threading.Lock()
    errors: list[str] = []

    def sender(mine: list[str]) -> None:
        conn = http.client.HTTPConnection(HOST, live.port, timeout=10)
        headers = {"Authorization": f"Bearer {live.token}", "Content-Type": "application/json"}
        for code in mine:
            try:
                conn.request("POST", "/api/v1/tallies", body=json.dumps(tallies[code]), headers=headers)
                response = conn.getresponse()
                data = json.loads(response.read())
            except (OSError, http.client.HTTPException, ValueError):
                return  # the server is gone: this result may or may not have been stored
            if 200 <= response.status < 300:
                with lock:
                    acked[code] = data["result"]
            else:
                errors.append(f"{response.status} {data}")
        conn.close()

    threads = [threading.Thread(target=sender, args=(codes[i::8],)) for i in range(8)]
    for t in threads:
        t.start()
    wait_for(lambda: len(acked) >= 300, timeout=60, interval=0.01)  # mid-burst: well before the 2,000 are sent
    live.kill()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert 300 <= len(acked) < len(codes), "the kill came in the middle of the burst"

    stored = _versions(live.db_url)
    assert all(len(v) == 1 for v in stored.values()), "no result is stored twice"
    missing = sorted(set(acked) - {tps for _c, tps in stored})
    assert missing == [], f"acknowledged but lost: {missing[:5]}"
    for code, answer in acked.items():
        row = stored[(CONTEST, code)][0]
        assert row.id == answer["id"]
        assert {k: int(v) for k, v in row.votes.items()} == {k: int(v) for k, v in tallies[code]["votes"].items()}
        assert row.suara_tidak_sah == tallies[code]["suara_tidak_sah"]

    live.start()  # the restarted server knows them: sending them again stores nothing new
    again = [live.post(tallies[code])[0] for code in list(acked)[:50]]
    assert again == [200] * len(again)
    assert sum(len(v) for v in _versions(live.db_url).values()) == len(stored)


def _at_once(count: int, send) -> list:  # noqa: ANN001
    """Run `send(i)` in `count` threads released together; the answers in thread order."""
    barrier = threading.Barrier(count)
    answers: list = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        answers[i] = send(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return answers


def test_same_result_three_times_is_stored_once(live: Live) -> None:
    tps_a, tps_b = _tps_codes(2)
    tally = _tally(tps_a, random.Random(1))
    answers = _at_once(3, lambda _i: live.post(tally))
    assert sorted(status for status, _ in answers) == [200, 200, 201]
    assert len({body["result"]["id"] for _s, body in answers}) == 1
    keyed = _tally(tps_b, random.Random(2))
    answers = _at_once(3, lambda _i: live.post(keyed, {"Idempotency-Key": "hp-uji-7"}))
    assert sorted(status for status, _ in answers) == [200, 200, 201]
    stored = _versions(live.db_url)
    assert [len(stored[(CONTEST, tps)]) for tps in (tps_a, tps_b)] == [1, 1]


def test_different_results_for_one_tps_at_once_end_with_one_version(live: Live) -> None:
    (tps,) = _tps_codes(1)
    tallies = [{**_tally(tps, random.Random(100 + i)), "suara_tidak_sah": i} for i in range(6)]
    answers = _at_once(6, lambda i: live.post(tallies[i]))
    assert sorted(status for status, _ in answers) == [201, 409, 409, 409, 409, 409]
    winner = next(i for i, (status, _) in enumerate(answers) if status == 201)
    stored = _versions(live.db_url)[(CONTEST, tps)]
    assert len(stored) == 1 and stored[0].suara_tidak_sah == tallies[winner]["suara_tidak_sah"]
    for status, body in answers:
        if status == 409:
            assert body["result"]["id"] == stored[0].id and "koreksi" in body["message"]
