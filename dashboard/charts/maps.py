"""Figure builders of the Rekapitulasi page: votes per paslon, shares over time and the kecamatan map.

Pure functions of the recap totals: no database, no request. The browser patches these figures in place
(assets/recap.js) with the same encodings, so the two must agree on:
- the map's `customdata` row: [code, name, tps_total, tps_reported, held, janggal, suara_sah, votes…];
- the map colour: `z` (or `marker.color`) = leader index (0 none, i + 1 for the i-th paslon) on a stepped
  colour scale, or one paslon's share in percent on a white → paslon colour scale;
- hover texts built by `region_hover` / `bar_hover`.
Numbers are in Indonesian notation (`separators` ",." for plotly's own labels, `data_sources.domain.fmt` for texts).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from math import sqrt
from typing import Any

import plotly.graph_objects as go

from dashboard.charts.figures import Colours, Outline, base_layout, offline_geo, plot_text, region_trace, shown_regions
from dashboard.recap.engine import RegionTotals
from data_sources.domain.contest import PaslonInfo
from data_sources.domain.fmt import fmt_int, fmt_pct, to_wib
from data_sources.geo import Centroid

NO_VOTES = "#cfd8dc"
SHARE_LOW = "#f7f9fb"
LEADER = "leader"
BUCKET_MINUTES = 10


def wib_text(moment: datetime) -> str:
    """A moment as a WIB wall-clock timestamp plotly reads as a date ("2024-11-27 14:05:00")."""
    return to_wib(moment).strftime("%Y-%m-%d %H:%M:%S")


def short_label(p: PaslonInfo) -> str:
    """The paslon as a short label: nomor and the head of the pair."""
    return f"{p.nomor}. {p.kepala}"


def wrapped_label(p: PaslonInfo, width: int = 14) -> str:
    """The bar label of a paslon over at most two lines (plotly's `<br>`), so it never needs rotating."""
    label = short_label(p)
    if len(label) <= width:
        return plot_text(label)
    words = label.split()
    cuts = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    first, rest = min(cuts, key=lambda c: max(len(c[0]), len(c[1])))
    return f"{plot_text(first)}<br>{plot_text(rest)}"


def leader_index(t: RegionTotals) -> int:
    """0 before any vote, else 1 + the position of the leading paslon."""
    return 0 if t.leader is None else t.nomor.index(t.leader) + 1


def leader_colorscale(paslon: Sequence[PaslonInfo]) -> list[list[Any]]:
    """A stepped colour scale for leader indices 0..N (grey, then each paslon's colour) over zmin=-0.5..N+0.5."""
    colors = [NO_VOTES, *(p.color for p in paslon)]
    n = len(colors)
    scale: list[list[Any]] = []
    for i, color in enumerate(colors):
        scale += [[i / n, color], [(i + 1) / n, color]]
    return scale


def share_colorscale(color: str) -> list[list[Any]]:
    """A continuous scale from almost white to a paslon's colour."""
    return [[0, SHARE_LOW], [1, color]]


def map_colors(paslon: Sequence[PaslonInfo], rows: Sequence[RegionTotals], mode: str = LEADER) -> dict[str, Any]:
    """Values and scale of the map colour: by leader (`mode` "leader") or by one paslon's share (`mode` its nomor)."""
    if mode == LEADER or not str(mode).isdigit() or int(mode) not in [p.nomor for p in paslon]:
        return {
            "z": [leader_index(t) for t in rows],
            "colorscale": leader_colorscale(paslon),
            "zmin": -0.5,
            "zmax": len(paslon) + 0.5,
            "showscale": False,
        }
    nomor = int(mode)
    color = next(p.color for p in paslon if p.nomor == nomor)
    z = [round(t.share(nomor) * 100, 2) for t in rows]
    return {
        "z": z,
        "colorscale": share_colorscale(color),
        "zmin": 0,
        "zmax": max([1.0, *z]),
        "showscale": True,
    }


def region_hover(paslon: Sequence[PaslonInfo], t: RegionTotals) -> str:
    """The hover text of a region on the map: name, TPS counted, votes and share of each paslon."""
    lines = [f"<b>{plot_text(t.name)}</b>", f"TPS masuk {fmt_int(t.tps_reported)} / {fmt_int(t.tps_total)}"]
    if t.held or t.janggal:
        lines.append(f"Perlu dicek {fmt_int(t.held)} · Janggal {fmt_int(t.janggal)}")
    if not t.suara_sah:
        lines.append("Belum ada suara sah")
    for p, v, s in zip(paslon, t.votes, t.shares, strict=True):
        lines.append(f"{plot_text(short_label(p))}: {fmt_int(v)} ({fmt_pct(s)})")
    return "<br>".join(lines)


def bar_hover(p: PaslonInfo, votes: int, share: float) -> str:
    """The hover text of one paslon's bar."""
    return f"<b>{plot_text(p.label)}</b><br>{fmt_int(votes)} suara · {fmt_pct(share)}"


def votes_bar(paslon: Sequence[PaslonInfo], t: RegionTotals, height: int = 340) -> go.Figure:
    """Votes per paslon as bars in the paslon colours, labelled in Indonesian notation."""
    fig = go.Figure(
        go.Bar(
            x=[wrapped_label(p) for p in paslon],
            y=list(t.votes),
            marker={"color": [p.color for p in paslon]},
            text=[fmt_int(v) for v in t.votes],
            textposition="outside",
            cliponaxis=False,
            hovertext=[bar_hover(p, v, s) for p, v, s in zip(paslon, t.votes, t.shares, strict=True)],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    fig.update_layout(**base_layout(height))
    fig.update_layout(margin={"l": 60, "r": 10, "t": 30, "b": 10}, bargap=0.3)
    fig.update_yaxes(
        tickformat=",d",
        rangemode="tozero",
        autorangeoptions={"include": [0, 10]},  # whole-number ticks even before the first votes
        gridcolor="#e3e8ed",
        title=None,
    )
    fig.update_xaxes(title=None, tickfont={"size": 13}, tickangle=0)
    return fig


def share_history(
    results: Iterable[Mapping[str, Any]], nomor: Sequence[int], bucket_minutes: int = BUCKET_MINUTES
) -> list[tuple[datetime, tuple[float, ...]]]:
    """Cumulative shares as the counted results arrived: one point per `bucket_minutes`, at its last arrival.

    `results` are stored result dicts (`received_at` ISO text); results held for review are left out, like in
    the headline totals. Each point is (moment, share of each paslon in `nomor` order).
    """
    counted = []
    for r in results:
        if r.get("status") != "dihitung" or not r.get("received_at"):
            continue
        counted.append((datetime.fromisoformat(r["received_at"]), r))
    counted.sort(key=lambda item: item[0])
    step = timedelta(minutes=bucket_minutes).total_seconds()
    keys = [str(n) for n in nomor]
    sums = [0] * len(keys)
    points: list[tuple[datetime, tuple[float, ...]]] = []
    for i, (moment, r) in enumerate(counted):
        votes = r.get("votes") or {}
        for j, k in enumerate(keys):
            sums[j] += int(votes.get(k, 0))
        closes = i + 1 == len(counted) or counted[i + 1][0].timestamp() // step != moment.timestamp() // step
        total = sum(sums)
        if closes and total:
            points.append((moment, tuple(v / total for v in sums)))
    return points


def shares_line(
    paslon: Sequence[PaslonInfo], points: Sequence[tuple[datetime, Sequence[float]]], height: int = 340
) -> go.Figure:
    """Each paslon's cumulative share (%) over time, WIB on the x axis; one trace per paslon in paslon order."""
    x = [wib_text(moment) for moment, _shares in points]
    fig = go.Figure(
        [
            go.Scatter(
                x=x,
                y=[round(shares[i] * 100, 2) for _moment, shares in points],
                mode="lines+markers",
                name=plot_text(short_label(p)),
                line={"color": p.color, "width": 3},
                marker={"size": 5},
                hovertemplate="%{y:.2f} %<extra>" + plot_text(short_label(p)) + "</extra>",
            )
            for i, p in enumerate(paslon)
        ]
    )
    fig.update_layout(**base_layout(height))
    fig.update_layout(
        margin={"l": 55, "r": 10, "t": 10, "b": 10},
        showlegend=True,
        legend={"orientation": "h", "y": -0.15, "x": 0},
        hovermode="x unified",
    )
    fig.update_xaxes(
        type="date",
        tickformat="%H.%M",
        tickformatstops=[
            {"dtickrange": [None, 60_000], "value": "%H.%M.%S"},
            {"dtickrange": [60_000, 86_400_000], "value": "%H.%M"},
            {"dtickrange": [86_400_000, None], "value": "%d-%m %H.%M"},
        ],
        hoverformat="%H.%M.%S WIB",
        gridcolor="#e3e8ed",
    )
    fig.update_yaxes(ticksuffix=" %", rangemode="tozero", gridcolor="#e3e8ed")
    if not points:
        fig.add_annotation(
            text="Belum ada hasil yang dihitung", showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5
        )
    return fig


def map_customdata(t: RegionTotals) -> list[Any]:
    """A region's row of the map's customdata (what the browser recolours from)."""
    return [t.code, t.name, t.tps_total, t.tps_reported, t.held, t.janggal, t.suara_sah, *t.votes]


def kecamatan_map(
    paslon: Sequence[PaslonInfo],
    rows: Sequence[RegionTotals],
    boundaries: dict[str, Any] | None,
    centroids: Mapping[str, Centroid],
    selected: str | None = None,
    mode: str = LEADER,
    height: int = 480,
) -> go.Figure:
    """The regions of `rows` on an offline map: polygons when `boundaries` cover them, else bubbles at centroids.

    Coloured by leader or by one paslon's share (`mode`); the region `selected` (or the one containing it) is
    outlined. Geometry is part of this figure only: updates patch values, never the GeoJSON.
    """
    by_code = {t.code: t for t in rows}
    codes, polygons = shown_regions(list(by_code), boundaries, centroids)
    shown = [by_code[c] for c in codes]
    colors = map_colors(paslon, shown, mode)
    is_selected = [bool(selected) and (selected == t.code or selected.startswith(t.code + ".")) for t in shown]
    dpt = [t.dpt for t in shown]
    biggest = max([1, *dpt])
    trace = region_trace(
        codes,
        colors["z"],
        Colours(
            colors["colorscale"],
            colors["zmin"],
            colors["zmax"],
            {"title": {"text": "% suara"}, "ticksuffix": " %", "thickness": 14, "len": 0.7},
            colors["showscale"],
        ),
        boundaries if polygons else None,
        {c: (centroids[c].lat, centroids[c].lng) for c in codes if c in centroids},
        [map_customdata(t) for t in shown],
        [region_hover(paslon, t) for t in shown],
        [12 + 30 * sqrt(d / biggest) for d in dpt],
        Outline(
            [3.5 if s else 0.8 for s in is_selected],
            ["#0d2740" if s else "#ffffff" for s in is_selected],
            [3.5 if s else 0.8 for s in is_selected],
            ["#0d2740" if s else "#455a64" for s in is_selected],
        ),
        opacity=0.9,
    )
    fig = go.Figure(trace)
    fig.update_layout(**base_layout(height))
    return offline_geo(fig)
