"""What each write accepts, as one model per body: the API validates requests with them and documents them in
OpenAPI, and the ingest functions (API, Input page, CSV imports, simulator) read their input through the same ones.

Only checks that need no store live here; the rules that do (a known contest, TPS or kecamatan, the regency's
area, workflow transitions, DESIGN §5) stay with the functions that store.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, StrictBool, StringConstraints, model_validator

from data_sources.domain.fields import Count, Latitude, Longitude, Moment, Text, TpsCode, Votes, blank_as_none
from data_sources.domain.limits import (
    MAX_CONTEST_ID,
    MAX_DESCRIPTION,
    MAX_NOTE,
    MAX_REASON,
    MAX_SEARCH,
    MAX_SLIDE,
    MAX_SNAPSHOT_NOTE,
    MAX_USERNAME,
)
from data_sources.domain.validation import FieldProblem, Input
from data_sources.domain.vocab import CATEGORIES, INCIDENT_STATUSES, LOGISTICS_STATUSES, SEVERITIES, STAGES

Blank = BeforeValidator(blank_as_none)
NOTE_REQUIRED = {"ditolak": "alasan penolakan wajib diisi"}  # statuses whose change needs a note
PRESENTER_ACTIONS = ("take", "release", "handover", "takeover")


def _examples(*examples: dict[str, Any], extra: str = "forbid") -> ConfigDict:
    return ConfigDict(extra=extra, json_schema_extra={"examples": list(examples)})  # type: ignore[typeddict-item]


class TallyIn(Input):
    """One TPS result (C1), as a reporter, the Input page, a file or another system sends it."""

    model_config = _examples(
        {
            "contest": "pilbup-banyuasin",
            "tps": "16.07.08.2007.003",
            "votes": {"1": 120, "2": 80, "3": 10, "4": 5, "5": 2},
            "suara_tidak_sah": 5,
            "pengguna_hak_pilih": 222,
            "suara_sah": 217,
            "submitted_at": "2024-11-27T14:05:00+07:00",
        }
    )

    contest: Annotated[
        Text, Field(min_length=1, max_length=MAX_CONTEST_ID, description="Kontestasi, mis. pilbup-banyuasin")
    ]
    tps: Annotated[
        TpsCode,
        Field(
            description="Kode TPS: 16.07.08.2001.003, atau bentuk KPU 1607082001003 (teks atau angka)",
            examples=["16.07.08.2001.003", "1607082001003"],
        ),
    ]
    votes: Annotated[Votes, Field(description="Suara per paslon, menurut nomor urut")]
    suara_tidak_sah: Annotated[Count, Field(description="Suara tidak sah")]
    suara_sah: Annotated[Count | None, Field(description="Suara sah tertulis di C1 (boleh kosong)")] = None
    pengguna_hak_pilih: Annotated[Count | None, Field(description="Pemilih yang hadir (boleh kosong)")] = None
    submitted_at: Annotated[Moment | None, Blank, Field(description="Saat dikirim, ISO 8601 dengan zona")] = None
    correction: Annotated[
        StrictBool, Field(description="true: koreksi atas hasil yang sudah ada (admin/operator, dengan alasan)")
    ] = False
    reason: Annotated[Text | None, Field(max_length=MAX_REASON, description="Alasan koreksi")] = None


TALLY_NUMBERS = ("votes", "suara_tidak_sah", "suara_sah", "pengguna_hak_pilih")


def _new_status(value: Any) -> Any:
    """A new incident is `baru`: another known status is refused with the way to get there."""
    value = blank_as_none(value)
    if value is None or value == "baru":
        return value
    if isinstance(value, str) and value in INCIDENT_STATUSES:
        raise ValueError("kejadian baru selalu berstatus baru; ubah statusnya sesudah tersimpan")
    raise ValueError(f"harus salah satu dari: {', '.join(INCIDENT_STATUSES)}")


class IncidentIn(Input):
    """A new incident report."""

    model_config = _examples(
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
    )

    kecamatan: Annotated[Text, Field(min_length=1, description="Kode kecamatan, mis. 16.07.10")]
    desa: Annotated[Text | None, Blank, Field(description="Kode desa (boleh kosong)")] = None
    tps: Annotated[TpsCode | None, Blank, Field(description="Kode TPS, dua bentuk (boleh kosong)")] = None
    latitude: Annotated[Latitude | None, Field(description="Lintang (berdua dengan longitude)")] = None
    longitude: Annotated[Longitude | None, Field(description="Bujur (berdua dengan latitude)")] = None
    stage: Literal[tuple(STAGES)]  # type: ignore[valid-type]
    category: Literal[tuple(CATEGORIES)]  # type: ignore[valid-type]
    severity: Literal[tuple(SEVERITIES)]  # type: ignore[valid-type]
    status: Annotated[Literal["baru"] | None, BeforeValidator(_new_status)] = None
    description: Annotated[Text, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_DESCRIPTION)]
    occurred_at: Annotated[Moment | None, Blank, Field(description="Saat terjadi (bawaan: saat dilaporkan)")] = None

    @model_validator(mode="after")
    def _both_coordinates(self) -> IncidentIn:
        """A place is a latitude and a longitude, or neither."""
        if (self.latitude is None) != (self.longitude is None):
            missing = "latitude" if self.latitude is None else "longitude"
            raise FieldProblem(missing, "latitude dan longitude diisi berdua")
        return self


INCIDENT_PLACE = ("kecamatan", "desa", "tps", "latitude", "longitude")


class IncidentPatch(Input):
    """A status change of an incident (a note is required to reject)."""

    model_config = _examples({"status": "diverifikasi", "note": "dicek"})
    unknown = "tidak dapat diubah lewat PATCH; yang diterima: status, note"

    status: Literal[tuple(INCIDENT_STATUSES)]  # type: ignore[valid-type]
    note: Annotated[Text | None, StringConstraints(strip_whitespace=True, max_length=MAX_NOTE)] = None

    @model_validator(mode="after")
    def _note_when_required(self) -> IncidentPatch:
        """An empty note is no note; a rejection needs one."""
        self.note = self.note or None
        if self.note is None and self.status in NOTE_REQUIRED:
            raise FieldProblem("note", NOTE_REQUIRED[self.status])
        return self


class LogisticsIn(Input):
    """What a kecamatan received of an item."""

    model_config = _examples({"received": 120, "status": "kurang"})

    received: Annotated[Count, Field(description="Jumlah yang sudah diterima (0 bila belum ada)")]
    status: Literal[tuple(LOGISTICS_STATUSES)]  # type: ignore[valid-type]


class ViewIn(Input):
    """The presenter's page, query and playlist slide."""

    model_config = _examples({"path": "/rekapitulasi", "search": "", "slide": 0}, extra="ignore")

    path: Annotated[Text, Field(max_length=MAX_SEARCH, description="Halaman, mis. /rekapitulasi")] = ""
    search: Annotated[Text, Field(max_length=MAX_SEARCH, description="Query halaman, mis. ?contest=…")] = ""
    slide: Annotated[
        Annotated[Count, Field(le=MAX_SLIDE)] | None, Field(description=f"Slide playlist layar (0–{MAX_SLIDE})")
    ] = None


class PresenterIn(Input):
    """A presenter act: take, release, hand over (to a username) or, as admin, take over."""

    model_config = _examples({"action": "take"}, extra="ignore")

    action: Literal[PRESENTER_ACTIONS]  # type: ignore[valid-type]
    to: Annotated[Text | None, Field(max_length=MAX_USERNAME, description="Pengguna penerima (handover)")] = None

    @model_validator(mode="after")
    def _handover_names_someone(self) -> PresenterIn:
        """A handover says to whom."""
        if self.action == "handover" and not self.to:
            raise FieldProblem("to", "wajib diisi: nama pengguna penerima")
        return self


class SnapshotIn(Input):
    """Freeze every follower's numbers as of now or of `as_of`."""

    model_config = _examples({"note": "vicon tahap penghitungan"}, extra="ignore")

    as_of: Annotated[Moment | None, Blank, Field(description="Saat angka dibekukan (bawaan: sekarang)")] = None
    note: Annotated[Text | None, Field(max_length=MAX_SNAPSHOT_NOTE, description="Catatan")] = None
