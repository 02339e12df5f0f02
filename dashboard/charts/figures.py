"""What every figure of the desk shares: Indonesian number notation, the font, a transparent layout, and the
offline map of regions (polygons of a configured GeoJSON, else bubbles at the region centres).

Used by the Rekapitulasi figures (`dashboard.charts.maps`) and those of Kejadian, Logistik and Ringkasan
(`dashboard.charts.incident_maps`). Pure functions: no database, no request. Geometry is part of a map figure only:
updates patch values (`z`, `marker.color`, `marker.size`), never the GeoJSON.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

import plotly.graph_objects as go

from data_sources.geo import boundary_codes

SEPARATORS = ",."  # decimal comma, thousands dot
FONT = {"family": '"Segoe UI", "Noto Sans", "DejaVu Sans", Arial, sans-serif', "size": 14, "color": "#17202a"}
MAP_CONFIG: dict[str, Any] = {
    "topojsonURL": "/assets/topojson/",  # served by the app: the map works without internet
    "displaylogo": False,
    "scrollZoom": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"],
}
CHART_CONFIG: dict[str, Any] = {"displaylogo": False, "displayModeBar": False}


def plot_text(text: str) -> str:
    """Text for plotly's labels, which read a little HTML: names and field text always show as written."""
    return escape(text, quote=False)


def base_layout(height: int) -> dict[str, Any]:
    """The layout every figure starts from: its height, small margins, our font and notation, no background."""
    return {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "separators": SEPARATORS,
        "font": FONT,
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "showlegend": False,
    }


def offline_geo(fig: go.Figure) -> go.Figure:
    """Fit the map to what it draws, without plotly's world (no land, coasts or tiles), clickable, not draggable."""
    fig.update_layout(clickmode="event", dragmode=False)
    fig.update_geos(fitbounds="locations", visible=False, projection={"type": "mercator"}, bgcolor="rgba(0,0,0,0)")
    return fig


def shown_regions(
    codes: Sequence[str], boundaries: dict[str, Any] | None, centres: Mapping[str, Any]
) -> tuple[list[str], bool]:
    """The codes a region map draws, in order, and whether as polygons: those the boundaries cover when they
    cover any, else those with a centre."""
    covered = boundary_codes(boundaries)
    polygons = [c for c in codes if c in covered]
    if polygons:
        return polygons, True
    return [c for c in codes if c in centres], False


@dataclass(frozen=True)
class Colours:
    """How a region map colours its values: the scale, its ends, and the colour bar (shown or not)."""

    scale: list[list[Any]]
    low: float
    high: float
    colorbar: dict[str, Any]
    show_scale: bool = True


@dataclass(frozen=True)
class Outline:
    """The edge of each region, as a polygon and as a bubble: width and colour (one value, or one per region)."""

    polygon_width: float | Sequence[float]
    polygon_colour: str | Sequence[str]
    bubble_width: float | Sequence[float]
    bubble_colour: str | Sequence[str]


def region_trace(
    codes: Sequence[str],
    values: Sequence[float],
    colours: Colours,
    boundaries: dict[str, Any] | None,
    centres: Mapping[str, tuple[float, float]],
    customdata: Sequence[Any],
    hover: Sequence[str],
    sizes: Sequence[float],
    outline: Outline,
    opacity: float,
) -> go.BaseTraceType:
    """The regions `codes` as a Choropleth over `boundaries` when given, else as bubbles of `sizes` at `centres`
    ((lat, lon) by code), coloured by `values`; `text` carries the hover, `customdata` one row per region."""
    common = {"customdata": list(customdata), "text": list(hover), "hovertemplate": "%{text}<extra></extra>"}
    if boundaries:
        return go.Choropleth(
            geojson=boundaries,
            featureidkey="properties.kode",
            locations=list(codes),
            z=list(values),
            colorscale=colours.scale,
            zmin=colours.low,
            zmax=colours.high,
            showscale=colours.show_scale,
            colorbar=colours.colorbar,
            marker={"line": {"width": outline.polygon_width, "color": outline.polygon_colour}},
            **common,
        )
    return go.Scattergeo(
        lat=[centres[c][0] for c in codes],
        lon=[centres[c][1] for c in codes],
        mode="markers",
        marker={
            "size": list(sizes),
            "color": list(values),
            "colorscale": colours.scale,
            "cmin": colours.low,
            "cmax": colours.high,
            "showscale": colours.show_scale,
            "colorbar": colours.colorbar,
            "opacity": opacity,
            "line": {"width": outline.bubble_width, "color": outline.bubble_colour},
        },
        **common,
    )
