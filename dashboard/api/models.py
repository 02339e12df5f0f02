"""Request and response models of the HTTP API: they validate requests and generate the OpenAPI schemas."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, get_type_hints

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    ValidationError,
    create_model,
)
from pydantic.json_schema import SkipJsonSchema

from dashboard.live import presence
from dashboard.recap import engine as recap
from data_sources import logistics, photos, snapshots, summary
from data_sources.domain.vocab import CATEGORIES, INCIDENT_STATUSES, LOGISTICS_STATUSES, SEVERITIES, STAGES

MAX_COUNT = 10_000_000
MAX_REASON = 1000
MAX_TEXT = 4000
TPS_PATTERN = r"^(\d{2}\.\d{2}\.\d{2}\.\d{4}\.\d{3}|\d{13})$"
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def _whole_number(value: Any) -> Any:
    """Refuse text and booleans where a count is expected; accept 120.0 as 120."""
    if isinstance(value, bool) or isinstance(value, str):
        raise ValueError("harus bilangan bulat tidak negatif")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _plausible_time(value: datetime) -> datetime:
    """A moment between 2000 and 2100 (anything else is a typo, and some cannot be stored)."""
    if not EARLIEST <= value < LATEST:
        raise ValueError("waktu harus antara tahun 2000 dan 2100")
    return value


def _text_without_nul(value: Any) -> Any:
    """No NUL characters in text: databases refuse them."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("tidak boleh berisi karakter NUL")
    return value


Count = Annotated[int, BeforeValidator(_whole_number), Field(ge=0, le=MAX_COUNT)]
Text = Annotated[str, AfterValidator(_text_without_nul)]
Moment = Annotated[AwareDatetime, AfterValidator(_plausible_time)]
PaslonNumber = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{0,2}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


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


class TallyIn(_Strict):
    """One TPS result (C1), as a reporter or another system sends it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "contest": "pilbup-banyuasin",
                    "tps": "16.07.08.2007.003",
                    "votes": {"1": 120, "2": 80, "3": 10, "4": 5, "5": 2},
                    "suara_tidak_sah": 5,
                    "pengguna_hak_pilih": 222,
                    "suara_sah": 217,
                    "submitted_at": "2024-11-27T14:05:00+07:00",
                }
            ]
        },
    )

    contest: Annotated[Text, Field(min_length=1, max_length=100, description="Kontestasi, mis. pilbup-banyuasin")]
    tps: Annotated[
        Annotated[str, Field(pattern=TPS_PATTERN)] | Annotated[int, Field(ge=10**12, le=10**13 - 1)],
        Field(
            description="Kode TPS: 16.07.08.2001.003, atau bentuk KPU 1607082001003 (teks atau angka)",
            examples=["16.07.08.2001.003", "1607082001003"],
        ),
    ]
    votes: Annotated[
        dict[PaslonNumber, Count],
        Field(min_length=1, max_length=50, description="Suara per paslon, menurut nomor urut"),
    ]
    suara_tidak_sah: Annotated[Count, Field(description="Suara tidak sah")]
    suara_sah: Annotated[Count | None, Field(description="Suara sah tertulis di C1 (boleh kosong)")] = None
    pengguna_hak_pilih: Annotated[Count | None, Field(description="Pemilih yang hadir (boleh kosong)")] = None
    submitted_at: Annotated[Moment | None, Field(description="Saat dikirim, ISO 8601 dengan zona")] = None
    correction: Annotated[
        StrictBool, Field(description="true: koreksi atas hasil yang sudah ada (admin/operator, dengan alasan)")
    ] = False
    reason: Annotated[Text | None, Field(max_length=MAX_REASON, description="Alasan koreksi")] = None


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


class IncidentIn(_Strict):
    """A new incident report."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kecamatan": "16.07.10",
                    "desa": "16.07.10.2001",
                    "tps": "16.07.10.2001.003",
                    "stage": "pemungutan-suara",
                    "category": "logistik",
                    "severity": "tinggi",
                    "description": "Surat suara kurang 20 lembar",
                    "occurred_at": "2024-11-27T09:30:00+07:00",
                }
            ]
        },
    )

    kecamatan: Annotated[str, Field(description="Kode kecamatan, mis. 16.07.10")]
    desa: Annotated[str | None, Field(description="Kode desa (boleh kosong)")] = None
    tps: Annotated[str | None, Field(description="Kode TPS, dua bentuk (boleh kosong)")] = None
    latitude: Annotated[float | None, Field(ge=-90, le=90)] = None
    longitude: Annotated[float | None, Field(ge=-180, le=180)] = None
    stage: Literal[tuple(STAGES)]  # type: ignore[valid-type]
    category: Literal[tuple(CATEGORIES)]  # type: ignore[valid-type]
    severity: Literal[tuple(SEVERITIES)]  # type: ignore[valid-type]
    status: Literal["baru"] | None = None
    description: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
    occurred_at: Moment | None = None


class IncidentPatch(_Strict):
    """A status change of an incident (a note is required to reject)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"status": "diverifikasi", "note": "dicek"}]}
    )

    status: Literal[tuple(INCIDENT_STATUSES)]  # type: ignore[valid-type]
    note: Annotated[str | None, Field(max_length=1000)] = None


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


class LogisticsIn(_Strict):
    """What a kecamatan received of an item."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"received": 120, "status": "kurang"}]})

    received: Count
    status: Literal[tuple(LOGISTICS_STATUSES)]  # type: ignore[valid-type]


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


MESSAGES = {
    "missing": "wajib diisi",
    "extra_forbidden": "kolom tidak dikenal",
    "int_type": "harus bilangan bulat tidak negatif",
    "int_from_float": "harus bilangan bulat tidak negatif",
    "int_parsing": "harus bilangan bulat tidak negatif",
    "greater_than_equal": "tidak boleh negatif",
    "less_than_equal": "angka terlalu besar",
    "string_type": "harus teks",
    "string_too_short": "wajib diisi",
    "string_too_long": "terlalu panjang",
    "string_pattern_mismatch": "format tidak sah",
    "dict_type": "harus objek JSON",
    "model_type": "harus objek JSON",
    "model_attributes_type": "harus objek JSON",
    "bool_type": "harus true atau false",
    "float_type": "harus angka",
    "float_parsing": "harus angka",
    "finite_number": "harus angka terhingga",
    "literal_error": "nilai tidak dikenal",
    "datetime_type": "harus waktu ISO 8601 dengan zona, mis. 2024-11-27T14:05:00+07:00",
    "datetime_parsing": "harus waktu ISO 8601 dengan zona, mis. 2024-11-27T14:05:00+07:00",
    "datetime_from_date_parsing": "harus waktu ISO 8601 dengan zona, mis. 2024-11-27T14:05:00+07:00",
    "timezone_aware": "zona waktu wajib, mis. +07:00",
    "too_short": "tidak boleh kosong",
    "too_long": "terlalu banyak isian",
}
_BRANCHES = {"str", "int", "float", "bool", "none", "dict", "list"}
FIELD_HINTS = {
    "tps": "kode TPS harus seperti 16.07.08.2001.003 atau 1607082001003",
    "votes": 'harus berisi suara per paslon, mis. {"1": 120, "2": 80}',
}


def _message(error: dict[str, Any], name: str) -> str:
    kind = error["type"]
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error") or error["msg"])
    if kind == "literal_error":
        return f"harus salah satu dari: {error.get('ctx', {}).get('expected', '')}".replace("'", "")
    if kind == "string_pattern_mismatch" and name.startswith("votes."):
        return "nomor urut paslon harus angka 1–999"
    if (
        kind in ("string_pattern_mismatch", "string_type", "model_type", "dict_type", "too_short")
        and name in FIELD_HINTS
    ):
        return FIELD_HINTS[name]
    return MESSAGES.get(kind, "tidak sah")


def field_errors(exc: ValidationError) -> dict[str, str]:
    """One Indonesian message per field (dotted path) from a pydantic validation error."""
    errors: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        # pydantic adds union branches ("str", "constrained-int", "function-after[…]") and "[key]" to some
        # locations; the field path is what a caller needs
        loc = [str(p) for p in error["loc"]]
        loc = [p for p in loc if not ("[" in p or "-" in p or p in _BRANCHES)]
        name = ".".join(loc) or "body"
        errors.setdefault(name, _message(error, name))
    return errors


def validate(model: type[BaseModel], body: Any) -> tuple[BaseModel | None, dict[str, str]]:
    """The body as a model instance, or a message per bad field."""
    if not isinstance(body, dict):
        return None, {"body": "harus objek JSON"}
    try:
        return model.model_validate(body), {}
    except ValidationError as exc:
        return None, field_errors(exc)


class ViewIn(BaseModel):
    """The presenter's page, query and playlist slide."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"path": "/rekapitulasi", "search": "", "slide": 0}]})

    path: str = ""
    search: str = ""
    slide: int | None = None


class PresenterIn(BaseModel):
    """A presenter act: take, release, hand over (to a username) or, as admin, take over."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"action": "take"}]})

    action: Literal["take", "release", "handover", "takeover"]
    to: str | None = None


class SnapshotIn(BaseModel):
    """Freeze every follower's numbers as of now or of `as_of`."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"note": "vicon tahap penghitungan"}]})

    as_of: AwareDatetime | None = None
    note: str | None = None


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
