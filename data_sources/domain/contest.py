"""A contest (one race) and its paslon, as every layer reads them (the table rows are `data_sources.models`)."""

from __future__ import annotations

from dataclasses import dataclass


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

    @property
    def numbers(self) -> frozenset[int]:
        """The nomor urut of its paslon."""
        return frozenset(p.nomor for p in self.paslon)
