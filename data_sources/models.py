"""SQLAlchemy tables of the Desk Pilkada store."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator):
    """A moment stored as UTC on every backend and read back timezone-aware (SQLite keeps no offset)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("waktu tanpa zona waktu tidak disimpan")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of every table."""


class Setting(Base):
    """A key/value setting of the installation (scenario name, demo flag, simulator clock)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Region(Base):
    """A Kemendagri region: provinsi, kabupaten/kota, kecamatan or desa/kelurahan."""

    __tablename__ = "regions"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    level: Mapped[int] = mapped_column(Integer)  # 1 provinsi .. 4 desa
    kind: Mapped[str] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(String(16), index=True, nullable=True)


class Contest(Base):
    """One race (Pilbup, Pilgub…) with the region it covers."""

    __tablename__ = "contests"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    scope_code: Mapped[str] = mapped_column(String(16), ForeignKey("regions.code"))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Paslon(Base):
    """A candidate pair of a contest, numbered 1..N."""

    __tablename__ = "paslon"
    contest_id: Mapped[str] = mapped_column(String(64), ForeignKey("contests.id"), primary_key=True)
    nomor: Mapped[int] = mapped_column(Integer, primary_key=True)
    kepala: Mapped[str] = mapped_column(String(120))
    wakil: Mapped[str] = mapped_column(String(120))
    color: Mapped[str] = mapped_column(String(16))


class Tps(Base):
    """A polling station inside a desa, with its registered voters (DPT)."""

    __tablename__ = "tps"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)  # 16.07.08.2001.003
    desa_code: Mapped[str] = mapped_column(String(16), ForeignKey("regions.code"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    dpt: Mapped[int] = mapped_column(Integer)


class Result(Base):
    """One version of a TPS result for a contest; versions are appended, never changed."""

    __tablename__ = "results"
    __table_args__ = (
        UniqueConstraint("contest_id", "tps_code", "version", name="uq_result_version"),
        Index("ix_results_received", "received_at"),
        Index("ix_results_idem", "idempotency_key"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contest_id: Mapped[str] = mapped_column(String(64), ForeignKey("contests.id"))
    tps_code: Mapped[str] = mapped_column(String(20), ForeignKey("tps.code"))
    version: Mapped[int] = mapped_column(Integer)
    votes: Mapped[dict] = mapped_column(JSON)  # {"1": 120, "2": 80}
    suara_sah: Mapped[int] = mapped_column(Integer)
    suara_tidak_sah: Mapped[int] = mapped_column(Integer)
    pengguna_hak_pilih: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(16))  # dihitung | perlu_dicek
    flags: Mapped[list] = mapped_column(JSON)  # [{"code": …, "message": …}]
    kind: Mapped[str] = mapped_column(String(16))  # baru | koreksi | konfirmasi
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    source: Mapped[str] = mapped_column(String(32))
    author: Mapped[str] = mapped_column(String(120))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    idempotency_key: Mapped[str | None] = mapped_column(String(200), nullable=True)


class ResultPhoto(Base):
    """A C1 photo kept with one result version: a cleaned copy under the data folder, named by the app."""

    __tablename__ = "result_photos"
    __table_args__ = (UniqueConstraint("result_id", "sha256", name="uq_result_photo"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    result_id: Mapped[int] = mapped_column(Integer, ForeignKey("results.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(80))  # generated: <hex>.jpg / <hex>.png
    media_type: Mapped[str] = mapped_column(String(16))  # image/jpeg | image/png
    size: Mapped[int] = mapped_column(Integer)  # bytes of the stored (cleaned) file
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))  # of the upload as received: the same photo is kept once
    uploaded_by: Mapped[str] = mapped_column(String(120))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Incident(Base):
    """A problem reported in the field."""

    __tablename__ = "incidents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    kecamatan_code: Mapped[str] = mapped_column(String(16), ForeignKey("regions.code"), index=True)
    desa_code: Mapped[str | None] = mapped_column(String(16), nullable=True)
    tps_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    stage: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    reporter: Mapped[str] = mapped_column(String(120))


class IncidentEvent(Base):
    """A status change of an incident: who, when, from → to, note."""

    __tablename__ = "incident_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(Integer, ForeignKey("incidents.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(120))
    from_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class Logistics(Base):
    """Supplies of one item for one kecamatan: needed, received, status."""

    __tablename__ = "logistics"
    kecamatan_code: Mapped[str] = mapped_column(String(16), ForeignKey("regions.code"), primary_key=True)
    item: Mapped[str] = mapped_column(String(64), primary_key=True)
    needed: Mapped[int] = mapped_column(Integer)
    received: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(24))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(120))


class User(Base):
    """A person who logs in: admin, operator or viewer."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ApiToken(Base):
    """A revocable token for a display screen or a field reporter; only its hash is kept."""

    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    region_code: Mapped[str | None] = mapped_column(String(16), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(120))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class AuditEntry(Base):
    """One write: who, when, what, before and after."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(120))
    before: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict | None] = mapped_column(JSON, nullable=True)


class Snapshot(Base):
    """A frozen view of a vicon session: the moment its numbers are taken from, who froze it and when."""

    __tablename__ = "snapshots"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    as_of: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    created_by: Mapped[str] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(String(200), default="")
