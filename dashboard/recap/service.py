"""The live recap: one engine per contest, rebuilt from the store at start, updated once per accepted result."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any

from dashboard.recap.engine import RecapEngine, RegionTotals
from data_sources import results, summary
from data_sources.domain.codes import region_level
from data_sources.store import Store

AS_OF_CACHE = 8


class RecapService:
    """Engines of every contest; answers totals now or as of a past moment (from the stored versions)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.RLock()
        self._engines: dict[str, RecapEngine] = {}
        self._contests: dict[str, summary.ContestInfo] = {}
        self._past: OrderedDict[tuple[str, str], RecapEngine] = OrderedDict()
        self._tps: dict[str, int] = {}
        self._names: dict[str, str] = {}
        self._built = False
        self._changed: dict[str, set[str]] = {}
        self._catch_up: Callable[[], object] | None = None
        self._revision: str | None = None  # the TPS list's revision the engines were built from

    def _build(self) -> None:
        self._revision = self.store.tps_revision()  # read first: a change landing meanwhile is seen next time
        self._contests = {c.id: c for c in summary.contests(self.store)}
        self._tps = summary.tps_dpt(self.store)
        self._names = summary.region_names(self.store)
        engines = {}
        for contest in self._contests.values():
            engine = self._new_engine(contest)
            engine.load(results.current_results(self.store, contest.id))
            engines[contest.id] = engine
        self._engines = engines
        self._past.clear()
        self._built = True

    def _new_engine(self, contest: summary.ContestInfo) -> RecapEngine:
        prefix = contest.scope_code + "."
        in_scope = {code: dpt for code, dpt in self._tps.items() if code.startswith(prefix)}
        return RecapEngine(contest, in_scope, self._names)

    def ensure_built(self) -> None:
        """Build every engine from the store once (lazily, on first use)."""
        with self._lock:
            if not self._built:
                self._build()

    def rebuild(self) -> None:
        """Rebuild from the store (after a scenario is loaded, or to recover)."""
        with self._lock:
            self._build()

    def refresh(self) -> bool:
        """Rebuild when the TPS list changed since the engines were built (`import tps`, possibly run by another
        process): TPS totals and DPT then follow. Cheap otherwise (the store's cached catalog, looked at once a
        second). Returns True when it rebuilt."""
        revision = self.store.catalog().revision
        with self._lock:
            if not self._built or revision == self._revision:
                return False
            self._build()
        return True

    def contests(self) -> list[summary.ContestInfo]:
        """The contests, in scenario order."""
        self.ensure_built()
        return list(self._contests.values())

    def contest(self, contest_id: str) -> summary.ContestInfo | None:
        """One contest, or None."""
        self.ensure_built()
        return self._contests.get(contest_id)

    def apply(self, result: dict[str, Any]) -> list[str]:
        """Fold one newly stored result version into its contest's aggregates; returns the changed regions."""
        self.refresh()
        with self._lock:
            self.ensure_built()
            engine = self._engines.get(result["contest"])
            if engine is None:
                return []
            try:
                regions = engine.apply(result)
            except KeyError:  # a TPS added to the list after the engines were built: build them again
                self._build()
                engine = self._engines[result["contest"]]
                try:
                    engine.tps_index(result["tps"])
                except KeyError:
                    return []
                regions = engine.lineage(result["tps"])  # the rebuild loaded it (stored before it is applied)
            # a new version changes its TPS's detail even when no total moves (a held result corrected into
            # another held one): its regions are named as changed all the same, for the pages showing them
            touched = regions or engine.lineage(result["tps"])
            self._changed.setdefault(result["contest"], set()).update(touched[1:])
            return regions

    def follow(self, catch_up: Callable[[], object]) -> None:
        """Call `catch_up` before every read of the live totals (the change feed of this process): a page or an
        API call made right after a write sees it, whoever stored it."""
        self._catch_up = catch_up

    def take_changed(self, contest_id: str, limit: int = 60) -> list[str]:
        """Regions (down to desa) changed since the last call; only the coarser levels when there are many."""
        with self._lock:
            codes = self._changed.pop(contest_id, set())
        while len(codes) > limit:
            deepest = max(region_level(c) for c in codes)
            codes = {c for c in codes if region_level(c) < deepest}
        return sorted(codes)

    def engine(self, contest_id: str, as_of: datetime | None = None) -> RecapEngine | None:
        """The live engine of a contest, or one rebuilt from the versions stored up to `as_of`."""
        self.ensure_built()
        self.refresh()
        contest = self._contests.get(contest_id)
        if contest is None:
            return None
        if as_of is None:
            if self._catch_up is not None:
                self._catch_up()
            return self._engines[contest_id]
        key = (contest_id, as_of.isoformat())
        with self._lock:
            cached = self._past.get(key)
            if cached is not None:
                self._past.move_to_end(key)
                return cached
        engine = self._new_engine(contest)
        engine.load(results.current_results(self.store, contest_id, as_of))
        with self._lock:
            self._past[key] = engine
            while len(self._past) > AS_OF_CACHE:
                self._past.popitem(last=False)
        return engine

    def totals(
        self, contest_id: str, region: str | None = None, as_of: datetime | None = None
    ) -> tuple[RegionTotals, list[RegionTotals]] | None:
        """Totals of a region (the contest's scope by default) and of each child region."""
        engine = self.engine(contest_id, as_of)
        if engine is None:
            return None
        code = region or self._contests[contest_id].scope_code
        with self._lock:
            return engine.region(code), engine.children(code)

    def main_region(self, contest_id: str) -> str:
        """The region a contest's overview starts from: its scope, or the scope's only child holding TPS."""
        engine = self.engine(contest_id)
        code = self._contests[contest_id].scope_code
        with self._lock:
            while region_level(code) < 2:
                kids = engine.children(code)
                if len(kids) != 1:
                    break
                code = kids[0].code
        return code
