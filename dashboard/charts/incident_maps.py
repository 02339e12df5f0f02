"""Figure builders and display texts of the Kejadian, Logistik and Ringkasan pages.

Pure functions of plain incident dicts (`data_sources.incidents.incident_dict`) and logistics lines: no
database, no request (except `reference_now` / `clock_view`, which read the desk's clock). The browser
(assets/incidents.js) recomputes the same values for pushed changes and patches them in, so both sides agree on:
- the incident map: trace 0 the kecamatan — a Choropleth over the configured boundaries, else bubbles at the
  kecamatan centres — with customdata [code, name], the count of open incidents shown as `z` (or
  `marker.color` and `marker.size`) and `text` from `region_hover`; trace 1 the incidents, one point each at
  `incident_position` (own coordinates, else the kecamatan centre moved by `jitter(id)`), `marker.color` the
  severity colour, `marker.symbol` circle (open) or circle-open (closed), customdata [id], `text` from
  `incident_hover`;
- the timeline: one stacked Bar trace per category in `CATEGORIES` order, x the start of each WIB hour
  ("2024-11-27 09:00:00", see `hour_bucket`), y the number of incidents;
- the readiness map: trace 0 the kecamatan as above, coloured by readiness in percent (0..100).
Geometry is part of these figures only: updates patch values, never the GeoJSON.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from math import cos, sin, sqrt
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go

from dashboard.charts.figures import Colours, Outline, base_layout, offline_geo, plot_text, region_trace, shown_regions
from data_sources.domain.fmt import fmt_int, fmt_pct, fmt_wib, now_utc, to_wib
from data_sources.domain.vocab import (
    CATEGORIES,
    INCIDENT_STATUSES,
    OPEN_STATUSES,
    SEVERITIES,
    SEVERITY_COLORS,
    STAGES,
)

if TYPE_CHECKING:
    from dashboard.desk import Desk

CATEGORY_COLORS = {
    "hak-pilih": "#1565c0",
    "keamanan": "#c62828",
    "politik-uang": "#6a1b9a",
    "sara": "#ad1457",
    "netralitas-penyelenggara": "#00838f",
    "netralitas-asn": "#26a69a",
    "netralitas-tni-polri": "#558b2f",
    "netralitas-kepala-desa": "#9e9d24",
    "logistik": "#ef6c00",
    "lokasi-tps": "#4e342e",
    "listrik-internet": "#546e7a",
    "lainnya": "#9e9e9e",
}
OPEN_SCALE = [[0, "#f4f6f8"], [0.0001, "#ffe0b2"], [0.5, "#ef6c00"], [1, "#b71c1c"]]
READY_SCALE = [[0, "#c62828"], [0.5, "#f9a825"], [0.85, "#c0ca33"], [1, "#2e7d32"]]
NO_CENTRE = "#cfd8dc"
GOLDEN_ANGLE = 2.399963229728653  # radians: successive points spiral without lining up
JITTER_DEGREES = 0.03
HOVER_CHARS = 120
MAP_HEIGHT = 520
TIMELINE_MIN_TOP = 10


# ---------------------------------------------------------------- the clock incident and logistics views share


def reference_now(desk: Desk) -> datetime:
    """What "now" means for incidents and logistics: the simulated moment in the demo, else the wall clock."""
    simulator = getattr(desk, "simulator", None)
    return simulator.sim_time() if simulator is not None else now_utc()


def clock_view(desk: Desk) -> dict[str, Any]:
    """The reference clock for the browser: the moment now, how fast it runs, and where it stops."""
    simulator = getattr(desk, "simulator", None)
    if simulator is None:
        return {"at": now_utc().isoformat(), "rate": 1.0, "until": None}
    from data_sources.simulator import SIM_SECONDS_PER_WALL_SECOND

    return {
        "at": simulator.sim_time().isoformat(),
        "rate": SIM_SECONDS_PER_WALL_SECOND * simulator.speed,
        "until": simulator.day_end.isoformat(),
    }


# ---------------------------------------------------------------- display texts (mirrored in incidents.js)


def is_open(incident: Mapping[str, Any]) -> bool:
    """True while an incident is being dealt with (baru, diverifikasi, ditangani)."""
    return incident.get("status") in OPEN_STATUSES


def place_text(incident: Mapping[str, Any]) -> str:
    """Where an incident happened: the kecamatan's name and, when known, its TPS number."""
    name = incident.get("kecamatan_name") or incident.get("kecamatan") or "—"
    tps = incident.get("tps")
    return f"{name} · TPS {tps.rsplit('.', 1)[-1]}" if tps else name


def when_text(iso: str) -> str:
    """An incident's moment as WIB text with its date: 27-11-2024 14.05 WIB."""
    return fmt_wib(datetime.fromisoformat(iso), with_date=True)


def history_line(step: Mapping[str, Any]) -> str:
    """A status change in words: 14.05 WIB · operator: Baru → Diverifikasi — note."""
    before = INCIDENT_STATUSES.get(step.get("from") or "", "—")
    after = INCIDENT_STATUSES.get(step["to"], step["to"])
    text = f"{fmt_wib(datetime.fromisoformat(step['at']))} · {step['actor']}: {before} → {after}"
    if step.get("note"):
        text += f" — {step['note']}"
    return text


def shorten(text: str, limit: int = HOVER_CHARS) -> str:
    """At most `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def incident_hover(incident: Mapping[str, Any]) -> str:
    """The hover text of an incident's point: severity and category, place, time and status, description."""
    severity = SEVERITIES.get(incident["severity"], incident["severity"])
    category = CATEGORIES.get(incident["category"], incident["category"])
    status = INCIDENT_STATUSES.get(incident["status"], incident["status"])
    return "<br>".join(
        [
            f"<b>#{incident['id']} · {plot_text(severity)} · {plot_text(category)}</b>",
            plot_text(place_text(incident)),
            f"{when_text(incident['occurred_at'])} · {plot_text(status)}",
            plot_text(shorten(incident.get("description") or "")),
        ]
    )


def region_hover(name: str, open_count: int) -> str:
    """The hover text of a kecamatan on the incident map."""
    return f"<b>{plot_text(name)}</b><br>Kejadian terbuka: {fmt_int(open_count)}"


def readiness_hover(name: str, fraction: float | None) -> str:
    """The hover text of a kecamatan on the readiness map."""
    return f"<b>{plot_text(name)}</b><br>Kesiapan logistik: {fmt_pct(fraction)}"


# ---------------------------------------------------------------- positions


def jitter(incident_id: int) -> tuple[float, float]:
    """A small fixed offset (degrees lat, lon) for an incident drawn at its kecamatan's centre: points never stack."""
    angle = incident_id * GOLDEN_ANGLE
    radius = JITTER_DEGREES * sqrt(((incident_id * 7) % 10 + 1) / 10)
    return radius * sin(angle), radius * cos(angle)


def incident_position(
    incident: Mapping[str, Any], centres: Mapping[str, tuple[float, float]]
) -> tuple[float, float] | None:
    """Where to draw an incident: its own coordinates, else its kecamatan's centre moved by `jitter`."""
    lat, lon = incident.get("latitude"), incident.get("longitude")
    if lat is not None and lon is not None:
        return float(lat), float(lon)
    centre = centres.get(incident["kecamatan"])
    if centre is None:
        return None
    d_lat, d_lon = jitter(int(incident["id"]))
    return centre[0] + d_lat, centre[1] + d_lon


def open_counts(incidents: Iterable[Mapping[str, Any]]) -> Counter[str]:
    """Open incidents per kecamatan code."""
    return Counter(i["kecamatan"] for i in incidents if is_open(i))


# ---------------------------------------------------------------- figures


def bubble_size(value: float, biggest: float) -> float:
    """The diameter (px) of a region's bubble for a value out of the biggest."""
    return 14 + 26 * sqrt(value / biggest) if biggest > 0 else 14


COLORBAR = {"thickness": 12, "len": 0.6, "x": 1.0}
OUTLINE = Outline(polygon_width=0.8, polygon_colour="#ffffff", bubble_width=1, bubble_colour="#78909c")


def _region_trace(
    regions: Mapping[str, str],
    value: Callable[[str], float],
    boundaries: dict[str, Any] | None,
    centres: Mapping[str, tuple[float, float]],
    colours: Callable[[list[float]], Colours],
    hover: Callable[[str], str],
    size: Callable[[float, list[float]], float],
) -> go.BaseTraceType:
    """The kecamatan as trace 0 of a Kejadian or Logistik map (customdata [code, name]), each coloured by
    `value(code)`; the scale and the bubble sizes may depend on all the values shown."""
    codes, polygons = shown_regions(list(regions), boundaries, centres)
    values = [value(c) for c in codes]
    return region_trace(
        codes,
        values,
        colours(values),
        boundaries if polygons else None,
        centres,
        [[c, regions[c]] for c in codes],
        [hover(c) for c in codes],
        [size(v, values) for v in values],
        OUTLINE,
        opacity=0.75,
    )


def incident_map(
    incidents: Sequence[Mapping[str, Any]],
    regions: Mapping[str, str],
    boundaries: dict[str, Any] | None,
    centres: Mapping[str, tuple[float, float]],
    height: int = MAP_HEIGHT,
) -> go.Figure:
    """The kecamatan coloured by their open incidents (shapes when `boundaries` cover them, else bubbles at the
    centres), with every incident as a point coloured by severity (hollow once closed)."""
    counts = open_counts(incidents)
    trace0 = _region_trace(
        regions,
        lambda c: counts.get(c, 0),
        boundaries,
        centres,
        lambda values: Colours(OPEN_SCALE, 0, max([1, *values]), {"title": {"text": "Terbuka"}, **COLORBAR}),
        lambda c: region_hover(regions[c], counts.get(c, 0)),
        lambda v, values: bubble_size(v, max([1, *values])),
    )
    placed = [(i, incident_position(i, centres)) for i in sorted(incidents, key=lambda i: i["id"])]
    placed = [(i, p) for i, p in placed if p is not None]
    points = go.Scattergeo(
        lat=[p[0] for _i, p in placed],
        lon=[p[1] for _i, p in placed],
        mode="markers",
        marker={
            "size": 11,
            "color": [SEVERITY_COLORS.get(i["severity"], "#607d8b") for i, _p in placed],
            "symbol": ["circle" if is_open(i) else "circle-open" for i, _p in placed],
            "line": {"width": 1.5, "color": "#ffffff"},
        },
        customdata=[[i["id"]] for i, _p in placed],
        text=[incident_hover(i) for i, _p in placed],
        hovertemplate="%{text}<extra></extra>",
    )
    fig = go.Figure([trace0, points])
    fig.update_layout(**base_layout(height))
    return offline_geo(fig)


def hour_bucket(iso: str) -> str:
    """The WIB hour a moment falls in, as plotly reads a date: "2024-11-27 09:00:00"."""
    return to_wib(datetime.fromisoformat(iso)).strftime("%Y-%m-%d %H:00:00")


def timeline_data(incidents: Iterable[Mapping[str, Any]]) -> tuple[list[str], dict[str, list[int]]]:
    """Every WIB hour from the first incident to the last, and the incidents of each category per hour."""
    per = Counter((hour_bucket(i["occurred_at"]), i["category"]) for i in incidents)
    if not per:
        return [], {c: [] for c in CATEGORIES}
    hours = sorted({h for h, _c in per})
    first = datetime.fromisoformat(hours[0])
    last = datetime.fromisoformat(hours[-1])
    steps = int((last - first).total_seconds() // 3600)
    x = [(first + timedelta(hours=k)).strftime("%Y-%m-%d %H:%M:%S") for k in range(steps + 1)]
    return x, {c: [per.get((h, c), 0) for h in x] for c in CATEGORIES}


def incident_timeline(incidents: Iterable[Mapping[str, Any]], height: int = MAP_HEIGHT) -> go.Figure:
    """Incidents per WIB hour, stacked by category (one trace per category, empty ones out of the legend)."""
    x, per = timeline_data(incidents)
    fig = go.Figure(
        [
            go.Bar(
                x=x,
                y=per[c],
                name=plot_text(label),
                marker={"color": CATEGORY_COLORS.get(c, "#9e9e9e")},
                showlegend=any(per[c]),
                hovertemplate="%{x|%H}.00–%{x|%H}.59 WIB · %{y} kejadian<extra>" + plot_text(label) + "</extra>",
            )
            for c, label in CATEGORIES.items()
        ]
    )
    fig.update_layout(**base_layout(height))
    fig.update_layout(
        barmode="stack",
        bargap=0.15,
        showlegend=True,
        legend={"orientation": "h", "y": -0.22, "x": 0, "font": {"size": 12}},
        margin={"l": 45, "r": 10, "t": 10, "b": 10},
    )
    fig.update_xaxes(
        type="date",
        tickformat="%H.%M",
        tickformatstops=[
            {"dtickrange": [None, 86_400_000], "value": "%H.%M"},
            {"dtickrange": [86_400_000, None], "value": "%d-%m"},
        ],
        gridcolor="#e3e8ed",
    )
    fig.update_yaxes(
        rangemode="tozero",
        tickformat=",d",
        autorangeoptions={"include": [0, TIMELINE_MIN_TOP]},  # whole-number ticks for a handful of incidents
        gridcolor="#e3e8ed",
        title=None,
    )
    if not x:
        fig.add_annotation(
            text="Belum ada kejadian yang cocok", showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5
        )
    return fig


def readiness_map(
    readiness: Mapping[str, float],
    regions: Mapping[str, str],
    boundaries: dict[str, Any] | None,
    centres: Mapping[str, tuple[float, float]],
    height: int = 460,
) -> go.Figure:
    """The kecamatan coloured by logistics readiness in percent (red 0 → green 100), shapes or bubbles."""
    trace = _region_trace(
        regions,
        lambda c: round(readiness.get(c, 0.0) * 100, 2),
        boundaries,
        centres,
        lambda _values: Colours(READY_SCALE, 0, 100, {"title": {"text": "Siap (%)"}, **COLORBAR}),
        lambda c: readiness_hover(regions[c], readiness.get(c)),
        lambda _v, _values: 22,
    )
    fig = go.Figure(trace)
    fig.update_layout(**base_layout(height))
    return offline_geo(fig)


def labels() -> dict[str, dict[str, str]]:
    """The catalogue's labels the browser needs to write incident texts."""
    return {
        "categories": dict(CATEGORIES),
        "severities": dict(SEVERITIES),
        "statuses": dict(INCIDENT_STATUSES),
        "stages": dict(STAGES),
    }
