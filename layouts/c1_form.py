"""The C1 entry form of the Input page and its pure parts (options, TPS facts, versions, outcome).

Ids start with `c1-`. The TPS is picked kecamatan → desa → TPS (searchable dropdowns); the vote fields follow the
chosen contest; sums and rule checks follow the typing in the browser (assets/c1.js, no round trip); the
submission, confirmation and correction go through data_sources/results (callbacks/c1_form.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import dcc, html

from data_sources import photos, summary
from data_sources.domain.codes import normalize_tps_code
from data_sources.domain.fmt import fmt_int
from data_sources.domain.limits import MAX_REASON
from data_sources.domain.rules import STATUS_REVIEW, ballots_printed
from layouts.common import card
from layouts.forms import choice, field, number, row
from layouts.photo_view import thumbs

FIELD_LABELS = {
    "contest": "Kontestasi",
    "tps": "TPS",
    "votes": "Suara paslon",
    "suara_sah": "Suara sah",
    "suara_tidak_sah": "Suara tidak sah",
    "pengguna_hak_pilih": "Pemilih yang hadir",
    "reason": "Alasan",
    "photo": "Foto C1",
    "correction": "Koreksi",
    "body": "Formulir",
}
STATUS_TEXT = {"dihitung": "Dihitung", "perlu_dicek": "Perlu dicek"}
KIND_TEXT = {"baru": "Baru", "koreksi": "Koreksi", "konfirmasi": "Konfirmasi"}


def field_label(name: str) -> str:
    """The form's name of a field the domain names (votes.3 → Paslon 3)."""
    if name.startswith("votes."):
        return f"Paslon {name.split('.', 1)[1]}"
    return FIELD_LABELS.get(name, name)


# ---------------------------------------------------------------- options


def _prefixed(names: Mapping[str, str], parent: str | None) -> list[dict[str, str]]:
    if not parent:
        return []
    prefix = parent + "."
    return [{"label": name, "value": code} for code, name in names.items() if code.startswith(prefix)]


def kecamatan_options(store: Any) -> list[dict[str, str]]:
    """Every kecamatan as dropdown options."""
    return [{"label": name, "value": code} for code, name in summary.region_names(store, level=3).items()]


def desa_options(store: Any, kecamatan: str | None) -> list[dict[str, str]]:
    """The desa of a kecamatan as dropdown options."""
    return _prefixed(summary.region_names(store, level=4), kecamatan)


def tps_options(store: Any, desa: str | None) -> list[dict[str, Any]]:
    """The TPS of a desa, with their DPT; searchable by number and by either form of the code."""
    if not desa:
        return []
    prefix = desa + "."
    out = []
    for code, dpt in sorted(store.catalog().tps_dpt.items()):
        if code.startswith(prefix):
            number_text = code.rsplit(".", 1)[-1]
            out.append(
                {
                    "label": f"TPS {number_text} · DPT {fmt_int(dpt)}",
                    "value": code,
                    "search": f"TPS {number_text} {code} {code.replace('.', '')}",
                }
            )
    return out


def vote_fields(contest: summary.ContestInfo | None) -> list:
    """One number field per paslon of the contest."""
    if contest is None:
        return []
    return [
        number({"type": "vote", "nomor": p.nomor}, f"Paslon {p.nomor}: {p.kepala} – {p.wakil}") for p in contest.paslon
    ]


def find_contest(store: Any, contest_id: str | None) -> summary.ContestInfo | None:
    """The contest with this id, or None."""
    return next((c for c in summary.contests(store) if c.id == contest_id), None)


# ---------------------------------------------------------------- the chosen TPS


def tps_meta(dpt: int | None, nomors: Sequence[int], versions: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """What the browser's live checks need: DPT, ballots printed, paslon numbers, the current version."""
    current = versions[-1] if versions else None
    return {
        "dpt": dpt,
        "printed": ballots_printed(dpt) if dpt is not None else None,
        "nomors": list(nomors),
        "current": {"version": current["version"], "status": current["status"]} if current else None,
    }


def tps_facts(code: str | None, meta: Mapping[str, Any]) -> list:
    """DPT, ballots printed and where the TPS stands, as text."""
    if not code or meta.get("dpt") is None:
        return [html.P("Pilih kecamatan, desa dan TPS.", className="muted")]
    current = meta.get("current")
    if current is None:
        state = "belum ada hasil"
    else:
        state = f"versi {current['version']}, {STATUS_TEXT.get(current['status'], current['status']).lower()}"
    facts = [
        html.Span(["TPS ", html.Strong(code, id="c1-tps-code")]),
        html.Span(["DPT ", html.Strong(fmt_int(meta["dpt"]), id="c1-dpt")]),
        html.Span(["Surat suara tercetak ", html.Strong(fmt_int(meta["printed"]), id="c1-printed")]),
        html.Span(["Hasil: ", html.Strong(state, id="c1-state")]),
    ]
    out: list[Any] = [html.P(facts, className="c1-facts")]
    if current is not None:
        hint = "Hasil baru untuk TPS ini disimpan sebagai koreksi: isi alasannya."
        if current["status"] == STATUS_REVIEW:
            hint = (
                "Hasil ini perlu dicek: konfirmasi bila angkanya benar, atau perbaiki angkanya (koreksi). Alasan wajib."
            )
        out.append(html.P(hint, className="notice notice-denied", id="c1-review-hint"))
    return out


def versions_table(
    contest: summary.ContestInfo | None,
    versions: Sequence[Mapping[str, Any]],
    tps_photos: Sequence[photos.PhotoInfo] = (),
) -> Any:
    """Every version of the TPS result, newest first, with its photos."""
    if contest is None or not versions:
        return html.P("Belum ada hasil untuk TPS ini.", className="muted")
    by_result: dict[int, list[photos.PhotoInfo]] = {}
    for p in tps_photos:
        by_result.setdefault(p.result_id, []).append(p)
    headers = ["Versi", "Jenis", "Status", *[f"P{p.nomor}" for p in contest.paslon], "Sah", "Tidak sah", "Hadir"]
    headers += ["Catatan", "Oleh", "Alasan", "Foto"]
    body = []
    for v in reversed(versions):
        votes = v.get("votes") or {}
        cells = [
            str(v["version"]),
            KIND_TEXT.get(v.get("kind"), v.get("kind") or "—"),
            STATUS_TEXT.get(v.get("status"), v.get("status") or "—"),
            *[fmt_int(int(votes.get(str(p.nomor), 0))) for p in contest.paslon],
            fmt_int(v.get("suara_sah")),
            fmt_int(v.get("suara_tidak_sah")),
            fmt_int(v.get("pengguna_hak_pilih")),
            "; ".join(str(f.get("message", "")) for f in v.get("flags") or []) or "—",
            v.get("author") or "—",
            v.get("reason") or "—",
        ]
        tds = [html.Td(c) for c in cells] + [html.Td(thumbs(by_result.get(v["id"], [])))]
        body.append(html.Tr(tds, className="c1-version"))
    return html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in headers])), html.Tbody(body)], className="table c1-versions"
    )


# ---------------------------------------------------------------- outcome


def refusal(errors: Mapping[str, str], title: str = "Tidak disimpan:") -> html.Div:
    """A refusal, one line per field, named as the form names it (text shown as text)."""
    items = [html.Li(f"{field_label(name)}: {msg}") for name, msg in errors.items()]
    return html.Div([html.P(title), html.Ul(items)], className="notice notice-error")


def saved_view(result: Mapping[str, Any], same: bool, photo_note: str | None) -> html.Div:
    """What the operator sees once a version is stored (or was already)."""
    status = STATUS_TEXT.get(result.get("status"), result.get("status"))
    head = "Sudah tersimpan sebelumnya" if same else "Tersimpan"
    lines: list[Any] = [html.P(f"{head}: TPS {result.get('tps')} versi {result.get('version')} — {status}.")]
    flags = [html.Li(f["message"]) for f in result.get("flags", [])]
    if flags:
        lines.append(html.Ul(flags))
    if photo_note:
        lines.append(html.P(photo_note))
    return html.Div(lines, className="notice notice-ok")


# ---------------------------------------------------------------- the form


def initial_choice(store: Any, tps: str | None) -> tuple[str | None, str | None, str | None]:
    """(kecamatan, desa, TPS) preselected from `/input?tps=…` when the code is a known TPS."""
    code = normalize_tps_code(tps) if tps else None
    if code is None or code not in store.catalog().tps_dpt:
        return None, None, None
    return code[:8], code[:13], code


def c1_form(store: Any, contests: list[summary.ContestInfo], allowed: bool, tps: str | None = None) -> html.Div:
    """The C1 entry form (hidden, and its callbacks refused, unless the user is an operator or admin)."""
    first = contests[0] if contests else None
    kec, desa, code = initial_choice(store, tps) if allowed else (None, None, None)
    pick = row(
        choice(
            "c1-kecamatan", "Kecamatan", kecamatan_options(store) if allowed else [], "Ketik nama kecamatan", value=kec
        ),
        choice("c1-desa", "Desa/kelurahan", desa_options(store, kec), "Pilih kecamatan dulu", value=desa),
        choice("c1-tps", "TPS", tps_options(store, desa), "Pilih desa dulu", value=code),
    )
    contest = choice(
        "c1-contest",
        "Kontestasi",
        [{"label": c.name, "value": c.id} for c in contests],
        "Pilih kontestasi",
        value=first.id if first else None,
        clearable=False,
    )
    totals = row(
        number("c1-sah", "Suara sah tertulis di C1", "Boleh kosong: dihitung dari suara paslon."),
        number("c1-tidak-sah", "Suara tidak sah"),
        number("c1-hadir", "Pemilih yang hadir (pengguna hak pilih)"),
    )
    live = html.Div(
        [
            html.P(
                [
                    html.Span(["Jumlah suara paslon ", html.Strong("—", id="c1-sum-sah")]),
                    html.Span(["Surat suara terpakai ", html.Strong("—", id="c1-sum-ballots")]),
                    html.Span(["Partisipasi ", html.Strong("—", id="c1-sum-turnout")]),
                ],
                className="c1-facts",
            ),
            html.P("Isi angka C1 untuk melihat pemeriksaan.", id="c1-verdict", className="muted"),
            html.Ul(id="c1-checks", className="c1-checks"),
        ],
        className="c1-live",
        role="status",
        **{"aria-live": "polite"},
    )
    photo = html.Div(
        [
            html.Label("Foto C1 (boleh kosong; JPEG atau PNG, paling besar 5 MB)"),
            dcc.Upload(
                id="c1-photo",
                children=html.Div(["Seret foto ke sini atau ", html.A("pilih berkas")]),
                accept="image/jpeg,image/png",
                multiple=False,
                className="c1-upload",
            ),
            html.Small("Belum ada foto dipilih.", id="c1-photo-note", className="muted"),
            html.Small("Metadata foto (EXIF, lokasi GPS) dibuang sebelum disimpan.", className="muted"),
            dcc.Store(id="c1-photo-data"),
        ],
        className="field",
    )
    reason = field(
        "Alasan (koreksi atau konfirmasi)",
        dcc.Input(id="c1-reason", type="text", maxLength=MAX_REASON),
        "c1-reason",
        "Wajib bila TPS ini sudah punya hasil.",
    )
    buttons = html.Div(
        [
            html.Button("Simpan hasil", id="c1-submit", n_clicks=0, className="button"),
            html.Button("Salin angka versi terakhir", id="c1-fill", n_clicks=0, className="button button-quiet"),
            html.Button("Konfirmasi hasil perlu dicek", id="c1-confirm", n_clicks=0, className="button"),
        ],
        className="form-inline",
    )
    return html.Div(
        [
            row(contest),
            pick,
            html.Div(tps_facts(None, {}), id="c1-tps-info"),
            dcc.Store(id="c1-meta", data={}),
            dcc.Store(id="c1-saved", data=0),
            html.Div(vote_fields(first), id="c1-votes", className="kj-fields"),
            totals,
            live,
            photo,
            reason,
            buttons,
            html.Div(id="c1-outcome", className="outcome", role="status"),
            html.H3("Versi hasil TPS ini"),
            html.Div(versions_table(None, []), id="c1-versions"),
        ],
        className="form c1-form",
        style=None if allowed else {"display": "none"},
    )


def c1_card(store: Any, contests: list[summary.ContestInfo], allowed: bool, tps: str | None = None) -> html.Section:
    """The C1 form in its card."""
    return card("Hasil TPS (formulir C1)", c1_form(store, contests, allowed, tps), "c1-card")
