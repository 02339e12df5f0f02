"""HTTP routes that pages fetch for parts rendered by their layout functions (not API: Dash components as JSON)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from plotly.io.json import to_json_plotly

from dashboard.auth import roles_required
from layouts.rekapitulasi import panels

bp = Blueprint("pages", __name__)
PANELS_PATH = "/rekapitulasi/_panels"


@bp.route(PANELS_PATH, methods=["GET"])
@roles_required("admin", "operator", "viewer", "display")
def rekap_panels() -> Response | tuple[Response, int]:
    """GET ?contest=…&region=…: Rekapitulasi's flagged list and TPS versions as Dash components (JSON)."""
    try:
        body = panels(request.args.get("contest", ""), request.args.get("region", ""))
    except KeyError:
        return jsonify({"error": "tidak ditemukan", "errors": {"region": "kontestasi atau wilayah tidak dikenal"}}), 404
    return Response(to_json_plotly(body), mimetype="application/json", headers={"Cache-Control": "no-store"})
