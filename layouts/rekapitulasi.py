"""Rekapitulasi: the live recap of a contest, drilled down from the kabupaten to a TPS, or both contests side by side.

URL: `/rekapitulasi?contest=<id>&region=<code>`; `contest=semua` puts every contest's headline and bar chart
side by side. The page is rendered once with the state of the moment; pushed `recap` messages then change
its numbers and figures in the browser (assets/recap.js, wired in callbacks/rekapitulasi.py):
- at the contest's main region the headline uses the shell's element ids (`dashboard.live.messages.el`), and the
  table, bars, progress bar, time series and map take the message's totals and children;
- deeper down the headline ids carry an `rk-` prefix and the browser fetches `/api/v1/recap/…?region=` when the
  message names the region as changed; the map (kecamatan) always follows the message;
- the list of flagged TPS and a TPS's versions are fetched again (`panels`, rendered by the same functions)
  when a message changes the shown region's held/janggal counts or the TPS on screen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from dash import dcc, html

from dashboard.charts import maps
from dashboard.charts.figures import CHART_CONFIG, MAP_CONFIG
from dashboard.live.messages import el, recap_texts
from dashboard.recap.engine import RegionTotals
from data_sources import geo, results, summary
from data_sources.domain.codes import is_within, region_level
from data_sources.domain.contest import ContestInfo, PaslonInfo
from data_sources.domain.fmt import fmt_int, fmt_pct, fmt_wib, now_utc
from layouts.common import card, desk, download_link, export_href, stat
from layouts.photo_view import photo_strip

BOTH = "semua"
PATH = "/rekapitulasi"
HELD_LIMIT = 200
CHILD_NAMES = {"provinsi": "Kabupaten/Kota", "kabupaten": "Kecamatan", "kecamatan": "Desa/Kelurahan", "desa": "TPS"}
STATUS_LABELS = {"dihitung": "Dihitung", "perlu_dicek": "Perlu dicek"}
KIND_LABELS = {"baru": "Baru", "koreksi": "Koreksi", "konfirmasi": "Konfirmasi"}


# ---------------------------------------------------------------- small pure helpers (tests call them)


def page_href(contest: str, region: str | None = None) -> str:
    """The address of the page for a contest (or `semua`) and optionally a region."""
    query = {"contest": contest, **({"region": region} if region else {})}
    return f"{PATH}?{urlencode(query)}"


def pid(kind: str, contest: str) -> dict[str, str]:
    """The pattern-matching id of one of the page's live components for a contest."""
    return {"type": kind, "c": contest}


def text_id(contest: str, shell: bool, *parts: str | int) -> str:
    """The id of a headline text: the shell's id at the main region, an `rk-` one deeper down."""
    return el(contest, *parts) if shell else "rk-" + el(contest, *parts)


def region_label(code: str, name: str) -> str:
    """The display name of a region; a TPS is shown as "TPS 003"."""
    return f"TPS {code.rsplit('.', 1)[-1]}" if region_level(code) == 5 else name


def leader_of(contest: ContestInfo, t: RegionTotals) -> PaslonInfo | None:
    """The paslon ahead in a region, or None before any vote."""
    return next((p for p in contest.paslon if p.nomor == t.leader), None)


def crumbs(contest: ContestInfo, region: str, names: Mapping[str, str]) -> list[tuple[str, str, bool]]:
    """(code, label, is a link) from the provinsi down to the region; regions above the contest's scope are text."""
    parts = region.split(".")
    out = []
    for depth in range(1, len(parts) + 1):
        code = ".".join(parts[:depth])
        out.append((code, region_label(code, names.get(code, code)), is_within(code, contest.scope_code)))
    return out


def child_headers(contest: ContestInfo, level: str) -> list[str]:
    """Column headers of the drill-down table of a region of this level."""
    return [
        CHILD_NAMES.get(level, "Wilayah"),
        "TPS masuk",
        "Progres",
        *[f"Paslon {p.nomor}" for p in contest.paslon],
        "Unggul",
        "Perlu dicek",
        "Janggal",
    ]


def child_cells(contest: ContestInfo, t: RegionTotals) -> list[str]:
    """Texts of a drill-down row: name, TPS reported / total, progress, votes per paslon, leader, held, janggal."""
    leader = leader_of(contest, t)
    return [
        region_label(t.code, t.name),
        f"{fmt_int(t.tps_reported)} / {fmt_int(t.tps_total)}",
        fmt_pct(t.progress),
        *[fmt_int(v) for v in t.votes],
        maps.short_label(leader) if leader else "—",
        fmt_int(t.held),
        fmt_int(t.janggal),
    ]


def flag_reasons(flags: Sequence[Mapping[str, Any]]) -> list[str]:
    """The operator-readable reasons of a result's flags."""
    return [str(f.get("message") or f.get("code") or "") for f in flags if isinstance(f, Mapping)]


def is_janggal(result: Mapping[str, Any]) -> bool:
    """True when a stored result carries the janggal mark."""
    return any(isinstance(f, Mapping) and f.get("code") == "janggal" for f in result.get("flags") or ())


def held_rows(rows: Sequence[Mapping[str, Any]], names: Mapping[str, str]) -> list[dict[str, str]]:
    """Current results held for review or marked janggal, newest first: TPS, place, status, reasons, time (WIB)."""
    out = []
    flagged = [r for r in rows if r.get("status") == "perlu_dicek" or is_janggal(r)]
    flagged.sort(key=lambda r: r.get("received_at") or "", reverse=True)
    for r in flagged:
        code = r["tps"]
        desa, kec = code.rsplit(".", 1)[0], code[:8]
        status = []
        if r.get("status") == "perlu_dicek":
            status.append("Perlu dicek")
        if is_janggal(r):
            status.append("Janggal")
        received = r.get("received_at")
        out.append(
            {
                "tps": code,
                "label": region_label(code, code),
                "place": f"{names.get(desa, desa)}, {names.get(kec, kec)}",
                "status": " · ".join(status),
                "reasons": "; ".join(flag_reasons(r.get("flags") or [])) or "—",
                "received": fmt_wib(datetime.fromisoformat(received), with_date=True) if received else "—",
            }
        )
    return out


def version_rows(contest: ContestInfo, versions: Sequence[Mapping[str, Any]], dpt: int) -> list[dict[str, Any]]:
    """Every stored version of a TPS result, newest first, as display texts."""
    out = []
    for v in reversed(versions):
        votes = v.get("votes") or {}
        hadir = v.get("pengguna_hak_pilih")
        if hadir is None:
            hadir = (v.get("suara_sah") or 0) + (v.get("suara_tidak_sah") or 0)
        received = v.get("received_at")
        out.append(
            {
                "version": str(v["version"]),
                "kind": KIND_LABELS.get(v.get("kind"), v.get("kind") or "—"),
                "status": STATUS_LABELS.get(v.get("status"), v.get("status") or "—"),
                "votes": [fmt_int(int(votes.get(str(p.nomor), 0))) for p in contest.paslon],
                "sah": fmt_int(v.get("suara_sah")),
                "tidak_sah": fmt_int(v.get("suara_tidak_sah")),
                "hadir": fmt_int(hadir),
                "turnout": fmt_pct(hadir / dpt) if dpt else "—",
                "flags": flag_reasons(v.get("flags") or []),
                "author": v.get("author") or "—",
                "reason": v.get("reason") or "—",
                "received": fmt_wib(datetime.fromisoformat(received), with_date=True) if received else "—",
            }
        )
    return out


def paslon_meta(contest: ContestInfo) -> list[dict[str, Any]]:
    """What the browser needs to know of each paslon."""
    return [
        {"nomor": p.nomor, "label": p.label, "short": maps.short_label(p), "color": p.color} for p in contest.paslon
    ]


# ---------------------------------------------------------------- components


def _progress_bar(contest: str, t: RegionTotals) -> html.Div:
    fill = html.Div(id=pid("rk-fill", contest), className="rk-fill", style={"width": f"{t.progress * 100:.2f}%"})
    return html.Div(fill, className="rk-bar", title="TPS yang sudah dihitung")


def _stats(contest: ContestInfo, t: RegionTotals, texts: dict[str, str], shell: bool) -> html.Div:
    c = contest.id

    def value(key: str) -> tuple[str, str]:
        return texts[el(c, key)], text_id(c, shell, key)

    return html.Div(
        [
            html.Div(
                [
                    stat("TPS masuk", *value("reported"), big=True),
                    _progress_bar(c, t),
                ],
                className="rk-progress",
            ),
            stat("Progres", *value("progress"), big=True),
            stat("Partisipasi", *value("turnout")),
            stat("Suara sah", *value("sah")),
            stat("Suara tidak sah", *value("tidak-sah")),
            stat("Perlu dicek", *value("held")),
            stat("Janggal", *value("janggal")),
            stat("Data terakhir", texts[el(c, "updated")], el(c, "updated")),
        ],
        className="stats rk-stats",
    )


def _paslon_table(contest: ContestInfo, texts: dict[str, str], shell: bool) -> html.Table:
    c = contest.id
    rows = [
        html.Tr(
            [
                html.Td(html.Span(str(p.nomor), className="rk-no", style={"background": p.color})),
                html.Td(f"{p.kepala} – {p.wakil}", className="rk-kepala"),
                html.Td(texts[el(c, "votes", p.nomor)], id=text_id(c, shell, "votes", p.nomor), className="num"),
                html.Td(texts[el(c, "share", p.nomor)], id=text_id(c, shell, "share", p.nomor), className="num"),
            ]
        )
        for p in contest.paslon
    ]
    head = html.Thead(html.Tr([html.Th("No."), html.Th("Paslon"), html.Th("Suara", className="num"), html.Th("%")]))
    return html.Table([head, html.Tbody(rows)], className="table paslon-table rk-paslon")


def _bars(contest: ContestInfo, t: RegionTotals, height: int = 300) -> dcc.Graph:
    return dcc.Graph(
        id=pid("rk-bars", contest.id),
        figure=maps.votes_bar(contest.paslon, t, height),
        config=CHART_CONFIG,
        className="rk-graph rk-bars",
    )


def _live_stores(view: dict[str, Any]) -> list[Any]:
    c = view["contest"]
    return [
        dcc.Store(id=pid("rk-view", c), data=view),
        dcc.Store(id=pid("rk-msg", c)),  # the latest `recap` message of this contest (set by recap.js)
        dcc.Store(id=pid("rk-data", c)),  # the numbers of the shown region derived from it
        dcc.Store(id=pid("rk-panels", c)),  # what the flagged list and TPS versions were last fetched for
    ]


def _progress_style(t: RegionTotals) -> dict[str, str]:
    p = f"{t.progress * 100:.2f}%"
    return {"background": f"linear-gradient(90deg, #d6e6f5 {p}, transparent {p})"}


def _leader_style(leader: PaslonInfo | None) -> dict[str, str]:
    return {"borderLeft": f"6px solid {leader.color if leader else maps.NO_VOTES}"}


def _children_table(contest: ContestInfo, region: RegionTotals, children: list[RegionTotals]) -> html.Table:
    c = contest.id
    level = region.level
    child_level = children[0].level if children else "wilayah"
    rows = []
    for t in children:
        cells = child_cells(contest, t)
        leader = leader_of(contest, t)
        n = len(contest.paslon)
        tds = [
            html.Td(dcc.Link(cells[0], href=page_href(c, t.code)), className="rk-name"),
            html.Td(cells[1], className="num"),
            html.Td(cells[2], className="num", style=_progress_style(t)),
            *[html.Td(v, className="num") for v in cells[3 : 3 + n]],
            html.Td(cells[3 + n], style=_leader_style(leader), className="rk-leader"),
            html.Td(cells[4 + n], className="num"),
            html.Td(cells[5 + n], className="num"),
        ]
        rows.append(html.Tr(tds, className="rk-row", **{"data-code": t.code}))
    headers = child_headers(contest, level)
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in headers])),
            html.Tbody(rows, id=pid("rk-rows", c)),
        ],
        className=f"table rk-table {child_level}-table",
    )


def _map(contest: ContestInfo, kec: list[RegionTotals], selected: str | None) -> html.Div:
    c = contest.id
    config = desk().config
    figure = maps.kecamatan_map(
        contest.paslon, kec, geo.load_boundaries(config.boundaries), geo.kecamatan_centroids(), selected
    )
    options = [{"label": "Unggul", "value": maps.LEADER}] + [
        {"label": f"% Paslon {p.nomor}", "value": str(p.nomor)} for p in contest.paslon
    ]
    legend = [
        html.Span([html.Span(className="rk-dot", style={"background": p.color}), maps.short_label(p)])
        for p in contest.paslon
    ]
    legend.append(html.Span([html.Span(className="rk-dot", style={"background": maps.NO_VOTES}), "Belum ada suara"]))
    return html.Div(
        [
            html.Span("Warna peta:", className="rk-mode-label"),
            dcc.RadioItems(
                id=pid("rk-mode", c),
                options=options,
                value=maps.LEADER,
                inline=True,
                className="rk-mode",
                inputClassName="rk-mode-input",
            ),
            dcc.Graph(id=pid("rk-map", c), figure=figure, config=MAP_CONFIG, className="rk-graph rk-map"),
            html.Div(legend, className="rk-legend"),
            html.P("Klik kecamatan pada peta untuk melihat rinciannya.", className="muted rk-hint"),
            dcc.Location(id=pid("rk-nav", c), refresh="callback-nav"),
        ]
    )


def _held_card(contest: ContestInfo, flagged: list[dict[str, str]]) -> html.Section:
    body = html.Div(held_body(contest, flagged), id="rk-held-body")  # replaced live by recap.js (panels)
    return card("TPS perlu dicek dan janggal", body, "rk-held-card")


def held_body(contest: ContestInfo, flagged: list[dict[str, str]]) -> list[Any]:
    """The list of TPS held for review or janggal in the region, with its count (also sent live)."""
    c = contest.id
    if not flagged:
        return [html.P("Belum ada TPS yang perlu dicek atau janggal di wilayah ini.", className="muted")]
    rows = [
        html.Tr(
            [
                html.Td(dcc.Link(r["label"], href=page_href(c, r["tps"]))),
                html.Td(r["place"]),
                html.Td(r["status"], className="rk-flag"),
                html.Td(r["reasons"], className="rk-reason"),
                html.Td(r["received"]),
            ],
            **{"data-code": r["tps"]},
        )
        for r in flagged[:HELD_LIMIT]
    ]
    shown = f"ditampilkan {HELD_LIMIT} terbaru" if len(flagged) > HELD_LIMIT else "semua ditampilkan"
    head = html.Thead(html.Tr([html.Th(h) for h in ("TPS", "Desa, kecamatan", "Status", "Alasan", "Diterima")]))
    return [
        html.P(f"{fmt_int(len(flagged))} TPS ({shown})", className="muted rk-held-count"),
        html.Table([head, html.Tbody(rows)], className="table held-table rk-held"),
    ]


def panels(contest_id: str, region: str) -> dict[str, Any]:
    """The parts of the page that a push makes the browser fetch again: the flagged list and, for a TPS, its
    versions (`None` when the region is not a TPS); unknown contest or region → KeyError."""
    d = desk()
    contest = d.recap.contest(contest_id)
    if contest is None:
        raise KeyError(contest_id)
    t, _children = d.recap.totals(contest_id, region)
    flagged = held_rows(results.region_results(d.store, contest_id, region), summary.region_names(d.store))
    tps = None
    if t.level == "tps":
        tps = _tps_detail(contest, t, results.result_versions(d.store, contest_id, region)).children[1].children
    return {"contest": contest_id, "region": region, "held": held_body(contest, flagged), "tps": tps}


def _tps_detail(contest: ContestInfo, t: RegionTotals, versions: list[dict[str, Any]]) -> html.Section:
    rows = version_rows(contest, versions, t.dpt)
    latest = rows[0] if rows else None
    facts = html.Div(
        [
            stat("DPT", fmt_int(t.dpt)),
            stat("Pengguna hak pilih", latest["hadir"] if latest else "—"),
            stat("Partisipasi", latest["turnout"] if latest else "—"),
            stat("Status", latest["status"] if latest else "Belum ada hasil"),
            stat("Jumlah versi", fmt_int(len(rows))),
        ],
        className="stats",
    )
    if not rows:
        table: Any = html.P("Belum ada hasil untuk TPS ini.", className="muted")
    else:
        headers = [
            "Versi",
            "Jenis",
            "Status",
            *[f"Paslon {p.nomor}" for p in contest.paslon],
            "Sah",
            "Tidak sah",
            "Hadir",
            "Catatan",
            "Oleh",
            "Alasan",
            "Diterima",
        ]
        body = [
            html.Tr(
                [
                    html.Td(r["version"], className="num"),
                    html.Td(r["kind"]),
                    html.Td(r["status"]),
                    *[html.Td(v, className="num") for v in r["votes"]],
                    html.Td(r["sah"], className="num"),
                    html.Td(r["tidak_sah"], className="num"),
                    html.Td(r["hadir"], className="num"),
                    html.Td(html.Ul([html.Li(f) for f in r["flags"]], className="rk-flags") if r["flags"] else "—"),
                    html.Td(r["author"]),
                    html.Td(r["reason"], className="rk-reason"),
                    html.Td(r["received"]),
                ],
                className="rk-version",
            )
            for r in rows
        ]
        table = html.Table(
            [html.Thead(html.Tr([html.Th(h) for h in headers])), html.Tbody(body)], className="table rk-versions"
        )
    body = html.Div(  # replaced live by recap.js (panels); photos: logged-in users only
        [facts, table, photo_strip(desk().store, contest.id, t.code)], id="rk-tps-body"
    )
    return card(f"Hasil TPS {t.code} (KPU {t.code.replace('.', '')})", body, "rk-tps")


def _tabs(contests: list[ContestInfo], chosen: str, region: str | None, valid: Mapping[str, bool]) -> html.Nav:
    links = [
        dcc.Link(
            c.name,
            href=page_href(c.id, region if region and valid.get(c.id) else None),
            className="tab active" if c.id == chosen else "tab",
            id=f"tab-{c.id}",
        )
        for c in contests
    ]
    links.append(
        dcc.Link(
            "Berdampingan",
            href=page_href(BOTH),
            className="tab active" if chosen == BOTH else "tab",
            id=f"tab-{BOTH}",
        )
    )
    return html.Nav(links, className="tabs", **{"aria-label": "Kontestasi"})


def _breadcrumb(contest: ContestInfo, region: str, names: Mapping[str, str]) -> html.Nav:
    items: list[Any] = []
    for i, (code, label, link) in enumerate(crumbs(contest, region, names)):
        if i:
            items.append(html.Span("›", className="rk-sep", **{"aria-hidden": "true"}))
        if link:
            items.append(dcc.Link(label, href=page_href(contest.id, code), className="rk-crumb"))
        else:
            items.append(html.Span(label, className="rk-crumb rk-crumb-out"))
    return html.Nav(items, className="rk-crumbs", id="rk-crumbs", **{"aria-label": "Wilayah"})


def _view_data(
    contest: ContestInfo, t: RegionTotals, children: list[RegionTotals], main: str, shell: bool, series: bool
) -> dict[str, Any]:
    return {
        "contest": contest.id,
        "region": t.code,
        "level": t.level,
        "main": main,
        "scope": contest.scope_code,
        "shell": shell,
        "series": series,
        "paslon": paslon_meta(contest),
        "rows": [c.code for c in children],
        "totals": [c.tps_total for c in children],
        "tps_total": t.tps_total,
        "leader_scale": maps.leader_colorscale(contest.paslon),
        "no_votes": maps.NO_VOTES,
        "share_low": maps.SHARE_LOW,
        "initial": t.as_dict(),
        "rendered_at": now_utc().isoformat(),
    }


def _downloads(contest: str, region: str | None) -> html.Div | None:
    """Links to the CSV of the region shown: its recap per child region, and its TPS results."""
    links = [
        download_link(
            "Unduh CSV",
            export_href("recap", contest=contest, region=region),
            f"rk-download-{contest}",
            "Rekap wilayah ini per wilayah anak, saat diunduh",
        ),
        download_link(
            "Hasil per TPS (CSV)",
            export_href("results", contest=contest, region=region),
            f"rk-download-tps-{contest}",
            "Versi terkini hasil setiap TPS di wilayah ini (format impor tallies)",
        ),
    ]
    shown = [link for link in links if link is not None]
    return html.Div(shown, className="downloads rk-downloads") if shown else None


# ---------------------------------------------------------------- pages


def _resolve_region(contest: ContestInfo, region: str | None) -> tuple[str, str | None]:
    """(region to show, notice) — the contest's main region when none is asked or the asked one is unknown."""
    recap = desk().recap
    main = recap.main_region(contest.id)
    if not region:
        return main, None
    try:
        recap.totals(contest.id, region)
    except KeyError:
        return main, f"Wilayah {region} tidak ada di {contest.name}; ditampilkan {main}."
    return region, None


def _valid_elsewhere(contests: list[ContestInfo], region: str) -> dict[str, bool]:
    recap = desk().recap
    out = {}
    for c in contests:
        try:
            recap.totals(c.id, region)
            out[c.id] = True
        except KeyError:
            out[c.id] = False
    return out


def _single(contests: list[ContestInfo], contest: ContestInfo, asked: str | None) -> html.Div:
    d = desk()
    recap, store, c = d.recap, d.store, contest.id
    region, notice = _resolve_region(contest, asked)
    main = recap.main_region(c)
    t, children = recap.totals(c, region)
    _main_totals, kec = recap.totals(c, main)
    shell = region in (main, contest.scope_code)
    texts = recap_texts(contest, t, results.last_received(store, c))
    names = summary.region_names(store)
    in_region = results.region_results(store, c, region)
    is_tps = t.level == "tps"
    view = _view_data(contest, t, children, main, shell, series=not is_tps)

    headline = html.Div(
        [
            card("Perolehan suara", _paslon_table(contest, texts, shell), "rk-paslon-card"),
            card("Suara per paslon", _bars(contest, t), "rk-bars-card"),
        ],
        className="grid-2",
    )
    the_map = card("Peta kecamatan", _map(contest, kec, region if region_level(region) >= 3 else None), "rk-map-card")
    if is_tps:
        body: list[Any] = [headline, the_map, _tps_detail(contest, t, results.result_versions(store, c, region))]
    else:
        history = maps.share_history(in_region, [p.nomor for p in contest.paslon])
        series = dcc.Graph(
            id=pid("rk-series", c),
            figure=maps.shares_line(contest.paslon, history, height=380),
            config=CHART_CONFIG,
            className="rk-graph rk-series",
        )
        table_title = f"Rincian per {CHILD_NAMES.get(t.level, 'wilayah').lower()} — {region_label(t.code, t.name)}"
        body = [
            headline,
            html.Div([the_map, card("Perolehan (%) dari waktu ke waktu", series)], className="grid-2"),
            card(table_title, _children_table(contest, t, children), "rk-children"),
        ]
    return html.Div(
        [
            html.H1("Rekapitulasi"),
            _tabs(contests, c, region, _valid_elsewhere(contests, region)),
            html.H2(contest.name, id="recap-contest-name", className="rk-title"),
            _breadcrumb(contest, region, names),
            _downloads(c, region),
            html.Div(notice, className="notice notice-error", role="alert") if notice else None,
            _stats(contest, t, texts, shell),
            *body,
            _held_card(contest, held_rows(in_region, names)),
            *_live_stores(view),
        ],
        id="page-rekapitulasi",
        className="rk-page",
        **{"data-contests": c},
    )


def _side_panel(contest: ContestInfo) -> html.Section:
    d = desk()
    c = contest.id
    main = d.recap.main_region(c)
    t, children = d.recap.totals(c, main)
    texts = recap_texts(contest, t, results.last_received(d.store, c))
    view = _view_data(contest, t, [], main, True, series=False)
    return html.Section(
        [
            html.H2(dcc.Link(contest.name, href=page_href(c)), className="card-title rk-side-title"),
            _downloads(c, main),
            _stats(contest, t, texts, True),
            html.Div([_paslon_table(contest, texts, True), _bars(contest, t, 320)], className="rk-side-body"),
            *_live_stores(view),
        ],
        className=f"card rk-side rk-side-{c}",
    )


def layout(contest: str | None = None, region: str | None = None, **_params: str) -> html.Div:
    """The recap of one contest at a region (its main region by default), or every contest side by side."""
    contests = desk().recap.contests()
    if not contests:
        return html.Div(
            [html.H1("Rekapitulasi"), html.P("Belum ada skenario pemilihan yang dimuat.")], id="page-rekapitulasi"
        )
    if contest == BOTH:
        return html.Div(
            [
                html.H1("Rekapitulasi"),
                _tabs(contests, BOTH, None, {}),
                html.Div([_side_panel(c) for c in contests], className="grid-2 rk-both"),
            ],
            id="page-rekapitulasi",
            className="rk-page rk-page-both",
            **{"data-contests": " ".join(c.id for c in contests)},
        )
    chosen = next((c for c in contests if c.id == contest), contests[0])
    region = region.strip() if isinstance(region, str) else None
    return _single(contests, chosen, region)
