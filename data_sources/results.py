"""TPS results: the one ingest path (validate, apply the rules, store a version, audit) and reads.

Writes are grouped: `submit_result` validates in the caller's thread (or greenlet), then queues the result for
`GroupCommit`, which stores everything queued meanwhile in one transaction through `write_batch` and answers each
caller only after the commit. Imports call `write_batch` with their own batches.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, select
from sqlalchemy.exc import IntegrityError

from data_sources.domain import rules
from data_sources.domain.actors import Actor
from data_sources.domain.codes import is_within, normalize_tps_code
from data_sources.domain.fields import idempotency_key_problem
from data_sources.domain.fmt import now_utc
from data_sources.domain.inputs import TallyIn
from data_sources.models import AuditEntry, Result
from data_sources.store import Store, reserve_ids

CREATED, SAME, CONFLICT, REJECTED, FORBIDDEN = "created", "same", "conflict", "rejected", "forbidden"
HTTP_STATUS = {CREATED: 201, SAME: 200, CONFLICT: 409, REJECTED: 422, FORBIDDEN: 403}


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


_SUBMITTED_AT = TallyIn.part("submitted_at")
_REASON = TallyIn.part("reason")


@lru_cache(maxsize=4096)
def _moment(value: str | datetime) -> tuple[datetime | None, tuple[tuple[str, str], ...]]:
    """`submitted_at` as `TallyIn` reads it; cached, as a file's rows or a burst of reports share a few moments."""
    read, errors = _SUBMITTED_AT.check({"submitted_at": value})
    return (read.submitted_at if read is not None else None), tuple(errors.items())


def _parse_time(value: Any, errors: dict[str, str]) -> datetime | None:
    """`submitted_at` as `TallyIn` reads it (for the import's fast path), or None with its error added to `errors`."""
    if isinstance(value, str | datetime):
        moment, problems = _moment(value)
        errors.update(problems)
        return moment
    read, problems = _SUBMITTED_AT.check({"submitted_at": value})
    errors.update(problems)
    return read.submitted_at if read is not None else None


def submit_result(
    store: Store,
    payload: Any,
    actor: Actor,
    source: str,
    idempotency_key: str | None = None,
) -> Outcome:
    """Validate a TPS result against the rules and store it as a new version when it is new.

    `payload` is read as a `TallyIn` (every field checked at once): contest, tps, votes, suara_tidak_sah and
    optionally suara_sah, pengguna_hak_pilih, submitted_at, and for a correction `correction: true` with a
    `reason`. Then the rules that need the store: a known contest, a registered TPS inside it and the actor's
    region, DESIGN §5, and a correction's author and reason.
    """
    sent, errors = TallyIn.check(payload)
    key_problem = idempotency_key_problem(idempotency_key)
    if key_problem:
        errors["Idempotency-Key"] = key_problem
    if sent is None or errors:
        return Outcome(REJECTED, errors=errors)
    contest_id, tps = sent.contest, sent.tps

    catalog = store.catalog()
    contest = catalog.contests.get(contest_id)
    if contest is None:
        return Outcome(REJECTED, errors={"contest": f"kontestasi {contest_id!r} tidak dikenal"})
    dpt = catalog.tps_dpt.get(tps)
    if dpt is None:
        return Outcome(REJECTED, errors={"tps": f"TPS {tps} tidak terdaftar"})
    if not is_within(tps, contest.scope_code):
        return Outcome(REJECTED, errors={"tps": f"TPS {tps} di luar wilayah kontestasi {contest_id}"})
    if actor.region and not is_within(tps, actor.region):
        return Outcome(FORBIDDEN, message=f"token ini hanya untuk wilayah {actor.region}")

    tally = rules.tally_of(sent)
    verdict = rules.check_result(tally, dpt, contest.numbers)
    if verdict.rejected:
        return Outcome(REJECTED, errors=verdict.errors)
    if sent.correction:
        if not actor.can_correct:
            return Outcome(FORBIDDEN, message="peran ini tidak boleh mengoreksi hasil")
        if not (sent.reason or "").strip():
            return Outcome(REJECTED, errors={"reason": "koreksi wajib disertai alasan"})

    item = Pending(
        contest_id, tps, tally, verdict, actor, source, sent.submitted_at, sent.correction, sent.reason, idempotency_key
    )
    return _group_commit(store).run(item)


@dataclass(slots=True)
class Pending:
    """A validated result waiting to be stored: what `write_batch` decides and writes."""

    contest_id: str
    tps: str
    tally: rules.Tally | None  # None for a confirmation: its numbers are the held version's
    verdict: rules.Verdict | None
    actor: Actor
    source: str
    submitted_at: datetime | None = None
    correction: bool = False
    reason: str | None = None
    idempotency_key: str | None = None
    confirm: bool = False  # confirm the held current version (decided against it inside the transaction)
    outcome: Outcome | None = None
    error: BaseException | None = None


_COLUMNS = tuple(Result.__table__.c)
_RESULT_COLUMNS = tuple(c.key for c in _COLUMNS)
_NEWEST = select(*_COLUMNS).where(  # every version of some TPS of a contest (built once: cheaper per request)
    Result.__table__.c.contest_id == bindparam("contest"),
    Result.__table__.c.tps_code.in_(bindparam("codes", expanding=True)),
)
_AUDIT_COLUMNS = ("at", "actor", "action", "entity", "entity_id", "before", "after")


def _newest(conn: Connection, keys: set[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    """The newest stored version of each (contest, TPS) among `keys`, as rows with every column."""
    by_contest: dict[str, list[str]] = {}
    for contest_id, tps in keys:
        by_contest.setdefault(contest_id, []).append(tps)
    newest: dict[tuple[str, str], Any] = {}
    for contest_id, codes in by_contest.items():
        for start in range(0, len(codes), 500):
            for row in conn.execute(_NEWEST, {"contest": contest_id, "codes": codes[start : start + 500]}):
                key = (contest_id, row.tps_code)
                if key not in newest or row.version > newest[key].version:
                    newest[key] = row
    return newest


def _by_idempotency_key(conn: Connection, items: list[Pending]) -> dict[tuple[str, str], Any]:
    """Stored versions carrying the batch's idempotency keys, by (key, author)."""
    wanted = sorted({i.idempotency_key for i in items if i.idempotency_key})
    found: dict[tuple[str, str], Any] = {}
    table = Result.__table__
    for start in range(0, len(wanted), 500):
        query = select(*_COLUMNS).where(table.c.idempotency_key.in_(wanted[start : start + 500])).order_by(table.c.id)
        for row in conn.execute(query):
            found.setdefault((row.idempotency_key, row.author), row)
    return found


def _decide(item: Pending, current: Any, earlier: Any) -> tuple[Outcome, Any] | None:
    """The answer for a result that is not new (same again, conflict) and the version it refers to, or None
    when the result must be stored."""
    tally, tps = item.tally, item.tps
    if earlier is not None:
        if earlier.contest_id == item.contest_id and earlier.tps_code == tps and _same_numbers(earlier, tally):
            return Outcome(SAME, message="sudah diterima sebelumnya"), earlier
        return Outcome(CONFLICT, message="Idempotency-Key ini sudah dipakai untuk data lain"), None
    if current is not None and _same_numbers(current, tally):
        return Outcome(SAME, message="hasil yang sama sudah tersimpan"), current
    if current is not None and not item.correction:
        message = (
            f"TPS {tps} sudah punya hasil (versi {current.version}) dengan angka berbeda; "
            "kirim sebagai koreksi dengan alasan"
        )
        return Outcome(CONFLICT, message=message), current
    return None


def _decide_confirm(item: Pending, current: Any) -> tuple[Outcome, Any] | None:
    """The answer for a confirmation that stores nothing (no result, or not held), or None to store it."""
    if current is None:
        errors = {"tps": f"TPS {item.tps} belum punya hasil untuk {item.contest_id}"}
        return Outcome(REJECTED, errors=errors), None
    if current.status != rules.STATUS_REVIEW:
        return Outcome(SAME, message="hasil ini tidak sedang perlu dicek"), current
    return None


def _confirmed_row(item: Pending, current: Any, received_at: datetime) -> SimpleNamespace:
    """The version confirming the held `current`: the same numbers, counted, with who confirmed and why."""
    marks = [f for f in current.flags if f.get("code") == "janggal"]
    held = "; ".join(f["message"] for f in current.flags if f.get("code") != "janggal")
    confirmed = {"code": "dikonfirmasi", "message": f"Dikonfirmasi oleh {item.actor.name} ({held})"}
    return SimpleNamespace(
        id=None,
        contest_id=item.contest_id,
        tps_code=item.tps,
        version=current.version + 1,
        votes=dict(current.votes),
        suara_sah=current.suara_sah,
        suara_tidak_sah=current.suara_tidak_sah,
        pengguna_hak_pilih=current.pengguna_hak_pilih,
        status=rules.STATUS_COUNTED,
        flags=[*marks, confirmed],
        kind="konfirmasi",
        reason=item.reason,
        source=item.source,
        author=item.actor.name,
        submitted_at=current.submitted_at,
        received_at=received_at,
        idempotency_key=None,
    )


def _new_row(item: Pending, current: Any, received_at: datetime) -> SimpleNamespace:
    """The column values of the version `item` adds after `current` (None: the first version)."""
    tally, verdict = item.tally, item.verdict
    assert tally is not None and verdict is not None
    return SimpleNamespace(
        id=None,
        contest_id=item.contest_id,
        tps_code=item.tps,
        version=(current.version + 1) if current is not None else 1,
        votes={str(k): v for k, v in sorted(tally.votes.items())},
        suara_sah=tally.suara_sah if tally.suara_sah is not None else tally.total_sah,
        suara_tidak_sah=tally.suara_tidak_sah,
        pengguna_hak_pilih=tally.pengguna_hak_pilih,
        status=verdict.status,
        flags=verdict.flags,
        kind="koreksi" if current is not None else "baru",
        reason=(item.reason or None) if current is not None else None,
        source=item.source,
        author=item.actor.name,
        submitted_at=item.submitted_at,
        received_at=received_at,
        idempotency_key=item.idempotency_key,
    )


def write_batch(store: Store, items: list[Pending], full: bool = True) -> None:
    """Decide and store many validated results in ONE transaction, in order; sets each item's outcome.

    Each new version gets its audit row in the same transaction. Items of the same TPS are decided in order
    (the second sees the first's new version). `full=False` leaves the stored result out of "same" and
    "conflict" outcomes (imports only count them). Raises IntegrityError when another process stored a
    version of one of these TPS meanwhile: nothing of the batch is then stored.
    """
    with store.engine.begin() as conn:
        current = _newest(conn, {(i.contest_id, i.tps) for i in items})
        earlier = _by_idempotency_key(conn, items) if any(i.idempotency_key for i in items) else {}
        received_at = now_utc()
        created: list[tuple[Pending, SimpleNamespace, Any]] = []
        answered: list[tuple[Pending, Any]] = []  # not stored: the version each answer shows (ids known later)
        for item in items:
            key = (item.contest_id, item.tps)
            idem = (item.idempotency_key, item.actor.name) if item.idempotency_key else None
            before = current.get(key)
            if item.confirm:
                decided = _decide_confirm(item, before)
            else:
                decided = _decide(item, before, earlier.get(idem) if idem else None)
            if decided is not None:
                item.outcome, shown = decided
                if full and shown is not None:
                    answered.append((item, shown))
                continue
            row = _confirmed_row(item, before, received_at) if item.confirm else _new_row(item, before, received_at)
            created.append((item, row, before))
            current[key] = row
            if idem:
                earlier[idem] = row
        if created:
            _insert_created(store, conn, created, received_at)
            if store.is_sqlite and _gevent_patched():
                _commit_off_the_loop(conn)
    for item, shown in answered:
        assert item.outcome is not None
        item.outcome.result = result_dict(shown)


def _insert_created(
    store: Store, conn: Connection, created: list[tuple[Pending, SimpleNamespace, Any]], received_at: datetime
) -> None:
    """Give the new versions their ids, insert them and one audit row each, and set their outcomes."""
    table = Result.__table__
    audits = []
    for (item, row, before), new_id in zip(created, reserve_ids(conn, table, len(created)), strict=True):
        row.id = new_id
        after = result_dict(row)  # type: ignore[arg-type]
        item.outcome = Outcome(CREATED, after)
        audits.append(
            {
                "at": received_at,
                "actor": item.actor.name,
                "action": f"result.{row.kind}",
                "entity": "result",
                "entity_id": f"{item.contest_id}/{item.tps}",
                "before": result_dict(before) if before is not None else None,
                "after": after,
            }
        )
    store.bulk_insert(conn, table, _RESULT_COLUMNS).run(conn, [vars(row) for _i, row, _b in created])
    store.bulk_insert(conn, AuditEntry.__table__, _AUDIT_COLUMNS).run(conn, audits)


class GroupCommit:
    """Writers of one store share transactions: whoever holds the lock writes every queued result at once.

    A result is answered only after the transaction holding it is committed, so an acknowledged result is
    durable; under load one commit (one fsync) serves many requests. A batch that collides with another
    process's write is retried result by result, each deciding afresh (same again, conflict or new).
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._leader = threading.Lock()
        self._queue_lock = threading.Lock()
        self._queue: list[Pending] = []

    def run(self, item: Pending) -> Outcome:
        """Queue a validated result, wait until a commit holds it (or it failed), and return its outcome."""
        with self._queue_lock:
            self._queue.append(item)
        _let_others_run()
        with self._leader:
            if item.outcome is None and item.error is None:
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                self._write(batch)
        if item.error is not None:
            raise item.error
        assert item.outcome is not None
        return item.outcome

    def _write(self, batch: list[Pending]) -> None:
        try:
            write_batch(self.store, batch)
        except IntegrityError:  # another process wrote one of these TPS: decide each result alone
            for item in batch:
                self._write_alone(item)
        except Exception as exc:  # noqa: BLE001 - every waiting request must hear of the failure
            for item in batch:
                item.error = exc

    def _write_alone(self, item: Pending) -> None:
        """Store one result in a transaction of its own, retried while other processes race for its TPS."""
        for _attempt in range(3):
            item.outcome = None
            try:
                write_batch(self.store, [item])
                return
            except IntegrityError:
                continue
            except Exception as exc:  # noqa: BLE001
                item.error = exc
                return
        item.outcome = Outcome(CONFLICT, message="TPS ini sedang diubah oleh pengirim lain; coba lagi")


def _gevent_patched() -> bool:
    """True in a server whose standard library gevent patched (`serve`)."""
    monkey = sys.modules.get("gevent.monkey")
    return monkey is not None and monkey.is_module_patched("time")


def _let_others_run() -> None:
    """Under gevent, let the greenlets that are ready reach this point too, so they join the same transaction.

    With real threads nothing is needed: others queue while the leader waits on the database.
    """
    if _gevent_patched():
        time.sleep(0)


def _commit_off_the_loop(conn: Connection) -> None:
    """Commit a SQLite transaction in one of gevent's native threads: its fsync then does not stop the server.

    Requests keep being read and queued meanwhile (they join the next transaction); this greenlet resumes once
    the commit is durable. SQLAlchemy's own commit that follows finds nothing left to commit.
    """
    from gevent import get_hub

    get_hub().threadpool.apply(conn.connection.dbapi_connection.commit)


_committers_lock = threading.Lock()


def _group_commit(store: Store) -> GroupCommit:
    """The store's group committer (one per store object)."""
    committer = getattr(store, "_group_commit", None)
    if committer is None:
        with _committers_lock:
            committer = getattr(store, "_group_commit", None)
            if committer is None:
                committer = GroupCommit(store)
                store._group_commit = committer  # type: ignore[attr-defined]
    return committer


def confirm_result(store: Store, contest_id: str, tps: str, actor: Actor, reason: str) -> Outcome:
    """Confirm a result held for review: a new version with the same numbers, counted.

    It is decided and stored by the group commit like any result, so a confirmation racing another write of
    the same TPS is decided against whatever was committed first, and answered only once it is durable.
    """
    if not actor.can_correct:
        return Outcome(FORBIDDEN, message="peran ini tidak boleh mengonfirmasi hasil")
    given, errors = _REASON.check({"reason": reason})
    if given is None:
        return Outcome(REJECTED, errors=errors)
    reason = (given.reason or "").strip()
    if not reason:
        return Outcome(REJECTED, errors={"reason": "konfirmasi wajib disertai alasan"})
    code = normalize_tps_code(tps)
    if code is None or contest_id not in store.catalog().contests:
        return Outcome(REJECTED, errors={"tps": f"TPS {tps} belum punya hasil untuk {contest_id}"})
    item = Pending(contest_id, code, None, None, actor, "konfirmasi", reason=reason, confirm=True)
    return _group_commit(store).run(item)


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
