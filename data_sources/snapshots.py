"""Snapshots of a vicon session: records of a moment (who froze, when, as of when), never copies of numbers.

The numbers of a snapshot are always answered from the stored result versions received up to its `as_of`
(the recap service's `as_of`), so the snapshot's link shows the same numbers whenever it is opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from data_sources.domain.fmt import fmt_wib, now_utc
from data_sources.domain.inputs import SnapshotIn
from data_sources.errors import FieldErrors
from data_sources.models import Snapshot
from data_sources.store import Store, audit

CLOCK_SLACK = timedelta(seconds=5)  # a browser clock slightly ahead of the server's is not "the future"


class SnapshotError(FieldErrors):
    """A snapshot refused; `errors` maps field to message."""


@dataclass(frozen=True)
class SnapshotInfo:
    """One snapshot record."""

    id: int
    as_of: datetime
    created_at: datetime
    created_by: str
    note: str

    @property
    def label(self) -> str:
        """The banner text: BEKU per 10.00 WIB (with the date when it is not the day of freezing)."""
        same_day = fmt_wib(self.as_of, True)[:10] == fmt_wib(self.created_at, True)[:10]
        return f"BEKU per {fmt_wib(self.as_of, with_date=not same_day)}"

    def as_dict(self) -> dict[str, object]:
        """JSON-ready record, with the banner label."""
        return {
            "id": self.id,
            "as_of": self.as_of.isoformat(),
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
            "note": self.note,
            "label": self.label,
        }


def _info(row: Snapshot) -> SnapshotInfo:
    return SnapshotInfo(row.id, row.as_of, row.created_at, row.created_by, row.note or "")


def create_snapshot(store: Store, actor: str, as_of: Any = None, note: Any = "") -> SnapshotInfo:
    """Record a snapshot as of `as_of` (now by default), read as `SnapshotIn`; audited (see `record_snapshot`)."""
    return record_snapshot(store, actor, SnapshotIn.parse({"as_of": as_of, "note": note}, SnapshotError))


def record_snapshot(store: Store, actor: str, asked: SnapshotIn) -> SnapshotInfo:
    """Record a snapshot as of `asked.as_of` (now by default); audited. A moment still to come is refused."""
    now = now_utc()
    as_of = asked.as_of or now
    if as_of > now + CLOCK_SLACK:
        raise SnapshotError({"as_of": f"as_of {fmt_wib(as_of, True)} belum terjadi; pilih waktu yang sudah lewat"})
    as_of = min(as_of, now).astimezone(UTC)  # stored and answered in UTC, whatever offset it was given in
    note = asked.note or ""
    with store.session() as s:
        row = Snapshot(as_of=as_of, created_at=now, created_by=actor, note=note)
        s.add(row)
        s.flush()
        info = _info(row)
        audit(s, actor, "snapshot.create", "snapshot", str(row.id), None, info.as_dict())
    return info


def get_snapshot(store: Store, snapshot_id: int) -> SnapshotInfo | None:
    """One snapshot, or None."""
    with store.reader() as s:
        row = s.get(Snapshot, snapshot_id)
        return _info(row) if row else None


def list_snapshots(store: Store, limit: int = 100) -> list[SnapshotInfo]:
    """The newest snapshots first."""
    with store.reader() as s:
        rows = s.scalars(select(Snapshot).order_by(Snapshot.id.desc()).limit(limit))
        return [_info(r) for r in rows]
