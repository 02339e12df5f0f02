"""Shared benchmark machinery: a real server in a subprocess, viewer processes, results to submit, statistics.

Everything stays on 127.0.0.1, every wait has a deadline, and every subprocess is ended on the way out.
"""

from __future__ import annotations

import base64
import contextlib
import json
import math
import multiprocessing as mp
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "data_sources" / "demo" / "banyuasin_demo.json"
HOST = "127.0.0.1"
VIEWER_PROCESSES = 4


# --------------------------------------------------------------------------------------------- scenario & results


@dataclass(frozen=True)
class Contest:
    """A contest of the demo scenario: its id, the paslon numbers and the TPS (code → DPT) in its scope."""

    id: str
    nomor: tuple[int, ...]
    tps: dict[str, int]


def load_contest(contest_id: str, scenario: Path = SCENARIO) -> Contest:
    """Read one contest and the DPT of every TPS in its scope from the scenario file."""
    data = json.loads(scenario.read_text(encoding="utf-8"))
    spec = next(c for c in data["contests"] if c["id"] == contest_id)
    prefix = spec["scope"] + "."
    tps = {t["code"]: int(t["dpt"]) for t in data["tps"] if t["code"].startswith(prefix)}
    return Contest(contest_id, tuple(int(p["nomor"]) for p in spec["paslon"]), tps)


def make_result(contest: Contest, tps: str, rng: random.Random) -> dict[str, Any]:
    """A plausible, counted (not held, not janggal) result for one TPS: ballots well under DPT + 2.5 %."""
    dpt = contest.tps[tps]
    voters = int(dpt * rng.uniform(0.55, 0.85))
    tidak_sah = rng.randint(0, max(1, voters // 50))
    sah = max(0, voters - tidak_sah)
    weights = [rng.uniform(0.5, 1.5) for _ in contest.nomor]
    scale = sah / sum(weights)
    votes = [int(w * scale) for w in weights]
    votes[0] += sah - sum(votes)
    return {
        "contest": contest.id,
        "tps": tps,
        "votes": {str(n): v for n, v in zip(contest.nomor, votes, strict=True)},
        "suara_tidak_sah": tidak_sah,
    }


# -------------------------------------------------------------------------------------------------- statistics


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def pcts(values: Sequence[float]) -> tuple[float, float, float]:
    """p50, p95 and p99 of the values."""
    return percentile(values, 50), percentile(values, 95), percentile(values, 99)


def iso_seconds(value: Any) -> float:
    """An ISO 8601 time with zone as seconds since the epoch (time.time()'s clock); NaN when absent or invalid."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(str(value)).timestamp()
    except ValueError:
        return math.nan


def fmt_ms(value: float) -> str:
    """Milliseconds with one decimal, or 'n/a'."""
    return "n/a" if math.isnan(value) else f"{value:8.1f}"


# ------------------------------------------------------------------------------------------------------ server


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _cli(args: list[str], timeout: float) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "dashboard", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"`python -m dashboard {' '.join(args)}` failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return proc.stdout


@dataclass
class Server:
    """A running `python -m dashboard serve` with its tokens, URL and data folder."""

    url: str
    reporter_token: str
    display_token: str
    data_dir: Path
    proc: subprocess.Popen[bytes]
    log_path: Path
    started_in: float = 0.0
    relays: list[subprocess.Popen[bytes]] = field(default_factory=list)  # more processes sharing the fan-out
    relay_urls: list[str] = field(default_factory=list)

    @property
    def viewer_urls(self) -> list[str]:
        """Where viewers connect: the first process and every relay (spread evenly)."""
        return [self.url, *self.relay_urls]

    def _processes(self) -> list[psutil.Process]:
        out: list[psutil.Process] = []
        for proc in [self.proc, *self.relays]:
            with contextlib.suppress(psutil.Error):
                root = psutil.Process(proc.pid)
                out += [root, *root.children(recursive=True)]
        return out

    def cpu_seconds(self) -> float:
        """User + system CPU time so far of the server process and all its children ."""
        total = 0.0
        for p in self._processes():
            with contextlib.suppress(psutil.Error):
                t = p.cpu_times()
                total += t.user + t.system
        return total

    def thread_count(self) -> int:
        """Operating-system threads of the server process tree (gevent serves connections as greenlets)."""
        total = 0
        for p in self._processes():
            with contextlib.suppress(psutil.Error):
                total += p.num_threads()
        return total

    def open_connections(self) -> int:
        """Established TCP connections held by the server's processes (WebSockets and HTTP keep-alives)."""
        total = 0
        for p in self._processes():
            with contextlib.suppress(psutil.Error):
                total += sum(1 for c in p.net_connections(kind="tcp") if c.status == psutil.CONN_ESTABLISHED)
        return total

    def worker_pid(self) -> int | None:
        """The pid of the process that serves requests (the gevent server itself), for py-spy."""
        return self.proc.pid if self.proc.poll() is None else None

    def log_tail(self, chars: int = 3000) -> str:
        """The end of the server's combined stdout/stderr."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""

    def bearer(self, token: str) -> dict[str, str]:
        """An Authorization header for a token."""
        return {"Authorization": f"Bearer {token}"}


def _stop(proc: subprocess.Popen[bytes], grace: float = 8.0) -> None:
    """End the server's process group (it was started in its own session): TERM, then KILL after `grace` s."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)


def _serve(data_dir: Path, port: int, log_path: Path, message_queue: str | None) -> subprocess.Popen[bytes]:
    """Start `python -m dashboard serve --demo --no-simulator` in its own session, output into `log_path`."""
    args = [sys.executable, "-m", "dashboard", "serve", "--data-dir", str(data_dir), "--host", HOST]
    args += ["--port", str(port), "--demo", "--no-simulator"]
    if message_queue:
        args += ["--message-queue", message_queue]
    with open(log_path, "wb") as log:
        return subprocess.Popen(
            args, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )


def _wait_healthy(proc: subprocess.Popen[bytes], url: str, log_path: Path, deadline: float) -> None:
    while True:
        if proc.poll() is not None:
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
            raise RuntimeError(f"server exited with {proc.returncode} before answering:\n{tail}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url + "/healthz", timeout=2).status_code == 200:
                return
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"{url} did not answer /healthz in time:\n{log_path.read_text(errors='replace')[-3000:]}"
            )
        time.sleep(0.2)


@contextlib.contextmanager
def running_server(
    start_timeout: float = 120.0, keep_dir: bool = False, relays: int = 0, message_queue: str | None = None
) -> Iterator[Server]:
    """Fresh data folder, demo scenario, a reporter and a display token, then `serve --demo --no-simulator`.

    With `relays` > 0, that many more server processes on the same data share the Socket.IO fan-out through
    the message queue (Redis): results are posted to the first, viewers are spread over all of them.
    """
    if relays and not message_queue:
        raise ValueError("relays need a message queue")
    data_dir = Path(tempfile.mkdtemp(prefix="desk-bench-"))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        _cli(["init", str(SCENARIO), "--data-dir", str(data_dir)], timeout=120)
        reporter = _cli(["tokens", "create", "bench-reporter", "--role", "reporter", "--data-dir", str(data_dir)], 60)
        display = _cli(["tokens", "create", "bench-viewer", "--role", "display", "--data-dir", str(data_dir)], 60)
        started = time.monotonic()
        ports = [free_port() for _ in range(1 + relays)]
        logs = [data_dir / f"server{i or ''}.log" for i in range(1 + relays)]
        for i, (port, log_path) in enumerate(zip(ports, logs, strict=True)):
            procs.append(_serve(data_dir, port, log_path, message_queue))
            _wait_healthy(procs[i], f"http://{HOST}:{port}", log_path, started + start_timeout)
        server = Server(
            url=f"http://{HOST}:{ports[0]}",
            reporter_token=reporter.strip().splitlines()[-1].strip(),
            display_token=display.strip().splitlines()[-1].strip(),
            data_dir=data_dir,
            proc=procs[0],
            log_path=logs[0],
            relays=procs[1:],
            relay_urls=[f"http://{HOST}:{p}" for p in ports[1:]],
        )
        server.started_in = time.monotonic() - started
        # Warm up: the first recap request builds the engines from the store.
        for url in server.viewer_urls:
            requests.get(
                url + "/api/v1/recap/pilbup-banyuasin", headers=server.bearer(server.display_token), timeout=60
            ).raise_for_status()
        yield server
    finally:
        for proc in procs:
            _stop(proc)
        if not keep_dir:
            shutil.rmtree(data_dir, ignore_errors=True)


# ----------------------------------------------------------------------------------------------------- viewers


def _wire_bytes(event: str, data: Any) -> int:
    """Bytes of the Engine.IO/Socket.IO text message for this event, encoded as python-socketio encodes it."""
    from socketio import packet

    return len(("4" + packet.Packet(packet.EVENT, data=[event, data]).encode()).encode("utf-8"))


class _Recorder:
    """What one viewer received: (receipt time, contest, seq, tps_reported, built at) of every `recap`, the last of
    each. `built at` is the message's `as_of` (when the server built it), as time.time(); NaN when absent."""

    def __init__(self, keep_sizes: bool) -> None:
        self.records: list[tuple[float, str, int, int, float]] = []
        self.last: dict[str, dict[str, Any]] = {}
        self.sizes: list[tuple[float, str, int]] = []
        self.high: dict[str, int] = {}
        self.keep_sizes = keep_sizes
        self.connected = False
        self.disconnected = False
        self.error = ""

    def recap(self, now: float, msg: dict[str, Any], size: int | None = None) -> None:
        """Record one `recap` message received at `now` (time.time())."""
        contest = str(msg.get("contest"))
        reported = int(msg.get("totals", {}).get("tps_reported", -1))
        self.records.append((now, contest, int(msg.get("seq", -1)), reported, iso_seconds(msg.get("as_of"))))
        self.last[contest] = msg
        self.high[contest] = max(self.high.get(contest, -1), reported)
        if self.keep_sizes:
            self.sizes.append((now, contest, size if size is not None else _wire_bytes("recap", msg)))

    def final_messages(self) -> dict[str, dict[str, Any]]:
        """The last `recap` of each contest."""
        return self.last

    def seen(self, contest: str) -> int:
        """The highest tps_reported received for a contest."""
        return self.high.get(contest, -1)


class _SioViewer(_Recorder):
    """A python-socketio client (threads; UTF-8 validation skipped: a browser does it natively)."""

    def __init__(self, keep_sizes: bool) -> None:
        super().__init__(keep_sizes)
        import socketio

        self.client = socketio.Client(reconnection=False, websocket_extra_options={"skip_utf8_validation": True})
        self.client.on("recap", self._on_recap)
        self.client.on("disconnect", self._on_disconnect)

    def _on_recap(self, msg: dict[str, Any]) -> None:
        self.recap(time.time(), msg)

    def _on_disconnect(self, *_args: Any) -> None:
        self.disconnected = True

    def connect(self, url: str, token: str) -> None:
        """Connect over WebSocket with the display token; errors are kept, not raised."""
        try:
            self.client.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=20)
            self.connected = self.client.connected
        except Exception as exc:
            self.error = f"{type(exc).__name__}: {exc}"

    def close(self) -> None:
        """Disconnect."""
        with contextlib.suppress(Exception):
            self.client.disconnect()


class _SocketViewer(_Recorder, ABC):
    """A viewer on a non-blocking socket driven by its process's selector loop: what both hand-written clients
    share (reading, end of connection); each parses the bytes in `_received`."""

    sock: socket.socket

    def fileno(self) -> int:
        """The socket's descriptor, for the selector."""
        return self.sock.fileno()

    def readable(self) -> bool:
        """Consume what arrived; False once the connection is gone."""
        try:
            data = self.sock.recv(262144)
        except BlockingIOError:
            return True
        except OSError as exc:
            self.error, self.disconnected = str(exc), True
            return False
        if not data:
            self.disconnected = True
            return False
        return self._received(data)

    @abstractmethod
    def _received(self, data: bytes) -> bool:
        """Parse bytes that arrived; False when they end the connection."""


class _LightViewer(_SocketViewer):
    """A minimal Engine.IO 4 / Socket.IO 5 WebSocket client (wsproto) driven by its process's one selector loop."""

    def __init__(self, host: str, port: int, token: str, keep_sizes: bool) -> None:
        super().__init__(keep_sizes)
        from wsproto import ConnectionType, WSConnection
        from wsproto.events import Request

        self.token = token
        self.ws = WSConnection(ConnectionType.CLIENT)
        self.sock = socket.create_connection((host, port), timeout=20)
        self.sock.sendall(self.ws.send(Request(host=f"{host}:{port}", target="/socket.io/?EIO=4&transport=websocket")))
        self.sock.setblocking(False)
        self._parts: list[str] = []

    def _send(self, text: str) -> None:
        from wsproto.events import Message

        self.sock.setblocking(True)
        try:
            self.sock.sendall(self.ws.send(Message(data=text)))
        finally:
            self.sock.setblocking(False)

    def _received(self, data: bytes) -> bool:
        """Feed the bytes to wsproto and handle its events."""
        from wsproto.events import AcceptConnection, CloseConnection, Ping, RejectConnection, TextMessage

        self.ws.receive_data(data)
        for event in self.ws.events():
            if isinstance(event, TextMessage):
                self._parts.append(event.data)
                if event.message_finished:
                    text, self._parts = "".join(self._parts), []
                    self._packet(text)
            elif isinstance(event, Ping):
                self.sock.sendall(self.ws.send(event.response()))
            elif isinstance(event, AcceptConnection):
                pass
            elif isinstance(event, (RejectConnection, CloseConnection)):
                self.error = self.error or type(event).__name__
                self.disconnected = True
                return False
        return True

    def _packet(self, text: str) -> None:
        if text.startswith("42"):
            now = time.time()  # the receipt moment, before parsing
            event, payload = json.loads(text[2:])[:2]
            if event == "recap":
                self.recap(now, payload, len(text.encode("utf-8")))
        elif text == "2":  # Engine.IO ping
            self._send("3")
        elif text.startswith("0"):  # Engine.IO open: join the default namespace with the token
            self._send("40" + json.dumps({"token": self.token}))
        elif text.startswith("40"):
            self.connected = True
        elif text.startswith("44") or text.startswith("41") or text.startswith("1"):
            self.error = self.error or f"refused or closed: {text[:80]}"
            self.disconnected = True

    def close(self) -> None:
        """Leave the namespace and close the socket."""
        with contextlib.suppress(Exception):
            self._send("41")
        with contextlib.suppress(OSError):
            self.sock.close()


class _RawViewer(_SocketViewer):
    """The cheapest honest viewer: RFC 6455 frames parsed by hand (server frames are unmasked), Engine.IO/Socket.IO
    handled as in _LightViewer, and of each `recap` only the few fields the benchmark needs read at receipt (a
    browser parses JSON natively; here the viewers share the server's 2 cores, so their cost is kept small).
    The full JSON of the last message of each contest is parsed after the measurement."""

    _FIELDS = {
        "contest": re.compile(r'"contest":\s*"([^"]*)"'),
        "as_of": re.compile(r'"as_of":\s*"([^"]*)"'),
        "tps_reported": re.compile(r'"tps_reported":\s*(\d+)'),
        "seq": re.compile(r'"seq":\s*(\d+)'),
    }

    def __init__(self, host: str, port: int, token: str, keep_sizes: bool) -> None:
        super().__init__(keep_sizes)
        self.token = token
        self.sock = socket.create_connection((host, port), timeout=20)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {host}:{port}\r\n"
                f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        self.sock.setblocking(False)
        self._buf = bytearray()
        self._upgraded = False
        self._parts: list[bytes] = []
        self._last_text: dict[str, str] = {}

    def _send_frame(self, payload: bytes, opcode: int = 1) -> None:
        mask = os.urandom(4)
        n = len(payload)
        if n < 126:
            head = bytes([0x80 | opcode, 0x80 | n])
        elif n < 65536:
            head = bytes([0x80 | opcode, 0x80 | 126]) + n.to_bytes(2, "big")
        else:
            head = bytes([0x80 | opcode, 0x80 | 127]) + n.to_bytes(8, "big")
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.setblocking(True)
        try:
            self.sock.sendall(head + mask + masked)
        finally:
            self.sock.setblocking(False)

    def _send(self, text: str) -> None:
        self._send_frame(text.encode("utf-8"))

    def _received(self, data: bytes) -> bool:
        """Parse the HTTP upgrade answer, then RFC 6455 frames."""
        buf = self._buf
        buf += data
        if not self._upgraded:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return True
            if b" 101 " not in bytes(buf[: buf.find(b"\r\n")]):
                self.error, self.disconnected = bytes(buf[:80]).decode("latin-1"), True
                return False
            del buf[: end + 4]
            self._upgraded = True
        while len(buf) >= 2:
            b0, b1 = buf[0], buf[1]
            n, pos = b1 & 0x7F, 2
            if n == 126:
                if len(buf) < 4:
                    break
                n, pos = int.from_bytes(buf[2:4], "big"), 4
            elif n == 127:
                if len(buf) < 10:
                    break
                n, pos = int.from_bytes(buf[2:10], "big"), 10
            if len(buf) < pos + n:
                break
            payload = bytes(buf[pos : pos + n])
            del buf[: pos + n]
            if not self._frame(b0 & 0x0F, bool(b0 & 0x80), payload):
                return False
        return True

    def _frame(self, opcode: int, fin: bool, payload: bytes) -> bool:
        if opcode in (0, 1):
            self._parts.append(payload)
            if fin:
                data, self._parts = b"".join(self._parts), []
                self._packet(data)
        elif opcode == 9:  # ping → pong
            self._send_frame(payload, 10)
        elif opcode == 8:
            self.error = self.error or "closed"
            self.disconnected = True
            return False
        return True

    def _packet(self, data: bytes) -> None:
        if data.startswith(b'42["recap"'):
            now = time.time()  # the receipt moment, before anything is read
            text = data.decode("utf-8")
            head = text[:1500]
            contest = self._FIELDS["contest"].search(head)
            as_of = self._FIELDS["as_of"].search(head)
            reported = self._FIELDS["tps_reported"].search(head)
            seq = self._FIELDS["seq"].findall(text)
            c = contest.group(1) if contest else "?"
            n = int(reported.group(1)) if reported else -1
            self.records.append((now, c, int(seq[-1]) if seq else -1, n, iso_seconds(as_of.group(1) if as_of else "")))
            self.high[c] = max(self.high.get(c, -1), n)
            self._last_text[c] = text
            if self.keep_sizes:
                self.sizes.append((now, c, len(data)))
        elif data == b"2":  # Engine.IO ping
            self._send("3")
        elif data.startswith(b"0"):  # Engine.IO open: join the default namespace with the token
            self._send("40" + json.dumps({"token": self.token}))
        elif data.startswith(b"40"):
            self.connected = True
        elif data.startswith((b"44", b"41", b"1")):
            self.error = self.error or f"refused or closed: {data[:80]!r}"
            self.disconnected = True

    def final_messages(self) -> dict[str, dict[str, Any]]:
        """The last `recap` of each contest, parsed in full."""
        return {c: json.loads(t[2:])[1] for c, t in self._last_text.items()}

    def close(self) -> None:
        """Leave the namespace and close the socket."""
        with contextlib.suppress(Exception):
            self._send("41")
        with contextlib.suppress(OSError):
            self.sock.close()


def _report(viewers: list[_Recorder]) -> dict[str, Any]:
    return {
        "records": [v.records for v in viewers],
        "last": [v.final_messages() for v in viewers],
        "sizes": [s for v in viewers for s in v.sizes],
        "disconnected": sum(v.disconnected for v in viewers),
    }


def _command(viewers: list[_Recorder], conn: Any, command: str, args: Any, pump: Any) -> bool:
    """Carry out one command from the parent, keeping the clients served through `pump(seconds)`; False: stop."""
    if command == "collect":
        contest, expected, wait = args
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if all(v.seen(contest) >= expected or v.disconnected for v in viewers):
                break
            pump(0.02)
        conn.send(("records", _report(viewers)))
    elif command == "reset":
        for v in viewers:
            v.records, v.sizes = [], []
        conn.send(("reset", None))
    elif command == "stop":
        return False
    return True


def viewer_worker(url: str, token: str, count: int, keep_sizes: bool, conn: Any, kind: str = "socketio") -> None:
    """Body of one viewer process: connect `count` clients, then obey 'collect', 'reset' and 'stop' commands."""
    if kind in ("light", "raw"):
        _light_worker(url, token, count, keep_sizes, conn, _RawViewer if kind == "raw" else _LightViewer)
        return
    viewers = [_SioViewer(keep_sizes=keep_sizes and i == 0) for i in range(count)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda v: v.connect(url, token), viewers))
    connected: list[_Recorder] = [v for v in viewers if v.connected]
    conn.send(("ready", len(connected), [v.error for v in viewers if v.error][:5]))
    try:
        while conn.poll(600):
            command, args = conn.recv()
            if not _command(connected, conn, command, args, time.sleep):
                break
    finally:
        for v in viewers:
            v.close()
        conn.close()


def _light_worker(url: str, token: str, count: int, keep_sizes: bool, conn: Any, cls: Any = None) -> None:
    """The light viewers of one process: one thread, one selector over every socket and the parent's pipe."""
    import selectors
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host, port = parts.hostname or HOST, parts.port or 80
    sel = selectors.DefaultSelector()
    cls = cls or _LightViewer
    viewers: list[Any] = []
    errors: list[str] = []

    def pump(seconds: float) -> None:
        for key, _mask in sel.select(timeout=seconds):
            viewer = key.data
            if viewer is not None and not viewer.readable():
                sel.unregister(key.fileobj)

    for i in range(count):
        try:
            viewer = cls(host, port, token, keep_sizes and i == 0)
        except OSError as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
            continue
        viewers.append(viewer)
        sel.register(viewer, selectors.EVENT_READ, viewer)
        pump(0)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not all(v.connected or v.disconnected for v in viewers):
        pump(0.05)
    connected: list[_Recorder] = [v for v in viewers if v.connected and not v.disconnected]
    errors += [v.error or "no Socket.IO connect" for v in viewers if not v.connected or v.disconnected]
    conn.send(("ready", len(connected), errors[:5]))
    sel.register(conn, selectors.EVENT_READ, None)
    try:
        running = True
        while running:
            for key, _mask in sel.select(timeout=600):
                viewer = key.data
                if viewer is None:
                    command, args = conn.recv()
                    running = _command(connected, conn, command, args, pump)
                    if not running:
                        break
                elif not viewer.readable():
                    sel.unregister(key.fileobj)
    finally:
        for v in viewers:
            v.close()
        sel.close()
        conn.close()


@dataclass
class ViewerPool:
    """N viewers spread over a few processes; collects what each received."""

    url: str | list[str]
    token: str
    total: int
    kind: str = "socketio"
    processes: int = VIEWER_PROCESSES
    keep_sizes: bool = False
    connect_timeout: float = 300.0
    connected: int = 0
    errors: list[str] = field(default_factory=list)
    _procs: list[Any] = field(default_factory=list)
    _conns: list[Any] = field(default_factory=list)

    def start(self) -> None:
        """Start the processes and wait (bounded) until every client has tried to connect."""
        ctx = mp.get_context("spawn")
        nproc = max(1, min(self.processes, self.total))
        shares = [self.total // nproc + (1 if i < self.total % nproc else 0) for i in range(nproc)]
        urls = [self.url] if isinstance(self.url, str) else self.url
        for i, share in enumerate(shares):
            parent, child = ctx.Pipe()
            proc = ctx.Process(
                target=viewer_worker,
                args=(urls[i % len(urls)], self.token, share, self.keep_sizes, child, self.kind),
                daemon=True,
            )
            proc.start()
            child.close()
            self._procs.append(proc)
            self._conns.append(parent)
        deadline = time.monotonic() + self.connect_timeout
        for proc, conn in zip(self._procs, self._conns, strict=True):
            reply = None
            while reply is None and time.monotonic() < deadline:
                if conn.poll(0.5):
                    reply = conn.recv()
                elif not proc.is_alive():
                    raise RuntimeError(f"a viewer process exited with {proc.exitcode} before connecting")
            if reply is None:
                raise RuntimeError(f"viewers did not finish connecting within {self.connect_timeout:.0f} s")
            _tag, n, errors = reply
            self.connected += n
            self.errors += errors

    def cpu_seconds(self) -> float:
        """User + system CPU time so far of the viewer processes (they share the machine with the server)."""
        total = 0.0
        for proc in self._procs:
            with contextlib.suppress(psutil.Error, ValueError):
                t = psutil.Process(proc.pid).cpu_times()
                total += t.user + t.system
        return total

    @staticmethod
    def _recv(conn: Any, deadline: float) -> Any:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not conn.poll(remaining):
            return None
        try:
            return conn.recv()
        except EOFError:
            return None

    def collect(self, contest: str, expected: int, wait: float) -> dict[str, Any]:
        """Wait (≤ wait s) until every viewer saw `expected` TPS reported for the contest; return what they got."""
        for conn in self._conns:
            conn.send(("collect", (contest, expected, wait)))
        merged: dict[str, Any] = {"records": [], "last": [], "sizes": [], "disconnected": 0}
        deadline = time.monotonic() + wait + 60
        for conn in self._conns:
            reply = self._recv(conn, deadline)
            if reply is None:
                raise RuntimeError("a viewer process did not send its records in time")
            data = reply[1]
            merged["records"] += data["records"]
            merged["last"] += data["last"]
            merged["sizes"] += data["sizes"]
            merged["disconnected"] += data["disconnected"]
        return merged

    def reset(self) -> None:
        """Forget what was received so far."""
        for conn in self._conns:
            conn.send(("reset", None))
        deadline = time.monotonic() + 30
        for conn in self._conns:
            self._recv(conn, deadline)

    def stop(self) -> None:
        """Ask every process to disconnect its clients; end the ones that do not exit in time."""
        for conn in self._conns:
            with contextlib.suppress(OSError, BrokenPipeError):
                conn.send(("stop", None))
        deadline = time.monotonic() + 20
        for proc in self._procs:
            proc.join(timeout=max(0.1, deadline - time.monotonic()))
        for proc in self._procs:
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=5)


@contextlib.contextmanager
def viewers(
    server: Server, total: int, kind: str = "socketio", keep_sizes: bool = False, connect_timeout: float = 300.0
) -> Iterator[ViewerPool]:
    """Connected viewers (`socketio` or `light` clients) for the duration of the block; always stopped afterwards."""
    pool = ViewerPool(
        server.viewer_urls,
        server.display_token,
        total,
        kind=kind,
        keep_sizes=keep_sizes,
        connect_timeout=connect_timeout,
    )
    try:
        pool.start()
        yield pool
    finally:
        pool.stop()


# ----------------------------------------------------------------------------------------------------- sampling


def start_profile(server: Server, seconds: float, out: Path) -> subprocess.Popen[bytes] | None:
    """Record the server process with py-spy for `seconds` into `out` (collapsed stacks); None without py-spy."""
    exe = shutil.which("py-spy")
    pid = server.worker_pid()
    if exe is None or pid is None:
        print("    (py-spy not on PATH or no worker pid: no profile)", flush=True)
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [
            exe,
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(int(seconds) + 1),
            "--format",
            "raw",
            "--output",
            str(out),
            "--rate",
            "200",
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


class CpuSampler:
    """Samples the server's CPU use in the background (a profile of load over time, for the report)."""

    def __init__(self, server: Server, every: float = 0.5) -> None:
        self.server = server
        self.every = every
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.monotonic(), self.server.cpu_seconds()))
            self._stop.wait(self.every)

    def __enter__(self) -> CpuSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def peak_cores(self) -> float:
        """The highest CPU use seen over one sampling interval, in cores."""
        best = 0.0
        for (t0, c0), (t1, c1) in zip(self.samples, self.samples[1:], strict=False):
            if t1 > t0:
                best = max(best, (c1 - c0) / (t1 - t0))
        return best
