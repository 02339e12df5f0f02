"""Realtime hub: authenticated Socket.IO connections and coalesced, sequenced broadcasts.

Writers call `notify(kind, data)`; a background task folds bursts into at most a few broadcasts a second,
each carrying a sequence number, and every emit goes through `publish()`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from flask_socketio import SocketIO

from dashboard.fmt import fmt_wib, now_utc

log = logging.getLogger(__name__)
COALESCE_SECONDS = 0.1  # at most 10 broadcasts a second per contest
HEARTBEAT_SECONDS = 2.0


class Hub:
    """Coalesces change notices and publishes `recap`, `incident` and `logistics` events."""

    def __init__(
        self,
        socketio: SocketIO,
        snapshot: Callable[[str], list[tuple[str, dict[str, Any]]]],
        background: bool = True,
    ) -> None:
        self.socketio = socketio
        self._snapshot = snapshot  # kind → the messages describing the current state of that kind
        self._lock = threading.Lock()
        self._dirty: set[str] = set()
        self._last_sent: dict[str, float] = {}
        self._wake = threading.Event()
        self._seq = 0
        self._started = not background  # without background, flush() is called by the owner
        self._stopped = False
        self.last_published: dict[str, dict[str, Any]] = {}

    @property
    def seq(self) -> int:
        """The sequence number of the last message sent."""
        return self._seq

    def ensure_started(self) -> None:
        """Start the broadcasting task (once; not when the owner flushes by hand)."""
        with self._lock:
            if self._started:
                return
            self._started = True
        self.socketio.start_background_task(self._run)

    def notify(self, kind: str) -> None:
        """Something of this kind changed: a broadcast follows within COALESCE_SECONDS."""
        with self._lock:
            self._dirty.add(kind)
        self.ensure_started()
        self._wake.set()

    def heartbeat(self) -> None:
        """Tell every viewer the server is alive and which sequence number it is at (not a new message)."""
        beat = now_utc()  # the exact moment: identical payloads would be dropped by Dash as "no change"
        self.socketio.emit("heartbeat", {"seq": self._seq, "sent_at": fmt_wib(beat), "at": beat.isoformat()})

    def publish(self, event: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Send one event to every connected viewer, stamped with the next sequence number."""
        with self._lock:
            self._seq += 1
            message = {**payload, "seq": self._seq, "sent_at": fmt_wib(now_utc())}
        self.socketio.emit(event, message)
        key = f"{event}:{payload.get('contest', '')}"
        self.last_published[key] = message
        return message

    def flush(self, now: float | None = None) -> int:
        """Publish the current state of every kind that changed and whose window is open; returns messages sent.

        A kind may be broadcast again COALESCE_SECONDS after its previous broadcast; changes that come sooner
        stay pending and go out together when the window opens (the leading change is never delayed).
        """
        now = time.monotonic() if now is None else now
        with self._lock:
            ready = {k for k in self._dirty if now - self._last_sent.get(k, -1e9) >= COALESCE_SECONDS - 1e-6}
            self._dirty -= ready
            for kind in ready:
                self._last_sent[kind] = now
        sent = 0
        for kind in sorted(ready):
            for event, payload in self._snapshot(kind):
                self.publish(event, payload)
                sent += 1
        return sent

    def _next_due(self, now: float) -> float | None:
        """Seconds until the earliest pending kind may be broadcast, or None when nothing is pending."""
        with self._lock:
            if not self._dirty:
                return None
            return max(0.0, min(self._last_sent.get(k, -1e9) + COALESCE_SECONDS for k in self._dirty) - now)

    def stop(self) -> None:
        """End the background task."""
        self._stopped = True
        self._wake.set()

    def _run(self) -> None:
        last_beat = time.monotonic()
        while not self._stopped:
            due = self._next_due(time.monotonic())
            if due is None:
                self._wake.wait(timeout=max(0.0, HEARTBEAT_SECONDS - (time.monotonic() - last_beat)))
            elif due > 0:
                time.sleep(due)
            self._wake.clear()
            if self._stopped:
                break
            now = time.monotonic()
            try:
                if self.flush(now):
                    last_beat = now
                elif self._next_due(now) is None and now - last_beat >= HEARTBEAT_SECONDS:
                    self.heartbeat()
                    last_beat = now
            except Exception:  # keep the hub alive; the next change retries
                log.exception("broadcast failed")
