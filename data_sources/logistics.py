"""Logistics per kecamatan and item: needs from the scenario, updates, readiness."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_sources.domain.fmt import WIB, fmt_int, now_utc
from data_sources.domain.inputs import LogisticsIn
from data_sources.domain.queries import LogisticsQuery
from data_sources.domain.rules import ballots_printed
from data_sources.domain.validation import only_known
from data_sources.domain.vocab import BALLOT_PREFIX, ITEMS_PER_TPS
from data_sources.errors import FieldErrors
from data_sources.models import Contest, Logistics, Region, Tps
from data_sources.store import Store, audit

LATE_HOUR = 10  # WIB on the election day: supplies not received by then are late
SHORT_STATUSES = ("kurang", "rusak")
COMPLETE, SHORT, LATE, WAITING = "lengkap", "kurang", "terlambat", "menunggu"
LINE_STATES = {COMPLETE: "Lengkap", SHORT: "Kurang / rusak", LATE: "Terlambat", WAITING: "Menunggu"}


class LogisticsError(FieldErrors):
    """A bad logistics update; `errors` maps field to message."""


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


def needs(session: Session, kecamatan: Iterable[str] | None = None) -> dict[str, dict[str, int]]:
    """What each kecamatan (every one holding TPS, or those given) needs of each item, from its TPS and DPT."""
    query = select(Region.parent_code, Tps.dpt).join(Region, Region.code == Tps.desa_code)
    if kecamatan is not None:
        query = query.where(Region.parent_code.in_(sorted(set(kecamatan))))
    n_tps: dict[str, int] = {}
    ballots: dict[str, int] = {}
    for kec, dpt in session.execute(query):
        n_tps[kec] = n_tps.get(kec, 0) + 1
        ballots[kec] = ballots.get(kec, 0) + ballots_printed(dpt)
    contests = list(session.scalars(select(Contest).order_by(Contest.position)))
    out: dict[str, dict[str, int]] = {}
    for kec in sorted(n_tps):
        items: dict[str, int] = {}
        for contest in contests:
            if kec.startswith(contest.scope_code + ".") or kec == contest.scope_code:
                items[BALLOT_PREFIX + contest.id] = ballots[kec]
        n_contests = sum(1 for k in items if k.startswith(BALLOT_PREFIX))
        for item, (_label, basis, per) in ITEMS_PER_TPS.items():
            items[item] = n_tps[kec] * per * (n_contests if basis == "per_contest" else 1)
        out[kec] = items
    return out


def initialise(session: Session, actor: str) -> int:
    """Create the needs of every kecamatan from its TPS and DPT (inside the scenario's transaction)."""
    now = now_utc()
    rows = 0
    for kec, items in needs(session).items():
        for item, needed in items.items():
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


def refresh_needs(session: Session, kecamatan: Iterable[str], actor: str) -> list[tuple[str, str, int | None, int]]:
    """Recompute the needs of these kecamatan after their TPS or DPT changed (inside the caller's transaction).

    A line whose need changed is updated and audited (received and status stay as reported: a line marked
    `diterima` short of its new need shows as short on the board); a kecamatan that had no TPS before gets its
    lines. Returns (kecamatan, item, need before or None, need now) of every line changed or added.
    """
    codes = sorted(set(kecamatan))
    if not codes:
        return []
    now_needed = needs(session, codes)
    existing = {
        (row.kecamatan_code, row.item): row
        for row in session.scalars(select(Logistics).where(Logistics.kecamatan_code.in_(codes)))
    }
    now = now_utc()
    changes: list[tuple[str, str, int | None, int]] = []
    for kec, items in now_needed.items():
        for item, needed in items.items():
            row = existing.get((kec, item))
            if row is not None and row.needed == needed:
                continue
            if row is None:
                row = Logistics(kecamatan_code=kec, item=item, received=0, status="belum-dikirim")
                session.add(row)
                before = None
            else:
                before = {"needed": row.needed}
            row.needed = needed
            row.updated_at = now
            row.updated_by = actor
            audit(session, actor, "logistics.needs", "logistics", f"{kec}/{item}", before, {"needed": needed})
            changes.append((kec, item, before["needed"] if before else None, needed))
    return changes


def _check_amount(line: LogisticsIn, needed: int, errors: dict[str, str]) -> None:
    """What was received must be at most twice the need and agree with the status."""
    received, status = line.received, line.status
    if received > 2 * needed:
        errors["received"] = f"{fmt_int(received)} lebih dari dua kali kebutuhan ({fmt_int(needed)})"
    elif status == "belum-dikirim" and received > 0:
        errors["received"] = "status belum dikirim: jumlah diterima harus 0"
    elif status == "diterima" and received < needed:
        errors["received"] = (
            f"status diterima berarti lengkap, tetapi baru {fmt_int(received)} dari {fmt_int(needed)}; "
            "pakai status kurang"
        )
    elif status == "kurang" and received >= needed:
        errors["received"] = f"status kurang, tetapi {fmt_int(received)} sudah memenuhi kebutuhan {fmt_int(needed)}"


def update(store: Store, kecamatan: Any, item: Any, received: Any, status: Any, actor: str) -> LogisticsRow:
    """Record what a kecamatan received of an item (see `update_line`)."""
    return update_line(store, kecamatan, item, {"received": received, "status": status}, actor)


def update_line(store: Store, kecamatan: Any, item: Any, body: Any, actor: str) -> LogisticsRow:
    """Record what a kecamatan received of an item, read as `LogisticsIn` ({"received", "status"}).

    Raises LogisticsError naming each bad field at once: the body's own (received a whole number ≥ 0, a known
    status), an unknown kecamatan or item, and received more than twice the need or at odds with the status
    (belum dikirim with goods, diterima short of the need, kurang at or above it).
    """
    line, errors = LogisticsIn.check(body)
    with store.session() as s:
        row = None
        if isinstance(kecamatan, str) and isinstance(item, str):
            row = s.get(Logistics, (kecamatan, item), with_for_update=True)
        if row is None:
            region = s.get(Region, kecamatan) if isinstance(kecamatan, str) else None
            if region is None or region.level != 3:
                errors["kecamatan"] = f"kecamatan {kecamatan!r} tidak dikenal"
            else:
                errors["item"] = f"barang {item!r} tidak dikenal untuk kecamatan ini"
        elif line is not None:
            _check_amount(line, row.needed, errors)
        if errors or line is None or row is None:
            raise LogisticsError(errors)
        before = {"received": row.received, "status": row.status}
        row.received = line.received
        row.status = line.status
        row.updated_at = now_utc()
        row.updated_by = actor
        after = {"received": line.received, "status": line.status}
        audit(s, actor, "logistics.update", "logistics", f"{kecamatan}/{item}", before, after)
        name = s.get(Region, kecamatan).name
        return LogisticsRow(kecamatan, name, item, row.needed, row.received, row.status, row.updated_at, actor)


def board(
    store: Store,
    kecamatan: Iterable[str] | None = None,
    item: Iterable[str] | None = None,
    status: Iterable[str] | None = None,
) -> list[LogisticsRow]:
    """Every kecamatan × item line (or those of the given kecamatan, items, statuses), by kecamatan then item."""
    query = (
        select(Logistics, Region.name)
        .join(Region, Region.code == Logistics.kecamatan_code)
        .order_by(Logistics.kecamatan_code, Logistics.item)
    )
    for values, column in ((kecamatan, Logistics.kecamatan_code), (item, Logistics.item), (status, Logistics.status)):
        if values:
            query = query.where(column.in_(list(values)))
    with store.reader() as s:
        rows = s.execute(query).all()
        return [
            LogisticsRow(r.kecamatan_code, name, r.item, r.needed, r.received, r.status, r.updated_at, r.updated_by)
            for r, name in rows
        ]


def line_dict(row: LogisticsRow) -> dict[str, Any]:
    """A board line as plain data (the shape pushed in `logistics` messages)."""
    data = asdict(row)
    data["updated_at"] = row.updated_at.isoformat()
    return data


def parse_filters(
    args: Mapping[str, Any], known: Mapping[str, set[str]], strict: bool = False
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Board filters read from query parameters as `LogisticsQuery` (kecamatan, item, status: a value or a comma
    list) and a message per bad one; `known` holds the valid kecamatan codes and items. Parameters the query does
    not know are refused when `strict` (the API), else ignored."""
    filters, errors = LogisticsQuery.read(args if strict else only_known(LogisticsQuery, args))
    for name in ("kecamatan", "item"):
        bad = [v for v in filters.get(name, []) if v not in known.get(name, set())]
        if bad:
            errors[name] = f"{', '.join(bad)} tidak dikenal"
            del filters[name]
    return filters, errors


def known_values(store: Store) -> dict[str, set[str]]:
    """The kecamatan codes and items the board has lines for."""
    with store.reader() as s:
        rows = s.execute(select(Logistics.kecamatan_code, Logistics.item)).all()
    return {"kecamatan": {k for k, _ in rows}, "item": {i for _, i in rows}}


def readiness(rows: list[LogisticsRow]) -> float:
    """Share of needed supplies received in good order (0..1), each line capped at its need."""
    need = sum(r.needed for r in rows)
    if not need:
        return 0.0
    got = sum(min(r.received, r.needed) for r in rows if r.status != "rusak")
    return got / need


def readiness_by_kecamatan(rows: Iterable[LogisticsRow]) -> dict[str, float]:
    """Readiness (0..1) of each kecamatan's lines, by kecamatan code."""
    lines: dict[str, list[LogisticsRow]] = {}
    for r in rows:
        lines.setdefault(r.kecamatan_code, []).append(r)
    return {code: readiness(group) for code, group in lines.items()}


def late_cutoff(store: Store) -> datetime | None:
    """When supplies still not received count as late: LATE_HOUR WIB of the election day (None without a date)."""
    raw = store.get_setting("election_date")
    try:
        day = date.fromisoformat(raw) if raw else None
    except ValueError:
        return None
    return datetime.combine(day, time(LATE_HOUR), WIB) if day else None


def line_state(row: LogisticsRow, now: datetime, cutoff: datetime | None) -> str:
    """How a line stands: lengkap, kurang (short or damaged), terlambat (not arrived after the cut-off), menunggu."""
    if row.status in SHORT_STATUSES or (row.status == "diterima" and row.received < row.needed):
        return SHORT
    if row.status == "diterima":
        return COMPLETE
    if cutoff is not None and now >= cutoff:
        return LATE
    return WAITING


def board_summary(rows: list[LogisticsRow], now: datetime, cutoff: datetime | None) -> dict[str, Any]:
    """Counts of complete, short, late and waiting lines, the readiness and the time of the last update."""
    states = [line_state(r, now, cutoff) for r in rows]
    return {
        "lines": len(rows),
        **{state: states.count(state) for state in (COMPLETE, SHORT, LATE, WAITING)},
        "readiness": readiness(rows),
        "updated_at": max((r.updated_at for r in rows), default=None),
    }
