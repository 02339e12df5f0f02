"""Response models of the HTTP API, for the OpenAPI document (requests are `data_sources.domain.inputs`)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Annotated, Any, Literal, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.json_schema import SkipJsonSchema

from dashboard.live import presence
from dashboard.recap import engine as recap
from data_sources import logistics, photos, snapshots, summary
from data_sources.domain.vocab import LOGISTICS_STATUSES


def dataclass_model(
    name: str,
    source: type,
    doc: str,
    descriptions: dict[str, str],
    *,
    types: dict[str, Any] | None = None,
    omit: tuple[str, ...] = (),
    extra: dict[str, tuple[Any, str]] | None = None,
    examples: list[dict[str, Any]] | None = None,
) -> type[BaseModel]:
    """A response model built from a dataclass's fields (its order and annotated types), so the two cannot drift.

    `types` replaces the annotation of fields that are serialised differently (a tuple sent as an object), `omit`
    leaves out fields the payload does not carry, `extra` adds what the payload adds (properties, addresses), each
    as (type, description). Every field is required: the payloads always carry them (nullable where the type says).
    A description or type for a field the dataclass no longer has is an error, not a silent leftover.
    """
    types, extra = types or {}, extra or {}
    hints = get_type_hints(source)
    names = [f.name for f in dataclasses.fields(source)]
    wrong = ((set(descriptions) | set(types) | set(omit)) - set(names)) | (set(extra) & set(names))
    if wrong:
        raise TypeError(f"{name}: kolom tidak cocok dengan dataclass {source.__name__}: {sorted(wrong)}")
    spec: dict[str, Any] = {
        n: (Annotated[types.get(n, hints[n]), Field(description=descriptions.get(n))], ...)
        for n in names
        if n not in omit
    }
    spec |= {n: (Annotated[kind, Field(description=text)], ...) for n, (kind, text) in extra.items()}
    config = ConfigDict(json_schema_extra={"examples": examples}) if examples else None
    return create_model(name, __config__=config, __doc__=doc, __module__=__name__, **spec)


class ResultOut(BaseModel):
    """A stored version of a TPS result."""

    id: int
    contest: str
    tps: str
    version: int
    votes: dict[str, int]
    suara_sah: int
    suara_tidak_sah: int
    pengguna_hak_pilih: int | None
    status: Literal["dihitung", "perlu_dicek"]
    flags: list[dict[str, str]]
    kind: str
    reason: str | None
    source: str
    author: str
    submitted_at: str | None
    received_at: str | None


class TallyAnswer(BaseModel):
    """What the desk answers to a submitted result."""

    status: Literal["created", "same", "conflict", "rejected", "forbidden"]
    result: ResultOut | None = None
    error: str | None = None
    errors: dict[str, str] | None = None
    message: str | None = None


class ErrorOut(BaseModel):
    """A refusal: a summary and, for invalid input, a message per field."""

    error: str
    errors: dict[str, str] | None = None


class HistoryOut(BaseModel):
    """One status change of an incident."""

    model_config = ConfigDict(populate_by_name=True)

    at: str
    actor: str
    from_: str | None = Field(alias="from")
    to: str
    note: str | None


class IncidentOut(BaseModel):
    """An incident as stored."""

    id: int
    occurred_at: str
    created_at: str
    updated_at: str
    kecamatan: str
    kecamatan_name: str
    desa: str | None
    tps: str | None
    latitude: float | None
    longitude: float | None
    stage: str
    category: str
    severity: str
    status: str
    description: str
    reporter: str
    history: list[HistoryOut] | None = None


class IncidentList(BaseModel):
    """Incidents, newest first."""

    incidents: list[IncidentOut]
    count: int


LogisticsLine = dataclass_model(
    "LogisticsLine",
    logistics.LogisticsRow,
    "One kecamatan × item line of the logistics board.",
    {
        "kecamatan_code": "Kode kecamatan, mis. 16.07.10",
        "kecamatan": "Nama kecamatan",
        "item": "Barang, mis. tinta atau surat-suara-pilbup-banyuasin",
        "needed": "Jumlah yang dibutuhkan",
        "received": "Jumlah yang sudah diterima",
        "status": "Status penerimaan",
        "updated_at": "Saat terakhir diubah (ISO 8601, UTC)",
        "updated_by": "Yang terakhir mengubah",
    },
    types={"status": Literal[tuple(LOGISTICS_STATUSES)]},
)


class LogisticsBoardLine(LogisticsLine):  # type: ignore[misc, valid-type]
    """A board line with how it stands at the reference time."""

    state: Annotated[
        Literal[logistics.COMPLETE, logistics.SHORT, logistics.LATE, logistics.WAITING],
        Field(description="Keadaan baris: lengkap, kurang, terlambat (lewat batas waktu) atau menunggu"),
    ]


class LogisticsBoard(BaseModel):
    """The logistics board with its readiness and late cut-off."""

    lines: list[LogisticsBoardLine]
    readiness: float
    cutoff: str | None


RegionTotals = dataclass_model(
    "RegionTotals",
    recap.RegionTotals,
    "Totals of one region of a contest (headline figures leave out results held for review).",
    {
        "code": "Kode wilayah, mis. 16.07.10",
        "name": "Nama wilayah",
        "level": "Tingkat wilayah",
        "tps_total": "Jumlah TPS di wilayah",
        "tps_reported": "TPS yang hasilnya sudah dihitung",
        "held": "TPS yang hasilnya ditahan untuk dicek (tidak masuk total)",
        "janggal": "TPS dengan hasil bertanda janggal (dihitung atau ditahan)",
        "dpt": "DPT semua TPS di wilayah",
        "dpt_reported": "DPT TPS yang sudah dihitung",
        "voters": "Pemilih yang hadir di TPS yang sudah dihitung",
        "suara_sah": "Suara sah yang dihitung",
        "suara_tidak_sah": "Suara tidak sah yang dihitung",
        "votes": "Suara per paslon, menurut nomor urut",
    },
    types={"level": Literal[recap.LEVEL_NAMES], "votes": dict[str, int]},
    omit=("nomor",),
    extra={
        "shares": (dict[str, float], "Bagian suara sah per paslon (0–1, 6 desimal)"),
        "leader": (int | None, "Nomor urut paslon terdepan (null sebelum ada suara)"),
        "margin": (int, "Selisih suara paslon terdepan dan paslon kedua"),
        "margin_share": (float, "Selisih itu sebagai bagian suara sah (0–1)"),
        "turnout": (float, "Partisipasi: pemilih hadir dibagi DPT TPS yang dihitung (0–1)"),
        "progress": (float, "TPS yang dihitung dibagi semua TPS (0–1)"),
    },
)

PaslonOut = dataclass_model(
    "PaslonOut",
    summary.PaslonInfo,
    "A candidate pair.",
    {
        "nomor": "Nomor urut",
        "kepala": "Calon kepala daerah",
        "wakil": "Calon wakil kepala daerah",
        "color": "Warna paslon di grafik, mis. #1f77b4",
    },
)


class RecapOut(BaseModel):
    """Totals of a region and of each child region."""

    contest: str
    as_of: str
    paslon: list[PaslonOut]
    region: RegionTotals
    children: list[RegionTotals]
    seq: int


class LiveMessage(BaseModel):
    """The latest message of one live stream."""

    event: str
    data: dict[str, Any]


class LiveOut(BaseModel):
    """The latest message of every live stream, for a viewer that resyncs."""

    seq: int
    messages: list[LiveMessage]


class FrozenOut(BaseModel):
    """The snapshot every follower shows while the view is frozen."""

    id: Annotated[int, Field(description="Nomor cuplikan")]
    as_of: Annotated[datetime, Field(description="Saat angka cuplikan diambil (ISO 8601)")]
    label: Annotated[str, Field(description="Teks spanduk, mis. BEKU per 10.00 WIB")]


PresenterOut = dataclass_model(
    "PresenterOut",
    presence.Person,
    "Who presents.",
    {
        "key": 'Kunci sesi, mis. "u:3" (pengguna nomor 3)',
        "name": "Nama yang ditampilkan",
        "role": "Peran: admin atau operator",
    },
)

ViewOut = dataclass_model(
    "ViewOut",
    presence.View,
    "What every follower shows.",
    {
        "path": "Halaman presenter, mis. /rekapitulasi",
        "search": 'Query halaman tanpa parameter pribadi, mis. "?contest=pilbup-banyuasin" (atau "")',
        "slide": "Slide playlist layar (0–99)",
        "frozen": "Cuplikan yang sedang dibekukan, null bila angka langsung",
    },
    types={"frozen": FrozenOut | None},
    extra={"target": (str, "Alamat yang dibuka pengikut: halaman cuplikan bila beku, bila tidak halaman presenter")},
)


class PresenceState(BaseModel):
    """The whole presenter and view state, as every follower receives it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "seq": 3,
                    "version": 3,
                    "epoch": "4f1c2a9b7d3e",
                    "presenter": {"key": "u:2", "name": "operator", "role": "operator"},
                    "view": {
                        "path": "/rekapitulasi",
                        "search": "?contest=pilbup-banyuasin",
                        "slide": 0,
                        "frozen": None,
                        "target": "/rekapitulasi?contest=pilbup-banyuasin",
                    },
                    "updated_at": "2024-11-27T03:05:00+00:00",
                    "act": "tampilan",
                }
            ]
        }
    )

    seq: Annotated[int, Field(description="Nomor urut keadaan (sama dengan version)")]
    version: Annotated[int, Field(description="Bertambah pada setiap perubahan")]
    epoch: Annotated[str, Field(description="Berganti setiap kali server mulai (version mulai lagi dari 0)")]
    presenter: Annotated[PresenterOut | None, Field(description="Presenter saat ini, null bila tidak ada")]
    view: ViewOut
    updated_at: Annotated[datetime | None, Field(description="Saat perubahan terakhir, null sebelum ada perubahan")]
    act: Annotated[str, Field(description='Perubahan terakhir, mis. "operator menjadi presenter" ("mulai" di awal)')]


class PresenceRefusal(ErrorOut):
    """A presenter act refused by a presenter rule, with the current state (who presents now)."""

    state: Annotated[PresenceState, Field(description="Keadaan presenter dan tampilan saat ini")]


def _no_default(schema: dict[str, Any]) -> None:
    """An optional key that is left out, never null: no `default: null` in its schema."""
    schema.pop("default", None)


class RefusalOut(ErrorOut):
    """A refusal; one made by a presenter rule (not by the role check or the body's form) carries the state."""

    state: Annotated[
        PresenceState | SkipJsonSchema[None],
        Field(
            description="Keadaan presenter dan tampilan saat ini (hanya bila aturan presenter yang menolak)",
            json_schema_extra=_no_default,
        ),
    ] = None


SnapshotOut = dataclass_model(
    "SnapshotOut",
    snapshots.SnapshotInfo,
    "One snapshot record: a moment, never a copy of numbers.",
    {
        "id": "Nomor cuplikan",
        "as_of": "Saat angka cuplikan diambil (ISO 8601, UTC)",
        "created_at": "Saat cuplikan dibuat (ISO 8601, UTC)",
        "created_by": "Yang membekukan",
        "note": 'Catatan (boleh "")',
    },
    extra={"label": (str, "Teks spanduk, mis. BEKU per 10.00 WIB (dengan tanggal bila bukan hari pembekuan)")},
    examples=[
        {
            "id": 1,
            "as_of": "2024-11-27T03:00:00+00:00",
            "created_at": "2024-11-27T03:00:02+00:00",
            "created_by": "operator",
            "note": "vicon tahap penghitungan",
            "label": "BEKU per 10.00 WIB",
        }
    ],
)


class SnapshotCreated(BaseModel):
    """A new snapshot and the frozen state every follower now shows."""

    snapshot: SnapshotOut
    state: PresenceState


class SnapshotList(BaseModel):
    """Past snapshots, newest first."""

    snapshots: list[SnapshotOut]


class SnapshotDetail(BaseModel):
    """A snapshot and every contest's headline totals as of its moment."""

    snapshot: SnapshotOut
    contests: Annotated[
        dict[str, RegionTotals], Field(description="Total wilayah cakupan tiap kontestasi, menurut id kontestasi")
    ]


PhotoOut = dataclass_model(
    "PhotoOut",
    photos.PhotoInfo,
    "A stored C1 photo (never a path on the server).",
    {
        "id": "Nomor foto",
        "result_id": "Nomor versi hasil TPS yang disertai foto ini",
        "contest": "Kontestasi",
        "tps": "Kode TPS, mis. 16.07.08.2001.003",
        "version": "Versi hasil TPS",
        "media_type": "Jenis gambar tersimpan",
        "size": "Ukuran berkas tersimpan (byte, setelah metadata dibuang)",
        "width": "Lebar (piksel)",
        "height": "Tinggi (piksel)",
        "uploaded_by": "Pengunggah",
        "uploaded_at": "Saat diunggah (ISO 8601, UTC)",
    },
    types={"media_type": Literal[tuple(media for media, _suffix in photos.FORMATS.values())]},
    extra={
        "url": (str, "Alamat gambar (hanya untuk pengguna yang login)"),
        "thumb_url": (str, "Alamat gambar kecil (hanya untuk pengguna yang login)"),
    },
)


class PhotoAnswer(BaseModel):
    """What the desk answers to an uploaded C1 photo."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "status": "created",
                    "photo": {
                        "id": 7,
                        "result_id": 42,
                        "contest": "pilbup-banyuasin",
                        "tps": "16.07.08.2001.003",
                        "version": 1,
                        "media_type": "image/jpeg",
                        "size": 183204,
                        "width": 1200,
                        "height": 1600,
                        "uploaded_by": "hp-tps-003",
                        "uploaded_at": "2024-11-27T07:12:00+00:00",
                        "url": "/photos/7",
                        "thumb_url": "/photos/7/thumb",
                    },
                }
            ]
        }
    )

    status: Annotated[
        Literal["created", "same"],
        Field(description="created: foto baru tersimpan (201); same: foto yang sama sudah ada (200)"),
    ]
    photo: PhotoOut
