"""The store: the one gateway to the database (SQLite file by default, PostgreSQL by URL)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Table, create_engine, event, insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from data_sources.domain.contest import ContestInfo, PaslonInfo
from data_sources.domain.fmt import now_utc
from data_sources.models import AuditEntry, Base, Contest, Paslon, Setting, Tps

log = logging.getLogger(__name__)


def default_database_url(data_dir: Path) -> str:
    """The SQLite file under the data folder."""
    return f"sqlite:///{Path(data_dir).resolve() / 'desk.sqlite3'}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")  # an acknowledged write survives a crash and a power cut
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _mark_written(conn: Connection) -> None:
    """A transaction is about to commit on this connection: its check-in will tell the commit listeners."""
    conn.info["wrote"] = True


_JSON_OPTIONS = orjson.OPT_NON_STR_KEYS  # {1: 120} is stored as {"1": 120}, as the standard library does


def json_text(value: Any) -> str:
    """JSON text of a value for the database's JSON columns (datetimes as ISO 8601 text)."""
    return orjson.dumps(value, option=_JSON_OPTIONS).decode()


def json_safe(value: Any) -> Any:
    """A copy of `value` that JSON columns accept (datetimes as ISO text)."""
    return orjson.loads(orjson.dumps(value, option=_JSON_OPTIONS))


# A setting every change of the TPS list (`import tps`) sets to a new value in the same transaction; a process
# holding a cached catalog looks at it at most once per CATALOG_RECHECK_SECONDS and reads the catalog again when
# it differs (a server keeps serving while the TPS list is imported by the command line in another process).
TPS_REVISION = "tps_revision"
CATALOG_RECHECK_SECONDS = 1.0


@dataclass(frozen=True)
class Catalog:
    """The scenario's fixed parts (contests, TPS with DPT), cached: contests never change after loading; the TPS
    list changes only through `import tps`, which sets `revision` anew (see TPS_REVISION)."""

    contests: dict[str, ContestInfo]
    tps_dpt: dict[str, int]
    revision: str | None = None


class Store:
    """Engine and sessions of the database; creates the schema on open."""

    def __init__(self, url: str, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        kwargs: dict[str, Any] = {
            "echo": echo,
            "future": True,
            "json_serializer": json_text,
            "json_deserializer": orjson.loads,
        }
        if self.is_sqlite:
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 10}
        else:
            kwargs.update(pool_size=10, max_overflow=20, pool_pre_ping=True)
        self.engine: Engine = create_engine(url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._committed: list[Callable[[], None]] = []
        event.listen(self.engine, "commit", _mark_written)
        event.listen(self.engine, "checkin", self._checked_in)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._catalog: Catalog | None = None
        self._catalog_checked = 0.0  # time.monotonic() of the last look at the TPS revision
        self.catalog_recheck = CATALOG_RECHECK_SECONDS
        self._bulk: dict[tuple[str, tuple[str, ...]], BulkInsert] = {}

    def on_commit(self, listener: Callable[[], None]) -> None:
        """Call `listener` (cheap, no database work) after each transaction this store committed, once its
        connection is back in the pool: what follows the change feed wakes at once for a write of this process
        (another process's writes are found by looking at the feed)."""
        self._committed.append(listener)

    def _checked_in(self, _dbapi_connection: Any, record: Any) -> None:
        if record is None or not record.info.pop("wrote", False):
            return
        for listener in list(self._committed):
            try:
                listener()
            except Exception:  # a listener's failure never fails the write that was committed
                log.exception("commit listener failed")

    def create_schema(self) -> None:
        """Create every table that is missing."""
        Base.metadata.create_all(self.engine)

    def drop_schema(self) -> None:
        """Drop every table (tests only)."""
        Base.metadata.drop_all(self.engine)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success and rolled back on error."""
        with self._sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A session for reading only."""
        with self._sessions() as session:
            yield session

    def catalog(self) -> Catalog:
        """Contests and TPS of the loaded scenario, cached; read again when the TPS list changed (its revision is
        looked at no more than once per `catalog_recheck` seconds, so a change made by another process shows
        within that delay)."""
        cached = self._catalog
        if cached is not None:
            now = time.monotonic()
            if now - self._catalog_checked < self.catalog_recheck:
                return cached
            self._catalog_checked = now
            if self.tps_revision() == cached.revision:
                return cached
        with self.reader() as s:
            revision = s.get(Setting, TPS_REVISION)
            paslon: dict[str, list[PaslonInfo]] = {}
            for p in s.scalars(select(Paslon).order_by(Paslon.contest_id, Paslon.nomor)):
                paslon.setdefault(p.contest_id, []).append(PaslonInfo(p.nomor, p.kepala, p.wakil, p.color))
            contests = {
                c.id: ContestInfo(c.id, c.name, c.kind, c.scope_code, tuple(paslon.get(c.id, ())))
                for c in s.scalars(select(Contest).order_by(Contest.position))
            }
            tps = dict(s.execute(select(Tps.code, Tps.dpt)).all())
        catalog = Catalog(contests, tps, revision.value if revision else None)
        if contests:
            self._catalog = catalog  # an empty store may still get its scenario: read again then
            self._catalog_checked = time.monotonic()
        return catalog

    def tps_revision(self) -> str | None:
        """The TPS list's current revision (None until `import tps` changed it): one primary-key read."""
        return self.get_setting(TPS_REVISION)

    def bulk_insert(self, conn: Connection, table: Table, columns: tuple[str, ...]) -> BulkInsert:
        """The prepared multi-row INSERT of these columns of a table (made once per store)."""
        key = (table.name, columns)
        if key not in self._bulk:
            self._bulk[key] = BulkInsert(table, columns, conn)
        return self._bulk[key]

    def forget_catalog(self) -> None:
        """Drop the cached catalog (after a scenario is loaded or the TPS list imported in this process)."""
        self._catalog = None

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        """A setting's value, or `default`."""
        with self.reader() as s:
            row = s.get(Setting, key)
            return row.value if row else default

    def set_setting(self, key: str, value: str, actor: str = "sistem") -> None:
        """Write a setting, audited."""
        with self.session() as s:
            row = s.get(Setting, key)
            before = {"value": row.value} if row else None
            if row:
                row.value = value
            else:
                s.add(Setting(key=key, value=value))
            audit(s, actor, "setting.set", "setting", key, before, {"value": value})

    def audit_entries(self, limit: int = 200, actor: str | None = None) -> list[AuditEntry]:
        """The newest audit rows first."""
        with self.reader() as s:
            query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
            if actor:
                query = query.where(AuditEntry.actor == actor)
            return list(s.scalars(query))


class BulkInsert:
    """A prepared multi-row INSERT of some columns of a table, with the dialect's own conversions of each value.

    It hands the rows to the driver's `executemany` at once: what SQLAlchemy's per-row parameter processing
    would do (JSON encoding, UTC datetimes) is done here by the columns' own bind processors, so the stored
    values are exactly what an ORM or Core insert stores.
    """

    def __init__(self, table: Table, columns: tuple[str, ...], conn: Connection) -> None:
        dialect = conn.dialect
        compiled = insert(table).inline().compile(dialect=dialect, column_keys=list(columns))
        self.sql = str(compiled)
        self.columns = tuple(compiled.positiontup) if compiled.positional else columns
        self.positional = bool(compiled.positional)
        self.processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in self.columns]

    def run(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        """Insert the rows (dicts holding at least the prepared columns) in one executemany."""
        if not rows:
            return
        columns: list[list[Any]] = []
        for name, fn in zip(self.columns, self.processors, strict=True):
            raw = [row[name] for row in rows]
            if fn is None:
                columns.append(raw)
                continue
            out, last, last_out = [], object(), None
            for value in raw:  # a batch shares values (its moment of receipt): convert each object once
                if value is not last:
                    last, last_out = value, fn(value)
                out.append(last_out)
            columns.append(out)
        params: list[Any] = list(zip(*columns, strict=True))
        if not self.positional:
            params = [dict(zip(self.columns, values, strict=True)) for values in params]
        conn.exec_driver_sql(self.sql, params)


def reserve_ids(conn: Connection, table: Table, count: int) -> list[int]:
    """`count` new primary keys for rows of `table` that this transaction is about to insert.

    PostgreSQL draws them from the column's sequence. SQLite takes the ones after the largest id: a writer
    that inserted meanwhile makes this transaction's insert fail on the key (IntegrityError), never overwrite.
    """
    if count <= 0:
        return []
    name = table.name
    if conn.dialect.name == "postgresql":
        query = text(f"SELECT nextval(pg_get_serial_sequence('{name}', 'id')) FROM generate_series(1, :n)")
        return [int(v) for v in conn.execute(query, {"n": count}).scalars()]
    top = conn.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {name}")).scalar_one()
    return list(range(int(top) + 1, int(top) + 1 + count))


def audit(
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    before: dict | None,
    after: dict | None,
) -> None:
    """Add an audit row to the session's transaction: who, when, what, before and after."""
    session.add(
        AuditEntry(
            at=now_utc(),
            actor=actor,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            before=json_safe(before) if before is not None else None,
            after=json_safe(after) if after is not None else None,
        )
    )
