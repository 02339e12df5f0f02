"""Incidents reported in the field: create, change status (with history), list with filters."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from data_sources import geo
from data_sources.domain.actors import Actor
from data_sources.domain.codes import is_within, normalize_tps_code
from data_sources.domain.fmt import now_utc
from data_sources.domain.vocab import (
    CATEGORIES,
    INCIDENT_STATUSES,
    INCIDENT_TRANSITIONS,
    OPEN_STATUSES,
    SEVERITIES,
    STAGES,
)
from data_sources.errors import FieldErrors
from data_sources.models import Incident, IncidentEvent, Region, Tps
from data_sources.store import Store, audit

MAX_DESCRIPTION = 4000
MAX_NOTE = 1000
MAX_LIMIT = 5000
MAX_HOURS = 24 * 30
# Indonesia's extent: the last resort when the regency's own area is unknown.
LAT_RANGE = (-11.5, 6.5)
LON_RANGE = (94.5, 141.5)
AREA_MARGIN = 0.3  # degrees around the kecamatan centroids
BOUNDARY_MARGIN = 0.05  # degrees around the kecamatan polygons
OPEN_ALIAS = "terbuka"  # status filter shorthand for every open status
UNVERIFIED = "baru"  # the status of a report nobody has verified (taken up) yet
MAX_UNHANDLED = 200  # severe unverified incidents a page is given when it opens
NOTE_REQUIRED = {"ditolak": "alasan penolakan wajib diisi"}
FIELDS = (
    "kecamatan", "desa", "tps", "latitude", "longitude", "occurred_at",
    "stage", "category", "severity", "status", "description",
)  # fmt: skip
CHANGE_FIELDS = ("status", "note")
CHOICE_FILTERS: dict[str, Mapping[str, str]] = {
    "category": CATEGORIES,
    "severity": SEVERITIES,
    "status": INCIDENT_STATUSES,
    "stage": STAGES,
}


class IncidentError(FieldErrors):
    """A bad incident, status change or filter; `errors` maps field to message."""


@dataclass(frozen=True)
class Area:
    """A latitude/longitude box that incidents of the regency must fall in."""

    south: float
    north: float
    west: float
    east: float

    def contains_lat(self, lat: float) -> bool:
        """True when the latitude lies inside the box."""
        return self.south <= lat <= self.north

    def contains_lon(self, lon: float) -> bool:
        """True when the longitude lies inside the box."""
        return self.west <= lon <= self.east

    def describe(self) -> str:
        """The box in words, Indonesian decimal commas."""

        def num(x: float) -> str:
            return f"{x:.2f}".replace(".", ",")

        return f"lintang {num(self.south)} s.d. {num(self.north)}, bujur {num(self.west)} s.d. {num(self.east)}"


INDONESIA = Area(LAT_RANGE[0], LAT_RANGE[1], LON_RANGE[0], LON_RANGE[1])


def _box(points: Iterable[tuple[float, float]], margin: float) -> Area | None:
    """The box around (lat, lon) points widened by `margin` degrees; None without points."""
    lats, lons = [], []
    for lat, lon in points:
        lats.append(lat)
        lons.append(lon)
    if not lats:
        return None
    return Area(min(lats) - margin, max(lats) + margin, min(lons) - margin, max(lons) + margin)


def kecamatan_codes(store: Store) -> dict[str, str]:
    """Kecamatan code → name of every kecamatan in the store."""
    with store.reader() as s:
        return dict(s.execute(select(Region.code, Region.name).where(Region.level == 3).order_by(Region.code)).all())


def regency_area(
    store: Store, boundaries: dict[str, Any] | None = None, centroids: Mapping[str, geo.Centroid] | None = None
) -> Area:
    """Where the store's kecamatan lie: their polygons (when given) plus a small margin, else their centroids
    plus AREA_MARGIN; Indonesia's extent when neither is known."""
    codes = set(kecamatan_codes(store))
    if boundaries:
        polygons = [f for f in boundaries.get("features", []) if f["properties"]["kode"] in codes]
        box = _box(
            ((lat, lon) for f in polygons for lon, lat in geo.positions(f["geometry"].get("coordinates"))),
            BOUNDARY_MARGIN,
        )
        if box is not None:
            return box
    known = geo.kecamatan_centroids() if centroids is None else centroids
    box = _box(((c.lat, c.lng) for code, c in known.items() if code in codes), AREA_MARGIN)
    return box or INDONESIA


def _iso(moment: datetime) -> str:
    """A moment as ISO text in UTC (what the store gives back on every backend)."""
    return moment.astimezone(UTC).isoformat()


def history_dict(e: IncidentEvent) -> dict[str, Any]:
    """A status change as plain data."""
    return {"at": _iso(e.at), "actor": e.actor, "from": e.from_status, "to": e.to_status, "note": e.note}


def incident_dict(
    row: Incident, history: list[IncidentEvent] | None = None, kecamatan_name: str | None = None
) -> dict[str, Any]:
    """An incident as plain data, with its history and its kecamatan's name when given."""
    data = {
        "id": row.id,
        "occurred_at": _iso(row.occurred_at),
        "created_at": _iso(row.created_at),
        "updated_at": _iso(row.updated_at),
        "kecamatan": row.kecamatan_code,
        "kecamatan_name": kecamatan_name or row.kecamatan_code,
        "desa": row.desa_code,
        "tps": row.tps_code,
        "latitude": row.latitude,
        "longitude": row.longitude,
        "stage": row.stage,
        "category": row.category,
        "severity": row.severity,
        "status": row.status,
        "description": row.description,
        "reporter": row.reporter,
    }
    if history is not None:
        data["history"] = [history_dict(e) for e in history]
    return data


# ---------------------------------------------------------------- validation of a new incident


def _check_choice(payload: Mapping[str, Any], name: str, choices: Mapping[str, str], errors: dict[str, str]) -> None:
    value = payload.get(name)
    if value in (None, ""):
        errors[name] = f"wajib diisi: salah satu dari {', '.join(choices)}"
    elif not isinstance(value, str) or value not in choices:
        errors[name] = f"harus salah satu dari: {', '.join(choices)}"


def _parse_when(value: Any, errors: dict[str, str]) -> datetime:
    if value in (None, ""):
        return now_utc()
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
            if parsed.tzinfo is not None:
                return parsed
        except ValueError:
            pass
    errors["occurred_at"] = "harus waktu ISO 8601 dengan zona, mis. 2024-11-27T09:30:00+07:00"
    return now_utc()


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_coordinates(lat: Any, lon: Any, area: Callable[[], Area], errors: dict[str, str]) -> None:
    if lat is None and lon is None:
        return
    if lat is None or lon is None:
        errors["latitude" if lat is None else "longitude"] = "latitude dan longitude diisi berdua"
        return
    for name, value in (("latitude", lat), ("longitude", lon)):
        if not _is_number(value):
            errors[name] = "koordinat harus angka"
    if errors.keys() & {"latitude", "longitude"}:
        return
    box = area()
    where = f"di luar wilayah kabupaten ({box.describe()})"
    if not box.contains_lat(lat):
        errors["latitude"] = f"koordinat {where}"
    if not box.contains_lon(lon):
        errors["longitude"] = f"koordinat {where}"


def _optional_text(payload: Mapping[str, Any], name: str) -> Any:
    value = payload.get(name)
    return None if value == "" else value


def unknown_fields(
    payload: Mapping[str, Any], known: Iterable[str], why: str = "kolom tidak dikenal"
) -> dict[str, str]:
    """A message for each field of `payload` that is not in `known` (a typo must not be dropped silently)."""
    allowed = list(known)
    return {k: f"{why}; yang diterima: {', '.join(allowed)}" for k in payload if k not in allowed}


def create_incident(
    store: Store, payload: dict[str, Any], actor: Actor, area: Area | None = None, strict: bool = False
) -> dict[str, Any]:
    """Validate and store a new incident (status baru); raises IncidentError naming each bad field.

    Coordinates must lie in `area` (by default the box around the store's kecamatan centroids). `strict` (the
    API) also refuses fields outside FIELDS, so that a misspelt one is not silently dropped.
    """
    if not isinstance(payload, dict):
        raise IncidentError({"body": "harus objek JSON"})
    nul = {k: "tidak boleh berisi karakter NUL" for k, v in payload.items() if isinstance(v, str) and "\x00" in v}
    if nul:  # no database stores a NUL character (PostgreSQL refuses it)
        raise IncidentError(nul)
    errors: dict[str, str] = unknown_fields(payload, FIELDS) if strict else {}
    for name, choices in (("stage", STAGES), ("category", CATEGORIES), ("severity", SEVERITIES)):
        _check_choice(payload, name, choices, errors)
    status = payload.get("status")
    if status not in (None, "", "baru"):
        if isinstance(status, str) and status in INCIDENT_STATUSES:
            errors["status"] = "kejadian baru selalu berstatus baru; ubah statusnya sesudah tersimpan"
        else:
            errors["status"] = f"harus salah satu dari: {', '.join(INCIDENT_STATUSES)}"
    description = payload.get("description")
    if not isinstance(description, str) or not description.strip():
        errors["description"] = "wajib diisi"
    elif len(description.strip()) > MAX_DESCRIPTION:
        errors["description"] = f"paling banyak {MAX_DESCRIPTION} karakter (ada {len(description.strip())})"
    occurred_at = _parse_when(payload.get("occurred_at"), errors)
    lat, lon = payload.get("latitude"), payload.get("longitude")
    _check_coordinates(lat, lon, lambda: area or regency_area(store), errors)
    kec = payload.get("kecamatan")
    desa, tps = _optional_text(payload, "desa"), _optional_text(payload, "tps")
    with store.session() as s:
        region = s.get(Region, kec) if isinstance(kec, str) else None
        if region is None or region.level != 3:
            errors["kecamatan"] = "wajib diisi" if kec in (None, "") else f"kecamatan {kec!r} tidak dikenal"
        if desa is not None:
            desa_row = s.get(Region, desa) if isinstance(desa, str) else None
            if desa_row is None or desa_row.level != 4 or not (isinstance(kec, str) and is_within(desa, kec)):
                errors["desa"] = f"desa {desa!r} tidak dikenal di kecamatan ini"
        if tps is not None:
            code = normalize_tps_code(tps) if isinstance(tps, str) else None
            if code is None or s.get(Tps, code) is None or not (isinstance(kec, str) and is_within(code, kec)):
                errors["tps"] = f"TPS {tps!r} tidak dikenal di kecamatan ini"
            elif isinstance(desa, str) and "desa" not in errors and not is_within(code, desa):
                errors["tps"] = f"TPS {tps!r} tidak berada di desa {desa}"
            else:
                tps = code
        if actor.region and isinstance(kec, str) and not is_within(kec, actor.region) and "kecamatan" not in errors:
            errors["kecamatan"] = f"token ini hanya untuk wilayah {actor.region}"
        if errors:
            raise IncidentError(errors)
        now = now_utc()
        row = Incident(
            occurred_at=occurred_at,
            created_at=now,
            updated_at=now,
            kecamatan_code=kec,
            desa_code=desa,
            tps_code=tps,
            latitude=float(lat) if lat is not None else None,
            longitude=float(lon) if lon is not None else None,
            stage=payload["stage"],
            category=payload["category"],
            severity=payload["severity"],
            status="baru",
            description=description.strip(),
            reporter=actor.name,
        )
        s.add(row)
        s.flush()
        event = IncidentEvent(incident_id=row.id, at=now, actor=actor.name, from_status=None, to_status="baru")
        s.add(event)
        data = incident_dict(row, [event], region.name)
        audit(s, actor.name, "incident.create", "incident", str(row.id), None, data)
        return data


# ---------------------------------------------------------------- workflow


def next_statuses(status: str) -> list[str]:
    """The statuses an incident in `status` may move to, in workflow order."""
    allowed = INCIDENT_TRANSITIONS.get(status, set())
    return [s for s in INCIDENT_STATUSES if s in allowed]


def _clean_note(status: str, note: Any) -> str | None:
    if note is not None and not isinstance(note, str):
        raise IncidentError({"note": "harus teks"})
    note = (note or "").strip() or None
    if note is not None and "\x00" in note:
        raise IncidentError({"note": "tidak boleh berisi karakter NUL"})
    if note is not None and len(note) > MAX_NOTE:
        raise IncidentError({"note": f"paling banyak {MAX_NOTE} karakter (ada {len(note)})"})
    if note is None and status in NOTE_REQUIRED:
        raise IncidentError({"note": NOTE_REQUIRED[status]})
    return note


def change_status(store: Store, incident_id: int, status: Any, actor: Actor, note: Any = None) -> dict[str, Any]:
    """Move an incident along its workflow (baru → diverifikasi → ditangani → selesai, or ditolak), with a note."""
    if not isinstance(status, str) or status not in INCIDENT_STATUSES:
        raise IncidentError({"status": f"harus salah satu dari: {', '.join(INCIDENT_STATUSES)}"})
    with store.session() as s:
        row = s.get(Incident, incident_id, with_for_update=True)
        if row is None:
            raise IncidentError({"id": f"kejadian {incident_id} tidak ada"})
        if status not in INCIDENT_TRANSITIONS.get(row.status, set()):
            options = next_statuses(row.status)
            hint = f"; yang boleh: {', '.join(options)}" if options else "; statusnya sudah akhir"
            raise IncidentError({"status": f"tidak boleh dari {row.status} ke {status}{hint}"})
        note = _clean_note(status, note)
        before = {"status": row.status}
        now = now_utc()
        s.add(
            IncidentEvent(
                incident_id=row.id, at=now, actor=actor.name, from_status=row.status, to_status=status, note=note
            )
        )
        row.status = status
        row.updated_at = now
        audit(s, actor.name, "incident.status", "incident", str(row.id), before, {"status": status, "note": note})
        s.flush()
        region = s.get(Region, row.kecamatan_code)
        return incident_dict(row, _history(s, row.id), region.name if region else None)


def _history(session: Any, incident_id: int) -> list[IncidentEvent]:
    return list(
        session.scalars(
            select(IncidentEvent).where(IncidentEvent.incident_id == incident_id).order_by(IncidentEvent.id)
        )
    )


def get_incident(store: Store, incident_id: int) -> dict[str, Any] | None:
    """One incident with its history, or None."""
    with store.reader() as s:
        row = s.get(Incident, incident_id)
        if row is None:
            return None
        region = s.get(Region, row.kecamatan_code)
        return incident_dict(row, _history(s, row.id), region.name if region else None)


# ---------------------------------------------------------------- reading, with filters


def _as_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


def list_incidents(store: Store, limit: int = 500, **filters: Any) -> list[dict[str, Any]]:
    """Incidents newest first (by arrival), with their history.

    Filters: category, severity, status, stage, kecamatan (a value, a comma list or a list), `since` (occurred
    at or after, a datetime), `updated_since` (changed at or after, a datetime).
    """
    query = (
        select(Incident, Region.name)
        .join(Region, Region.code == Incident.kecamatan_code)
        .order_by(Incident.created_at.desc(), Incident.id.desc())
        .limit(limit)
    )
    for name, column in (
        ("category", Incident.category),
        ("severity", Incident.severity),
        ("status", Incident.status),
        ("stage", Incident.stage),
        ("kecamatan", Incident.kecamatan_code),
    ):
        values = _as_list(filters.get(name))
        if values:
            query = query.where(column.in_(values))
    if filters.get("since") is not None:
        query = query.where(Incident.occurred_at >= filters["since"])
    if filters.get("updated_since") is not None:
        query = query.where(Incident.updated_at >= filters["updated_since"])
    with store.reader() as s:
        rows = s.execute(query).all()
        history: dict[int, list[IncidentEvent]] = {r.id: [] for r, _name in rows}
        if rows:
            ids = list(history)
            for i in range(0, len(ids), 500):
                events = (
                    select(IncidentEvent)
                    .where(IncidentEvent.incident_id.in_(ids[i : i + 500]))
                    .order_by(IncidentEvent.id)
                )
                for event in s.scalars(events):
                    history[event.incident_id].append(event)
        return [incident_dict(r, history[r.id], name) for r, name in rows]


def unhandled(store: Store, severities: Iterable[str], limit: int = MAX_UNHANDLED) -> list[dict[str, Any]]:
    """Incidents of these severities that nobody has verified yet (status baru), newest first (by arrival)."""
    wanted = [s for s in severities if s in SEVERITIES]
    if not wanted:
        return []
    return list_incidents(store, limit=limit, severity=wanted, status=[UNVERIFIED])


def _parse_moment(raw: str, name: str, errors: dict[str, str]) -> datetime | None:
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        errors[name] = "harus waktu ISO 8601 dengan zona, mis. 2024-11-27T09:30:00+07:00"
        return None
    return moment


def parse_filters(
    args: Mapping[str, Any], now: datetime, kecamatan: Iterable[str] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Filters from query parameters, and a message per bad parameter.

    category, severity, status, stage, kecamatan: a value or a comma list (`status=terbuka` means every open
    status; kecamatan checked against `kecamatan` when given); since, updated_since: ISO moments with a zone;
    hours: the last N hours before `now` (1..720); limit: 1..5000.
    """
    filters: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, choices in CHOICE_FILTERS.items():
        values = _as_list(args.get(name))
        if name == "status" and OPEN_ALIAS in values:
            values = [v for v in values if v != OPEN_ALIAS] + [s for s in OPEN_STATUSES if s not in values]
        bad = [v for v in values if v not in choices]
        if bad:
            errors[name] = f"{', '.join(bad)} tidak dikenal; pilih dari: {', '.join(choices)}"
        elif values:
            filters[name] = values
    codes = _as_list(args.get("kecamatan"))
    if codes:
        known = set(kecamatan) if kecamatan is not None else None
        bad = [c for c in codes if known is not None and c not in known]
        if bad:
            errors["kecamatan"] = f"kecamatan {', '.join(bad)} tidak dikenal"
        else:
            filters["kecamatan"] = codes
    since = None
    if args.get("since"):
        since = _parse_moment(str(args["since"]), "since", errors)
    if args.get("hours") not in (None, ""):
        try:
            hours = float(args["hours"])
        except (TypeError, ValueError):
            hours = math.nan
        if not (math.isfinite(hours) and 0 < hours <= MAX_HOURS):
            errors["hours"] = f"harus angka jam lebih dari 0 dan paling banyak {MAX_HOURS}"
        else:
            filters["hours"] = hours
            start = now - timedelta(hours=hours)
            since = max(since, start) if since else start
    if since is not None:
        filters["since"] = since
    if args.get("updated_since"):
        moment = _parse_moment(str(args["updated_since"]), "updated_since", errors)
        if moment is not None:
            filters["updated_since"] = moment
    if args.get("limit") not in (None, ""):
        raw = str(args["limit"])
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
            errors["limit"] = f"harus bilangan bulat 1..{MAX_LIMIT}"
        else:
            filters["limit"] = int(raw)
    return filters, errors


def matches(incident: Mapping[str, Any], filters: Mapping[str, Any]) -> bool:
    """True when an incident (as plain data) passes the filters of `parse_filters` (as the browser checks)."""
    for name, key in (("category", "category"), ("severity", "severity"), ("status", "status"), ("stage", "stage")):
        if filters.get(name) and incident.get(key) not in filters[name]:
            return False
    if filters.get("kecamatan") and incident.get("kecamatan") not in filters["kecamatan"]:
        return False
    since = filters.get("since")
    return since is None or datetime.fromisoformat(incident["occurred_at"]) >= since


def counts(store: Store) -> dict[str, Any]:
    """Incidents counted by (status, severity), with the total and the time of the last change."""
    with store.reader() as s:
        rows = s.execute(
            select(Incident.status, Incident.severity, func.count(), func.max(Incident.updated_at)).group_by(
                Incident.status, Incident.severity
            )
        ).all()
    by = {(status, severity): n for status, severity, n, _ in rows}
    latest = max((at for *_, at in rows if at is not None), default=None)
    return {"by": by, "total": sum(by.values()), "updated_at": latest}
