"""Incidents reported in the field: create, change status (with history), list with filters."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from data_sources import geo
from data_sources.domain.actors import Actor
from data_sources.domain.codes import is_within
from data_sources.domain.fmt import now_utc
from data_sources.domain.inputs import INCIDENT_PLACE, IncidentIn, IncidentPatch
from data_sources.domain.limits import MAX_DESCRIPTION as MAX_DESCRIPTION
from data_sources.domain.limits import MAX_NOTE as MAX_NOTE
from data_sources.domain.queries import OPEN_ALIAS as OPEN_ALIAS
from data_sources.domain.queries import IncidentQuery
from data_sources.domain.validation import only_known
from data_sources.domain.vocab import INCIDENT_STATUSES, INCIDENT_TRANSITIONS, SEVERITIES
from data_sources.errors import FieldErrors
from data_sources.models import Incident, IncidentEvent, Region, Tps
from data_sources.store import Store, audit

# Indonesia's extent: the last resort when the regency's own area is unknown.
LAT_RANGE = (-11.5, 6.5)
LON_RANGE = (94.5, 141.5)
AREA_MARGIN = 0.3  # degrees around the kecamatan centroids
BOUNDARY_MARGIN = 0.05  # degrees around the kecamatan polygons
UNVERIFIED = "baru"  # the status of a report nobody has verified (taken up) yet
MAX_UNHANDLED = 200  # severe unverified incidents a page is given when it opens


_PLACE = IncidentIn.part(*INCIDENT_PLACE)


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


# ---------------------------------------------------------------- a new incident


def _check_coordinates(place: Any, area: Callable[[], Area], errors: dict[str, str]) -> None:
    """Coordinates (when given, both) must lie in the regency's area."""
    if place.latitude is None or place.longitude is None:
        return
    box = area()
    where = f"di luar wilayah kabupaten ({box.describe()})"
    if not box.contains_lat(place.latitude):
        errors["latitude"] = f"koordinat {where}"
    if not box.contains_lon(place.longitude):
        errors["longitude"] = f"koordinat {where}"


def _check_place(session: Any, place: Any, actor: Actor, errors: dict[str, str]) -> Region | None:
    """Check that the kecamatan, desa and TPS are known, inside each other and in the actor's region (adding a
    message per bad one to `errors`); returns the kecamatan's row, or None when it is unknown."""
    kec, desa, tps = place.kecamatan, place.desa, place.tps
    region = session.get(Region, kec)
    if region is None or region.level != 3:
        errors["kecamatan"] = f"kecamatan {kec!r} tidak dikenal"
    if desa is not None:
        desa_row = session.get(Region, desa)
        if desa_row is None or desa_row.level != 4 or not is_within(desa, kec):
            errors["desa"] = f"desa {desa!r} tidak dikenal di kecamatan ini"
    if tps is not None:
        if session.get(Tps, tps) is None or not is_within(tps, kec):
            errors["tps"] = f"TPS {tps!r} tidak dikenal di kecamatan ini"
        elif desa is not None and "desa" not in errors and not is_within(tps, desa):
            errors["tps"] = f"TPS {tps!r} tidak berada di desa {desa}"
    if actor.region and not is_within(kec, actor.region) and "kecamatan" not in errors:
        errors["kecamatan"] = f"token ini hanya untuk wilayah {actor.region}"
    return region


def create_incident(
    store: Store, payload: Any, actor: Actor, area: Area | None = None, strict: bool = False
) -> dict[str, Any]:
    """Read a new incident as `IncidentIn` and store it (status baru); raises IncidentError naming each bad field.

    The place must be known (kecamatan, desa and TPS inside each other, within the actor's region) and its
    coordinates in `area` (by default the box around the store's kecamatan centroids); every bad field is named at
    once. `strict` (the API) refuses fields IncidentIn does not know, so that a misspelt one is not dropped silently;
    other callers' extra keys are ignored.
    """
    report, errors = IncidentIn.check(payload if strict else only_known(IncidentIn, payload))
    place = report or _PLACE.check(only_known(_PLACE, payload))[0]  # the store's checks need only a good place
    with store.session() as s:
        region = None
        if place is not None:
            region = _check_place(s, place, actor, errors)
            _check_coordinates(place, lambda: area or regency_area(store), errors)
        if errors or report is None:
            raise IncidentError(errors)
        assert region is not None
        now = now_utc()
        row = Incident(
            occurred_at=report.occurred_at or now,
            created_at=now,
            updated_at=now,
            kecamatan_code=report.kecamatan,
            desa_code=report.desa,
            tps_code=report.tps,
            latitude=report.latitude,
            longitude=report.longitude,
            stage=report.stage,
            category=report.category,
            severity=report.severity,
            status="baru",
            description=report.description,
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


def change_status(store: Store, incident_id: int, status: Any, actor: Actor, note: Any = None) -> dict[str, Any]:
    """Move an incident along its workflow (baru → diverifikasi → ditangani → selesai, or ditolak), with a note."""
    return patch_incident(store, incident_id, {"status": status, "note": note}, actor)


def patch_incident(store: Store, incident_id: int, change: Any, actor: Actor) -> dict[str, Any]:
    """Apply a change read as `IncidentPatch` ({"status", "note"}) if the workflow allows it from the current status.

    Raises IncidentError: the change itself is bad (422), the incident does not exist (404), or the workflow does
    not go from its status to the new one (422).
    """
    patch = IncidentPatch.parse(change, IncidentError)
    status, note = patch.status, patch.note
    with store.session() as s:
        row = s.get(Incident, incident_id, with_for_update=True)
        if row is None:
            raise IncidentError({"id": f"kejadian {incident_id} tidak ada"}, "tidak ditemukan", 404)
        if status not in INCIDENT_TRANSITIONS.get(row.status, set()):
            options = next_statuses(row.status)
            hint = f"; yang boleh: {', '.join(options)}" if options else "; statusnya sudah akhir"
            raise IncidentError({"status": f"tidak boleh dari {row.status} ke {status}{hint}"}, "perubahan ditolak")
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


def parse_filters(
    args: Mapping[str, Any], now: datetime, kecamatan: Iterable[str] | None = None, strict: bool = False
) -> tuple[dict[str, Any], dict[str, str]]:
    """Filters read from query parameters as `IncidentQuery`, and a message per bad parameter.

    category, severity, status, stage, kecamatan: a value or a comma list (`status=terbuka` means every open
    status; kecamatan checked against `kecamatan` when given); since, updated_since: ISO moments with a zone;
    hours: the last N hours before `now`; limit: how many. Parameters IncidentQuery does not know are refused
    when `strict` (the API), else ignored.
    """
    filters, errors = IncidentQuery.read(args if strict else only_known(IncidentQuery, args))
    known = set(kecamatan) if kecamatan is not None else None
    bad = [c for c in filters.get("kecamatan", []) if known is not None and c not in known]
    if bad:
        errors["kecamatan"] = f"kecamatan {', '.join(bad)} tidak dikenal"
        del filters["kecamatan"]
    if "hours" in filters:
        start = now - timedelta(hours=filters["hours"])
        filters["since"] = max(filters["since"], start) if "since" in filters else start
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
