"""Exports: TPS results, recap totals and incidents as rows, streamed out as CSV or JSON, and the audit row.

- results: the current version of every TPS result (or every version), optionally as of a moment, in the CSV
  format `import tallies` reads (contest, tps, suara_1..suara_N, suara_tidak_sah, suara_sah, pengguna_hak_pilih,
  submitted_at) followed by columns that importer ignores (status, flags, version, …);
- recap: the totals of a region's child regions and of the region itself, from the recap engine;
- incidents: the columns `import incidents` reads, then status, reporter and a history summary.

Rows are read with a streaming cursor and written out in chunks: a national export is never held in memory.
CSV: UTF-8 with a BOM (spreadsheets then read it as UTF-8; the importers accept it), comma separated, counts as
plain digits, percentages with a decimal point, times in ISO 8601 WIB (+07:00). JSON: an array of objects with
the CSV's columns as keys, numbers as numbers and empty cells as null.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Protocol

import orjson
from sqlalchemy import or_, select

from data_sources.domain.codes import is_within, region_level
from data_sources.domain.fmt import WIB
from data_sources.domain.rules import STATUS_REVIEW
from data_sources.errors import FieldErrors
from data_sources.models import Incident, IncidentEvent, Region, Result, Tps
from data_sources.results import current_results_query
from data_sources.store import Store, audit

KINDS = ("results", "recap", "incidents")
FORMATS = ("csv", "json")
CHUNK_ROWS = 500  # rows per written chunk (one HTTP chunk, one write call)
FETCH_ROWS = 2000  # rows per database fetch
BOM = "\ufeff"
RESULT_INFO = ("status", "flags", "version", "kind", "reason", "author", "source", "received_at")
INCIDENT_IMPORTED = (
    "kecamatan", "desa", "tps", "latitude", "longitude", "occurred_at", "stage", "category", "severity", "description",
)  # fmt: skip
INCIDENT_INFO = ("id", "nama_kecamatan", "status", "reporter", "created_at", "updated_at", "perubahan", "riwayat")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

Cell = int | float | str | None


class ExportError(FieldErrors):
    """Export parameters that name nothing or cannot be read; `errors` maps each parameter to a message."""


class RecapSource(Protocol):
    """What the recap export needs of the recap service (dashboard.recap.service.RecapService)."""

    def contest(self, contest_id: str) -> Any:
        """A contest with its paslon, or None."""

    def totals(self, contest_id: str, region: str | None = None, as_of: datetime | None = None) -> Any:
        """(totals of the region, totals of each child region); KeyError for a region the contest lacks."""


@dataclass
class Table:
    """An export: its columns and its rows (lists of cells in column order), read lazily once; counts them."""

    kind: str
    columns: list[str]
    source: Iterable[list[Cell]]
    decimals: tuple[int, ...] = ()  # positions of the columns holding floats (written without exponents)
    count: int = 0
    complete: bool = False
    _started: bool = field(default=False, repr=False)

    def rows(self) -> Iterator[list[Cell]]:
        """The rows, counted as they are read (once)."""
        if self._started:
            raise RuntimeError("an export is read once")
        self._started = True
        for row in self.source:
            self.count += 1
            yield row
        self.complete = True


# ---------------------------------------------------------------- parameters


def parse_moment(text: str | None, name: str = "as_of", naive_is_wib: bool = False) -> datetime | None:
    """An ISO 8601 moment (with a zone; without one it is WIB when `naive_is_wib`), or None; raises ExportError."""
    if text is None or not str(text).strip():
        return None
    example = "mis. 2024-11-27T16:00:00+07:00"
    try:
        moment = datetime.fromisoformat(str(text).strip())
    except ValueError:
        raise ExportError({name: f"harus waktu ISO 8601, {example}"}) from None
    if moment.tzinfo is None:
        if not naive_is_wib:
            raise ExportError({name: f"wajib menyertakan zona waktu, {example}"})
        moment = moment.replace(tzinfo=WIB)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ExportError({name: "waktu di luar rentang yang bisa disimpan"}) from None


def contest_ids(store: Store) -> list[str]:
    """The contests of the loaded scenario, sorted."""
    return sorted(store.catalog().contests)


def check_contest(store: Store, contest: str | None, required: bool = False) -> None:
    """Raise ExportError unless `contest` names a contest (or is None and not required)."""
    if contest is None or contest == "":
        if required:
            raise ExportError({"contest": f"wajib diisi; yang ada: {_known(store)}"})
        return
    if contest not in store.catalog().contests:
        raise ExportError({"contest": f"kontestasi {contest!r} tidak dikenal (yang ada: {_known(store)})"})


def _known(store: Store) -> str:
    return ", ".join(contest_ids(store)) or "belum ada; muat skenario dulu dengan `init`"


def check_region(store: Store, region: str | None, contest: str | None = None) -> None:
    """Raise ExportError unless `region` is a region or TPS of the store (overlapping the contest's scope)."""
    if region is None or region == "":
        return
    known = False
    if isinstance(region, str) and len(region) <= 20:
        with store.reader() as s:
            known = s.get(Region, region) is not None or s.get(Tps, region) is not None
    if not known:
        raise ExportError({"region": f"wilayah {region!r} tidak ada (kode Kemendagri, mis. 16.07.08, atau kode TPS)"})
    if contest:
        scope = store.catalog().contests[contest].scope_code
        if not (is_within(region, scope) or is_within(scope, region)):
            raise ExportError({"region": f"wilayah {region} di luar cakupan kontestasi {contest} ({scope})"})


@lru_cache(maxsize=4096)
def _wib(moment: datetime | None) -> str | None:
    """A moment as ISO 8601 text in WIB, to the second."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(WIB).replace(microsecond=0).isoformat()


def file_name(kind: str, contest: str | None, region: str | None, moment: datetime, fmt: str = "csv") -> str:
    """A download's file name: what, which contest and region, and the WIB moment of the data."""
    label = {"results": "hasil", "recap": "rekap", "incidents": "kejadian"}[kind]
    parts = [f"desk-{label}", contest or ("" if kind == "incidents" else "semua"), region or ""]
    stamp = moment.astimezone(WIB).strftime("%Y%m%d-%H%M") + "WIB"
    name = "_".join(_SAFE_NAME.sub("-", p) for p in [*parts, stamp] if p)
    return f"{name}.{fmt}"


# ---------------------------------------------------------------- results


def results_table(
    store: Store,
    contest: str | None = None,
    region: str | None = None,
    as_of: datetime | None = None,
    all_versions: bool = False,
    held: bool = True,
) -> Table:
    """TPS results (the current version of each, or every version) in the `import tallies` CSV layout.

    `held=False` leaves out results held for review (`perlu_dicek`); by default they are in, marked in `status`.
    Parameters are checked first (ExportError); rows are read when the table is read.
    """
    check_contest(store, contest)
    check_region(store, region, contest)
    catalog = store.catalog()
    chosen = [contest] if contest else sorted(catalog.contests)
    width = max((max(catalog.contests[c].numbers, default=0) for c in chosen), default=0)
    columns = [
        "contest",
        "tps",
        *[f"suara_{n}" for n in range(1, width + 1)],
        "suara_tidak_sah",
        "suara_sah",
        "pengguna_hak_pilih",
        "submitted_at",
        *RESULT_INFO,
    ]
    if all_versions:
        query = select(Result)
        if contest:
            query = query.where(Result.contest_id == contest)
        if as_of is not None:
            query = query.where(Result.received_at <= as_of)
    else:
        query = current_results_query(contest, as_of)
    if region:
        query = query.where(Result.tps_code == region if region_level(region) == 5 else _tps_within(region))
    if not held:
        query = query.where(Result.status != STATUS_REVIEW)
    query = query.order_by(Result.contest_id, Result.tps_code, Result.version)

    def cells(row: Any) -> list[Cell]:
        votes = row.votes or {}
        return [
            row.contest_id,
            row.tps_code,
            *[_int_or_none(votes.get(str(n))) for n in range(1, width + 1)],
            row.suara_tidak_sah,
            row.suara_sah,
            row.pengguna_hak_pilih,
            _wib(row.submitted_at),
            row.status,
            "; ".join(str(f.get("message") or f.get("code")) for f in row.flags or [] if isinstance(f, dict)) or None,
            row.version,
            row.kind,
            row.reason,
            row.author,
            row.source,
            _wib(row.received_at),
        ]

    return Table("results", columns, (cells(r) for r in _stream(store, query)))


def _tps_within(region: str) -> Any:
    """TPS codes inside a region: the codes start with the region's code and a dot (no LIKE wildcards in it)."""
    prefix = region + "."
    return Result.tps_code.startswith(prefix, autoescape=True)


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


def _stream(store: Store, query: Any) -> Iterator[Any]:
    """The rows of a query, fetched FETCH_ROWS at a time (a server-side cursor on PostgreSQL)."""
    with store.engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=FETCH_ROWS).execute(query)
        try:
            yield from result
        finally:
            result.close()


# ---------------------------------------------------------------- recap


def recap_table(recap: RecapSource, contest: str, region: str | None = None, as_of: datetime | None = None) -> Table:
    """Totals of each child region of `region` (the contest's scope by default), then of the region itself.

    The numbers are the recap engine's (the same as GET /api/v1/recap): results held for review are left out of
    the totals and counted in `perlu_dicek`; percentages are of the counted valid votes, `partisipasi` is voters
    over the DPT of the counted TPS.
    """
    info = recap.contest(contest) if contest else None
    if info is None:
        raise ExportError({"contest": f"kontestasi {contest!r} tidak dikenal" if contest else "wajib diisi"})
    try:
        head, children = recap.totals(contest, region or info.scope_code, as_of)
    except KeyError:
        raise ExportError({"region": f"wilayah {region!r} tidak ada di kontestasi {contest}"}) from None
    nomor = [p.nomor for p in info.paslon]
    columns = [
        "kode",
        "nama",
        "tingkat",
        "tps_masuk",
        "tps_total",
        "perlu_dicek",
        "janggal",
        "dpt",
        "dpt_tps_masuk",
        "pengguna_hak_pilih",
        "suara_sah",
        "suara_tidak_sah",
        *[f"suara_{n}" for n in nomor],
        *[f"persen_{n}" for n in nomor],
        "partisipasi",
    ]

    def cells(t: Any, name: str) -> list[Cell]:
        return [
            t.code,
            name,
            t.level,
            t.tps_reported,
            t.tps_total,
            t.held,
            t.janggal,
            t.dpt,
            t.dpt_reported,
            t.voters,
            t.suara_sah,
            t.suara_tidak_sah,
            *[int(v) for v in t.votes],
            *[round(s * 100, 2) for s in t.shares],
            round(t.turnout * 100, 2),
        ]

    rows = [cells(t, _tps_name(t)) for t in children]
    rows.append(cells(head, f"Jumlah {_tps_name(head)}"))
    decimals = tuple(i for i, c in enumerate(columns) if c.startswith("persen_") or c == "partisipasi")
    return Table("recap", columns, rows, decimals)


def _tps_name(t: Any) -> str:
    return f"TPS {t.code.rsplit('.', 1)[-1]}" if t.level == "tps" else t.name


# ---------------------------------------------------------------- incidents


@dataclass(frozen=True)
class IncidentFilters:
    """Which incidents to export: choices (lists), a region, occurred/changed since, and the moment of the state."""

    category: tuple[str, ...] = ()
    severity: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    stage: tuple[str, ...] = ()
    kecamatan: tuple[str, ...] = ()
    region: str | None = None
    since: datetime | None = None
    updated_since: datetime | None = None
    as_of: datetime | None = None


def _incident_region(region: str) -> Any:
    level = region_level(region)
    if level <= 3:
        return or_(Incident.kecamatan_code == region, Incident.kecamatan_code.startswith(region + ".", autoescape=True))
    if level == 4:
        return or_(Incident.desa_code == region, Incident.tps_code.startswith(region + ".", autoescape=True))
    return Incident.tps_code == region


def incidents_table(store: Store, filters: IncidentFilters | None = None) -> Table:
    """Incidents in arrival order with the columns `import incidents` reads, then status and history.

    With `as_of`, the incidents known then, with their status and history as they stood then.
    """
    f = filters or IncidentFilters()
    check_region(store, f.region)
    query = select(Incident, Region.name).join(Region, Region.code == Incident.kecamatan_code)
    for name, column in (
        ("category", Incident.category),
        ("severity", Incident.severity),
        ("stage", Incident.stage),
        ("kecamatan", Incident.kecamatan_code),
    ):
        values = getattr(f, name)
        if values:
            query = query.where(column.in_(values))
    if f.status and f.as_of is None:
        query = query.where(Incident.status.in_(f.status))
    if f.region:
        query = query.where(_incident_region(f.region))
    if f.since is not None:
        query = query.where(Incident.occurred_at >= f.since)
    if f.as_of is not None:
        query = query.where(Incident.created_at <= f.as_of)
    elif f.updated_since is not None:
        query = query.where(Incident.updated_at >= f.updated_since)
    columns = [*INCIDENT_IMPORTED, *INCIDENT_INFO]
    decimals = (columns.index("latitude"), columns.index("longitude"))
    return Table("incidents", columns, _incident_rows(store, query, f), decimals)


def _incident_rows(store: Store, query: Any, f: IncidentFilters) -> Iterator[list[Cell]]:
    """Incidents by id, CHUNK_ROWS at a time (keyset pages), each page with the history of its incidents."""
    after = 0
    while True:
        with store.reader() as s:
            page = s.execute(query.where(Incident.id > after).order_by(Incident.id).limit(CHUNK_ROWS)).all()
            if not page:
                return
            ids = [row.id for row, _name in page]
            events: dict[int, list[IncidentEvent]] = {i: [] for i in ids}
            history = select(IncidentEvent).where(IncidentEvent.incident_id.in_(ids)).order_by(IncidentEvent.id)
            if f.as_of is not None:
                history = history.where(IncidentEvent.at <= f.as_of)
            for event in s.scalars(history):
                events[event.incident_id].append(event)
        for row, name in page:
            cells = _incident_cells(row, name, events[row.id], f)
            if cells is not None:
                yield cells
        after = ids[-1]


def _incident_cells(row: Incident, name: str, events: list[IncidentEvent], f: IncidentFilters) -> list[Cell] | None:
    status, updated = row.status, row.updated_at
    if f.as_of is not None:  # the state of then: the last change made by then
        status = events[-1].to_status if events else "baru"
        updated = events[-1].at if events else row.created_at
        if f.status and status not in f.status:
            return None
        if f.updated_since is not None and updated < f.updated_since:
            return None
    history = " | ".join(
        f"{_wib(e.at)} {e.from_status or '—'} → {e.to_status} oleh {e.actor}" + (f": {e.note}" if e.note else "")
        for e in events
    )
    return [
        row.kecamatan_code,
        row.desa_code,
        row.tps_code,
        row.latitude,
        row.longitude,
        _wib(row.occurred_at),
        row.stage,
        row.category,
        row.severity,
        row.description,
        row.id,
        name,
        status,
        row.reporter,
        _wib(row.created_at),
        _wib(updated),
        max(len(events) - 1, 0),
        history or None,
    ]


# ---------------------------------------------------------------- writing


def _plain(value: Cell) -> Cell:
    """A float as plain decimal text (never 1e-05); anything else as it is (the csv module writes None as "")."""
    if isinstance(value, float):
        text = repr(value)
        return format(value, ".12f").rstrip("0").rstrip(".") if "e" in text else text
    return value


def csv_chunks(table: Table, bom: bool = True) -> Iterator[str]:
    """The table as CSV text, in chunks of CHUNK_ROWS rows (the first holds the BOM and the header)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if bom:
        buffer.write(BOM)
    writer.writerow(table.columns)
    pending = 0
    decimals = table.decimals
    rows = table.rows()
    try:
        for row in rows:
            if decimals:
                row = list(row)
                for i in decimals:
                    row[i] = _plain(row[i])
            writer.writerow(row)
            pending += 1
            if pending >= CHUNK_ROWS:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
                pending = 0
        if pending or not table.count:
            yield buffer.getvalue()
    finally:
        rows.close()


def json_chunks(table: Table) -> Iterator[str]:
    """The table as a JSON array of objects (column → value), in chunks of CHUNK_ROWS rows."""
    columns = table.columns
    parts: list[str] = ["["]
    first = True
    rows = table.rows()
    try:
        for row in rows:
            item = orjson.dumps(dict(zip(columns, row, strict=True))).decode()
            parts.append(("\n" if first else ",\n") + item)
            first = False
            if len(parts) >= CHUNK_ROWS:
                yield "".join(parts)
                parts = []
        parts.append("\n]\n")
        yield "".join(parts)
    finally:
        rows.close()


def chunks(table: Table, fmt: str = "csv") -> Iterator[str]:
    """The table in a format (csv or json), in chunks."""
    if fmt not in FORMATS:
        raise ExportError({"format": f"harus salah satu dari: {', '.join(FORMATS)}"})
    return csv_chunks(table) if fmt == "csv" else json_chunks(table)


def record(store: Store, who: str, table: Table, parameters: dict[str, Any]) -> None:
    """The audit row of an export: who, which kind, the parameters, how many rows, whether it was complete."""
    after = {**{k: v for k, v in parameters.items() if v not in (None, False, "", ())}}
    after.update(rows=table.count, complete=table.complete)
    target = str(parameters.get("contest") or "semua")
    with store.session() as s:
        audit(s, who, f"export.{table.kind}", "export", target, None, after)


def write_all(table: Table, fmt: str, out: Callable[[str], Any]) -> int:
    """Write a whole table through `out` (a file's write); returns the number of rows."""
    for chunk in chunks(table, fmt):
        out(chunk)
    return table.count
