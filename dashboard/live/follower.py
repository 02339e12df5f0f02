"""What one server process does with the change feed: fold results into the live recap, collect the incidents and
logistics lines to push, and tell the hub which kinds changed.

Every write reaches it the same way, whoever made it: this process's API or pages, the simulator, a command-line
import in another shell, another server process on the same database.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from dashboard.recap.service import RecapService
from data_sources import incidents, logistics
from data_sources.feed import BATCH, Change, FeedCursor
from data_sources.store import Store

log = logging.getLogger(__name__)
PENDING_LIMIT = 50  # items of a kind kept for the next broadcast (older ones are only counted as "more")
REBUILD_ACTIONS = ("scenario.", "tps.")  # the scenario or the TPS list changed: every total may differ
FRESH_SECONDS = 0.2  # a read looks at the feed again when its last look is older than this (or this process wrote)


def logistics_item(row: logistics.LogisticsRow) -> dict[str, Any]:
    """A logistics line as pushed to the pages."""
    data = asdict(row)
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in data.items()}


class FeedFollower:
    """Follows the change feed from a cursor on behalf of the live layer of one process."""

    def __init__(self, store: Store, recap: RecapService, notify: Callable[[str], None], start: int | None = None):
        self.store = store
        self.recap = recap
        self.notify = notify
        self.listeners: list[Callable[[list[Change]], None]] = []  # also told of every slice of entries
        self.cursor = FeedCursor(store, start)
        self._lock = threading.RLock()
        self._pending: dict[str, dict[str, dict[str, Any]]] = {}
        self._more: dict[str, bool] = {}
        self._looked = 0.0  # time.monotonic() of the last poll
        self._written = True  # this process committed a write since the last poll

    def written(self) -> None:
        """This process committed a write (the store's commit listener): the next read looks at the feed."""
        self._written = True

    def catch_up(self) -> None:
        """Poll before a read of the live state, when this process wrote since the last poll or that poll is older
        than FRESH_SECONDS (the many reads of one page cost one look at the feed)."""
        if self._written or time.monotonic() - self._looked >= FRESH_SECONDS:
            self.poll(batches=1)  # a read does not wait for a whole import to be folded in

    @property
    def position(self) -> int:
        """The id of the last feed entry this process has taken into account."""
        return self.cursor.position

    def poll(self, batches: int | None = None) -> int:
        """Take the entries committed since the last poll into account, BATCH at a time (at most `batches` of them;
        None: all), letting other greenlets run between two; returns how many entries there were."""
        seen = 0
        with self._lock:
            self._written = False  # set before reading: a commit landing during the read is looked for again
            self._looked = time.monotonic()
            done = 0
            while batches is None or done < batches:
                changes = self.cursor.read(BATCH)
                if changes:
                    self._take(changes)
                seen += len(changes)
                done += 1
                if len(changes) < BATCH:
                    return seen
                time.sleep(0)  # a big import is followed in slices: the server keeps answering meanwhile
            self._written = True  # more is waiting: the next look continues
        return seen

    def step(self) -> bool:
        """One slice of the feed (what the hub does each round); True when more entries are waiting."""
        more = self.poll(batches=1) >= BATCH
        if more:
            time.sleep(0)  # let the other greenlets run before the next slice
        return more

    def _take(self, changes: list[Change]) -> None:
        kinds: set[str] = set()
        incident_ids: list[int] = []
        lines: list[str] = []
        if any(c.action.startswith(REBUILD_ACTIONS) for c in changes):
            self.store.forget_catalog()
            self.recap.rebuild()  # reads everything stored, these changes included
            kinds.update(f"recap:{c.id}" for c in self.recap.contests())
            kinds.add("logistics")
        for change in changes:
            if change.entity == "result" and change.after:
                self._apply(change, kinds)
            elif change.entity == "incident":
                incident_ids.append(int(change.entity_id))
            elif change.entity == "logistics":
                lines.append(change.entity_id)
        if incident_ids:
            self._collect_incidents(incident_ids)
            kinds.add("incident")
        if lines:
            self._collect_logistics(lines)
            kinds.add("logistics")
        for listener in self.listeners:
            try:
                listener(changes)
            except Exception:  # one listener's failure does not stop the others nor the recap
                log.exception("feed listener failed")
        for kind in sorted(kinds):
            self.notify(kind)

    def _apply(self, change: Change, kinds: set[str]) -> None:
        result = change.after or {}
        try:
            self.recap.apply(result)
        except (KeyError, ValueError):  # a contest or TPS this process does not hold: nothing to show
            log.warning("feed entry %s: result %s/%s not applied", change.id, result.get("contest"), result.get("tps"))
            return
        kinds.add(f"recap:{result['contest']}")

    def _keep(self, kind: str, key: str, item: dict[str, Any]) -> None:
        items = self._pending.setdefault(kind, {})
        items.pop(key, None)  # newest last
        items[key] = item
        if len(items) > PENDING_LIMIT:
            del items[next(iter(items))]
            self._more[kind] = True

    def _collect_incidents(self, ids: list[int]) -> None:
        newest = list(dict.fromkeys(reversed(ids)))  # each incident once, the most recently changed first
        if len(newest) > PENDING_LIMIT:
            self._more["incident"] = True
        for incident_id in reversed(newest[:PENDING_LIMIT]):
            item = incidents.get_incident(self.store, incident_id)
            if item is not None:
                self._keep("incident", str(incident_id), item)

    def _collect_logistics(self, keys: list[str]) -> None:
        wanted = list(dict.fromkeys(keys))
        kecamatan = {k.split("/", 1)[0] for k in wanted}
        items = {k.split("/", 1)[1] for k in wanted if "/" in k}
        rows = {f"{r.kecamatan_code}/{r.item}": r for r in logistics.board(self.store, kecamatan, items)}
        for key in wanted:
            if key in rows:
                self._keep("logistics", key, logistics_item(rows[key]))

    def take_pending(self, kind: str) -> tuple[list[dict[str, Any]], bool]:
        """The items of a kind changed since the last broadcast (newest last), and whether some were left out."""
        with self._lock:
            items = list(self._pending.pop(kind, {}).values())
            more = self._more.pop(kind, False)
        return items, more
