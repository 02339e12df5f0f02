"""The change feed: every committed write, in order, read from a cursor.

The audit trail is the feed. Every write of the store adds its audit row in the same transaction (a result
version, an incident or its status change, a logistics line, the TPS list, a setting…), so a committed write is
an entry with a monotonic id, and whoever reacts to data (the live hub of each server process, later the
forwarder to the province) follows the feed from its own cursor instead of being told by the writer.

Ids come from the database at insert time. On SQLite writers are serialised, so entries commit in id order. On
PostgreSQL two transactions may commit out of order: an id skipped by a read is kept as a gap and looked for
again for GAP_WAIT_SECONDS (a rolled-back transaction leaves a gap that never fills).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select

from data_sources.models import AuditEntry
from data_sources.store import Store

GAP_WAIT_SECONDS = 30.0  # how long an id skipped by a read may still commit (a long transaction holding it)
MAX_GAPS = 64  # gap ranges remembered at most (the oldest are given up first)
BATCH = 500  # entries read at most per query (a slice of a big import: some tens of ms to fold in)


@dataclass(frozen=True)
class Change:
    """One entry of the feed: a committed write."""

    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    after: dict[str, Any] | None  # the written state (a result version carries all of itself)


def head(store: Store) -> int:
    """The id of the newest entry (0 for an empty feed): a new cursor starting here sees only later writes."""
    with store.reader() as s:
        return int(s.scalar(select(func.coalesce(func.max(AuditEntry.id), 0))) or 0)


_AUDIT = AuditEntry.__table__
_COLUMNS = (
    _AUDIT.c.id,
    _AUDIT.c.at,
    _AUDIT.c.actor,
    _AUDIT.c.action,
    _AUDIT.c.entity,
    _AUDIT.c.entity_id,
    _AUDIT.c.after,
)


class FeedCursor:
    """A reader's position in the feed: each `read()` returns the entries committed since the previous one."""

    def __init__(self, store: Store, start: int | None = None, gap_wait: float = GAP_WAIT_SECONDS) -> None:
        self.store = store
        self.position = head(store) if start is None else start  # the highest id read so far
        self.gap_wait = gap_wait
        self._gaps: list[tuple[int, int, float]] = []  # (lowest id, highest id, first missed: monotonic)

    @property
    def gaps(self) -> list[tuple[int, int]]:
        """The id ranges below the position not seen yet (they may still commit)."""
        return [(lo, hi) for lo, hi, _t in self._gaps]

    def read(self, limit: int = BATCH) -> list[Change]:
        """The entries committed since the last read (at most `limit`, oldest first); the rest on the next read."""
        now = time.monotonic()
        self._gaps = [g for g in self._gaps if now - g[2] < self.gap_wait][-MAX_GAPS:]
        condition = _AUDIT.c.id > self.position
        if self._gaps:
            condition = or_(condition, *(_AUDIT.c.id.between(lo, hi) for lo, hi, _t in self._gaps))
        query = select(*_COLUMNS).where(condition).order_by(_AUDIT.c.id).limit(limit)
        with self.store.engine.connect() as conn:
            changes = [Change(*row) for row in conn.execute(query)]
        self._advance((c.id for c in changes), now)
        return changes

    def _advance(self, ids: Iterable[int], now: float) -> None:
        for entry_id in ids:
            if entry_id > self.position:
                if entry_id > self.position + 1:
                    self._gaps.append((self.position + 1, entry_id - 1, now))
                self.position = entry_id
            else:
                self._fill(entry_id)

    def _fill(self, entry_id: int) -> None:
        """An id inside a gap arrived: split its range."""
        for i, (lo, hi, since) in enumerate(self._gaps):
            if lo <= entry_id <= hi:
                parts = [(a, b, since) for a, b in ((lo, entry_id - 1), (entry_id + 1, hi)) if a <= b]
                self._gaps[i : i + 1] = parts
                return
