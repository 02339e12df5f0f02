"""KPU Sirekap per-TPS JSON files ("hhcw"): parse one file into a result payload, with its state and a reason.

A file holds `chart` (votes per Sirekap candidate id, plus a literal "null" key), `administrasi` (suara sah,
tidak sah, voters by category), `images` (three photo URLs of the C.Hasil form, null when not uploaded), `ts`
(last update, WIB) and status flags. In the wild a file is in one of these states:

- lengkap (chart + administrasi): submitted with suara_sah from administrasi and pengguna_hak_pilih from
  `pengguna_total_j`; when KPU's own numbers disagree the rules hold the result for review;
- hanya suara (chart, no administrasi): skipped, because the C1 is not complete: suara tidak sah is unknown,
  and storing a made-up 0 would turn the complete file, imported later, into a conflict;
- hanya administrasi, hanya foto, kosong: skipped, nothing to count yet;
- rusak (not JSON, wrong types) or a candidate id missing from the mapping: rejected.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError

from data_sources.domain.codes import normalize_tps_code
from data_sources.domain.fmt import WIB
from data_sources.errors import FieldErrors

LENGKAP = "lengkap"
HANYA_SUARA = "hanya suara"
HANYA_ADMINISTRASI = "hanya administrasi"
HANYA_FOTO = "hanya foto"
KOSONG = "kosong"
RUSAK = "rusak"

NULL_KEY = "null"
_STEM_CODE = re.compile(r"^(\d{13})(?!\d)")
MAX_FILE_BYTES = 1_000_000


class SirekapError(FieldErrors):
    """A mapping file or a path that cannot be used at all."""

    def __init__(self, message: str) -> None:
        super().__init__({"berkas": message})
        self.message = message

    def __str__(self) -> str:
        return self.message


class Administrasi(BaseModel):
    """The administrative section of the C.Hasil form, as far as the desk uses it (other fields ignored)."""

    model_config = ConfigDict(extra="ignore")

    suara_sah: int | None = None
    suara_tidak_sah: int | None = None
    suara_total: int | None = None
    pemilih_dpt_j: int | None = None
    pengguna_total_j: int | None = None


class SirekapTps(BaseModel):
    """One per-TPS Sirekap file; unknown fields are ignored, every known one may be absent or null."""

    model_config = ConfigDict(extra="ignore")

    tps: str | None = Field(default=None, validation_alias=AliasChoices("tps", "kode_tps"))
    mode: str | None = None
    chart: dict[str, int | None] | None = None
    images: list[str | None] | None = None
    administrasi: Administrasi | None = None
    psu: str | None = None
    ts: str | None = None
    status_suara: bool | None = None
    status_adm: bool | None = None

    def candidate_votes(self) -> dict[str, int]:
        """Votes per Sirekap candidate id, without the literal "null" key and without null counts."""
        return {k: v for k, v in (self.chart or {}).items() if k != NULL_KEY and v is not None}

    def photos(self) -> int:
        """How many of the form's photos were uploaded."""
        return sum(1 for url in self.images or [] if url)


@dataclass
class SirekapEntry:
    """What one file says: its TPS, its state, a payload to submit or the reason it is skipped or rejected."""

    path: Path
    tps: str | None
    state: str
    payload: dict[str, Any] | None = None
    reason: str = ""
    rejected: bool = False

    @property
    def skipped(self) -> bool:
        """True when the file carries nothing to submit yet (not an error)."""
        return self.payload is None and not self.rejected


def load_mapping(path: Path) -> dict[str, int]:
    """Read a mapping of Sirekap candidate ids to nomor urut, e.g. {"100025": 1}; raises SirekapError."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SirekapError(f"berkas pemetaan {path} tidak ada") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SirekapError(f"berkas pemetaan {path} tidak dapat dibaca ({exc})") from None
    except json.JSONDecodeError as exc:
        raise SirekapError(f"berkas pemetaan {path}: JSON tidak sah (baris {exc.lineno}: {exc.msg})") from None
    if not isinstance(data, dict) or not data:
        raise SirekapError(f'berkas pemetaan {path} harus objek id calon → nomor urut, mis. {{"100025": 1}}')
    mapping: dict[str, int] = {}
    for key, value in data.items():
        nomor = value if isinstance(value, int) and not isinstance(value, bool) else None
        if isinstance(value, str) and value.strip().isdigit():
            nomor = int(value)
        if nomor is None or nomor < 1:
            raise SirekapError(f"berkas pemetaan {path}: nomor urut untuk id {key!r} harus bilangan bulat ≥ 1")
        mapping[str(key).strip()] = nomor
    doubled = sorted({n for n in mapping.values() if list(mapping.values()).count(n) > 1})
    if doubled:
        raise SirekapError(f"berkas pemetaan {path}: nomor urut {doubled} dipakai lebih dari satu id calon")
    return mapping


def find_files(paths: Iterable[Path], exclude: Iterable[Path] = ()) -> list[Path]:
    """Every file named, and every `*.json` under each folder named (recursive), sorted; raises SirekapError."""
    skip = {Path(p).resolve() for p in exclude}
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".json"))
        elif path.is_file():
            found.append(path)
        else:
            raise SirekapError(f"{path} tidak ada")
    seen: set[Path] = set()
    unique = []
    for path in found:
        key = path.resolve()
        if key not in seen and key not in skip:
            seen.add(key)
            unique.append(path)
    return unique


def _tps_of(path: Path, data: SirekapTps | None) -> str | None:
    if data is not None and data.tps:
        return normalize_tps_code(data.tps)
    match = _STEM_CODE.match(path.stem)
    return normalize_tps_code(match.group(1)) if match else None


def _submitted_at(ts: str | None) -> str | None:
    if not ts:
        return None
    try:
        moment = datetime.fromisoformat(ts.strip())
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=WIB)).isoformat()


def _explain(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(step) for step in err["loc"]) or "(berkas)"
        what = {"int_parsing": "harus bilangan bulat", "int_from_float": "harus bilangan bulat"}.get(
            err["type"], err["msg"]
        )
        parts.append(f"{where}: {what}")
    return "isi berkas tidak sesuai format Sirekap (" + "; ".join(parts) + ")"


def state_of(data: SirekapTps) -> str:
    """The state of a file: lengkap, hanya suara, hanya administrasi, hanya foto or kosong."""
    has_chart = bool(data.candidate_votes())
    adm = data.administrasi
    has_adm = adm is not None and any(v is not None for v in adm.model_dump().values())
    if has_chart and has_adm:
        return LENGKAP
    if has_chart:
        return HANYA_SUARA
    if has_adm:
        return HANYA_ADMINISTRASI
    if data.photos():
        return HANYA_FOTO
    return KOSONG


def parse_file(path: Path, contest: str, mapping: dict[str, int]) -> SirekapEntry:
    """Read one Sirekap file into an entry: a payload for the ingest path, or why it is skipped or rejected."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return SirekapEntry(path, _tps_of(path, None), RUSAK, reason="berkas terlalu besar", rejected=True)
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return SirekapEntry(path, _tps_of(path, None), RUSAK, reason=f"tidak dapat dibaca ({exc})", rejected=True)
    except json.JSONDecodeError as exc:
        reason = f"JSON tidak sah (baris {exc.lineno}: {exc.msg})"
        return SirekapEntry(path, _tps_of(path, None), RUSAK, reason=reason, rejected=True)
    if not isinstance(raw, dict):
        return SirekapEntry(path, _tps_of(path, None), RUSAK, reason="isi berkas harus objek JSON", rejected=True)
    try:
        data = SirekapTps.model_validate(raw)
    except ValidationError as exc:
        return SirekapEntry(path, _tps_of(path, None), RUSAK, reason=_explain(exc), rejected=True)
    return entry_of(path, data, contest, mapping)


def entry_of(path: Path, data: SirekapTps, contest: str, mapping: dict[str, int]) -> SirekapEntry:
    """The entry of a parsed file (see the module's docstring for what each state becomes)."""
    tps = _tps_of(path, data)
    state = state_of(data)
    if tps is None:
        where = "kolom tps" if data.tps else "nama berkas"
        return SirekapEntry(path, None, state, reason=f"kode TPS 13 angka tidak ditemukan di {where}", rejected=True)
    chart = data.candidate_votes()
    unknown = sorted(set(chart) - set(mapping))
    if (data.chart or {}).get(NULL_KEY) is not None:
        unknown.insert(0, NULL_KEY)
    if unknown:
        reason = f"id calon {', '.join(unknown)} tidak ada di berkas pemetaan"
        return SirekapEntry(path, tps, state, reason=reason, rejected=True)
    if state == HANYA_SUARA:
        reason = "hanya suara per paslon; administrasi (suara tidak sah, pemilih) belum diisi di Sirekap"
        return SirekapEntry(path, tps, state, reason=reason)
    if state == HANYA_ADMINISTRASI:
        return SirekapEntry(path, tps, state, reason="suara per paslon belum diisi di Sirekap")
    if state == HANYA_FOTO:
        reason = f"baru foto formulir C.Hasil ({data.photos()} dari 3), angkanya belum dibaca"
        return SirekapEntry(path, tps, state, reason=reason)
    if state == KOSONG:
        return SirekapEntry(path, tps, state, reason="belum ada unggahan (tanpa foto dan tanpa angka)")
    adm = data.administrasi
    assert adm is not None
    if adm.suara_tidak_sah is None:
        return SirekapEntry(path, tps, state, reason="suara tidak sah belum diisi di administrasi")
    payload: dict[str, Any] = {
        "contest": contest,
        "tps": tps,
        "votes": {str(mapping[cid]): count for cid, count in chart.items()},
        "suara_tidak_sah": adm.suara_tidak_sah,
    }
    if adm.suara_sah is not None:
        payload["suara_sah"] = adm.suara_sah
    if adm.pengguna_total_j is not None:
        payload["pengguna_hak_pilih"] = adm.pengguna_total_j
    submitted_at = _submitted_at(data.ts)
    if submitted_at:
        payload["submitted_at"] = submitted_at
    return SirekapEntry(path, tps, state, payload=payload)


def parse_files(paths: Iterable[Path], contest: str, mapping: dict[str, int]) -> Iterator[SirekapEntry]:
    """Parse files one by one (a folder of thousands is never held in memory at once)."""
    for path in paths:
        yield parse_file(path, contest, mapping)
