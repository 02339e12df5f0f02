"""TPS results: the one ingest path (validate, apply the rules, store a version, audit) and reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dashboard import rules
from dashboard.actors import Actor
from dashboard.codes import is_within, normalize_tps_code
from dashboard.fmt import now_utc
from data_sources.models import Result
from data_sources.store import Store, audit

CREATED, SAME, CONFLICT, REJECTED, FORBIDDEN = "created", "same", "conflict", "rejected", "forbidden"
HTTP_STATUS = {CREATED: 201, SAME: 200, CONFLICT: 409, REJECTED: 422, FORBIDDEN: 403}
MAX_REASON = 1000


@dataclass
class Outcome:
    """What happened to a submitted result, with the stored version when there is one."""

    status: str
    result: dict[str, Any] | None = None
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""

    @property
    def http_status(self) -> int:
        """The HTTP status the API answers with."""
        return HTTP_STATUS[self.status]

    @property
    def changed(self) -> bool:
        """True when a new version was stored."""
        return self.status == CREATED


def result_dict(row: Result) -> dict[str, Any]:
    """A stored result version as plain data."""
    return {
        "id": row.id,
        "contest": row.contest_id,
        "tps": row.tps_code,
        "version": row.version,
        "votes": {str(k): int(v) for k, v in row.votes.items()},
        "suara_sah": row.suara_sah,
        "suara_tidak_sah": row.suara_tidak_sah,
        "pengguna_hak_pilih": row.pengguna_hak_pilih,
        "status": row.status,
        "flags": list(row.flags or []),
        "kind": row.kind,
        "reason": row.reason,
        "source": row.source,
        "author": row.author,
        "submitted_at": row.submitted_at.isoformat() if row.submitted_at else None,
        "received_at": row.received_at.isoformat() if row.received_at else None,
    }


def _same_numbers(row: Result, tally: rules.Tally) -> bool:
    stored = {int(k): int(v) for k, v in row.votes.items()}
    given_sah = tally.suara_sah if tally.suara_sah is not None else tally.total_sah
    return (
        stored == tally.votes
        and row.suara_tidak_sah == tally.suara_tidak_sah
        and row.suara_sah == given_sah
        and row.pengguna_hak_pilih == tally.pengguna_hak_pilih
    )


def _current(session: Session, contest_id: str, tps_code: str) -> Result | None:
    return session.scalar(
        select(Result)
        .where(Result.contest_id == contest_id, Result.tps_code == tps_code)
        .order_by(Result.version.desc())
        .limit(1)
    )


def _parse_time(value: Any, errors: dict[str, str]) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            errors["submitted_at"] = "format waktu harus ISO 8601, mis. 2024-11-27T14:05:00+07:00"
            return None
    else:
        errors["submitted_at"] = "harus teks waktu ISO 8601"
        return None
    if parsed.tzinfo is None:
        errors["submitted_at"] = "zona waktu wajib, mis. +07:00"
        return None
    return parsed


def submit_result(
    store: Store,
    payload: dict[str, Any],
    actor: Actor,
    source: str,
    idempotency_key: str | None = None,
) -> Outcome:
    """Validate a TPS result against the rules and store it as a new version when it is new.

    `payload` holds contest, tps, votes, suara_tidak_sah and optionally suara_sah, pengguna_hak_pilih,
    submitted_at, and for a correction `correction: true` with a `reason`.
    """
    if not isinstance(payload, dict):
        return Outcome(REJECTED, errors={"body": "harus objek JSON"})
    errors: dict[str, str] = {}
    contest_id = payload.get("contest")
    raw_tps = payload.get("tps")
    if not isinstance(contest_id, str) or not contest_id:
        errors["contest"] = "wajib diisi, mis. pilbup-banyuasin"
    tps = normalize_tps_code(raw_tps) if isinstance(raw_tps, str | int) else None
    if tps is None:
        errors["tps"] = "kode TPS harus seperti 16.07.08.2001.003 atau 1607082001003"
    tally, tally_errors = rules.parse_tally(
        payload.get("votes"),
        payload.get("suara_tidak_sah"),
        payload.get("suara_sah"),
        payload.get("pengguna_hak_pilih"),
    )
    errors.update(tally_errors)
    submitted_at = _parse_time(payload.get("submitted_at"), errors)
    correction = payload.get("correction", False)
    if not isinstance(correction, bool):
        errors["correction"] = "harus true atau false"
    reason = payload.get("reason")
    if reason is not None and (not isinstance(reason, str) or len(reason) > MAX_REASON):
        errors["reason"] = f"harus teks, paling banyak {MAX_REASON} karakter"
    if idempotency_key is not None and (not idempotency_key.strip() or len(idempotency_key) > 200):
        errors["Idempotency-Key"] = "harus 1–200 karakter"
    if errors:
        return Outcome(REJECTED, errors=errors)
    assert tally is not None and tps is not None

    catalog = store.catalog()
    contest = catalog.contests.get(contest_id)
    if contest is None:
        return Outcome(REJECTED, errors={"contest": f"kontestasi {contest_id!r} tidak dikenal"})
    dpt = catalog.tps_dpt.get(tps)
    if dpt is None:
        return Outcome(REJECTED, errors={"tps": f"TPS {tps} tidak terdaftar"})
    if not is_within(tps, contest.scope_code):
        return Outcome(REJECTED, errors={"tps": f"TPS {tps} di luar wilayah kontestasi {contest_id}"})
    paslon = contest.paslon
    if actor.region and not is_within(tps, actor.region):
        return Outcome(FORBIDDEN, message=f"token ini hanya untuk wilayah {actor.region}")

    verdict = rules.check_result(tally, dpt, paslon)
    if verdict.rejected:
        return Outcome(REJECTED, errors=verdict.errors)
    if correction:
        if not actor.can_correct:
            return Outcome(FORBIDDEN, message="peran ini tidak boleh mengoreksi hasil")
        if not (reason or "").strip():
            return Outcome(REJECTED, errors={"reason": "koreksi wajib disertai alasan"})

    for _attempt in range(3):
        try:
            return _store_version(
                store, contest_id, tps, tally, verdict, actor, source, submitted_at, correction, reason, idempotency_key
            )
        except IntegrityError:
            continue  # another writer took this version number: look again
    return Outcome(CONFLICT, message="TPS ini sedang diubah oleh pengirim lain; coba lagi")


def _store_version(
    store: Store,
    contest_id: str,
    tps: str,
    tally: rules.Tally,
    verdict: rules.Verdict,
    actor: Actor,
    source: str,
    submitted_at: datetime | None,
    correction: bool,
    reason: str | None,
    idempotency_key: str | None,
) -> Outcome:
    with store.session() as s:
        if idempotency_key:
            earlier = s.scalar(
                select(Result).where(Result.idempotency_key == idempotency_key, Result.author == actor.name).limit(1)
            )
            if earlier is not None:
                if earlier.contest_id == contest_id and earlier.tps_code == tps and _same_numbers(earlier, tally):
                    return Outcome(SAME, result_dict(earlier), message="sudah diterima sebelumnya")
                return Outcome(CONFLICT, message="Idempotency-Key ini sudah dipakai untuk data lain")
        current = _current(s, contest_id, tps)
        if current is not None and _same_numbers(current, tally):
            return Outcome(SAME, result_dict(current), message="hasil yang sama sudah tersimpan")
        if current is not None and not correction:
            return Outcome(
                CONFLICT,
                result_dict(current),
                message=(
                    f"TPS {tps} sudah punya hasil (versi {current.version}) dengan angka berbeda; "
                    "kirim sebagai koreksi dengan alasan"
                ),
            )
        row = Result(
            contest_id=contest_id,
            tps_code=tps,
            version=(current.version + 1) if current else 1,
            votes={str(k): v for k, v in sorted(tally.votes.items())},
            suara_sah=tally.suara_sah if tally.suara_sah is not None else tally.total_sah,
            suara_tidak_sah=tally.suara_tidak_sah,
            pengguna_hak_pilih=tally.pengguna_hak_pilih,
            status=verdict.status,
            flags=verdict.flags,
            kind="koreksi" if current is not None else "baru",
            reason=(reason or None) if current is not None else None,
            source=source,
            author=actor.name,
            submitted_at=submitted_at,
            received_at=now_utc(),
            idempotency_key=idempotency_key,
        )
        s.add(row)
        s.flush()
        after = result_dict(row)
        audit(
            s,
            actor.name,
            f"result.{row.kind}",
            "result",
            f"{contest_id}/{tps}",
            result_dict(current) if current else None,
            after,
        )
        return Outcome(CREATED, after)


def confirm_result(store: Store, contest_id: str, tps: str, actor: Actor, reason: str) -> Outcome:
    """Confirm a result held for review: a new version with the same numbers, counted."""
    if not actor.can_correct:
        return Outcome(FORBIDDEN, message="peran ini tidak boleh mengonfirmasi hasil")
    if not (reason or "").strip() or len(reason) > MAX_REASON:
        return Outcome(REJECTED, errors={"reason": f"konfirmasi wajib disertai alasan (≤ {MAX_REASON} karakter)"})
    code = normalize_tps_code(tps)
    with store.session() as s:
        current = _current(s, contest_id, code or "")
        if current is None:
            return Outcome(REJECTED, errors={"tps": f"TPS {tps} belum punya hasil untuk {contest_id}"})
        if current.status != rules.STATUS_REVIEW:
            return Outcome(SAME, result_dict(current), message="hasil ini tidak sedang perlu dicek")
        marks = [f for f in current.flags if f.get("code") == "janggal"]
        held = "; ".join(f["message"] for f in current.flags if f.get("code") != "janggal")
        row = Result(
            contest_id=contest_id,
            tps_code=current.tps_code,
            version=current.version + 1,
            votes=dict(current.votes),
            suara_sah=current.suara_sah,
            suara_tidak_sah=current.suara_tidak_sah,
            pengguna_hak_pilih=current.pengguna_hak_pilih,
            status=rules.STATUS_COUNTED,
            flags=[*marks, {"code": "dikonfirmasi", "message": f"Dikonfirmasi oleh {actor.name} ({held})"}],
            kind="konfirmasi",
            reason=reason.strip(),
            source="konfirmasi",
            author=actor.name,
            submitted_at=current.submitted_at,
            received_at=now_utc(),
            idempotency_key=None,
        )
        s.add(row)
        s.flush()
        after = result_dict(row)
        audit(s, actor.name, "result.konfirmasi", "result", f"{contest_id}/{row.tps_code}", result_dict(current), after)
        return Outcome(CREATED, after)


def current_results_query(contest_id: str | None = None, as_of: datetime | None = None):
    """A SELECT of the newest version of every (contest, TPS) result, optionally as of a moment."""
    latest = select(Result.contest_id, Result.tps_code, func.max(Result.version).label("version"))
    if contest_id is not None:
        latest = latest.where(Result.contest_id == contest_id)
    if as_of is not None:
        latest = latest.where(Result.received_at <= as_of)
    latest = latest.group_by(Result.contest_id, Result.tps_code).subquery()
    return select(Result).join(
        latest,
        and_(
            Result.contest_id == latest.c.contest_id,
            Result.tps_code == latest.c.tps_code,
            Result.version == latest.c.version,
        ),
    )


def current_results(store: Store, contest_id: str | None = None, as_of: datetime | None = None) -> list[dict]:
    """The current version of every TPS result (of one contest), as of a moment when given."""
    with store.reader() as s:
        return [result_dict(r) for r in s.scalars(current_results_query(contest_id, as_of))]


def result_versions(store: Store, contest_id: str, tps: str) -> list[dict]:
    """Every version of one TPS's result, oldest first."""
    code = normalize_tps_code(tps) or tps
    with store.reader() as s:
        rows = s.scalars(
            select(Result).where(Result.contest_id == contest_id, Result.tps_code == code).order_by(Result.version)
        )
        return [result_dict(r) for r in rows]


def held_results(store: Store, contest_id: str | None = None) -> list[dict]:
    """Current results held for review or marked janggal, newest first."""
    rows = [
        r
        for r in current_results(store, contest_id)
        if r["status"] == rules.STATUS_REVIEW or any(f.get("code") == "janggal" for f in r["flags"])
    ]
    return sorted(rows, key=lambda r: r["received_at"] or "", reverse=True)


def last_received(store: Store, contest_id: str, as_of: datetime | None = None) -> datetime | None:
    """When the newest result version of a contest arrived (up to `as_of`)."""
    query = select(func.max(Result.received_at)).where(Result.contest_id == contest_id)
    if as_of is not None:
        query = query.where(Result.received_at <= as_of)
    with store.reader() as s:
        return s.scalar(query)


def region_results(store: Store, contest_id: str, region: str, as_of: datetime | None = None) -> list[dict]:
    """The current version of every result of a contest for the TPS inside a region (or that one TPS)."""
    inside = (Result.tps_code == region) | Result.tps_code.like(region + ".%")
    latest = (
        select(Result.tps_code, func.max(Result.version).label("version"))
        .where(Result.contest_id == contest_id, inside)
        .group_by(Result.tps_code)
    )
    if as_of is not None:
        latest = latest.where(Result.received_at <= as_of)
    sub = latest.subquery()
    query = (
        select(Result)
        .join(sub, and_(Result.tps_code == sub.c.tps_code, Result.version == sub.c.version))
        .where(Result.contest_id == contest_id)
        .order_by(Result.received_at, Result.id)
    )
    with store.reader() as s:
        return [result_dict(r) for r in s.scalars(query)]


def stored_since(store: Store, since: datetime) -> list[tuple[int, datetime]]:
    """(id, received_at) of every result version received at or after `since`, by id (to follow other writers)."""
    with store.reader() as s:
        rows = s.execute(select(Result.id, Result.received_at).where(Result.received_at >= since).order_by(Result.id))
        return [(int(i), t) for i, t in rows]


def results_by_id(store: Store, ids: list[int]) -> list[dict]:
    """Result versions by id, in id order."""
    if not ids:
        return []
    with store.reader() as s:
        return [result_dict(r) for r in s.scalars(select(Result).where(Result.id.in_(ids)).order_by(Result.id))]
