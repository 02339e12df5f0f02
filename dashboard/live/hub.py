"""Realtime hub: coalesced, sequenced broadcasts of what the change feed says changed.

A background task follows the change feed (woken at once by a commit of this process, and looking every
POLL_SECONDS for the writes of other processes); what changed is marked with `notify(kind)`, bursts are folded
into at most a few broadcasts a second, each carrying a sequence number, and every emit goes through `publish()`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from flask_socketio import SocketIO

from dashboard.live.cluster import Cluster
from data_sources.domain.fmt import fmt_wib, now_utc

log = logging.getLogger(__name__)
RATE_LIMIT = 10  # at most this many broadcasts of one kind (one contest) in any window of RATE_WINDOW seconds
RATE_WINDOW = 1.0
MIN_GAP_SECONDS = 0.05  # and never two of one kind closer than this
HEARTBEAT_SECONDS = 2.0
POLL_SECONDS = 0.2  # the change feed is looked at this often for writes of other processes


class Hub:
    """Follows the change feed and publishes `recap`, `incident` and `logistics` events."""

    def __init__(
        self,
        socketio: SocketIO,
        snapshot: Callable[[str], list[tuple[str, dict[str, Any]]]],
        background: bool = True,
        follow: Callable[[], bool] | None = None,
    ) -> None:
        self.socketio = socketio
        self._follow = follow  # takes a slice of the feed's new entries into account (calls notify() for what
        # changed) and says whether more are waiting
        self._snapshot = snapshot  # kind → the messages describing the current state of that kind
        self._lock = threading.Lock()
        self._dirty: set[str] = set()
        self._sent: dict[str, deque[float]] = {}  # kind → the times of its last RATE_LIMIT broadcasts
        self._wake = threading.Event()
        self._seq = 0
        self._redis: Any = None  # None: not looked up yet; False: no shared sequence
        self._seq_key = ""
        self._cluster: Cluster | None = None
        self._started = not background  # without background, flush() is called by the owner
        self._stopped = False
        self.last_published: dict[str, dict[str, Any]] = {}

    @property
    def seq(self) -> int:
        """The sequence number of the last message sent (by any process when they share a message queue)."""
        shared = self._shared()
        return int(shared.get(self._seq_key) or 0) if shared is not None else self._seq

    def _shared(self) -> Any:
        """A Redis client when several processes serve through a Redis message queue (one sequence for all of
        them, so a viewer on any process sees one gap-free series); None for a single process."""
        if self._redis is None:
            manager = getattr(getattr(self.socketio, "server", None), "manager", None)
            url = getattr(manager, "redis_url", None)
            if not url:
                self._redis = False
            else:
                import redis

                channel = getattr(manager, "channel", "flask-socketio")
                self._redis = redis.Redis.from_url(url)
                self._seq_key = f"{channel}:seq"
                self._cluster = Cluster(self._redis, channel)
        return self._redis or None

    @property
    def cluster(self) -> Cluster | None:
        """The processes sharing this desk's message queue (None for a single process)."""
        self._shared()
        return self._cluster

    def committed(self) -> None:
        """A write was committed in this process: look at the feed now, and tell the other processes to."""
        self._wake.set()
        if self.cluster is not None:
            self.cluster.announce()

    def _next_seq(self) -> int:
        shared = self._shared()
        if shared is not None:
            self._seq = int(shared.incr(self._seq_key))
        else:
            self._seq += 1
        return self._seq

    def ensure_started(self) -> None:
        """Start the broadcasting task (once; not when the owner flushes by hand)."""
        with self._lock:
            if self._started:
                return
            self._started = True
        self.socketio.start_background_task(self._run)
        if self.cluster is not None:
            self.socketio.start_background_task(self.cluster.listen, self._wake.set, lambda: self._stopped)

    def notify(self, kind: str) -> None:
        """Something of this kind changed: a broadcast follows as soon as the kind's rate limit allows."""
        with self._lock:
            self._dirty.add(kind)
        self._wake.set()

    def heartbeat(self) -> None:
        """Tell every viewer the server is alive and which sequence number it is at (not a new message)."""
        beat = now_utc()  # the exact moment: identical payloads would be dropped by Dash as "no change"
        self.socketio.emit("heartbeat", {"seq": self.seq, "sent_at": fmt_wib(beat), "at": beat.isoformat()})

    def publish(self, event: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Send one event to every connected viewer, stamped with the next sequence number."""
        with self._lock:
            message = {**payload, "seq": self._next_seq(), "sent_at": fmt_wib(now_utc())}
        self.socketio.emit(event, message)
        key = f"{event}:{payload.get('contest', '')}"
        self.last_published[key] = message
        return message

    def _opens_at(self, kind: str) -> float:
        """When a kind may be broadcast next: MIN_GAP after its last broadcast and, once RATE_LIMIT were sent,
        RATE_WINDOW after the oldest of them (a sliding window: no drift when changes come at the limit rate)."""
        sent = self._sent.get(kind)
        if not sent:
            return -1e9
        at = sent[-1] + MIN_GAP_SECONDS
        if len(sent) >= RATE_LIMIT:
            at = max(at, sent[0] + RATE_WINDOW)
        return at

    def follow(self) -> bool:
        """Take a slice of the change feed's new entries into account (they mark what changed); True when more
        are waiting."""
        return bool(self._follow()) if self._follow is not None else False

    def flush(self, now: float | None = None, follow: bool = True) -> int:
        """Publish the current state of every kind that changed and may be broadcast now; returns messages sent.

        The change feed is followed first (`follow=False` skips it: the background task has just done it).

        At most RATE_LIMIT broadcasts of a kind in any RATE_WINDOW, at least MIN_GAP_SECONDS apart; changes that
        come sooner stay pending and go out together when the kind may be sent again (the leading change is
        never delayed, and the last broadcast always carries everything accepted before it).
        """
        if follow:
            while self.follow():
                pass
        now = time.monotonic() if now is None else now
        with self._lock:
            ready = {k for k in self._dirty if now >= self._opens_at(k) - 1e-6}
            self._dirty -= ready
            for kind in ready:
                self._sent.setdefault(kind, deque(maxlen=RATE_LIMIT)).append(now)
        sent = 0
        leading = self.cluster is None or self.cluster.leading()
        for kind in sorted(ready):
            for event, payload in self._snapshot(kind):  # consumed also when another process broadcasts
                if leading:
                    self.publish(event, payload)
                    sent += 1
        return sent

    def _next_due(self, now: float) -> float | None:
        """Seconds until the earliest pending kind may be broadcast, or None when nothing is pending."""
        with self._lock:
            if not self._dirty:
                return None
            return max(0.0, min(self._opens_at(k) for k in self._dirty) - now)

    def stop(self) -> None:
        """End the background task (and, with other processes, hand the broadcasting over)."""
        self._stopped = True
        self._wake.set()
        if self._cluster is not None:
            self._cluster.resign()

    def _run(self) -> None:
        last_beat = time.monotonic()
        while not self._stopped:
            now = time.monotonic()
            due = self._next_due(now)
            wait = POLL_SECONDS if due is None else min(due, POLL_SECONDS)
            if wait > 0:
                self._wake.wait(timeout=wait)
            self._wake.clear()
            if self._stopped:
                break
            now = time.monotonic()
            try:
                if self.follow():
                    self._wake.set()  # more of the feed is waiting: the next round comes at once
                if self.flush(now, follow=False):
                    last_beat = now
                elif self._next_due(now) is None and now - last_beat >= HEARTBEAT_SECONDS:
                    self.heartbeat()
                    last_beat = now
            except Exception:  # keep the hub alive; the next change retries
                log.exception("broadcast failed")
