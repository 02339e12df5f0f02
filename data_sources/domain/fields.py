"""The field types input models are made of: each check is written once, with the message an operator reads.

A check that fails raises ValueError (or a pydantic error of a known kind); `validation.messages` turns either
into the field's message. The JSON schema of each type is what the OpenAPI document shows.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, Strict, WithJsonSchema
from pydantic_core import PydanticCustomError

from data_sources.domain.codes import TPS_PATTERN, normalize_tps_code
from data_sources.domain.limits import (
    EARLIEST,
    LATEST,
    LATITUDE,
    LONGITUDE,
    MAX_COUNT,
    MAX_IDEMPOTENCY_KEY,
    MAX_PASLON,
    MAX_VOTE_ENTRIES,
)

PASLON_PATTERN = f"^[1-9][0-9]{{0,{len(str(MAX_PASLON)) - 1}}}$"  # nomor urut without leading zeros
NO_NUL = r"^[^\x00]*$"  # text without NUL characters: no database stores one
IDEMPOTENCY_KEY = re.compile(rf"[\x21-\x7e]{{1,{MAX_IDEMPOTENCY_KEY}}}")  # visible ASCII, no spaces
TPS_MESSAGE = "kode TPS harus seperti 16.07.08.2001.003 atau 1607082001003"
VOTES_MESSAGE = 'harus berisi suara per paslon, mis. {"1": 120, "2": 80}'


def blank_as_none(value: Any) -> Any:
    """An empty text in an optional field means "not given" (forms and CSV cells send "")."""
    return None if isinstance(value, str) and value == "" else value


def paslon_number_problem(key: Any) -> str:
    """Why a key of `votes` is no nomor urut (its type is checked by PASLON_PATTERN)."""
    if isinstance(key, str) and key.isascii() and key.isdigit():
        return f"nomor urut paslon harus 1–{MAX_PASLON}"
    return "nomor urut paslon harus angka"


def votes_object(value: Any) -> Any:
    """Votes come as a non-empty object of nomor urut → count."""
    if not isinstance(value, dict) or not value:
        raise ValueError(VOTES_MESSAGE)
    return value


def tps_code(value: Any) -> str:
    """A TPS code in either form (text, or the KPU form as a number) as the dotted code."""
    code = None
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        code = normalize_tps_code(str(value))
    if code is None:
        raise ValueError(TPS_MESSAGE)
    return code


def iso_moment(value: Any) -> Any:
    """A moment given as ISO 8601 text (or already a datetime); its zone is checked by the type."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("datetime_type", "not an ISO 8601 text")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("datetime_parsing", "not an ISO 8601 moment") from None


def plausible_moment(value: datetime) -> datetime:
    """A moment between 2000 and 2100 (anything else is a typo, and some cannot be stored)."""
    if not EARLIEST <= value < LATEST:
        raise ValueError(f"waktu harus antara tahun {EARLIEST.year} dan {LATEST.year}")
    return value


def coordinate(value: Any) -> Any:
    """A coordinate is a finite number (never text, a boolean or NaN)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError("koordinat harus angka")
    return value


def idempotency_key_problem(key: str | None) -> str | None:
    """What is wrong with an Idempotency-Key (None: nothing, or no key)."""
    if key is None or IDEMPOTENCY_KEY.fullmatch(key):
        return None
    return f"harus 1–{MAX_IDEMPOTENCY_KEY} karakter ASCII yang terlihat (tanpa spasi)"


Count = Annotated[int, Strict(), Field(ge=0, le=MAX_COUNT)]  # never text, a boolean or a fraction
Text = Annotated[str, Field(pattern=NO_NUL)]
Moment = Annotated[AwareDatetime, BeforeValidator(iso_moment), AfterValidator(plausible_moment)]
PaslonNumber = Annotated[str, Field(pattern=PASLON_PATTERN)]
PATTERN_PROBLEMS = {  # what a text failing a pattern is told, by pattern
    PASLON_PATTERN: paslon_number_problem,
    NO_NUL: lambda _text: "tidak boleh berisi karakter NUL",
}
Votes = Annotated[
    Annotated[dict[PaslonNumber, Count], Field(min_length=1, max_length=MAX_VOTE_ENTRIES)],
    BeforeValidator(votes_object),
]
TpsCode = Annotated[
    str,
    BeforeValidator(tps_code),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": TPS_PATTERN},
                {"type": "integer", "minimum": 10**12, "maximum": 10**13 - 1},
            ]
        }
    ),
]
Latitude = Annotated[Annotated[float, Field(ge=LATITUDE[0], le=LATITUDE[1])], BeforeValidator(coordinate)]
Longitude = Annotated[Annotated[float, Field(ge=LONGITUDE[0], le=LONGITUDE[1])], BeforeValidator(coordinate)]
