"""Demo simulator: plays election day (06.00–24.00 WIB) through the public ingest functions.

Everything it writes goes through `submit_result`, `create_incident`, `change_status` and
`logistics.update`, as the operator "simulator" with source "simulasi", so the rules, the audit and the
realtime push see exactly what a real day would bring. The plan of the day is deterministic (a seeded
`random.Random` over the store's contents); the wall moment the day started is kept in the setting
`simulator_started_at`, so a restarted server resumes the day where it was.
"""

from __future__ import annotations

import bisect
import csv
import logging
import math
import random
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from data_sources import logistics
from data_sources.domain import rules
from data_sources.domain.actors import Actor
from data_sources.domain.codes import is_within, parent_code
from data_sources.domain.fmt import WIB, now_utc
from data_sources.domain.vocab import INCIDENT_TRANSITIONS
from data_sources.incidents import IncidentError, change_status, create_incident
from data_sources.models import Incident, IncidentEvent, Result
from data_sources.results import submit_result
from data_sources.store import Store
from data_sources.summary import contests, region_names, tps_dpt

log = logging.getLogger(__name__)

ACTOR = Actor("simulator", "operator")
SOURCE = "simulasi"
DEFAULT_SEED = 20241127

STARTED_KEY = "simulator_started_at"
SPEED_KEY = "simulator_speed"
DAY_START_HOUR = 6
DAY_HOURS = 18
WALL_SECONDS_PER_DAY = 600.0  # speed 1.0: the whole day in about ten minutes
SIM_SECONDS_PER_WALL_SECOND = DAY_HOURS * 3600 / WALL_SECONDS_PER_DAY  # 108
TICK_SECONDS = 0.2
CHUNK = 500

CENTROIDS = Path(__file__).parent / "demo" / "banyuasin_kecamatan_centroids.csv"

# Logistics states in the order a line goes through them; an update never moves a line backwards.
_LOGISTICS_RANK = {"belum-dikirim": 0, "dalam-perjalanan": 1, "kurang": 2, "rusak": 2, "diterima": 3}

FAMILY_OF = {
    "result": "hasil",
    "correction": "hasil",
    "incident": "kejadian",
    "incident-status": "kejadian",
    "logistics": "logistik",
}

# ---------------------------------------------------------------------------------------------------------
# Incident texts: (phase, place, text, range of {n}).
# Phase "v": until 13.00 (pemungutan suara), "c": counting, "vc": both.
# Place "tps": only where a TPS is named, "area": a desa or kecamatan, "any": either.
# {where} is "TPS 005 Desa X", "Desa X" or "Kecamatan Y".

_Template = tuple[str, str, str, tuple[int, int]]
_NO_N = (0, 0)

_TEMPLATES: dict[str, list[_Template]] = {
    "hak-pilih": [
        (
            "v",
            "any",
            "{n} pemilih terdaftar di DPT tidak menerima surat pemberitahuan (C6) di {where}",
            (3, 25),
        ),
        (
            "v",
            "tps",
            "{n} warga ber-KTP setempat tidak terdaftar di DPT dan meminta dilayani di {where}",
            (2, 15),
        ),
        ("v", "any", "Ditemukan {n} nama ganda di DPT {where}", (2, 8)),
        (
            "v",
            "tps",
            "Pemilih pindahan ditolak KPPS {where} karena tidak membawa formulir pindah memilih",
            _NO_N,
        ),
        ("c", "tps", "Saksi mempersoalkan {n} pemilih DPTb yang dilayani di {where}", (3, 20)),
        ("c", "tps", "Daftar hadir di {where} selisih {n} orang dengan surat suara terpakai", (1, 6)),
        ("c", "area", "Warga {where} melapor tidak dapat memilih karena namanya hilang dari DPT", _NO_N),
    ],
    "keamanan": [
        ("vc", "any", "Keributan kecil antarwarga di sekitar {where}, sudah ditenangkan Linmas", _NO_N),
        ("v", "tps", "Orang tak dikenal berkumpul di dekat {where}; petugas meminta bantuan Polsek", _NO_N),
        ("v", "tps", "Anggota KPPS {where} menerima ancaman lewat pesan singkat", _NO_N),
        ("c", "any", "Massa pendukung paslon berkumpul di {where} saat penghitungan suara", _NO_N),
        ("c", "tps", "Adu mulut antarsaksi paslon saat penghitungan di {where}", _NO_N),
        ("c", "tps", "Kotak suara dari {where} dikirim ke PPK tanpa pengawalan petugas", _NO_N),
    ],
    "politik-uang": [
        ("v", "any", "Dugaan pembagian uang kepada pemilih menjelang pencoblosan di {where}", _NO_N),
        ("v", "area", "Warga melaporkan pembagian sembako atas nama paslon di {where}", _NO_N),
        (
            "v",
            "tps",
            "Pengawas TPS menemukan {n} amplop berisi uang dan kartu nama paslon di {where}",
            (3, 30),
        ),
        ("c", "any", "Dugaan janji uang kepada saksi agar tidak mengajukan keberatan di {where}", _NO_N),
    ],
    "sara": [
        ("v", "any", "Selebaran bernada SARA ditemukan di sekitar {where}", _NO_N),
        ("vc", "area", "Unggahan media sosial berisi ujaran kebencian menyasar warga {where}", _NO_N),
        ("c", "area", "Provokasi bernada SARA di grup percakapan warga {where} setelah penghitungan", _NO_N),
    ],
    "netralitas-penyelenggara": [
        ("v", "tps", "Anggota KPPS {where} diduga mengarahkan pemilih lansia ke paslon tertentu", _NO_N),
        ("v", "tps", "KPPS {where} membuka TPS terlambat {n} menit", (20, 75)),
        ("v", "area", "Anggota PPS di {where} diduga memihak salah satu paslon", _NO_N),
        ("c", "tps", "Saksi paslon keberatan atas cara KPPS {where} menghitung surat suara", _NO_N),
        ("c", "tps", "KPPS {where} tidak memberikan salinan C.Hasil kepada saksi", _NO_N),
        ("c", "tps", "{n} surat suara dinyatakan tidak sah oleh KPPS {where}, saksi keberatan", (2, 12)),
        ("c", "area", "Penerimaan kotak suara dari {where} di PPK tidak disaksikan saksi paslon", _NO_N),
    ],
    "netralitas-asn": [
        ("v", "any", "Oknum ASN terlihat mengajak pemilih memilih paslon tertentu di {where}", _NO_N),
        ("v", "area", "ASN kecamatan diduga ikut tim pemenangan, dilaporkan warga {where}", _NO_N),
        ("c", "tps", "Oknum ASN mencatat hasil penghitungan di {where} atas permintaan tim paslon", _NO_N),
        ("c", "area", "Oknum ASN terlihat di posko pemenangan paslon di {where} saat penghitungan", _NO_N),
    ],
    "netralitas-tni-polri": [
        ("v", "area", "Oknum aparat diduga mengarahkan pilihan warga di {where}", _NO_N),
        ("v", "tps", "Oknum aparat berjaga terlalu dekat dengan bilik suara di {where}", _NO_N),
        (
            "c",
            "tps",
            "Oknum aparat berseragam berada di area penghitungan {where} tanpa keperluan tugas",
            _NO_N,
        ),
        ("c", "area", "Oknum aparat terlihat bersama tim paslon di {where} setelah penghitungan", _NO_N),
    ],
    "netralitas-kepala-desa": [
        ("v", "area", "Kepala desa diduga mengumpulkan warga dan mengarahkan pilihan di {where}", _NO_N),
        ("v", "tps", "Perangkat desa membagikan atribut paslon di dekat {where}", _NO_N),
        ("c", "tps", "Kepala desa ikut campur saat penghitungan suara di {where}", _NO_N),
        ("c", "area", "Kepala desa di {where} diduga menekan KPPS agar mempercepat penghitungan", _NO_N),
    ],
    "logistik": [
        ("v", "tps", "Surat suara kurang {n} lembar di {where}", (5, 40)),
        ("v", "tps", "{n} surat suara rusak ditemukan saat kotak dibuka di {where}", (2, 15)),
        ("v", "tps", "Tinta di {where} hampir habis, diminta tambahan dari PPS", _NO_N),
        ("v", "tps", "Bilik suara di {where} kurang {n} unit", (1, 2)),
        ("v", "area", "Distribusi logistik ke {where} terlambat karena akses sungai", _NO_N),
        ("c", "tps", "Formulir C.Hasil di {where} kurang {n} lembar", (1, 4)),
        ("c", "tps", "Segel kotak suara di {where} tidak lengkap saat penutupan", _NO_N),
        ("c", "area", "Kotak suara hasil penghitungan dari {where} terlambat tiba di PPK", _NO_N),
    ],
    "lokasi-tps": [
        (
            "v",
            "tps",
            "{where} tergenang air {n} cm setelah hujan; TPS dipindah ke tempat lebih tinggi",
            (10, 40),
        ),
        ("v", "any", "Akses jalan ke {where} rusak, sebagian pemilih datang dengan perahu", _NO_N),
        ("v", "tps", "Tenda {where} roboh diterpa angin kencang", _NO_N),
        ("v", "area", "Banjir di sebagian {where}; beberapa TPS dipindah ke tempat lebih tinggi", _NO_N),
        ("c", "tps", "Hujan deras di {where}, penghitungan suara dipindahkan ke balai desa", _NO_N),
        ("c", "any", "Air pasang naik di sekitar {where} saat penghitungan suara", _NO_N),
    ],
    "listrik-internet": [
        ("v", "any", "Listrik padam di {where} sejak pagi", _NO_N),
        ("v", "any", "Sinyal telepon tidak ada di {where}, laporan dikirim lewat radio", _NO_N),
        ("c", "any", "Listrik padam di {where} saat penghitungan, KPPS memakai genset", _NO_N),
        ("c", "any", "Sinyal internet lemah di {where}, unggahan Sirekap tertunda", _NO_N),
        ("c", "tps", "Sirekap gagal membaca foto C.Hasil dari {where}", _NO_N),
    ],
    "lainnya": [
        ("v", "tps", "Pemilih lansia pingsan saat mengantre di {where}, ditangani petugas kesehatan", _NO_N),
        ("v", "tps", "Antrean panjang di {where}, pemilih menunggu lebih dari {n} menit", (30, 90)),
        ("v", "tps", "Saksi paslon tidak hadir di {where}", _NO_N),
        ("v", "area", "Warga {where} mengeluhkan jarak ke TPS yang jauh", _NO_N),
        ("c", "tps", "Anggota KPPS {where} kelelahan dan dibawa ke puskesmas", _NO_N),
        ("c", "any", "Penghitungan suara di {where} berlangsung hingga larut malam", _NO_N),
    ],
}

_CRITICAL_TEMPLATES: dict[str, list[_Template]] = {
    "keamanan": [
        (
            "v",
            "any",
            "Massa mendatangi {where} dan memaksa pemungutan suara dihentikan; aparat dikerahkan",
            _NO_N,
        ),
        ("c", "tps", "Kotak suara di {where} dirampas saat penghitungan; Polres turun ke lokasi", _NO_N),
        (
            "c",
            "area",
            "Bentrokan antarpendukung paslon di {where} saat penghitungan; Polres turun ke lokasi",
            _NO_N,
        ),
    ],
    "lokasi-tps": [
        ("v", "any", "Banjir merendam {where}; pemungutan suara terhenti dan harus dipindahkan", _NO_N),
        (
            "c",
            "any",
            "Banjir merendam {where} saat penghitungan; kotak suara diamankan ke kantor desa",
            _NO_N,
        ),
    ],
}

# Relative frequency of each category during voting (until 13.00) and during counting.
_CATEGORY_WEIGHTS = {
    "v": {
        "hak-pilih": 18,
        "logistik": 16,
        "politik-uang": 10,
        "keamanan": 9,
        "lokasi-tps": 9,
        "lainnya": 8,
        "netralitas-penyelenggara": 6,
        "netralitas-kepala-desa": 5,
        "listrik-internet": 5,
        "netralitas-asn": 4,
        "sara": 3,
        "netralitas-tni-polri": 2,
    },
    "c": {
        "listrik-internet": 14,
        "netralitas-penyelenggara": 12,
        "keamanan": 10,
        "logistik": 9,
        "lainnya": 8,
        "hak-pilih": 4,
        "lokasi-tps": 4,
        "politik-uang": 3,
        "netralitas-kepala-desa": 3,
        "sara": 2,
        "netralitas-asn": 2,
        "netralitas-tni-polri": 1,
    },
}

_SEVERITY_WEIGHTS = {
    "default": {"rendah": 55, "sedang": 33, "tinggi": 12},
    "keamanan": {"rendah": 35, "sedang": 40, "tinggi": 25},
    "lokasi-tps": {"rendah": 40, "sedang": 40, "tinggi": 20},
    "politik-uang": {"rendah": 40, "sedang": 45, "tinggi": 15},
}

# Share of the day's incidents per stretch of time (WIB hours).
_INCIDENT_WINDOWS = ((6.0, 7.0, 8), (7.0, 9.0, 24), (9.0, 13.0, 30), (13.0, 19.0, 28), (19.0, 23.5, 10))

_NOTES_VERIFIED = (
    "Sudah dicek pengawas desa; laporan benar.",
    "Dikonfirmasi Panwaslu kecamatan.",
    "Dicek langsung oleh PPK; kejadian benar terjadi.",
)
_NOTES_HANDLED = {
    "logistik": "PPK mengirim tambahan logistik dari gudang kecamatan.",
    "keamanan": "Polsek setempat mengirim personel ke lokasi.",
    "lokasi-tps": "KPPS dan BPBD memindahkan perlengkapan ke tempat aman.",
    "listrik-internet": "Genset dipinjam dari kantor desa; data dikirim ulang.",
    "hak-pilih": "KPPS berkoordinasi dengan PPS untuk melayani pemilih.",
    "politik-uang": "Diteruskan ke Sentra Gakkumdu untuk ditindaklanjuti.",
    "sara": "Diteruskan ke Bawaslu Kabupaten dan Polres.",
}
_NOTE_HANDLED_NEUTRALITY = "Diteruskan ke Bawaslu Kabupaten; keterangan saksi dikumpulkan."
_NOTE_HANDLED_DEFAULT = "Camat berkoordinasi dengan PPK dan aparat setempat."
_NOTES_DONE = (
    "Masalah teratasi; kegiatan berjalan normal.",
    "Sudah ditangani, tidak ada laporan lanjutan.",
    "Selesai; dicatat dalam laporan harian desk.",
)
_NOTES_REJECTED = (
    "Tidak terbukti setelah dicek di lapangan.",
    "Laporan ganda; sudah tercatat sebelumnya.",
    "Bukan kewenangan desk; diteruskan ke instansi terkait.",
)
_REASON_SAH = "Suara sah salah tulis di formulir; dibetulkan sesuai C.Hasil plano setelah dicek operator."
_REASON_VOTERS = "Jumlah pemilih hadir dibetulkan sesuai daftar hadir setelah dicek operator."


@dataclass(frozen=True)
class _Action:
    at: datetime
    order: int
    kind: str  # result | correction | incident | incident-status | logistics
    data: dict[str, Any] = field(compare=False)

    @property
    def family(self) -> str:
        return FAMILY_OF[self.kind]


@dataclass
class _Snapshot:
    """What the store already holds of the actions due in one `run_until` call."""

    results: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)  # → (version, status)
    incidents: dict[tuple, tuple[int, str, set[str]]] = field(default_factory=dict)  # → (id, status, seen)
    logistics: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)  # → (status, received)


def incident_key(data: dict[str, Any]) -> tuple:
    """What identifies a simulated incident in the store (place, category and text)."""
    return (data["kecamatan"], data.get("desa"), data.get("tps"), data["category"], data["description"])


def _at(day: date, hours: float) -> datetime:
    """The WIB moment `hours` after midnight of `day`, to the second."""
    return datetime.combine(day, time(0, 0), WIB) + timedelta(seconds=round(hours * 3600))


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _apportion(total: int, shares: list[float]) -> list[int]:
    """Split `total` into integers proportional to `shares` (largest remainder)."""
    whole = sum(shares)
    exact = [total * s / whole for s in shares]
    counts = [math.floor(x) for x in exact]
    rest = total - sum(counts)
    order = sorted(range(len(shares)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in order[:rest]:
        counts[i] += 1
    return counts


def _read_centroids(path: Path) -> dict[str, tuple[float, float]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return {
                row["kode"]: (float(row["centroid_lat"]), float(row["centroid_lng"])) for row in csv.DictReader(handle)
            }
    except (OSError, KeyError, ValueError) as exc:
        log.warning("simulator: centroid kecamatan tidak terbaca (%s); kejadian tanpa koordinat", exc)
        return {}


class _Planner:
    """Builds the day's actions from the store's contents; deterministic for a given seed."""

    def __init__(self, store: Store, seed: int, day: date) -> None:
        self.store = store
        self.seed = seed
        self.day = day
        self.actions: list[_Action] = []

    def _rng(self, part: str) -> random.Random:
        return random.Random(f"{self.seed}:{part}")

    def _add(self, at: datetime, kind: str, data: dict[str, Any]) -> None:
        self.actions.append(_Action(at, len(self.actions), kind, data))

    def build(self) -> list[_Action]:
        self.dpt = tps_dpt(self.store)
        self.kecamatan = region_names(self.store, 3)
        self.desa = region_names(self.store, 4)
        self._plan_logistics()
        self._plan_incidents()
        self._plan_results()
        return sorted(self.actions, key=lambda a: (a.at, a.order))

    # -- logistics ----------------------------------------------------------------------------------------
    def _plan_logistics(self) -> None:
        rng = self._rng("logistik")
        lines = [(r.kecamatan_code, r.item, r.needed) for r in logistics.board(self.store)]
        short = set(rng.sample(range(len(lines)), k=min(len(lines), max(1, round(0.03 * len(lines))))))
        for i, (kec, item, needed) in enumerate(lines):
            depart = rng.uniform(6.0, 8.0)
            arrive = rng.uniform(max(7.0, depart + 0.33), 10.5)
            self._add(
                _at(self.day, depart),
                "logistics",
                {"kecamatan": kec, "item": item, "received": 0, "status": "dalam-perjalanan"},
            )
            if i in short and needed > 1:
                missing = max(1, round(needed * rng.uniform(0.01, 0.05)))
                self._add(
                    _at(self.day, arrive),
                    "logistics",
                    {"kecamatan": kec, "item": item, "received": needed - missing, "status": "kurang"},
                )
                arrive = min(11.0, arrive + rng.uniform(0.4, 1.0))
            self._add(
                _at(self.day, arrive),
                "logistics",
                {"kecamatan": kec, "item": item, "received": needed, "status": "diterima"},
            )

    # -- incidents ----------------------------------------------------------------------------------------
    def _place(self, rng: random.Random, tps_by_kec: dict[str, list[str]]) -> dict[str, Any]:
        kecs = sorted(tps_by_kec)
        kec = rng.choices(kecs, weights=[len(tps_by_kec[k]) for k in kecs])[0]
        place: dict[str, Any] = {"kecamatan": kec, "desa": None, "tps": None}
        roll = rng.random()
        kec_label = f"Kecamatan {self.kecamatan.get(kec, kec)}"
        if roll < 0.85:
            tps = rng.choice(tps_by_kec[kec])
            desa = parent_code(tps) or ""
            kind = "Kelurahan" if desa.rsplit(".", 1)[-1].startswith("1") else "Desa"
            desa_label = f"{kind} {self.desa.get(desa, desa)}"
            place["desa"] = desa
            if roll < 0.65:
                place["tps"] = tps
                place["where"] = f"TPS {tps.rsplit('.', 1)[-1]} {desa_label}"
            else:
                place["where"] = desa_label
        else:
            place["where"] = kec_label
        centroid = self.centroids.get(kec)
        if centroid is not None and rng.random() < 0.4:
            place["latitude"] = round(centroid[0] + rng.gauss(0, 0.03), 5)
            place["longitude"] = round(centroid[1] + rng.gauss(0, 0.03), 5)
        return place

    def _plan_incidents(self) -> None:
        rng = self._rng("kejadian")
        self.centroids = _read_centroids(CENTROIDS)
        tps_by_kec: dict[str, list[str]] = {}
        for code in sorted(self.dpt):
            kec = parent_code(parent_code(code) or "") or ""
            tps_by_kec.setdefault(kec, []).append(code)
        if not tps_by_kec:
            return
        total = rng.randint(65, 85)
        weights = [w for *_span, w in _INCIDENT_WINDOWS]
        hours = sorted(rng.uniform(lo, hi) for lo, hi, _w in rng.choices(_INCIDENT_WINDOWS, weights=weights, k=total))
        critical = set(rng.sample(range(total), k=min(total, rng.randint(1, 3))))
        seen: set[tuple] = set()
        for i, hour in enumerate(hours):
            phase = "v" if hour < 13.0 else "c"
            if i in critical:
                category = rng.choice(sorted(_CRITICAL_TEMPLATES))
                templates, severity = _CRITICAL_TEMPLATES[category], "kritis"
            else:
                category = _weighted(rng, _CATEGORY_WEIGHTS[phase])
                templates = _TEMPLATES[category]
                severity = _weighted(rng, _SEVERITY_WEIGHTS.get(category, _SEVERITY_WEIGHTS["default"]))
            phase_templates = [t for t in templates if phase in t[0]]
            payload: dict[str, Any] | None = None
            for _attempt in range(50):
                place = self._place(rng, tps_by_kec)
                level = "tps" if place["tps"] else "area"
                fitting = [t for t in phase_templates if t[1] in (level, "any")]
                if not fitting:
                    continue
                _phase, _level, text, (lo, hi) = rng.choice(fitting)
                description = text.format(where=place.pop("where"), n=rng.randint(lo, hi) if hi else 0)
                candidate = {
                    **place,
                    "stage": "pemungutan-suara" if phase == "v" else "penghitungan",
                    "category": category,
                    "severity": severity,
                    "description": description,
                    "occurred_at": _at(self.day, hour).isoformat(),
                }
                if incident_key(candidate) not in seen:
                    payload = candidate
                    break
            if payload is None:
                continue
            seen.add(incident_key(payload))
            created = _at(self.day, hour)
            self._add(created, "incident", payload)
            self._plan_progress(rng, payload, created)

    def _plan_progress(self, rng: random.Random, payload: dict[str, Any], created: datetime) -> None:
        """Later status changes of an incident: baru → diverifikasi → ditangani → selesai, or ditolak."""
        urgent = payload["severity"] in ("tinggi", "kritis")
        category = payload["category"]
        steps: list[tuple[float, str, str]] = []  # (minutes after the previous step, status, note)
        if urgent or rng.random() < 0.85:
            rejectable = category.startswith("netralitas") or category in ("politik-uang", "sara", "lainnya")
            if not urgent and rng.random() < (0.2 if rejectable else 0.05):
                steps.append((rng.uniform(15, 90), "ditolak", rng.choice(_NOTES_REJECTED)))
            else:
                steps.append(
                    (
                        rng.uniform(5, 20) if urgent else rng.uniform(10, 60),
                        "diverifikasi",
                        rng.choice(_NOTES_VERIFIED),
                    )
                )
                roll = rng.random()
                if urgent or roll < 0.7:
                    if category.startswith("netralitas"):
                        note = _NOTE_HANDLED_NEUTRALITY
                    else:
                        note = _NOTES_HANDLED.get(category, _NOTE_HANDLED_DEFAULT)
                    steps.append((rng.uniform(10, 40) if urgent else rng.uniform(20, 120), "ditangani", note))
                    if urgent or rng.random() < 0.8:
                        steps.append(
                            (
                                rng.uniform(60, 180) if urgent else rng.uniform(30, 240),
                                "selesai",
                                rng.choice(_NOTES_DONE),
                            )
                        )
                elif roll < 0.85:
                    steps.append((rng.uniform(20, 120), "selesai", rng.choice(_NOTES_DONE)))
        end = _at(self.day, 24.0) - timedelta(seconds=1)
        moment = created
        for minutes, status, note in steps:
            moment = moment + timedelta(seconds=round(minutes * 60))
            if moment > end:
                break
            self._add(moment, "incident-status", {"key": incident_key(payload), "status": status, "note": note})

    # -- results ------------------------------------------------------------------------------------------
    def _plan_results(self) -> None:
        rng = self._rng("hasil")
        infos = contests(self.store)
        kecs = sorted({parent_code(parent_code(c) or "") or "" for c in self.dpt})
        lean: dict[tuple[str, str], list[float]] = {}
        for info in infos:
            n = len(info.paslon)
            base = [rng.uniform(0.6, 1.6) for _ in range(n)]
            home = {k: rng.randrange(n) for k in kecs if rng.random() < 0.45}
            for k in kecs:
                weights = [b * rng.lognormvariate(0, 0.35) for b in base]
                if k in home:
                    weights[home[k]] *= 1.9
                lean[(info.id, k)] = weights
        turnout_of = {k: rng.uniform(0.68, 0.77) for k in kecs}
        delay_of = {k: rng.uniform(0.0, 0.8) for k in kecs}

        planned: list[tuple[datetime, str, str, dict[str, Any], str | None, int]] = []
        for code in sorted(self.dpt):
            dpt = self.dpt[code]
            kec = parent_code(parent_code(code) or "") or ""
            turnout = min(0.92, max(0.52, rng.gauss(turnout_of[kec], 0.05)))
            voters = max(1, round(dpt * turnout))
            while True:  # arrival: few at first, a peak around 15.00–17.00, a long tail to about 22.00
                arrival = 13.2 + rng.gammavariate(4.5, 0.7) + delay_of[kec] * rng.random()
                if arrival <= 21.9:
                    break
            for info in infos:
                if not is_within(code, info.scope_code):
                    continue
                numbers = [p.nomor for p in info.paslon]
                weights = [w * rng.lognormvariate(0, 0.12) for w in lean[(info.id, kec)]]
                roll = rng.random()
                anomaly = "janggal" if roll < 0.005 else ("held" if roll < 0.015 else None)
                if anomaly == "janggal":
                    ballots = min(dpt, math.ceil(dpt * rng.uniform(0.955, 1.0)))
                    tidak_sah = rng.randint(0, max(0, ballots // 100))
                    sah = ballots - tidak_sah
                    top = max(range(len(numbers)), key=weights.__getitem__)  # the local favourite
                    others = _apportion(
                        rng.randint(0, math.floor(sah * 0.04)), [rng.random() + 0.1 for _ in numbers[1:]]
                    )
                    counts = others[:top] + [sah - sum(others)] + others[top:]
                else:
                    ballots = voters
                    tidak_sah = round(ballots * rng.uniform(0.01, 0.04))
                    sah = ballots - tidak_sah
                    counts = _apportion(sah, weights)
                payload: dict[str, Any] = {
                    "contest": info.id,
                    "tps": code,
                    "votes": {str(n): c for n, c in zip(numbers, counts, strict=True)},
                    "suara_tidak_sah": tidak_sah,
                    "suara_sah": sah,
                    "pengguna_hak_pilih": ballots,
                }
                error = None
                if anomaly == "held":
                    if rng.random() < 0.5:
                        payload["suara_sah"] = max(0, sah + rng.choice((-1, 1)) * rng.randint(1, 30))
                        error = "sah"
                    else:
                        payload["pengguna_hak_pilih"] = max(0, ballots + rng.choice((-1, 1)) * rng.randint(1, 12))
                        error = "voters"
                    if payload["suara_sah"] == sah and payload["pengguna_hak_pilih"] == ballots:
                        payload["pengguna_hak_pilih"] = ballots + 1
                at = _at(self.day, arrival + rng.uniform(0, 0.25))
                payload["submitted_at"] = at.isoformat()
                planned.append((at, info.id, code, payload, error, sah))
                self._add(at, "result", payload)

        # late in the day the operator corrects a handful of the results held for review
        held = [p for p in planned if p[4] is not None and p[0] <= _at(self.day, 21.0)]
        for at, contest_id, code, payload, error, sah in rng.sample(held, k=min(len(held), rng.randint(6, 10))):
            when = max(at + timedelta(minutes=45), _at(self.day, rng.uniform(20.5, 23.5)))
            fixed = {
                **payload,
                "suara_sah": sah,
                "pengguna_hak_pilih": sah + payload["suara_tidak_sah"],
                "submitted_at": when.isoformat(),
                "correction": True,
                "reason": _REASON_SAH if error == "sah" else _REASON_VOTERS,
            }
            self._add(when, "correction", {"contest": contest_id, "tps": code, "payload": fixed})


class Simulator:
    """Plays a simulated election day into the store, in step with a clock that runs `speed` × fast.

    The simulated day starts the first time its clock is read (`sim_time`, `start`, `finished`), unless the
    store already holds `simulator_started_at`; `outcomes` counts what `submit_result` answered.
    """

    def __init__(
        self,
        store: Store,
        *,
        speed: float = 1.0,
        seed: int = DEFAULT_SEED,
        wall_clock: Callable[[], datetime] = now_utc,
    ) -> None:
        if not speed > 0:
            raise ValueError("speed harus lebih dari 0")
        self.store = store
        self.speed = float(speed)
        self.seed = seed
        self.wall_clock = wall_clock
        self._plan: list[_Action] | None = None
        self._times: list[datetime] = []
        self._cursor = 0
        self._day: date | None = None
        self._started: datetime | None = None
        self._lock = threading.RLock()
        self._clock_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.outcomes: Counter[str] = Counter()

    # -- clock --------------------------------------------------------------------------------------------
    @property
    def day_start(self) -> datetime:
        """06.00 WIB of the election date (the `election_date` setting; today when it is missing)."""
        if self._day is None:
            raw = self.store.get_setting("election_date")
            try:
                self._day = date.fromisoformat(raw) if raw else None
            except ValueError:
                log.warning("simulator: election_date %r tidak sah; memakai tanggal hari ini", raw)
            if self._day is None:
                self._day = self.wall_clock().astimezone(WIB).date()
        return datetime.combine(self._day, time(DAY_START_HOUR), WIB)

    @property
    def day_end(self) -> datetime:
        """24.00 WIB of the election date: the simulator stops there."""
        return self.day_start + timedelta(hours=DAY_HOURS)

    def _rate(self) -> float:
        return SIM_SECONDS_PER_WALL_SECOND * self.speed

    def _anchor(self) -> datetime:
        """The wall moment the simulated day started, read from (or first written to) the settings."""
        if self._started is not None:
            return self._started
        with self._clock_lock:
            if self._started is not None:
                return self._started
            now = self.wall_clock()
            started = _parse_utc(self.store.get_setting(STARTED_KEY))
            old_speed = _parse_speed(self.store.get_setting(SPEED_KEY))
            if started is None:
                started = now
                self.store.set_setting(STARTED_KEY, started.astimezone(UTC).isoformat(), ACTOR.name)
            elif old_speed is not None and not math.isclose(old_speed, self.speed):
                # a new speed: keep the simulated moment reached so far, go on at the new pace
                played = min(
                    (now - started).total_seconds() * SIM_SECONDS_PER_WALL_SECOND * old_speed,
                    DAY_HOURS * 3600.0,
                )
                started = now - timedelta(seconds=max(0.0, played) / self._rate())
                self.store.set_setting(STARTED_KEY, started.astimezone(UTC).isoformat(), ACTOR.name)
            if old_speed is None or not math.isclose(old_speed, self.speed):
                self.store.set_setting(SPEED_KEY, repr(self.speed), ACTOR.name)
            self._started = started
            return started

    def sim_time(self) -> datetime:
        """The current simulated moment, in WIB, between 06.00 and 24.00 of the election date."""
        elapsed = (self.wall_clock() - self._anchor()).total_seconds()
        moment = self.day_start + timedelta(seconds=max(0.0, elapsed) * self._rate())
        return min(moment, self.day_end).astimezone(WIB)

    # -- plan ---------------------------------------------------------------------------------------------
    def _ensure_plan(self) -> list[_Action]:
        if self._plan is None:
            day = self.day_start.date()
            self._plan = _Planner(self.store, self.seed, day).build()
            self._times = [a.at for a in self._plan]
        return self._plan

    def plan_counts_per_hour(self) -> dict[int, dict[str, int]]:
        """Planned actions per WIB hour 6..23: hasil (with corrections), kejadian (with status), logistik."""
        counts = {h: {"hasil": 0, "kejadian": 0, "logistik": 0} for h in range(DAY_START_HOUR, 24)}
        for action in self._ensure_plan():
            counts[action.at.astimezone(WIB).hour][action.family] += 1
        return counts

    @property
    def finished(self) -> bool:
        """True when the simulated day is over and every planned action has been applied or skipped."""
        plan = self._plan
        return plan is not None and self._cursor >= len(plan) and self.sim_time() >= self.day_end

    # -- applying -----------------------------------------------------------------------------------------
    def run_until(self, moment: datetime) -> int:
        """Apply the planned actions up to `moment` not applied yet; returns how many changed the store."""
        if moment.tzinfo is None:
            raise ValueError("moment harus punya zona waktu")
        with self._lock:
            plan = self._ensure_plan()
            end = bisect.bisect_right(self._times, moment)
            if end <= self._cursor:
                return 0
            due = plan[self._cursor : end]
            snapshot = self._snapshot(due)
            applied = 0
            in_thread = threading.current_thread() is self._thread
            for action in due:
                if in_thread and self._stop.is_set():
                    break  # stop() asked: the rest waits for the next start
                if self._apply(action, snapshot):
                    applied += 1
                self._cursor += 1
            return applied

    def _snapshot(self, due: Iterable[_Action]) -> _Snapshot:
        snap = _Snapshot()
        kinds = {a.kind for a in due}
        if kinds & {"result", "correction"}:
            codes = sorted({a.data["tps"] for a in due if a.kind in ("result", "correction")})
            with self.store.reader() as s:
                for i in range(0, len(codes), CHUNK):
                    rows = s.execute(
                        select(Result.contest_id, Result.tps_code, Result.version, Result.status).where(
                            Result.tps_code.in_(codes[i : i + CHUNK])
                        )
                    )
                    for contest_id, tps, version, status in rows:
                        key = (contest_id, tps)
                        if key not in snap.results or snap.results[key][0] < version:
                            snap.results[key] = (version, status)
        if kinds & {"incident", "incident-status"}:
            with self.store.reader() as s:
                rows = list(s.scalars(select(Incident).where(Incident.reporter == ACTOR.name)))
                seen: dict[int, set[str]] = {r.id: set() for r in rows}
                if rows:
                    events = s.execute(
                        select(IncidentEvent.incident_id, IncidentEvent.to_status)
                        .join(Incident, Incident.id == IncidentEvent.incident_id)
                        .where(Incident.reporter == ACTOR.name)
                    )
                    for incident_id, status in events:
                        seen[incident_id].add(status)
                for r in rows:
                    key = (r.kecamatan_code, r.desa_code, r.tps_code, r.category, r.description)
                    snap.incidents[key] = (r.id, r.status, seen[r.id])
        if "logistics" in kinds:
            snap.logistics = {(r.kecamatan_code, r.item): (r.status, r.received) for r in logistics.board(self.store)}
        return snap

    def _apply(self, action: _Action, snap: _Snapshot) -> bool:
        try:
            if action.kind == "result":
                return self._apply_result(action.data, snap)
            if action.kind == "correction":
                return self._apply_correction(action.data, snap)
            if action.kind == "incident":
                return self._apply_incident(action.data, snap)
            if action.kind == "incident-status":
                return self._apply_status(action.data, snap)
            return self._apply_logistics(action.data, snap)
        except (IncidentError, logistics.LogisticsError) as exc:
            log.warning("simulator: %s dilewati (%s)", action.kind, exc)
            return False

    def _apply_result(self, payload: dict[str, Any], snap: _Snapshot) -> bool:
        key = (payload["contest"], payload["tps"])
        if key in snap.results:
            return False
        outcome = submit_result(self.store, payload, ACTOR, SOURCE)
        self.outcomes[outcome.status] += 1
        if outcome.result is not None:
            snap.results[key] = (outcome.result["version"], outcome.result["status"])
        if not outcome.changed:
            if outcome.status != "conflict":
                log.warning("simulator: hasil %s/%s %s: %s %s", *key, outcome.status, outcome.errors, outcome.message)
            return False
        return True

    def _apply_correction(self, data: dict[str, Any], snap: _Snapshot) -> bool:
        key = (data["contest"], data["tps"])
        current = snap.results.get(key)
        if current != (1, rules.STATUS_REVIEW):
            return False  # no result, already corrected or confirmed by someone
        outcome = submit_result(self.store, data["payload"], ACTOR, SOURCE)
        self.outcomes[outcome.status] += 1
        if outcome.result is not None:
            snap.results[key] = (outcome.result["version"], outcome.result["status"])
        if not outcome.changed:
            log.warning("simulator: koreksi %s/%s %s: %s %s", *key, outcome.status, outcome.errors, outcome.message)
            return False
        return True

    def _apply_incident(self, payload: dict[str, Any], snap: _Snapshot) -> bool:
        key = incident_key(payload)
        if key in snap.incidents:
            return False
        data = create_incident(self.store, payload, ACTOR)
        snap.incidents[key] = (data["id"], data["status"], {data["status"]})
        return True

    def _apply_status(self, data: dict[str, Any], snap: _Snapshot) -> bool:
        known = snap.incidents.get(data["key"])
        status = data["status"]
        if known is None:
            return False
        incident_id, current, seen = known
        if status in seen or status not in INCIDENT_TRANSITIONS.get(current, set()):
            return False  # already done, or someone moved it elsewhere
        row = change_status(self.store, incident_id, status, ACTOR, data["note"])
        snap.incidents[data["key"]] = (incident_id, row["status"], seen | {status})
        return True

    def _apply_logistics(self, data: dict[str, Any], snap: _Snapshot) -> bool:
        key = (data["kecamatan"], data["item"])
        current = snap.logistics.get(key)
        if current is None:
            return False
        if _LOGISTICS_RANK.get(current[0], 0) >= _LOGISTICS_RANK[data["status"]]:
            return False  # already there or further along
        row = logistics.update(
            self.store, data["kecamatan"], data["item"], data["received"], data["status"], ACTOR.name
        )
        snap.logistics[key] = (row.status, row.received)
        plain = asdict(row)
        plain["updated_at"] = row.updated_at.isoformat()
        return True

    # -- thread -------------------------------------------------------------------------------------------
    def start(self) -> None:
        """Run the day in a daemon thread, catching up every ~0.2 s with the simulated clock."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="desk-simulator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread (waits a few seconds for the current step)."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)

    def _loop(self) -> None:
        log.info("simulator: mulai, kecepatan %sx", self.speed)
        failures = 0
        while not self._stop.is_set():
            wait = TICK_SECONDS
            try:
                self.run_until(self.sim_time())
                failures = 0
                if self.finished:
                    log.info("simulator: hari simulasi selesai")
                    break
            except Exception:
                failures += 1
                wait = min(30.0, TICK_SECONDS * 2**failures)
                log.exception("simulator: langkah gagal; dicoba lagi dalam %.1f s", wait)
            self._stop.wait(wait)


def _parse_utc(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        log.warning("simulator: %s %r tidak sah; hari dimulai ulang", STARTED_KEY, raw)
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _parse_speed(raw: str | None) -> float | None:
    try:
        value = float(raw) if raw else None
    except ValueError:
        return None
    return value if value is not None and value > 0 else None
