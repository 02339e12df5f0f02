"""What each list or report accepts as query parameters, as one model each: the API checks its query strings and
documents them with these, and the pages and exports read the same parameters through them.

A list parameter takes one value or a comma list. Checks that need the store (a known kecamatan, an item the
board has) stay with the functions that read it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator, ConfigDict, Field, WithJsonSchema

from data_sources.domain.fields import Moment, Text, blank_as_none
from data_sources.domain.limits import DEFAULT_LIMIT, MAX_HOURS, MAX_LIMIT
from data_sources.domain.validation import Input
from data_sources.domain.vocab import (
    CATEGORIES,
    INCIDENT_STATUSES,
    LOGISTICS_STATUSES,
    OPEN_STATUSES,
    SEVERITIES,
    STAGES,
)

OPEN_ALIAS = "terbuka"  # status filter shorthand for every open status
Blank = BeforeValidator(blank_as_none)
CommaList = WithJsonSchema({"type": "string"})  # documented as the text it is sent as: "a" or "a,b"


def comma_list(value: Any) -> list[str]:
    """The values of a list parameter: "a,b" (or a list) → ["a", "b"]; empty → []."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, Iterable):
        return [str(v) for v in value]
    return [str(value)]


def choice_list(choices: Iterable[str], alias: tuple[str, Iterable[str]] | None = None, hint: bool = True) -> Any:
    """A validator for a list parameter whose values come from `choices` (`alias`: one word for several)."""
    known = list(choices)

    def check(value: Any) -> list[str]:
        values = comma_list(value)
        if alias is not None and alias[0] in values:
            values = [v for v in values if v != alias[0]] + [v for v in alias[1] if v not in values]
        bad = [v for v in values if v not in known]
        if bad:
            raise ValueError(f"{', '.join(bad)} tidak dikenal" + (f"; pilih dari: {', '.join(known)}" if hint else ""))
        return values

    return BeforeValidator(check)


def Choices(choices: Iterable[str], description: str, **kwargs: Any) -> Any:
    """A list parameter of known values."""
    return Annotated[list[str], choice_list(choices, **kwargs), CommaList, Field(description=description)]


Codes = Annotated[list[str], BeforeValidator(comma_list), CommaList]


class Query(Input):
    """Query parameters: unknown ones are refused (a typo must not widen a list silently)."""

    unknown: ClassVar[str] = "parameter tidak dikenal"

    @classmethod
    def read(cls, args: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """The given parameters that are valid (by name), and a message per bad or unknown one.

        Each parameter is checked alone, so a page can still use the good ones next to a bad one.
        """
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name in args:
            if name not in cls.model_fields:
                errors[name] = cls.unknown
                continue
            read, problems = cls.part(name).check({name: args.get(name)})
            errors.update(problems)
            if read is not None and getattr(read, name) not in (None, []):
                values[name] = getattr(read, name)
        return values, errors


class RecapQuery(Input):
    """Which region of a contest, and as of when (other parameters are ignored)."""

    model_config = ConfigDict(extra="ignore")

    region: Annotated[
        Text | None, Blank, Field(description="Kode wilayah (bawaan: cakupan kontestasi), mis. 16.07 atau 16.07.08")
    ] = None
    as_of: Annotated[Moment | None, Blank, Field(description="Keadaan pada saat ini (ISO 8601 dengan zona)")] = None


class IncidentQuery(Query):
    """Filters of the incident list (every one optional)."""

    category: Choices(CATEGORIES, "Kategori (satu atau daftar berkoma)") = []  # type: ignore[valid-type]
    severity: Choices(  # type: ignore[valid-type]
        SEVERITIES, "Tingkat: rendah, sedang, tinggi, kritis (satu atau daftar berkoma)"
    ) = []
    status: Choices(  # type: ignore[valid-type]
        INCIDENT_STATUSES,
        f"Status (satu atau daftar berkoma; {OPEN_ALIAS} = semua yang belum selesai)",
        alias=(OPEN_ALIAS, OPEN_STATUSES),
    ) = []
    stage: Choices(STAGES, "Tahapan (satu atau daftar berkoma)") = []  # type: ignore[valid-type]
    kecamatan: Annotated[Codes, Field(description="Kode kecamatan (satu atau daftar berkoma)")] = []
    since: Annotated[Moment | None, Blank, Field(description="Terjadi pada/sesudah (ISO 8601 dengan zona)")] = None
    updated_since: Annotated[Moment | None, Blank, Field(description="Berubah pada/sesudah (ISO 8601 dengan zona)")] = (
        None
    )
    hours: Annotated[
        Annotated[float, Field(gt=0, le=MAX_HOURS, allow_inf_nan=False)] | None,
        Blank,
        Field(description=f"N jam terakhir (lebih dari 0, paling banyak {MAX_HOURS})"),
    ] = None
    limit: Annotated[
        Annotated[int, Field(ge=1, le=MAX_LIMIT)] | None,
        Blank,
        Field(description=f"Paling banyak (1..{MAX_LIMIT}, bawaan {DEFAULT_LIMIT})"),
    ] = None


class LogisticsQuery(Query):
    """Filters of the logistics board (every one optional)."""

    kecamatan: Annotated[Codes, Field(description="Kode kecamatan (satu atau daftar berkoma)")] = []
    item: Annotated[Codes, Field(description="Barang (satu atau daftar berkoma)")] = []
    status: Choices(  # type: ignore[valid-type]
        LOGISTICS_STATUSES, "Status (satu atau daftar berkoma)", hint=False
    ) = []
