"""Read models for pages: contests with paslon, regional totals, region names."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from data_sources.domain.rules import STATUS_REVIEW
from data_sources.domain.vocab import contest_short_name
from data_sources.models import Contest, Incident, Logistics, Paslon, Region, Result, Tps
from data_sources.results import current_results
from data_sources.store import Store


@dataclass(frozen=True)
class PaslonInfo:
    """A candidate pair."""

    nomor: int
    kepala: str
    wakil: str
    color: str

    @property
    def label(self) -> str:
        """ "1. Kepala – Wakil"."""
        return f"{self.nomor}. {self.kepala} – {self.wakil}"


@dataclass(frozen=True)
class ContestInfo:
    """A contest with its paslon."""

    id: str
    name: str
    kind: str
    scope_code: str
    paslon: tuple[PaslonInfo, ...]


@dataclass
class Totals:
    """Counted totals of a contest over a region."""

    contest: ContestInfo
    region_code: str
    tps_total: int = 0
    tps_reported: int = 0
    dpt: int = 0
    voters: int = 0
    suara_sah: int = 0
    suara_tidak_sah: int = 0
    votes: dict[int, int] = field(default_factory=dict)
    held: int = 0
    janggal: int = 0
    last_received: datetime | None = None

    @property
    def progress(self) -> float:
        """Share of TPS counted."""
        return self.tps_reported / self.tps_total if self.tps_total else 0.0

    def share(self, nomor: int) -> float:
        """A paslon's share of the counted valid votes."""
        return self.votes.get(nomor, 0) / self.suara_sah if self.suara_sah else 0.0

    @property
    def leader(self) -> PaslonInfo | None:
        """The paslon ahead, or None before any vote."""
        if not self.suara_sah:
            return None
        best = max(self.contest.paslon, key=lambda p: self.votes.get(p.nomor, 0))
        return best


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


def contest_totals(store: Store, as_of: datetime | None = None) -> list[Totals]:
    """Headline totals of each contest over the TPS of its scope held by the store."""
    infos = contests(store)
    dpt = tps_dpt(store)
    out = []
    for info in infos:
        prefix = info.scope_code + "."
        in_scope = {code: d for code, d in dpt.items() if code.startswith(prefix)}
        totals = Totals(info, info.scope_code, tps_total=len(in_scope), votes={p.nomor: 0 for p in info.paslon})
        for r in current_results(store, info.id, as_of):
            if any(f.get("code") == "janggal" for f in r["flags"]):
                totals.janggal += 1
            received = datetime.fromisoformat(r["received_at"])
            if totals.last_received is None or received > totals.last_received:
                totals.last_received = received
            if r["status"] == STATUS_REVIEW:
                totals.held += 1
                continue
            totals.tps_reported += 1
            totals.dpt += in_scope.get(r["tps"], 0)
            totals.suara_sah += r["suara_sah"]
            totals.suara_tidak_sah += r["suara_tidak_sah"]
            totals.voters += r["pengguna_hak_pilih"] or (r["suara_sah"] + r["suara_tidak_sah"])
            for k, v in r["votes"].items():
                totals.votes[int(k)] = totals.votes.get(int(k), 0) + v
        out.append(totals)
    return out


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


def dpt_total(store: Store) -> int:
    """DPT of every TPS in the store."""
    with store.reader() as s:
        return int(s.scalar(select(func.coalesce(func.sum(Tps.dpt), 0))))


def breakdown(store: Store, contest_id: str, level: int = 3, as_of: datetime | None = None) -> list[Totals]:
    """Totals of a contest per region of one level (3 kecamatan, 4 desa), by region code."""
    info = next((c for c in contests(store) if c.id == contest_id), None)
    if info is None:
        return []
    width = {2: 5, 3: 8, 4: 13}[level]
    dpt = {code: d for code, d in tps_dpt(store).items() if code.startswith(info.scope_code + ".")}
    out: dict[str, Totals] = {}
    for code in dpt:
        key = code[:width]
        t = out.setdefault(key, Totals(info, key, votes={p.nomor: 0 for p in info.paslon}))
        t.tps_total += 1
    for r in current_results(store, contest_id, as_of):
        t = out[r["tps"][:width]]
        if any(f.get("code") == "janggal" for f in r["flags"]):
            t.janggal += 1
        if r["status"] == STATUS_REVIEW:
            t.held += 1
            continue
        t.tps_reported += 1
        t.dpt += dpt.get(r["tps"], 0)
        t.suara_sah += r["suara_sah"]
        t.suara_tidak_sah += r["suara_tidak_sah"]
        for k, v in r["votes"].items():
            t.votes[int(k)] = t.votes.get(int(k), 0) + v
    return [out[k] for k in sorted(out)]
