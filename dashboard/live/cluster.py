"""Several server processes behind one Redis message queue: one of them broadcasts what the change feed says, and
a commit in any of them wakes all of them at once.

Every process follows the change feed (its own recap must hold every result for its pages and API). Were each
to broadcast too, every viewer would get every `recap` once per process: the processes elect one broadcaster with
a Redis key that expires unless its holder renews it (LEASE_MS), so a process that dies hands over within that
time. A commit publishes a short message on a Redis channel that wakes every process's hub, so the broadcaster
sees another process's write at once instead of at its next look at the feed.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)
LEASE_MS = 2000  # the broadcaster's key lives this long unless renewed
RENEW_SECONDS = 0.5  # looked at (and renewed) at most this often


class Cluster:
    """The Redis side of a multi-process desk: the broadcaster's lease and the commit wake-up channel."""

    def __init__(self, client: Any, channel: str) -> None:
        self.client = client
        self.lease_key = f"{channel}:broadcaster"
        self.wake_channel = f"{channel}:feed"
        self.me = uuid.uuid4().hex
        self._leading = False
        self._looked = -1e9
        self._pubsub: Any = None

    def leading(self) -> bool:
        """True when this process is the one that broadcasts (taking the lease when nobody holds it)."""
        now = time.monotonic()
        if now - self._looked < RENEW_SECONDS:
            return self._leading
        self._looked = now
        try:
            if self.client.set(self.lease_key, self.me, nx=True, px=LEASE_MS):
                self._leading = True
            elif self.client.get(self.lease_key) == self.me.encode():
                self.client.pexpire(self.lease_key, LEASE_MS)
                self._leading = True
            else:
                self._leading = False
        except Exception:  # Redis away: broadcast rather than leave every screen silent
            log.exception("broadcaster lease unavailable")
            self._leading = True
        return self._leading

    def announce(self) -> None:
        """Tell every process a write was committed (they look at the feed now)."""
        try:
            self.client.publish(self.wake_channel, b"1")
        except Exception:  # the others find it at their next look at the feed
            log.exception("wake-up not published")

    def listen(self, wake: Callable[[], None], stopped: Callable[[], bool]) -> None:
        """Call `wake` for every announcement of any process, until `stopped()` (run in a background task)."""
        self._pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        self._pubsub.subscribe(self.wake_channel)
        while not stopped():
            try:
                if self._pubsub.get_message(timeout=1.0) is not None:
                    wake()
            except Exception:  # Redis away: the feed is still looked at every POLL_SECONDS
                log.exception("wake-up channel lost")
                time.sleep(1.0)

    def resign(self) -> None:
        """Give up the lease (a process that stops) and close the channel."""
        try:
            if self.client.get(self.lease_key) == self.me.encode():
                self.client.delete(self.lease_key)
            if self._pubsub is not None:
                self._pubsub.close()
        except Exception:  # noqa: BLE001 - stopping anyway
            pass
