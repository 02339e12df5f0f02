"""Read models for pages: contests with paslon, regional totals, region names."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, select

from data_sources.domain.contest import ContestInfo, PaslonInfo
from data_sources.domain.vocab import contest_short_name
from data_sources.models import Contest, Incident, Logistics, Paslon, Region, Result, Tps
from data_sources.store import Store


def contests(store: Store) -> list[ContestInfo]:
    """Every contest with its paslon, in scenario order."""
    with store.reader() as s:
        rows = list(s.scalars(select(Contest).order_by(Contest.position)))
        paslon = defaultdict(list)
        for p in s.scalars(select(Paslon).order_by(Paslon.contest_id, Paslon.nomor)):
            paslon[p.contest_id].append(PaslonInfo(p.nomor, p.kepala, p.wakil, p.color))
        return [ContestInfo(c.id, c.name, c.kind, c.scope_code, tuple(paslon[c.id])) for c in rows]


def ballot_names(store: Store) -> dict[str, str]:
    """Contest id → the short name its ballots are labelled with on the logistics board ("Pilbup Banyuasin")."""
    with store.reader() as s:
        rows = s.execute(select(Contest.id, Contest.kind, Region.name).join(Region, Region.code == Contest.scope_code))
        return {cid: contest_short_name(kind, name) for cid, kind, name in rows}


def region_names(store: Store, level: int | None = None) -> dict[str, str]:
    """Region code → name, of one level or all."""
    with store.reader() as s:
        query = select(Region.code, Region.name)
        if level is not None:
            query = query.where(Region.level == level)
        return dict(s.execute(query.order_by(Region.code)).all())


def tps_dpt(store: Store) -> dict[str, int]:
    """TPS code → DPT."""
    with store.reader() as s:
        return dict(s.execute(select(Tps.code, Tps.dpt)).all())


def last_change(store: Store) -> datetime | None:
    """The moment of the newest stored change that live messages announce: a result, an incident or a logistics line.

    None when the store holds none of them. Each maximum is read from an index or a small table.
    """
    newest = [
        select(func.max(column)).scalar_subquery()
        for column in (Result.received_at, Incident.updated_at, Logistics.updated_at)
    ]
    with store.reader() as s:
        moments = s.execute(select(*newest)).one()
    return max((m for m in moments if m is not None), default=None)
