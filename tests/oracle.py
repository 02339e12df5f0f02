"""A brute-force oracle of the headline totals, straight from the stored versions (the tests check the live recap
engine against it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from data_sources.domain.contest import ContestInfo, PaslonInfo
from data_sources.domain.rules import STATUS_REVIEW
from data_sources.results import current_results
from data_sources.store import Store
from data_sources.summary import contests, tps_dpt


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
