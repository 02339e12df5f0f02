"""Incidents reported in the field: create, change status (with history), list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from dashboard.actors import Actor
from dashboard.catalog import CATEGORIES, INCIDENT_TRANSITIONS, SEVERITIES, STAGES
from dashboard.codes import is_within, normalize_tps_code
from dashboard.fmt import now_utc
from data_sources.models import Incident, IncidentEvent, Region, Tps
from data_sources.store import Store, audit

MAX_DESCRIPTION = 4000
# Indonesia's extent; the regency's own area is checked against its kecamatan when centroids are known.
LAT_RANGE = (-11.5, 6.5)
LON_RANGE = (94.5, 141.5)


class IncidentError(ValueError):
    """A bad incident or status change; `errors` maps field to message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def incident_dict(row: Incident, history: list[IncidentEvent] | None = None) -> dict[str, Any]:
    """An incident as plain data, with its history when given."""
    data = {
        "id": row.id,
        "occurred_at": row.occurred_at.isoformat(),
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
        "kecamatan": row.kecamatan_code,
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
        data["history"] = [
            {"at": e.at.isoformat(), "actor": e.actor, "from": e.from_status, "to": e.to_status, "note": e.note}
            for e in history
        ]
    return data


def _check_choice(payload: dict, name: str, choices: dict, errors: dict[str, str]) -> None:
    value = payload.get(name)
    if value not in choices:
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


def create_incident(store: Store, payload: dict[str, Any], actor: Actor) -> dict[str, Any]:
    """Validate and store a new incident (status baru); raises IncidentError naming each bad field."""
    if not isinstance(payload, dict):
        raise IncidentError({"body": "harus objek JSON"})
    errors: dict[str, str] = {}
    for name, choices in (("stage", STAGES), ("category", CATEGORIES), ("severity", SEVERITIES)):
        _check_choice(payload, name, choices, errors)
    description = payload.get("description")
    if not isinstance(description, str) or not description.strip():
        errors["description"] = "wajib diisi"
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = f"paling banyak {MAX_DESCRIPTION} karakter"
    occurred_at = _parse_when(payload.get("occurred_at"), errors)
    lat, lon = payload.get("latitude"), payload.get("longitude")
    if (lat is None) != (lon is None):
        errors["latitude" if lat is None else "longitude"] = "latitude dan longitude diisi berdua"
    elif lat is not None:
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lon)):
            errors["latitude"] = "koordinat harus angka"
        elif not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]):
            errors["latitude"] = "koordinat di luar wilayah"
    kec, desa, tps = payload.get("kecamatan"), payload.get("desa"), payload.get("tps")
    with store.session() as s:
        region = s.get(Region, kec) if isinstance(kec, str) else None
        if region is None or region.level != 3:
            errors["kecamatan"] = f"kecamatan {kec!r} tidak dikenal"
        if desa is not None:
            desa_row = s.get(Region, desa) if isinstance(desa, str) else None
            if desa_row is None or desa_row.level != 4 or not (isinstance(kec, str) and is_within(desa, kec)):
                errors["desa"] = f"desa {desa!r} tidak dikenal di kecamatan ini"
        if tps is not None:
            code = normalize_tps_code(tps) if isinstance(tps, str) else None
            if code is None or s.get(Tps, code) is None or not (isinstance(kec, str) and is_within(code, kec)):
                errors["tps"] = f"TPS {tps!r} tidak dikenal di kecamatan ini"
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
            latitude=lat,
            longitude=lon,
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
        data = incident_dict(row, [event])
        audit(s, actor.name, "incident.create", "incident", str(row.id), None, data)
        return data


def change_status(store: Store, incident_id: int, status: str, actor: Actor, note: str | None = None) -> dict:
    """Move an incident along its workflow (baru → diverifikasi → ditangani → selesai, or ditolak)."""
    with store.session() as s:
        row = s.get(Incident, incident_id)
        if row is None:
            raise IncidentError({"id": f"kejadian {incident_id} tidak ada"})
        allowed = INCIDENT_TRANSITIONS.get(row.status, set())
        if status not in INCIDENT_TRANSITIONS:
            raise IncidentError({"status": f"harus salah satu dari: {', '.join(INCIDENT_TRANSITIONS)}"})
        if status not in allowed:
            raise IncidentError({"status": f"tidak boleh dari {row.status} ke {status}"})
        if note is not None and (not isinstance(note, str) or len(note) > MAX_DESCRIPTION):
            raise IncidentError({"note": f"harus teks, paling banyak {MAX_DESCRIPTION} karakter"})
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
        return incident_dict(row, _history(s, row.id))


def _history(session, incident_id: int) -> list[IncidentEvent]:
    return list(
        session.scalars(
            select(IncidentEvent).where(IncidentEvent.incident_id == incident_id).order_by(IncidentEvent.id)
        )
    )


def list_incidents(store: Store, limit: int = 500, **filters: Any) -> list[dict[str, Any]]:
    """Incidents newest first; filters: kecamatan, category, severity, status, stage, since (datetime)."""
    query = select(Incident).order_by(Incident.created_at.desc(), Incident.id.desc()).limit(limit)
    for name, column in (
        ("category", Incident.category),
        ("severity", Incident.severity),
        ("status", Incident.status),
        ("stage", Incident.stage),
        ("kecamatan", Incident.kecamatan_code),
    ):
        if filters.get(name):
            query = query.where(column == filters[name])
    if filters.get("since") is not None:
        query = query.where(Incident.created_at >= filters["since"])
    with store.reader() as s:
        rows = list(s.scalars(query))
        history: dict[int, list[IncidentEvent]] = {r.id: [] for r in rows}
        if rows:
            ids = select(query.subquery().c.id)
            events = select(IncidentEvent).where(IncidentEvent.incident_id.in_(ids)).order_by(IncidentEvent.id)
            for event in s.scalars(events):
                history[event.incident_id].append(event)
        return [incident_dict(r, history[r.id]) for r in rows]


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
