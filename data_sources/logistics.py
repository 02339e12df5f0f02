"""Logistics per kecamatan and item: needs from the scenario, updates, readiness."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.catalog import BALLOT_PREFIX, ITEMS_PER_TPS, LOGISTICS_STATUSES
from dashboard.fmt import now_utc
from dashboard.rules import ballots_printed
from data_sources.models import Contest, Logistics, Region, Tps
from data_sources.store import Store, audit


class LogisticsError(ValueError):
    """A bad logistics update; `errors` maps field to message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class LogisticsRow:
    """One kecamatan × item line of the logistics board."""

    kecamatan_code: str
    kecamatan: str
    item: str
    needed: int
    received: int
    status: str
    updated_at: datetime
    updated_by: str


def initialise(session: Session, actor: str) -> int:
    """Create the needs of every kecamatan from its TPS and DPT (inside the scenario's transaction)."""
    per_kecamatan = session.execute(
        select(Region.parent_code, func.count(Tps.code), func.sum(Tps.dpt))
        .join(Region, Region.code == Tps.desa_code)
        .group_by(Region.parent_code)
    ).all()
    dpt_per_tps = session.execute(select(Region.parent_code, Tps.dpt).join(Region, Region.code == Tps.desa_code)).all()
    ballots: dict[str, int] = {}
    for kec, dpt in dpt_per_tps:
        ballots[kec] = ballots.get(kec, 0) + ballots_printed(dpt)
    contests = list(session.scalars(select(Contest).order_by(Contest.position)))
    now = now_utc()
    rows = 0
    for kec, n_tps, _dpt in per_kecamatan:
        needs: dict[str, int] = {}
        for contest in contests:
            if kec.startswith(contest.scope_code + ".") or kec == contest.scope_code:
                needs[BALLOT_PREFIX + contest.id] = ballots[kec]
        n_contests = sum(1 for k in needs if k.startswith(BALLOT_PREFIX))
        for item, (_label, basis, per) in ITEMS_PER_TPS.items():
            needs[item] = n_tps * per * (n_contests if basis == "per_contest" else 1)
        for item, needed in needs.items():
            session.add(
                Logistics(
                    kecamatan_code=kec,
                    item=item,
                    needed=needed,
                    received=0,
                    status="belum-dikirim",
                    updated_at=now,
                    updated_by=actor,
                )
            )
            rows += 1
    return rows


def update(store: Store, kecamatan: str, item: str, received: int, status: str, actor: str) -> LogisticsRow:
    """Record what a kecamatan received of an item; rejects unknown items and impossible numbers."""
    errors: dict[str, str] = {}
    if status not in LOGISTICS_STATUSES:
        errors["status"] = f"harus salah satu dari {', '.join(LOGISTICS_STATUSES)}"
    if isinstance(received, bool) or not isinstance(received, int):
        errors["received"] = "harus bilangan bulat"
    elif received < 0:
        errors["received"] = "tidak boleh negatif"
    with store.session() as s:
        row = s.get(Logistics, (kecamatan, item))
        if row is None:
            if s.get(Region, kecamatan) is None:
                errors["kecamatan"] = f"kecamatan {kecamatan!r} tidak dikenal"
            else:
                errors["item"] = f"barang {item!r} tidak dikenal untuk kecamatan ini"
        elif "received" not in errors and received > 2 * row.needed:
            errors["received"] = f"{received} lebih dari dua kali kebutuhan ({row.needed})"
        if errors:
            raise LogisticsError(errors)
        before = {"received": row.received, "status": row.status}
        row.received = received
        row.status = status
        row.updated_at = now_utc()
        row.updated_by = actor
        audit(
            s,
            actor,
            "logistics.update",
            "logistics",
            f"{kecamatan}/{item}",
            before,
            {"received": received, "status": status},
        )
        name = s.get(Region, kecamatan).name
        return LogisticsRow(kecamatan, name, item, row.needed, row.received, row.status, row.updated_at, actor)


def board(store: Store) -> list[LogisticsRow]:
    """Every kecamatan × item line, by kecamatan then item."""
    with store.reader() as s:
        rows = s.execute(
            select(Logistics, Region.name)
            .join(Region, Region.code == Logistics.kecamatan_code)
            .order_by(Logistics.kecamatan_code, Logistics.item)
        ).all()
        return [
            LogisticsRow(r.kecamatan_code, name, r.item, r.needed, r.received, r.status, r.updated_at, r.updated_by)
            for r, name in rows
        ]


def readiness(rows: list[LogisticsRow]) -> float:
    """Share of needed supplies received in good order (0..1), each line capped at its need."""
    need = sum(r.needed for r in rows)
    if not need:
        return 0.0
    got = sum(min(r.received, r.needed) for r in rows if r.status != "rusak")
    return got / need
