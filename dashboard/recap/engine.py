"""The recap engine: incremental totals of one contest for every region from its scope down to the TPS.

Pure Python + numpy: no database, no Flask. The caller serialises access (it holds a lock).

Layout. The TPS of the contest's scope are sorted by code, so every region is a contiguous run of TPS and
its children a contiguous run of the level below. All totals live in one int64 table with one row per
region of every level (scope first, TPS last) and one column per figure (`_COLUMNS`, then one per paslon).
Each TPS knows the row of its region at every level (`_rows`), so applying a result is one fancy-indexed
addition of (new − old) to those rows; the TPS's own row is its current contribution.

Rules (DESIGN §5): a result held for review (`perlu_dicek`) is left out of the headline totals and counted in
`held`; a result carrying the `janggal` flag is counted in `janggal` whatever its status (like
`data_sources.summary`), and in the totals when it is counted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import numpy as np

from data_sources.domain.rules import STATUS_COUNTED, STATUS_REVIEW

if TYPE_CHECKING:
    from data_sources.domain.contest import ContestInfo

LEVEL_NAMES = ("nasional", "provinsi", "kabupaten", "kecamatan", "desa", "tps")
TPS_DEPTH = 5
JANGGAL = "janggal"

# Per-TPS status codes accepted by `RecapEngine.load_arrays`.
NO_RESULT, COUNTED, HELD = 0, 1, 2

# Columns of the totals table; the paslon votes follow, in paslon order.
_REPORTED, _HELD, _JANGGAL, _DPT_REPORTED, _VOTERS, _SAH, _TIDAK_SAH = range(7)
_VOTES = 7
_COLUMN_NAMES = ("reported", "held", "janggal", "dpt_reported", "voters", "suara_sah", "suara_tidak_sah")

_DIGITS = (0, 2, 4, 6, 10, 13)  # digits of a code's integer key at each depth
_WIDTH = (0, 2, 5, 8, 13, 17)  # characters of a dotted code at each depth
_PARTS = (2, 2, 2, 4, 3)  # digits of each dotted part
_TPS_DIGIT_POS = (0, 1, 3, 4, 6, 7, 9, 10, 11, 12, 14, 15, 16)
_TPS_DOT_POS = (2, 5, 8, 13)
_CODE = re.compile(r"\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4}(?:\.\d{3})?)?)?)?")


def _code_key(code: Any) -> tuple[int, int]:
    """(depth, integer key) of a dotted region or TPS code ("" is the whole country); KeyError if malformed."""
    if code == "":
        return 0, 0
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise KeyError(code)
    return code.count(".") + 1, int(code.replace(".", ""))


def _format_key(key: int, depth: int) -> str:
    """The dotted code of an integer key at a depth."""
    digits = f"{key:0{_DIGITS[depth]}d}"
    parts, pos = [], 0
    for width in _PARTS[:depth]:
        parts.append(digits[pos : pos + width])
        pos += width
    return ".".join(parts)


def _is_janggal(flags: Iterable[Any]) -> bool:
    """True when a result's flags include the janggal mark."""
    return any(isinstance(f, Mapping) and f.get("code") == JANGGAL for f in flags)


def _column(rows: list[Mapping[str, Any]], key: str, *default: Any) -> list[Any]:
    """One field of many dicts, fast when every dict has it; `default` for missing ones when given."""
    try:
        return list(map(itemgetter(key), rows))
    except KeyError:
        if not default:
            raise
        return [r.get(key, default[0]) for r in rows]


def _counts(values: list[Any], fallback: np.ndarray | None) -> np.ndarray:
    """An int64 array of counts where None takes the fallback's value at the same place."""
    if None not in values:
        return np.array(values, np.int64).reshape(len(values))
    if fallback is None:
        raise ValueError("angka wajib diisi")
    return np.array([fallback[i] if v is None else v for i, v in enumerate(values)], np.int64)


def _tps_keys(codes: Sequence[str]) -> np.ndarray:
    """Integer keys of dotted TPS codes, vectorised; ValueError naming the first malformed code."""
    if not codes:
        return np.empty(0, np.int64)
    arr = np.asarray(codes, dtype=str)
    if arr.dtype.itemsize != 4 * _WIDTH[TPS_DEPTH]:
        bad = next(c for c in codes if not isinstance(c, str) or len(c) != _WIDTH[TPS_DEPTH])
        raise ValueError(f"kode TPS tidak valid: {bad!r}")
    chars = arr.view(np.uint32).reshape(len(codes), _WIDTH[TPS_DEPTH])
    ok = np.ones(len(codes), bool)
    for pos in _TPS_DOT_POS:
        ok &= chars[:, pos] == ord(".")
    keys = np.zeros(len(codes), np.int64)
    for pos in _TPS_DIGIT_POS:
        digit = chars[:, pos].astype(np.int64) - ord("0")
        ok &= (digit >= 0) & (digit <= 9)
        keys *= 10
        keys += digit
    if not ok.all():
        raise ValueError(f"kode TPS tidak valid: {codes[int(np.argmin(ok))]!r}")
    return keys


@dataclass(frozen=True)
class RegionTotals:
    """Totals of one contest over one region (headline figures leave out results held for review)."""

    code: str
    name: str
    level: str
    tps_total: int
    tps_reported: int
    held: int
    janggal: int
    dpt: int
    dpt_reported: int
    voters: int
    suara_sah: int
    suara_tidak_sah: int
    votes: tuple[int, ...]
    nomor: tuple[int, ...]

    def share(self, nomor: int) -> float:
        """Paslon `nomor`'s fraction of the counted valid votes (0 when there are none)."""
        return self.votes[self.nomor.index(nomor)] / self.suara_sah if self.suara_sah else 0.0

    @property
    def shares(self) -> tuple[float, ...]:
        """Each paslon's fraction of the counted valid votes, in paslon order."""
        return tuple(v / self.suara_sah if self.suara_sah else 0.0 for v in self.votes)

    @property
    def leader(self) -> int | None:
        """The nomor of the paslon ahead (the first in paslon order on a tie), None before any vote."""
        if not any(self.votes):
            return None
        return self.nomor[max(range(len(self.votes)), key=self.votes.__getitem__)]

    @property
    def margin(self) -> int:
        """Votes of the leader minus votes of the runner-up (0 before any vote)."""
        ranked = sorted(self.votes, reverse=True)
        return ranked[0] - (ranked[1] if len(ranked) > 1 else 0) if ranked else 0

    @property
    def margin_share(self) -> float:
        """The margin as a fraction of the counted valid votes."""
        return self.margin / self.suara_sah if self.suara_sah else 0.0

    @property
    def turnout(self) -> float:
        """Voters over the DPT of the counted TPS (0 when none)."""
        return self.voters / self.dpt_reported if self.dpt_reported else 0.0

    @property
    def progress(self) -> float:
        """Counted TPS over all TPS of the region."""
        return self.tps_reported / self.tps_total if self.tps_total else 0.0

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: raw numbers, fractions rounded to 6 decimals, no formatting."""
        return {
            "code": self.code,
            "name": self.name,
            "level": self.level,
            "tps_total": self.tps_total,
            "tps_reported": self.tps_reported,
            "held": self.held,
            "janggal": self.janggal,
            "dpt": self.dpt,
            "dpt_reported": self.dpt_reported,
            "voters": self.voters,
            "suara_sah": self.suara_sah,
            "suara_tidak_sah": self.suara_tidak_sah,
            "votes": {str(n): v for n, v in zip(self.nomor, self.votes, strict=True)},
            "shares": {str(n): round(s, 6) for n, s in zip(self.nomor, self.shares, strict=True)},
            "leader": self.leader,
            "margin": self.margin,
            "margin_share": round(self.margin_share, 6),
            "turnout": round(self.turnout, 6),
            "progress": round(self.progress, 6),
        }


@dataclass(frozen=True)
class _Level:
    """One level of regions: its depth, first row in the table, sorted keys and children bounds."""

    depth: int
    offset: int
    keys: np.ndarray  # int64, sorted
    child_bounds: np.ndarray | None  # len(keys) + 1 indices into the next level; None for the TPS level


class RecapEngine:
    """Incremental totals of ONE contest per region, from its scope (or "" for the country) down to the TPS."""

    def __init__(
        self, contest: ContestInfo, tps_dpt: Mapping[str, int], names: Mapping[str, str] | None = None
    ) -> None:
        """Index the TPS of the contest's scope (others in `tps_dpt` are ignored); vectorised."""
        self.contest = contest
        self.scope: str = contest.scope_code or ""
        self._depth0, scope_key = _code_key(self.scope)
        if self._depth0 >= TPS_DEPTH:
            raise ValueError(f"cakupan kontestasi harus wilayah, bukan TPS: {self.scope!r}")
        self.nomor: tuple[int, ...] = tuple(p.nomor for p in contest.paslon)
        self._vote_keys = tuple(str(n) for n in self.nomor)
        self._vote_keyset = frozenset(self._vote_keys)
        self._names = dict(names or {})

        codes = list(tps_dpt)
        keys = _tps_keys(codes)
        dpt = np.fromiter(tps_dpt.values(), np.int64, len(codes))
        if self._depth0:
            inside = keys // 10 ** (_DIGITS[TPS_DEPTH] - _DIGITS[self._depth0]) == scope_key
            keys, dpt = keys[inside], dpt[inside]
        order = np.argsort(keys, kind="stable")
        keys, dpt = keys[order], dpt[order]
        if keys.size > 1 and not (keys[1:] != keys[:-1]).all():
            raise ValueError("kode TPS ganda")
        n = int(keys.size)

        # Per level, deepest first: each TPS's region index, region keys, and first TPS of each region.
        per_level: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for depth in range(TPS_DEPTH, self._depth0 - 1, -1):
            if depth == TPS_DEPTH:
                idx, rkeys, starts = np.arange(n, dtype=np.int64), keys, np.arange(n, dtype=np.int64)
            elif depth == self._depth0:
                idx = np.zeros(n, np.int64)
                rkeys = np.array([scope_key], np.int64)
                starts = np.zeros(min(n, 1), np.int64)
            else:
                prefix = keys // 10 ** (_DIGITS[TPS_DEPTH] - _DIGITS[depth])
                change = np.empty(n, bool)
                change[:1] = True
                np.not_equal(prefix[1:], prefix[:-1], out=change[1:])
                starts = np.flatnonzero(change)
                rkeys = prefix[starts]
                idx = np.cumsum(change) - 1
            per_level.append((idx, rkeys, starts))
        per_level.reverse()

        counts = [int(rk.size) for _, rk, _ in per_level]
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self._n_rows = int(offsets[-1])
        self._rows = np.empty((n, len(per_level)), np.int32)
        self._static = np.zeros((self._n_rows, 2), np.int64)  # TPS count, DPT
        levels: list[_Level] = []
        for i, (idx, rkeys, starts) in enumerate(per_level):
            self._rows[:, i] = offsets[i] + idx
            block = self._static[offsets[i] : offsets[i + 1]]
            if n:
                block[:, 0] = np.diff(np.append(starts, n))
                block[:, 1] = np.add.reduceat(dpt, starts)
            bounds = None
            if i + 1 < len(per_level):
                child_parent = idx[per_level[i + 1][2]]  # region (at this level) of each child's first TPS
                bounds = np.searchsorted(child_parent, np.arange(rkeys.size + 1))
            levels.append(_Level(self._depth0 + i, int(offsets[i]), rkeys, bounds))
        self._levels = tuple(levels)
        self._tps = levels[-1]
        self._tps_keys = keys
        self._n = n
        self._width = len(_COLUMN_NAMES) + len(self.nomor)
        self._table = np.zeros((self._n_rows, self._width), np.int64)
        self._version = np.zeros(n, np.int64)

    # ------------------------------------------------------------------ lookups

    @property
    def n_tps(self) -> int:
        """Number of TPS in the contest's scope."""
        return self._n

    @property
    def levels(self) -> tuple[str, ...]:
        """Level names from the scope down to the TPS."""
        return tuple(LEVEL_NAMES[lv.depth] for lv in self._levels)

    def tps_index(self, code: str) -> int:
        """The engine's index of a TPS (its rank by code in the scope); KeyError when unknown."""
        depth, key = _code_key(code)
        if depth != TPS_DEPTH:
            raise KeyError(code)
        i = int(np.searchsorted(self._tps_keys, key))
        if i >= self._n or self._tps_keys[i] != key:
            raise KeyError(code)
        return i

    def tps_codes(self) -> list[str]:
        """Every TPS code of the scope, in the engine's order (the order `load_arrays` expects)."""
        return [_format_key(k, TPS_DEPTH) for k in self._tps_keys.tolist()]

    def _locate(self, code: str) -> tuple[int, int]:
        """(level index, region index) of a region code; KeyError when outside the scope or unknown."""
        depth, key = _code_key(code)
        i = depth - self._depth0
        if i < 0:
            raise KeyError(code)
        keys = self._levels[i].keys
        j = int(np.searchsorted(keys, key))
        if j >= keys.size or keys[j] != key:
            raise KeyError(code)
        return i, j

    def lineage(self, tps: str) -> list[str]:
        """A TPS code and its ancestors' codes up to the scope, TPS first."""
        return [tps[: _WIDTH[d]] for d in range(TPS_DEPTH, self._depth0 - 1, -1)]

    # ------------------------------------------------------------------ building

    def load_arrays(
        self,
        votes: np.ndarray,
        suara_sah: np.ndarray,
        suara_tidak_sah: np.ndarray,
        voters: np.ndarray,
        status: np.ndarray,
        janggal: np.ndarray | None = None,
        version: np.ndarray | None = None,
    ) -> None:
        """Cold build from per-TPS arrays in the engine's TPS order.

        `votes` is (TPS × paslon); `status` holds NO_RESULT, COUNTED or HELD; `voters` the voters who came;
        `janggal` marks results flagged janggal; `version` the current version numbers (for stale checks).
        """
        n, width = self._n, len(self.nomor)
        votes = np.asarray(votes, np.int64)
        if votes.shape != (n, width):
            raise ValueError(f"votes harus berukuran ({n}, {width}), bukan {votes.shape}")
        status = np.asarray(status)
        for name, arr in (("suara_sah", suara_sah), ("suara_tidak_sah", suara_tidak_sah), ("voters", voters)):
            if np.shape(arr) != (n,):
                raise ValueError(f"{name} harus berukuran ({n},)")
        if status.shape != (n,):
            raise ValueError(f"status harus berukuran ({n},)")
        counted = status == COUNTED
        held = status == HELD
        if not (counted | held | (status == NO_RESULT)).all():
            raise ValueError("status harus NO_RESULT, COUNTED atau HELD")

        table = np.zeros((self._n_rows, self._width), np.int64)
        tps = table[self._tps.offset :]
        tps[:, _REPORTED] = counted
        tps[:, _HELD] = held
        if janggal is not None:
            tps[:, _JANGGAL] = np.asarray(janggal, bool) & (counted | held)
        tps[:, _DPT_REPORTED] = np.where(counted, self._static[self._tps.offset :, 1], 0)
        tps[:, _VOTERS] = np.where(counted, voters, 0)
        tps[:, _SAH] = np.where(counted, suara_sah, 0)
        tps[:, _TIDAK_SAH] = np.where(counted, suara_tidak_sah, 0)
        tps[:, _VOTES:] = np.where(counted[:, None], votes, 0)
        if n:
            for i in range(len(self._levels) - 2, -1, -1):
                level, below = self._levels[i], self._levels[i + 1]
                rows = table[below.offset : below.offset + below.keys.size]
                table[level.offset : level.offset + level.keys.size] = np.add.reduceat(
                    rows, level.child_bounds[:-1], axis=0
                )
        self._table = table
        self._version = np.zeros(n, np.int64) if version is None else np.asarray(version, np.int64).copy()

    def load(self, results: Iterable[dict[str, Any]]) -> None:
        """Cold build from result dicts shaped like `result_dict` (the newest version per TPS wins)."""
        results = results if isinstance(results, list) else list(results)
        m = len(results)
        contest_ids = set(_column(results, "contest", self.contest.id))
        if contest_ids - {self.contest.id}:
            raise ValueError(f"hasil kontestasi lain: {sorted(map(str, contest_ids - {self.contest.id}))}")
        idx = self._tps_indices(_column(results, "tps"))
        votes = self._parse_votes(_column(results, "votes"))
        sah = _counts(_column(results, "suara_sah", None), votes.sum(axis=1))
        tidak_sah = _counts(_column(results, "suara_tidak_sah"), None)
        voters = _counts(_column(results, "pengguna_hak_pilih", None), sah + tidak_sah)
        statuses = _column(results, "status", STATUS_COUNTED)
        unknown = set(statuses) - {STATUS_COUNTED, STATUS_REVIEW}
        if unknown:
            raise ValueError(f"status hasil tidak dikenal: {sorted(map(str, unknown))}")
        status = np.where(np.array([s == STATUS_REVIEW for s in statuses], bool), HELD, COUNTED)
        janggal = np.array([bool(f) and _is_janggal(f) for f in _column(results, "flags", None)], bool)
        version = _counts(_column(results, "version", None), np.zeros(m, np.int64))

        seen = np.zeros(self._n, bool)
        seen[idx] = True
        if int(seen.sum()) != m:  # several versions of one TPS: keep the newest
            order = np.lexsort((version, idx))
            last = np.ones(m, bool)
            last[:-1] = idx[order][1:] != idx[order][:-1]
            pick = order[last]
            idx, votes, sah, tidak_sah, voters, status, janggal, version = (
                a[pick] for a in (idx, votes, sah, tidak_sah, voters, status, janggal, version)
            )

        n = self._n
        full_votes = np.zeros((n, len(self.nomor)), np.int64)
        full_votes[idx] = votes
        full = {}
        for name, arr, dtype in (
            ("sah", sah, np.int64),
            ("tidak_sah", tidak_sah, np.int64),
            ("voters", voters, np.int64),
            ("status", status, np.int8),
            ("janggal", janggal, bool),
            ("version", version, np.int64),
        ):
            full[name] = np.zeros(n, dtype)
            full[name][idx] = arr
        self.load_arrays(
            full_votes,
            full["sah"],
            full["tidak_sah"],
            full["voters"],
            full["status"],
            full["janggal"],
            full["version"],
        )

    def _tps_indices(self, codes: list[str]) -> np.ndarray:
        """Engine indices of many TPS codes, vectorised; KeyError naming the first unknown one."""
        try:
            keys = _tps_keys(codes)
        except ValueError as exc:
            raise KeyError(str(exc)) from None
        idx = np.searchsorted(self._tps_keys, keys)
        found = idx < self._n
        found[found] = self._tps_keys[idx[found]] == keys[found]
        if not found.all():
            raise KeyError(codes[int(np.argmin(found))])
        return idx

    def _vote_values(self, votes: Mapping[Any, Any]) -> list[int]:
        """Votes in paslon order from a {"nomor": n} mapping; ValueError for an unknown paslon."""
        given = {str(k): v for k, v in votes.items()}
        if not given.keys() <= self._vote_keyset:
            extra = sorted(given.keys() - self._vote_keyset)
            raise ValueError(f"paslon tidak dikenal dalam {self.contest.id}: {extra}")
        return [int(given.get(k, 0)) for k in self._vote_keys]

    def _parse_votes(self, votes_dicts: list[Mapping[Any, Any]]) -> np.ndarray:
        """(results × paslon) votes from result vote dicts: one flat pass when each has exactly the paslon keys."""
        m, width = len(votes_dicts), len(self.nomor)
        if m == 0:
            return np.zeros((0, width), np.int64)
        if width and set(map(len, votes_dicts)) == {width}:
            getter = itemgetter(*self._vote_keys)
            try:
                if width == 1:
                    flat = np.fromiter(map(getter, votes_dicts), np.int64, m)
                else:
                    flat = np.fromiter(chain.from_iterable(map(getter, votes_dicts)), np.int64, m * width)
                return flat.reshape(m, width)
            except KeyError:
                pass  # int keys or other paslon: go the careful way
        return np.array([self._vote_values(v) for v in votes_dicts], np.int64).reshape(m, width)

    # ------------------------------------------------------------------ incremental

    def apply(self, result: Mapping[str, Any]) -> list[str]:
        """Make `result` the current version of its TPS; return the changed region codes, TPS first.

        Returns [] when nothing changed, or when `result` is older than the version already applied.
        Raises KeyError for a TPS outside the contest's scope, ValueError for another contest.
        """
        if result.get("contest", self.contest.id) != self.contest.id:
            raise ValueError(f"hasil kontestasi {result.get('contest')!r}, bukan {self.contest.id!r}")
        code = result["tps"]
        t = self.tps_index(code)
        version = result.get("version")
        if version is not None:
            if version < self._version[t]:
                return []
            self._version[t] = version
        rows = self._rows[t]
        delta = self._contribution(result, t)
        delta -= self._table[rows[-1]]
        if not delta.any():
            return []
        self._table[rows] += delta
        return self.lineage(code)

    def _contribution(self, result: Mapping[str, Any], t: int) -> np.ndarray:
        """The row a result adds to every level: held results only count in `held` (and `janggal`)."""
        votes = self._vote_values(result["votes"])
        janggal = int(_is_janggal(result.get("flags") or ()))
        status = result.get("status", STATUS_COUNTED)
        if status == STATUS_REVIEW:
            return np.array([0, 1, janggal, 0, 0, 0, 0, *([0] * len(votes))], np.int64)
        if status != STATUS_COUNTED:
            raise ValueError(f"status hasil tidak dikenal: {status!r}")
        sah = result.get("suara_sah")
        sah = sum(votes) if sah is None else int(sah)
        tidak_sah = int(result["suara_tidak_sah"])
        hadir = result.get("pengguna_hak_pilih")
        voters = sah + tidak_sah if hadir is None else int(hadir)
        dpt = int(self._static[self._tps.offset + t, 1])
        return np.array([1, 0, janggal, dpt, voters, sah, tidak_sah, *votes], np.int64)

    # ------------------------------------------------------------------ reads

    def _block(self, i: int, start: int, stop: int) -> list[RegionTotals]:
        """RegionTotals of regions start..stop-1 of level i."""
        level = self._levels[i]
        lo, hi = level.offset + start, level.offset + stop
        name = LEVEL_NAMES[level.depth]
        out = []
        for key, (tps_total, dpt), row in zip(
            level.keys[start:stop].tolist(),
            self._static[lo:hi].tolist(),
            self._table[lo:hi].tolist(),
            strict=True,
        ):
            code = self.scope if i == 0 else _format_key(key, level.depth)
            out.append(
                RegionTotals(
                    code=code,
                    name=self._names.get(code) or code or "Nasional",
                    level=name,
                    tps_total=tps_total,
                    tps_reported=row[_REPORTED],
                    held=row[_HELD],
                    janggal=row[_JANGGAL],
                    dpt=dpt,
                    dpt_reported=row[_DPT_REPORTED],
                    voters=row[_VOTERS],
                    suara_sah=row[_SAH],
                    suara_tidak_sah=row[_TIDAK_SAH],
                    votes=tuple(row[_VOTES:]),
                    nomor=self.nomor,
                )
            )
        return out

    def region(self, code: str) -> RegionTotals:
        """Totals of one region (the scope, any region inside it, or a TPS); KeyError when unknown."""
        i, j = self._locate(code)
        return self._block(i, j, j + 1)[0]

    def total(self) -> RegionTotals:
        """Totals of the whole scope."""
        return self._block(0, 0, 1)[0]

    def children(self, code: str) -> list[RegionTotals]:
        """Totals of a region's child regions by code (a desa's children are its TPS; a TPS has none)."""
        i, j = self._locate(code)
        bounds = self._levels[i].child_bounds
        if bounds is None:
            return []
        return self._block(i + 1, int(bounds[j]), int(bounds[j + 1]))

    def regions(self, level: str) -> list[RegionTotals]:
        """Totals of every region of one level ("kecamatan", "desa"…), by code."""
        for i, lv in enumerate(self._levels):
            if LEVEL_NAMES[lv.depth] == level:
                return self._block(i, 0, lv.keys.size)
        raise KeyError(level)

    def flagged(self) -> list[str]:
        """Codes of the TPS whose current result is held for review or marked janggal, sorted."""
        tps = self._table[self._tps.offset :]
        mask = (tps[:, _HELD] > 0) | (tps[:, _JANGGAL] > 0)
        return [_format_key(k, TPS_DEPTH) for k in self._tps_keys[mask].tolist()]
