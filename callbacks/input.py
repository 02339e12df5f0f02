"""Input: render the vote fields of the chosen contest and submit a C1 through the ingest path."""

from __future__ import annotations

from typing import Any

from dash import ALL, Dash, Input, Output, State, html, no_update
from flask_login import current_user

from data_sources import results, summary
from layouts.common import desk, has_role
from layouts.input import vote_fields


def outcome_view(outcome: results.Outcome) -> html.Div:
    """What the operator sees after pressing Simpan."""
    if outcome.status == results.CREATED:
        r = outcome.result or {}
        flags = [html.Li(f["message"]) for f in r.get("flags", [])]
        status = "Perlu dicek" if r.get("status") == "perlu_dicek" else "Dihitung"
        return html.Div(
            [html.P(f"Tersimpan: TPS {r.get('tps')} versi {r.get('version')} — {status}."), html.Ul(flags)],
            className="notice notice-ok",
        )
    if outcome.status == results.SAME:
        return html.Div(f"Sudah tersimpan sebelumnya: {outcome.message}.", className="notice notice-ok")
    problems = [html.Li(f"{field}: {msg}") for field, msg in outcome.errors.items()]
    return html.Div([html.P(outcome.message or "Tidak disimpan:"), html.Ul(problems)], className="notice notice-error")


def submit_c1(
    contest: str | None, tps: str | None, nomors: list[dict], votes: list[Any], tidak_sah: Any, hadir: Any
) -> results.Outcome:
    """Send the form's numbers through the same path as the API."""
    payload = {
        "contest": contest,
        "tps": (tps or "").strip(),
        "votes": {str(n["nomor"]): v for n, v in zip(nomors, votes, strict=True)},
        "suara_tidak_sah": tidak_sah,
    }
    if hadir is not None:
        payload["pengguna_hak_pilih"] = hadir
    return results.submit_result(desk().store, payload, current_user.actor, source="input")


def register(app: Dash) -> None:
    """Register the Input page's callbacks."""

    @app.callback(Output("c1-votes", "children"), Input("c1-contest", "value"), prevent_initial_call=True)
    def _fields(contest_id: str | None) -> list:
        chosen = next((c for c in summary.contests(desk().store) if c.id == contest_id), None)
        return vote_fields(chosen)

    @app.callback(
        Output("c1-outcome", "children"),
        Input("c1-submit", "n_clicks"),
        State("c1-contest", "value"),
        State("c1-tps", "value"),
        State({"type": "vote", "nomor": ALL}, "id"),
        State({"type": "vote", "nomor": ALL}, "value"),
        State("c1-tidak-sah", "value"),
        State("c1-hadir", "value"),
        prevent_initial_call=True,
    )
    def _submit(n_clicks: int, contest, tps, ids, votes, tidak_sah, hadir):  # noqa: ANN001, ANN202
        if not n_clicks:
            return no_update
        if not has_role("admin", "operator"):
            return html.Div("Hanya operator atau admin yang boleh menyimpan hasil.", className="notice notice-error")
        outcome = submit_c1(contest, tps, ids, votes, tidak_sah, hadir)
        if outcome.changed:
            desk().changed("result", outcome.result)
        return outcome_view(outcome)
