"""A real server in another process (`python -m dashboard serve --no-simulator`) on a data folder holding the demo
scenario, a viewer and a display token; and the command line run beside it, as an operator would in a second
shell."""

from __future__ import annotations

import csv
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from data_sources.accounts import create_token, set_user
from data_sources.domain.actors import SYSTEM
from data_sources.scenario import load_scenario
from data_sources.store import Store, default_database_url
from data_sources.summary import tps_dpt
from tests.conftest import DEMO, PASSWORD, ROOT
from tests.waiting import wait_for

START_SECONDS = 60.0


@dataclass(frozen=True)
class LiveServer:
    """Where the server listens, its data folder and a display token for the big screen."""

    url: str
    data_dir: Path
    display_token: str
    tps: list[str]  # the demo's TPS codes, sorted


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(data_dir: Path, port: int) -> subprocess.Popen:
    """`python -m dashboard serve --no-simulator` on a data folder, in a process group of its own (as in
    production), its output in `<data_dir>/server.log`; returns once it answers /healthz."""
    command = [sys.executable, "-m", "dashboard", "serve", "--no-simulator", "--port", str(port)]
    command += ["--host", "127.0.0.1", "--data-dir", str(data_dir)]
    with (data_dir / "server.log").open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )

    def healthy() -> bool:
        if process.poll() is not None:
            log_text = (data_dir / "server.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"server ended with {process.returncode}: {log_text}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                return answer.status == 200
        except OSError:
            return False

    if not wait_for(healthy, timeout=START_SECONDS, interval=0.1):
        stop(process)
        raise TimeoutError(f"the server on port {port} did not answer /healthz in {START_SECONDS:.0f} s")
    return process


def stop(process: subprocess.Popen) -> None:
    """End the server's process group: TERM, then KILL after 10 s."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextmanager
def live_server(data_dir: Path) -> Iterator[LiveServer]:
    """Prepare the data folder, serve it, and end the server afterwards."""
    data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(default_database_url(data_dir))
    store.create_schema()
    load_scenario(store, DEMO, SYSTEM)
    set_user(store, "viewer", "viewer", PASSWORD, "uji")
    secret, _info = create_token(store, "layar-uji", "display", "uji")
    codes = sorted(tps_dpt(store))
    store.dispose()
    port = free_port()
    process = serve(data_dir, port)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", data_dir, secret, codes)
    finally:
        stop(process)


def tallies_csv(path: Path, codes: list[str], votes: int = 5) -> Path:
    """A kecamatan sheet for `import tallies` (pilbup-banyuasin, 5 paslon): `votes` each, one invalid ballot."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["tps", "suara_1", "suara_2", "suara_3", "suara_4", "suara_5", "suara_tidak_sah"])
        for code in codes:
            writer.writerow([code, votes, votes, votes, votes, votes, 1])
    return path


def import_tallies(server: LiveServer, path: Path) -> subprocess.CompletedProcess:
    """`python -m dashboard import tallies FILE --contest pilbup-banyuasin` in another shell, on the same folder."""
    command = [sys.executable, "-m", "dashboard", "import", "tallies", str(path), "--contest", "pilbup-banyuasin"]
    command += ["--data-dir", str(server.data_dir)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
