"""Map geometry of the regions: kecamatan centroids (shipped) and boundary polygons (a configured GeoJSON).

Files are read on first use and kept while they are unchanged (their path, size and time stamp); nothing is
read at import time.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

CENTROIDS = Path(__file__).resolve().parent / "demo" / "banyuasin_kecamatan_centroids.csv"


@dataclass(frozen=True)
class Centroid:
    """The centre of a region (WGS84) and its name."""

    code: str
    name: str
    lat: float
    lng: float


def _stamp(path: Path) -> tuple[str, int, int] | None:
    """What identifies a file's current content cheaply; None when it cannot be read."""
    try:
        st = path.stat()
    except OSError:
        return None
    return str(path.resolve()), st.st_size, st.st_mtime_ns


@lru_cache(maxsize=4)
def _read_centroids(stamp: tuple[str, int, int]) -> dict[str, Centroid]:
    out: dict[str, Centroid] = {}
    with open(stamp[0], encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            code = (row.get("kode") or "").strip()
            try:
                out[code] = Centroid(code, row["nama"].strip(), float(row["centroid_lat"]), float(row["centroid_lng"]))
            except (KeyError, TypeError, ValueError):
                log.warning("baris centroid tidak sah diabaikan: %r", row)
    return out


def kecamatan_centroids(path: Path | str | None = None) -> dict[str, Centroid]:
    """Kecamatan code → centroid from a CSV (kode, nama, centroid_lat, centroid_lng); the shipped file by default."""
    stamp = _stamp(Path(path) if path else CENTROIDS)
    if stamp is None:
        return {}
    return dict(_read_centroids(stamp))


def _slim(feature: Any) -> dict[str, Any] | None:
    """A feature with only the properties the map needs (kode, nama), or None when it has no usable kode."""
    if not isinstance(feature, dict) or not isinstance(feature.get("geometry"), dict):
        return None
    props = feature.get("properties") or {}
    code = props.get("kode")
    if not isinstance(code, str) or not code:
        return None
    name = props.get("nama") if isinstance(props.get("nama"), str) else code
    return {"type": "Feature", "properties": {"kode": code, "nama": name}, "geometry": feature["geometry"]}


@lru_cache(maxsize=4)
def _read_boundaries(stamp: tuple[str, int, int]) -> dict[str, Any] | None:
    try:
        with open(stamp[0], encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as exc:
        log.warning("batas wilayah %s tidak dapat dibaca: %s", stamp[0], exc)
        return None
    features = [s for s in map(_slim, data.get("features") or []) if s] if isinstance(data, dict) else []
    if not features:
        log.warning("batas wilayah %s tidak memuat fitur dengan properti kode", stamp[0])
        return None
    return {"type": "FeatureCollection", "features": features}


def load_boundaries(path: Path | str | None) -> dict[str, Any] | None:
    """A GeoJSON FeatureCollection of region polygons matched on `properties.kode`; None when absent or unusable."""
    if not path:
        return None
    stamp = _stamp(Path(path))
    if stamp is None:
        log.warning("berkas batas wilayah %s tidak ada", path)
        return None
    return _read_boundaries(stamp)


def boundary_codes(geojson: dict[str, Any] | None) -> set[str]:
    """The region codes a boundaries collection covers."""
    if not geojson:
        return set()
    return {f["properties"]["kode"] for f in geojson.get("features", [])}


def positions(coordinates: Any) -> Iterator[tuple[float, float]]:
    """Every (lon, lat) position inside a GeoJSON `coordinates` array, at any depth."""
    if isinstance(coordinates, list | tuple) and coordinates and isinstance(coordinates[0], int | float):
        yield float(coordinates[0]), float(coordinates[1])
    elif isinstance(coordinates, list | tuple):
        for part in coordinates:
            yield from positions(part)


def _box_middle(geometry: dict[str, Any]) -> tuple[float, float] | None:
    """The (lat, lon) middle of a geometry's bounding box; None when it has no position."""
    points = list(positions(geometry.get("coordinates")))
    if not points:
        return None
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2


def region_centres(
    codes: Iterable[str], centroids: Mapping[str, Centroid], boundaries: dict[str, Any] | None = None
) -> dict[str, tuple[float, float]]:
    """Code → (lat, lon) of each region: its centroid, else the middle of its polygon's box; unknown ones left out."""
    polygons = {f["properties"]["kode"]: f["geometry"] for f in (boundaries or {}).get("features", [])}
    out: dict[str, tuple[float, float]] = {}
    for code in codes:
        if code in centroids:
            out[code] = (centroids[code].lat, centroids[code].lng)
        elif code in polygons and (middle := _box_middle(polygons[code])) is not None:
            out[code] = middle
    return out
