"""The presenter and view state of vicon sessions, kept in the database (a `dashboard.live.presence.Keeper`).

One settings row holds it as JSON, so a restarted server keeps the presenter and a frozen view, and every server
process of one desk (behind one message queue) reads and changes the same state. A change locks the row before
reading it (an UPDATE first: SQLite's write lock, PostgreSQL's row lock), so two processes never decide on the
same old state; each change leaves an audit row (who presents, hand-overs, freezes, and what was shown when).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from data_sources.domain.fmt import now_utc
from data_sources.models import AuditEntry, Setting
from data_sources.store import Store

KEY = "presence"
_SETTINGS = Setting.__table__
_AUDIT = AuditEntry.__table__


@dataclass
class _StoredChange:
    record: dict[str, Any] | None
    saved: dict[str, Any] | None = None
    audit: dict[str, Any] = field(default_factory=dict)

    def save(self, record: dict[str, Any], action: str, who: str, summary: str) -> None:
        self.saved = record
        self.audit = {"action": action, "actor": who, "summary": summary}


class StoredPresence:
    """The presenter and view state in the store's settings table."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._row_made = False  # the row exists (it is never deleted): no need to look again

    def read(self) -> dict[str, Any] | None:
        """The kept record, or None before the first change."""
        with self.store.engine.connect() as conn:
            value = conn.execute(select(_SETTINGS.c.value).where(_SETTINGS.c.key == KEY)).scalar()
        return _decoded(value)

    @contextmanager
    def change(self) -> Iterator[_StoredChange]:
        """A change of the record in one transaction, the row locked from before it is read until the commit."""
        self._ensure_row()
        with self.store.engine.begin() as conn:
            conn.execute(update(_SETTINGS).where(_SETTINGS.c.key == KEY).values(value=_SETTINGS.c.value))
            before = _decoded(conn.execute(select(_SETTINGS.c.value).where(_SETTINGS.c.key == KEY)).scalar())
            change = _StoredChange(before)
            yield change
            if change.saved is not None:
                self._write(conn, before, change)

    def _write(self, conn: Connection, before: dict[str, Any] | None, change: _StoredChange) -> None:
        assert change.saved is not None
        text = orjson.dumps(change.saved).decode()
        conn.execute(update(_SETTINGS).where(_SETTINGS.c.key == KEY).values(value=text))
        conn.execute(
            insert(_AUDIT).values(
                at=now_utc(),
                actor=change.audit["actor"],
                action=change.audit["action"],
                entity="presence",
                entity_id=change.audit["summary"][:120],
                before=_shown(before),
                after=_shown(change.saved),
            )
        )

    def _ensure_row(self) -> None:
        """Create the (empty) row once; another process creating it at the same moment is fine."""
        if self._row_made:
            return
        with self.store.engine.connect() as conn:
            found = conn.execute(select(_SETTINGS.c.key).where(_SETTINGS.c.key == KEY)).first() is not None
        if not found:
            with contextlib.suppress(IntegrityError), self.store.engine.begin() as conn:  # another process may win
                conn.execute(insert(_SETTINGS).values(key=KEY, value=""))
        self._row_made = True


def _decoded(value: str | None) -> dict[str, Any] | None:
    return orjson.loads(value) if value else None


def _shown(record: dict[str, Any] | None) -> dict[str, Any] | None:
    """What the audit keeps of a state: who presents and what followers are shown."""
    if record is None:
        return None
    presenter = record.get("presenter")
    return {
        "presenter": presenter["name"] if presenter else None,
        "view": record.get("view"),
        "version": record.get("version"),
    }
