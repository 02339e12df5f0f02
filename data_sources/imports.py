"""Imports from files: TPS results from CSV or Sirekap JSON, incidents from CSV; one report format for all.

Every result goes through the same rules as the API (`data_sources.results`): a CSV import either submits each
row through `submit_result` (`bulk=False`), or, by default, validates each row exactly as `submit_result` does
(the same `rules.parse_tally` and `rules.check_result`) and hands batches of 2,000 to `results.write_batch`,
the writer the API's group commit uses (new versions, same again or conflict, audit rows, one transaction per
batch); a row the fast path cannot decide for sure (invalid, outside the token's region, a correction) goes through
`submit_result` itself, so both ways give the same stored results and the same report.

Files are streamed: a CSV of 820,000 rows is never held in memory. A file that cannot be read at all
(missing, not UTF-8, no header, a required column missing) raises `ImportFileError` before anything is stored.
"""

from __future__ import annotations

import codecs
import csv
import gc
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from data_sources import sirekap
from data_sources.domain import rules
from data_sources.domain.actors import Actor
from data_sources.domain.codes import is_within, normalize_tps_code
from data_sources.domain.fmt import WIB, fmt_int
from data_sources.errors import FieldErrors
from data_sources.incidents import IncidentError, create_incident
from data_sources.models import AuditEntry, Incident, Result
from data_sources.results import (
    CONFLICT,
    CREATED,
    FORBIDDEN,
    REJECTED,
    SAME,
    Outcome,
    Pending,
    _parse_time,
    submit_result,
    write_batch,
)
from data_sources.store import Store

# What became of a row (or a file), in the words shown to the operator.
DITERIMA = "diterima"
PERLU_DICEK = "perlu dicek"
JANGGAL = "janggal"
SAMA = "sama"
KONFLIK = "konflik"
DITOLAK = "ditolak"
DILEWATI = "dilewati"
ORDER = (DITERIMA, PERLU_DICEK, JANGGAL, SAMA, KONFLIK, DITOLAK, DILEWATI)
LABELS = {
    DITERIMA: "diterima",
    PERLU_DICEK: "disimpan, perlu dicek",
    JANGGAL: "disimpan, ditandai janggal",
    SAMA: "sama (sudah tersimpan)",
    KONFLIK: "konflik",
    DITOLAK: "ditolak",
    DILEWATI: "dilewati",
}
QUIET = (DITERIMA, SAMA)  # outcomes not listed line by line
SHOW_LINES = 50
BATCH_SIZE = 2000
ANALYZE_FIRST = 5000  # PostgreSQL: new versions stored before the first ANALYZE (then at ×4 each time)
PROGRESS_EVERY = 1000

ProgressFn = Callable[[int, int], None]


class ImportFileError(FieldErrors):
    """A file that cannot be imported at all; nothing was stored."""

    def __init__(self, message: str) -> None:
        super().__init__({"berkas": message})
        self.message = message

    def __str__(self) -> str:
        return self.message


# ---------------------------------------------------------------------------------------------------- report


@dataclass(frozen=True)
class ReportLine:
    """One row (or file) worth listing: where it is, what it is about, what became of it and why."""

    where: str
    keys: tuple[str, ...]
    outcome: str
    reason: str


@dataclass
class ImportReport:
    """Counts per outcome, the first lines worth showing, and every such line written to a report CSV."""

    source: str
    where_label: str = "baris"
    key_labels: tuple[str, ...] = ("kontestasi", "tps")
    path: Path | None = None
    show: int = SHOW_LINES
    list_all: bool = False  # the file lists accepted and unchanged lines too (Sirekap: one line per file)
    order: tuple[str, ...] = ORDER  # the outcomes this import knows, in the order the summary lists them
    labels: dict[str, str] = field(default_factory=lambda: dict(LABELS))
    quiet: tuple[str, ...] = QUIET
    counts: dict[str, int] = field(default_factory=dict)
    shown: list[ReportLine] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    _file: TextIO | None = field(default=None, repr=False)
    _writer: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        for outcome in self.order:
            self.counts.setdefault(outcome, 0)

    def open(self) -> ImportReport:
        """Create the report file (UTF-8 with BOM, so spreadsheets read it right); raises ImportFileError."""
        if self.path is not None:
            try:
                self._file = open(self.path, "w", newline="", encoding="utf-8-sig")
            except OSError as exc:
                raise ImportFileError(
                    f"laporan tidak dapat ditulis ke {self.path} ({exc.strerror}); pilih tempat lain dengan --report"
                ) from None
            self._writer = csv.writer(self._file)
            self._writer.writerow([self.where_label, *self.key_labels, "hasil", "alasan"])
        return self

    def close(self) -> None:
        """Finish the report file."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> ImportReport:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add(self, line: ReportLine) -> None:
        """Count a line; list it (screen and file) unless it was simply accepted or already stored."""
        self.counts[line.outcome] += 1
        quiet = line.outcome in self.quiet
        if self._writer is not None and (self.list_all or not quiet):
            self._writer.writerow([line.where, *line.keys, line.outcome, line.reason])
        if not quiet and len(self.shown) < self.show:
            self.shown.append(line)

    @property
    def total(self) -> int:
        """Rows (or files) processed."""
        return sum(self.counts.values())

    @property
    def stored(self) -> int:
        """New versions (or incidents) stored by this import."""
        return sum(self.counts.get(o, 0) for o in (DITERIMA, PERLU_DICEK, JANGGAL))

    @property
    def problems(self) -> int:
        """Rows rejected or in conflict: the ones an operator must fix."""
        return self.counts.get(DITOLAK, 0) + self.counts.get(KONFLIK, 0)

    @property
    def listed(self) -> int:
        """How many lines worth attention there are (all of them are in the report file)."""
        return sum(n for outcome, n in self.counts.items() if outcome not in self.quiet)

    def summary(self) -> list[str]:
        """The report as lines of text for the terminal (Bahasa Indonesia)."""
        unit = self.where_label
        rate = f", {fmt_int(round(self.total / self.elapsed))} {unit}/detik" if self.elapsed >= 1 else ""
        lines = [f"Impor {self.source}: {fmt_int(self.total)} {unit} diproses dalam {self.elapsed:.1f} detik{rate}."]
        width = max(len(label) for label in self.labels.values())
        lines += [f"  {self.labels[o]:<{width}}  {fmt_int(self.counts[o]):>9}" for o in self.order if self.counts[o]]
        if self.shown:
            more = f"; semuanya ({fmt_int(self.listed)}) di {self.path}" if self.path else ""
            lines.append(f"{unit.capitalize()} yang perlu diperhatikan ({len(self.shown)} pertama{more}):")
            for line in self.shown:
                keys = " ".join(k for k in line.keys if k)
                lines.append(f"  {unit} {line.where}  {keys}  {line.outcome}: {line.reason}")
        elif self.path:
            lines.append(f"Laporan: {self.path}")
        return lines


# ------------------------------------------------------------------------------------------------ CSV reading


@dataclass
class CsvSource:
    """A readable CSV file: its delimiter, header (lower-case, trimmed) and approximate number of data rows."""

    path: Path
    delimiter: str
    header: list[str]
    rows: int

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """(line number, cells) of every non-blank data row; the header is line 1."""
        with open(self.path, encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f, delimiter=self.delimiter)
            next(reader, None)
            for cells in reader:
                if not cells or all(not c.strip() for c in cells):
                    continue
                yield reader.line_num, cells


def _check_utf8(path: Path) -> int:
    """Count the lines of a file while checking it is UTF-8; raises ImportFileError naming the bad line."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 0
    size = 0
    try:
        with open(path, "rb") as f:
            if f.read(4) in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
                raise ImportFileError(
                    f"{path}: ini berkas Excel, bukan CSV; simpan sebagai 'CSV UTF-8' lalu impor lagi"
                )
            f.seek(0)
            while chunk := f.read(1 << 20):
                size += len(chunk)
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    line = lines + chunk[: max(exc.start, 0)].count(b"\n") + 1
                    raise ImportFileError(
                        f"{path}: bukan teks UTF-8 (baris {line}); simpan ulang sebagai 'CSV UTF-8'"
                    ) from None
                lines += chunk.count(b"\n")
            decoder.decode(b"", final=True)
    except FileNotFoundError:
        raise ImportFileError(f"{path}: berkas tidak ada") from None
    except UnicodeDecodeError:
        raise ImportFileError(f"{path}: bukan teks UTF-8 (akhir berkas terpotong)") from None
    except OSError as exc:
        raise ImportFileError(f"{path}: tidak dapat dibaca ({exc.strerror})") from None
    if size == 0:
        raise ImportFileError(f"{path}: berkas kosong, tidak ada baris kepala")
    return lines


def read_csv(path: Path) -> CsvSource:
    """Check a CSV file is readable and read its header (comma, semicolon or tab separated)."""
    path = Path(path)
    lines = _check_utf8(path)
    with open(path, encoding="utf-8-sig", newline="") as f:
        first = f.readline()
        if not first.strip():
            raise ImportFileError(f"{path}: baris pertama kosong; baris pertama harus nama kolom")
        delimiter = max((",", ";", "\t"), key=first.count)
        f.seek(0)
        header = next(csv.reader(f, delimiter=delimiter))
    names = [h.strip().lower() for h in header]
    doubled = sorted({n for n in names if n and names.count(n) > 1})
    if doubled:
        raise ImportFileError(f"{path}: kolom ganda di baris kepala: {', '.join(doubled)}")
    return CsvSource(path, delimiter, names, max(lines - 1, 0))


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def _overflows(cells: list[str], src: CsvSource) -> bool:
    """True when a row has filled cells beyond the header (an unquoted separator shifted it)."""
    return len(cells) > len(src.header) and any(c.strip() for c in cells[len(src.header) :])


_INT = re.compile(r"^[+-]?\d+$")


def _count(text: str) -> int | str | None:
    """A count from a cell: None when empty, an int when it is one, else the text (the rules reject it)."""
    if not text:
        return None
    if text.isascii() and text.isdigit():  # the common case, without the regular expression
        return int(text)
    return int(text) if _INT.match(text) else text


_LOCAL_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M")


@lru_cache(maxsize=4096)
def with_zone(text: str) -> str:
    """A time from a spreadsheet as ISO 8601; a time without a zone is read as WIB (UTC+7)."""
    moment: datetime | None = None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        for fmt in _LOCAL_FORMATS:
            try:
                moment = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if moment is None:
        return text  # the ingest path explains the expected format
    return (moment if moment.tzinfo else moment.replace(tzinfo=WIB)).isoformat()


# --------------------------------------------------------------------------------------------- result outcomes


def describe(outcome: Outcome, name_of: Callable[[str], str] = str) -> tuple[str, str]:
    """The report's outcome and reason for what the ingest path answered."""
    if outcome.status == CREATED:
        result = outcome.result or {}
        reason = "; ".join(f["message"] for f in result.get("flags", []))
        if result.get("status") == rules.STATUS_REVIEW:
            return PERLU_DICEK, reason
        if any(f.get("code") == "janggal" for f in result.get("flags", [])):
            return JANGGAL, reason
        return DITERIMA, reason
    if outcome.status == SAME:
        return SAMA, outcome.message
    if outcome.status == CONFLICT:
        return KONFLIK, outcome.message
    if outcome.status == FORBIDDEN:
        return DITOLAK, outcome.message
    assert outcome.status == REJECTED
    return DITOLAK, "; ".join(f"{name_of(k)}: {v}" for k, v in outcome.errors.items()) or outcome.message


@dataclass(slots=True)
class _Prepared:
    contest_id: str
    tps: str
    tally: rules.Tally
    verdict: rules.Verdict
    submitted_at: datetime | None


_BULK_KEYS = frozenset(
    {"contest", "tps", "votes", "suara_tidak_sah", "suara_sah", "pengguna_hak_pilih", "submitted_at"}
)


def _prepare(store: Store, payload: dict[str, Any], actor: Actor) -> _Prepared | None:
    """The checks of `submit_result` up to storage; None when it would not store (it then decides itself)."""
    if not _BULK_KEYS.issuperset(payload):
        return None
    contest_id, raw_tps = payload.get("contest"), payload.get("tps")
    if not isinstance(contest_id, str) or not contest_id or not isinstance(raw_tps, str | int):
        return None
    tps = normalize_tps_code(raw_tps)
    if tps is None:
        return None
    tally, errors = rules.parse_tally(
        payload.get("votes"),
        payload.get("suara_tidak_sah"),
        payload.get("suara_sah"),
        payload.get("pengguna_hak_pilih"),
    )
    submitted_at = _parse_time(payload.get("submitted_at"), errors)
    if errors or tally is None:
        return None
    catalog = store.catalog()
    contest = catalog.contests.get(contest_id)
    dpt = catalog.tps_dpt.get(tps)
    if contest is None or dpt is None or not is_within(tps, contest.scope_code):
        return None
    if actor.region and not is_within(tps, actor.region):
        return None
    verdict = rules.check_result(tally, dpt, contest.numbers)
    if verdict.rejected:
        return None
    return _Prepared(contest_id, tps, tally, verdict, submitted_at)


def _key_of(payload: dict[str, Any]) -> tuple[str, str] | None:
    contest, raw = payload.get("contest"), payload.get("tps")
    code = normalize_tps_code(raw) if isinstance(raw, str | int) else None
    return (contest, code) if isinstance(contest, str) and code else None


@dataclass(slots=True)
class _Item:
    where: str
    keys: tuple[str, ...]
    payload: dict[str, Any] | None
    name_of: Callable[[str], str]
    prepared: _Prepared | None = None
    outcome: Outcome | None = None
    line: ReportLine | None = None


class ResultWriter:
    """Submit payloads in file order and report each; per row through `submit_result`, or in batches."""

    def __init__(
        self, store: Store, actor: Actor, source: str, report: ImportReport, bulk: bool = True, batch_size: int = 0
    ) -> None:
        self.store, self.actor, self.source, self.report = store, actor, source, report
        self.bulk = bulk
        self.batch_size = batch_size or BATCH_SIZE
        self._queue: list[_Item] = []
        self._pending: set[tuple[str, str]] = set()
        self._stored = 0
        self._analyze_at = ANALYZE_FIRST

    def reject(self, where: str, keys: tuple[str, ...], reason: str, outcome: str = DITOLAK) -> None:
        """Report a row that never reaches the ingest path (unreadable, skipped)."""
        self._push(_Item(where, keys, None, str, line=ReportLine(where, keys, outcome, reason)))

    def submit(
        self, where: str, keys: tuple[str, ...], payload: dict[str, Any], name_of: Callable[[str], str] = str
    ) -> None:
        """Submit one result payload."""
        item = _Item(where, keys, payload, name_of)
        if self.bulk:
            item.prepared = _prepare(self.store, payload, self.actor)
        if item.prepared is None:
            key = _key_of(payload)
            if key is not None and key in self._pending:
                self.flush()  # keep the file's order for this TPS
            item.outcome = submit_result(self.store, payload, self.actor, self.source)
        else:
            self._pending.add((item.prepared.contest_id, item.prepared.tps))
        self._push(item)

    def _push(self, item: _Item) -> None:
        if not self._queue and item.prepared is None:
            self._report(item)
            return
        self._queue.append(item)
        if len(self._queue) >= self.batch_size:
            self.flush()

    def _report(self, item: _Item) -> None:
        if item.line is None:
            assert item.outcome is not None
            outcome, reason = describe(item.outcome, item.name_of)
            if outcome in QUIET and not self.report.list_all:
                self.report.counts[outcome] += 1  # what `add` does with a line it does not list
                return
            item.line = ReportLine(item.where, item.keys, outcome, reason)
        self.report.add(item.line)

    def flush(self) -> None:
        """Store the queued rows in one transaction and report every queued row in order."""
        queue, self._queue, self._pending = self._queue, [], set()
        batch = [item for item in queue if item.prepared is not None]
        if batch:
            try:
                self._store_batch(batch)
            except IntegrityError:
                # Another writer stored a version of one of these TPS meanwhile: let the ingest path decide each.
                for item in batch:
                    assert item.payload is not None
                    item.outcome = submit_result(self.store, item.payload, self.actor, self.source)
        for item in queue:
            self._report(item)
        self._stored += sum(1 for item in batch if item.outcome is not None and item.outcome.status == CREATED)
        if self._stored >= self._analyze_at and not self.store.is_sqlite:
            self._analyze_at = self._stored * 4
            self._analyze()

    def _analyze(self) -> None:
        """Refresh PostgreSQL's statistics of the tables a bulk load grows.

        A results table analysed while (nearly) empty makes the planner scan a whole contest for each batch's
        lookup of current versions (seconds per batch, quadratic over a big file); fresh statistics let it use
        the (contest, TPS) index. Without the right to ANALYZE the import still works, only slower.
        """
        try:
            with self.store.engine.begin() as conn:
                conn.exec_driver_sql(f"ANALYZE {Result.__tablename__}")
                conn.exec_driver_sql(f"ANALYZE {AuditEntry.__tablename__}")
        except SQLAlchemyError:
            pass

    def _store_batch(self, batch: list[_Item]) -> None:
        """Decide each row against the stored versions and store the new ones with their audit rows: one commit."""
        pending = []
        for item in batch:
            p = item.prepared
            assert p is not None
            pending.append(Pending(p.contest_id, p.tps, p.tally, p.verdict, self.actor, self.source, p.submitted_at))
        write_batch(self.store, pending, full=False)
        for item, done in zip(batch, pending, strict=True):
            item.outcome = done.outcome


# ----------------------------------------------------------------------------------------------- CSV tallies

_VOTE_COLUMN = re.compile(r"^(suara|paslon)_(\d+)$")
TALLY_COLUMNS = ("contest", "tps", "suara_tidak_sah", "suara_sah", "pengguna_hak_pilih", "submitted_at")


@dataclass
class TallyColumns:
    """Where each field of a tally is in the CSV rows."""

    index: dict[str, int]
    votes: dict[int, int]
    vote_names: dict[int, str]
    ignored: list[str]
    vote_cells: tuple[tuple[str, int], ...] = ()  # (payload key, cell index) of each paslon's votes
    optional_cells: tuple[tuple[str, int], ...] = ()  # suara_sah, pengguna_hak_pilih when the header has them
    width: int = 0  # cells a row needs to hold every known column

    def __post_init__(self) -> None:
        self.vote_cells = tuple((str(nomor), i) for nomor, i in self.votes.items())
        self.optional_cells = tuple((n, self.index[n]) for n in ("suara_sah", "pengguna_hak_pilih") if n in self.index)
        self.width = max([*self.index.values(), *self.votes.values()]) + 1

    def name_of(self, field_key: str) -> str:
        """The CSV column an ingest error is about (`votes.3` → `suara_3`)."""
        if field_key.startswith("votes."):
            nomor = field_key.removeprefix("votes.")
            return self.vote_names.get(int(nomor), f"suara_{nomor}") if nomor.isdigit() else field_key
        if field_key == "votes":
            return "kolom suara paslon"
        return field_key


def tally_columns(src: CsvSource, contest_given: bool) -> TallyColumns:
    """Find the tally columns in a header; raises ImportFileError naming what is missing."""
    index: dict[str, int] = {}
    votes: dict[int, int] = {}
    names: dict[int, str] = {}
    ignored: list[str] = []
    for i, name in enumerate(src.header):
        match = _VOTE_COLUMN.match(name)
        if match:
            nomor = int(match.group(2))
            if nomor in votes:
                raise ImportFileError(f"{src.path}: kolom {names[nomor]} dan {name} sama-sama untuk paslon {nomor}")
            votes[nomor], names[nomor] = i, name
        elif name in TALLY_COLUMNS:
            index[name] = i
        elif name:
            ignored.append(name)
    missing = [c for c in ("tps", "suara_tidak_sah") if c not in index]
    if not votes:
        missing.append("suara_1, suara_2, … (suara per paslon)")
    if "contest" not in index and not contest_given:
        missing.append("contest (atau pakai --contest)")
    if missing:
        raise ImportFileError(f"{src.path}: kolom wajib tidak ada: {'; '.join(missing)}")
    return TallyColumns(index, votes, names, ignored)


def _tally_payload(
    cells: list[str], cols: TallyColumns, default_contest: str | None
) -> tuple[dict[str, Any], str | None]:
    """The payload of one CSV row, and a reason to reject it before the ingest path when there is one."""
    if len(cells) < cols.width:  # a short row: its missing cells are empty
        cells = cells + [""] * (cols.width - len(cells))
    col = cols.index
    contest = (cells[col["contest"]].strip() if "contest" in col else "") or default_contest or ""
    votes: dict[str, Any] = {}
    for key, i in cols.vote_cells:
        text = cells[i].strip()
        if text:
            votes[key] = int(text) if text.isdigit() and text.isascii() else _count(text)
    payload: dict[str, Any] = {
        "contest": contest,
        "tps": cells[col["tps"]].strip(),
        "votes": votes,
        "suara_tidak_sah": _count(cells[col["suara_tidak_sah"]].strip()),
    }
    for name, i in cols.optional_cells:
        value = _count(cells[i].strip())
        if value is not None:
            payload[name] = value
    when = cells[col["submitted_at"]].strip() if "submitted_at" in col else ""
    if when:
        payload["submitted_at"] = with_zone(when)
    if default_contest and contest != default_contest:
        return payload, f"contest: baris ini untuk {contest!r}, impor ini untuk {default_contest!r} (--contest)"
    return payload, None


def _explainer(cells: list[str], cols: TallyColumns) -> Callable[[str], str]:
    """Names a field by its column, and says what was written there when it was empty or not a number."""

    def name_of(field_key: str) -> str:
        name = cols.name_of(field_key)
        if field_key.startswith("votes."):
            nomor = field_key.removeprefix("votes.")
            i = cols.votes.get(int(nomor)) if nomor.isdigit() else None
        else:
            i = cols.index.get(field_key)
        if i is None:
            return name
        raw = _cell(cells, i)
        if not raw:
            return f"{name} (kosong)"
        if not _INT.match(raw) and field_key != "submitted_at" and field_key not in ("contest", "tps"):
            return f"{name} (tertulis {raw!r})"
        return name

    return name_of


def _check_contest(store: Store, contest: str | None) -> None:
    if contest is not None and contest not in store.catalog().contests:
        known = ", ".join(sorted(store.catalog().contests)) or "belum ada; muat skenario dulu dengan `init`"
        raise ImportFileError(f"kontestasi {contest!r} tidak dikenal (yang ada: {known})")


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while a big file streams through (restored afterwards).

    Every row allocates a few dozen short-lived containers; with the default threshold the collector runs every
    700 of them and costs about a third of the import's CPU time. Reference counting still frees each row.
    """
    before = gc.get_threshold()
    gc.set_threshold(100_000, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def import_tallies(
    store: Store,
    path: Path,
    *,
    contest: str | None = None,
    source: str = "csv",
    report_path: Path | None = None,
    bulk: bool = True,
    batch_size: int = 0,
    progress: ProgressFn | None = None,
) -> ImportReport:
    """Import TPS results from a CSV file, row by row through the rules; raises ImportFileError when unreadable."""
    started = time.perf_counter()
    src = read_csv(path)
    cols = tally_columns(src, contest is not None)
    _check_contest(store, contest)
    actor = Actor(f"import:{src.path.name}", "operator")
    report = ImportReport(src.path.name, "baris", ("kontestasi", "tps"), report_path)
    if cols.ignored:
        report.warnings.append(f"kolom diabaikan: {', '.join(cols.ignored)}")
    with report, _fewer_collections():
        writer = ResultWriter(store, actor, source, report, bulk=bulk, batch_size=batch_size)
        done = 0
        for line_no, cells in src.records():
            payload, problem = _tally_payload(cells, cols, contest)
            code = normalize_tps_code(payload["tps"])
            if code is not None:
                payload["tps"] = code  # the dotted form, checked once
            keys = (str(payload["contest"]), code or payload["tps"])
            if _overflows(cells, src):
                problem = f"baris ini punya {len(cells)} kolom, baris kepala {len(src.header)}; periksa pemisah"
            if problem:
                writer.reject(str(line_no), keys, problem)
            else:
                writer.submit(str(line_no), keys, payload, _explainer(cells, cols))
            done += 1
            if progress and done % PROGRESS_EVERY == 0:
                progress(done, max(src.rows, done))
        writer.flush()
        if progress:
            progress(done, done)
    report.elapsed = time.perf_counter() - started
    return report


# --------------------------------------------------------------------------------------------------- Sirekap


def check_mapping(store: Store, contest: str, mapping: dict[str, int]) -> list[str]:
    """Warnings about a mapping for a contest; raises ImportFileError when it names a paslon the contest lacks."""
    _check_contest(store, contest)
    paslon = store.catalog().contests[contest].numbers
    extra = sorted(set(mapping.values()) - paslon)
    if extra:
        raise ImportFileError(
            f"berkas pemetaan menyebut paslon nomor {', '.join(map(str, extra))}, "
            f"kontestasi {contest} hanya punya nomor {', '.join(map(str, sorted(paslon)))}"
        )
    missing = sorted(paslon - set(mapping.values()))
    if missing:
        return [
            f"pemetaan tidak mencakup paslon nomor {', '.join(map(str, missing))} dari {contest}: "
            "berkas yang berisi angka akan ditolak"
        ]
    return []


def _shown_path(path: Path, roots: list[Path]) -> str:
    """A file as the operator named it: relative to the folder given (with the folder's name), else as given."""
    for root in roots:
        if root.is_dir():
            try:
                return str(Path(root.name) / path.relative_to(root))
            except ValueError:
                continue
    return str(path)


def import_sirekap(
    store: Store,
    paths: list[Path],
    *,
    mapping_path: Path,
    contest: str,
    source: str = "sirekap",
    report_path: Path | None = None,
    progress: ProgressFn | None = None,
) -> ImportReport:
    """Import Sirekap per-TPS JSON files (files or folders), each through `submit_result`."""
    started = time.perf_counter()
    try:
        mapping = sirekap.load_mapping(mapping_path)
        files = sirekap.find_files(paths, exclude=[mapping_path])
    except sirekap.SirekapError as exc:
        raise ImportFileError(str(exc)) from None
    warnings = check_mapping(store, contest, mapping)
    name = paths[0].name if len(paths) == 1 else f"{paths[0].name} (+{len(paths) - 1})"
    actor = Actor(f"import:{name}"[:120], "operator")
    report = ImportReport(f"Sirekap {name}", "berkas", ("kontestasi", "tps"), report_path, list_all=True)
    report.warnings += warnings
    if not files:
        report.warnings.append("tidak ada berkas .json")
    with report:
        writer = ResultWriter(store, actor, source, report, bulk=False)
        for done, entry in enumerate(sirekap.parse_files(files, contest, mapping), start=1):
            where = _shown_path(entry.path, paths)
            keys = (contest, entry.tps or "")
            if entry.payload is not None:
                writer.submit(where, keys, entry.payload, lambda k: k)
            else:
                reason = f"{entry.state}: {entry.reason}"
                writer.reject(where, keys, reason, DITOLAK if entry.rejected else DILEWATI)
            if progress:
                progress(done, len(files))
        writer.flush()
    report.elapsed = time.perf_counter() - started
    return report


# ------------------------------------------------------------------------------------------------- incidents

INCIDENT_REQUIRED = ("kecamatan", "stage", "category", "severity", "description")
INCIDENT_OPTIONAL = ("desa", "tps", "latitude", "longitude", "occurred_at")
_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")


def _region(text: str) -> str:
    """A kecamatan or desa code; KPU's digits (160708, 1607082001) become Kemendagri's dotted form."""
    if re.fullmatch(r"\d{6}", text):
        return f"{text[:2]}.{text[2:4]}.{text[4:6]}"
    if re.fullmatch(r"\d{10}", text):
        return f"{text[:2]}.{text[2:4]}.{text[4:6]}.{text[6:10]}"
    return text


def _coordinate(text: str) -> float | str | None:
    if not text:
        return None
    return float(text.replace(",", ".")) if _NUMBER.match(text) else text


def _incident_payload(cells: list[str], index: dict[str, int]) -> dict[str, Any]:
    def get(name: str) -> str:
        return _cell(cells, index.get(name))

    payload: dict[str, Any] = {name: get(name) for name in ("stage", "category", "severity", "description")}
    payload["kecamatan"] = _region(get("kecamatan"))
    payload["desa"] = _region(get("desa")) or None
    payload["tps"] = get("tps") or None
    payload["latitude"] = _coordinate(get("latitude"))
    payload["longitude"] = _coordinate(get("longitude"))
    payload["occurred_at"] = with_zone(get("occurred_at")) if get("occurred_at") else None
    return payload


@dataclass(frozen=True)
class _Seen:
    id: int
    occurred_at: datetime
    fields: dict[str, Any]


_COMPARED = {"desa": "desa", "tps": "TPS", "stage": "tahapan", "severity": "tingkat", "latitude": "lintang"}


def _compared(payload: dict[str, Any]) -> dict[str, Any]:
    tps = payload.get("tps")
    code = normalize_tps_code(tps) if isinstance(tps, str) else None
    return {
        "desa": payload.get("desa"),
        "tps": code or tps,
        "stage": payload.get("stage"),
        "severity": payload.get("severity"),
        "latitude": (payload.get("latitude"), payload.get("longitude")),
    }


class _IncidentIndex:
    """Incidents already imported from a file (same reporter), by occurred_at + kecamatan + category + text."""

    def __init__(self, store: Store, reporter: str) -> None:
        self.full: dict[tuple, _Seen] = {}
        self.loose: dict[tuple, _Seen] = {}
        with store.reader() as s:
            for row in s.scalars(select(Incident).where(Incident.reporter == reporter).order_by(Incident.id)):
                stored = {
                    "desa": row.desa_code,
                    "tps": row.tps_code,
                    "stage": row.stage,
                    "severity": row.severity,
                    "latitude": row.latitude,
                    "longitude": row.longitude,
                }
                self.add(row.id, row.occurred_at, row.kecamatan_code, row.category, row.description, _compared(stored))

    def add(self, ident: int, when: datetime, kec: str, category: str, text: str, fields: dict[str, Any]) -> None:
        """Remember an incident."""
        seen = _Seen(ident, when, fields)
        self.full.setdefault((when.astimezone(UTC), kec, category, text.strip()), seen)
        self.loose.setdefault((kec, category, text.strip()), seen)

    def find(self, payload: dict[str, Any]) -> _Seen | None:
        """The incident this row was imported as before, if any (without a time: by place, category, text)."""
        kec, category, text = payload["kecamatan"], payload["category"], str(payload["description"]).strip()
        when = payload.get("occurred_at")
        if not when:
            return self.loose.get((kec, category, text))
        try:
            moment = datetime.fromisoformat(when)
        except ValueError:
            return None
        if moment.tzinfo is None:
            return None
        return self.full.get((moment.astimezone(UTC), kec, category, text))


def _differences(seen: _Seen, payload: dict[str, Any]) -> list[str]:
    now = _compared(payload)
    changes = []
    for name, label in _COMPARED.items():
        if seen.fields[name] != now[name]:
            before = seen.fields[name] if seen.fields[name] not in (None, (None, None)) else "—"
            after = now[name] if now[name] not in (None, (None, None)) else "—"
            if name == "latitude":
                label = "koordinat"
            changes.append(f"{label} {before} → {after}")
    return changes


def import_incidents(
    store: Store, path: Path, *, report_path: Path | None = None, progress: ProgressFn | None = None
) -> ImportReport:
    """Import incidents from a CSV file through `create_incident`; rows imported before are skipped."""
    started = time.perf_counter()
    src = read_csv(path)
    index = {name: i for i, name in enumerate(src.header) if name}
    missing = [c for c in INCIDENT_REQUIRED if c not in index]
    if missing:
        raise ImportFileError(f"{src.path}: kolom wajib tidak ada: {', '.join(missing)}")
    actor = Actor(f"import:{src.path.name}", "operator")
    seen = _IncidentIndex(store, actor.name)
    report = ImportReport(src.path.name, "baris", ("kecamatan", "kategori"), report_path)
    ignored = [n for n in index if n not in INCIDENT_REQUIRED + INCIDENT_OPTIONAL]
    if ignored:
        report.warnings.append(f"kolom diabaikan: {', '.join(ignored)}")
    with report:
        done = 0
        for line_no, cells in src.records():
            payload = _incident_payload(cells, index)
            keys = (payload["kecamatan"], payload["category"])
            done += 1
            if progress and done % PROGRESS_EVERY == 0:
                progress(done, max(src.rows, done))
            if _overflows(cells, src):
                reason = f"baris ini punya {len(cells)} kolom, baris kepala {len(src.header)}; periksa pemisah"
                report.add(ReportLine(str(line_no), keys, DITOLAK, reason))
                continue
            earlier = seen.find(payload)
            if earlier is not None:
                changes = _differences(earlier, payload)
                if changes:
                    reason = (
                        f"kejadian #{earlier.id} sudah diimpor dari berkas ini dengan isi lain ({'; '.join(changes)}); "
                        "ubah lewat halaman Kejadian"
                    )
                    report.add(ReportLine(str(line_no), keys, KONFLIK, reason))
                else:
                    report.add(ReportLine(str(line_no), keys, SAMA, f"sudah diimpor sebagai kejadian #{earlier.id}"))
                continue
            try:
                made = create_incident(store, payload, actor)
            except IncidentError as exc:
                reason = "; ".join(f"{k}: {v}" for k, v in exc.errors.items())
                report.add(ReportLine(str(line_no), keys, DITOLAK, reason))
                continue
            seen.add(
                made["id"],
                datetime.fromisoformat(made["occurred_at"]),
                made["kecamatan"],
                made["category"],
                made["description"],
                _compared(payload),
            )
            report.add(ReportLine(str(line_no), keys, DITERIMA, f"kejadian #{made['id']}"))
        if progress:
            progress(done, done)
    report.elapsed = time.perf_counter() - started
    return report
