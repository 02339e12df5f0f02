"""Kemendagri region codes and KPU TPS codes."""

from __future__ import annotations

import re

TPS_DOTTED = r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}\.[0-9]{3}"  # ASCII digits only: "１６.…" names no TPS
TPS_KPU = r"[0-9]{13}"
TPS_PATTERN = f"^({TPS_DOTTED}|{TPS_KPU})$"  # both forms, as the API documents them
_TPS_DOTTED = re.compile(f"^{TPS_DOTTED}$")
_TPS_KPU = re.compile(f"^{TPS_KPU}$")


def normalize_tps_code(code: str) -> str | None:
    """`1607082001003` or `16.07.08.2001.003` → `16.07.08.2001.003`; None when it is neither."""
    text = str(code).strip()
    if _TPS_DOTTED.match(text):
        return text
    if _TPS_KPU.match(text):
        return f"{text[0:2]}.{text[2:4]}.{text[4:6]}.{text[6:10]}.{text[10:13]}"
    return None


def tps_code(desa_code: str, number: int) -> str:
    """The TPS code of TPS number `number` in a desa."""
    return f"{desa_code}.{number:03d}"


def parent_code(code: str) -> str | None:
    """The code of the enclosing region (a TPS's desa, a desa's kecamatan…), None for a provinsi."""
    return code.rsplit(".", 1)[0] if "." in code else None


def region_level(code: str) -> int:
    """1 provinsi, 2 kabupaten/kota, 3 kecamatan, 4 desa, 5 TPS."""
    return code.count(".") + 1


def is_within(code: str, scope: str) -> bool:
    """True when `code` lies inside (or is) the region `scope`."""
    return code == scope or code.startswith(scope + ".")
