"""The OpenAPI document of /api/v1: complete, valid, its examples accepted, and schemathesis finds no 5xx."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from datetime import datetime
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from PIL import Image
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import func, select

from dashboard.api import models as api_models
from dashboard.live import presence
from dashboard.recap import engine as recap
from data_sources import accounts, logistics, photos, snapshots, summary
from data_sources.models import AuditEntry, Result

RULE_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def api_rules(app):  # noqa: ANN001, ANN201
    """(path as OpenAPI writes it, method) of every /api/v1 rule of the server."""
    for rule in app.server.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                yield RULE_VARIABLE.sub(r"{\1}", rule.rule), method.lower()


SCHEMALESS = {("/api/v1/openapi.json", "get")}  # the document itself


@pytest.fixture
def document(client_as) -> dict:  # noqa: ANN001
    response = client_as("viewer").get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def closed(node: Any) -> Any:
    """A copy of a schema in which every object listing its properties allows no other key."""
    if isinstance(node, list):
        return [closed(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: closed(value) for key, value in node.items()}
    if isinstance(out.get("properties"), dict) and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


@pytest.fixture
def conforms(document):  # noqa: ANN001, ANN201
    """check(response, path, method, status): the answer has that status, is documented with a schema for it, and
    its body validates against the document (schemathesis' response_schema_conformance: $refs resolved, formats
    checked) and against the same document with every object closed (no undocumented key). Returns the body."""
    schemas = [schemathesis.openapi.from_dict(document), schemathesis.openapi.from_dict(closed(document))]

    def check(response, path: str, method: str, status: int) -> Any:  # noqa: ANN001
        assert response.status_code == status, (method, path, response.get_data(as_text=True)[:500])
        documented = document["paths"][path][method]["responses"][str(status)]
        assert documented["content"]["application/json"]["schema"], (method, path, status)
        for schema in schemas:
            schema[path][method.upper()].validate_response(response)
        return response.get_json()

    return check


def test_every_api_route_is_in_the_document(app, document) -> None:  # noqa: ANN001
    routes = set(api_rules(app))
    described = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert routes and routes == described
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            assert not op.get("x-undocumented"), (method, path)
            assert op["summary"] and op["responses"], (method, path)
            assert {"401", "403"} <= set(op["responses"]), (method, path)


def test_the_document_is_valid_openapi_with_both_security_schemes(document) -> None:  # noqa: ANN001
    validate(document)
    assert document["openapi"].startswith("3.")
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert schemes["sessionCookie"]["in"] == "cookie" and schemes["sessionCookie"]["name"] == "session"
    assert document["security"] == [{"bearerAuth": []}, {"sessionCookie": []}]


def test_every_json_success_answer_has_a_schema(document) -> None:  # noqa: ANN001
    """Every 2xx answer of every /api/v1 operation (but the document itself and the CSV exports) is JSON with a
    schema that resolves."""
    schemas = document["components"]["schemas"]
    checked = set()
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            if (path, method) in SCHEMALESS:
                continue
            for status, answer in op["responses"].items():
                if not status.startswith("2") or status == "204":
                    continue
                content = answer.get("content", {})
                if path.startswith("/api/v1/export/"):  # files: CSV text, described as such
                    assert list(content) == ["text/csv"], (method, path, status)
                    assert content["text/csv"]["schema"] == {"type": "string"}, (method, path, status)
                    continue
                schema = content.get("application/json", {}).get("schema")
                assert schema, (method, path, status)
                assert schema["$ref"].removeprefix("#/components/schemas/") in schemas, (method, path, status)
                checked.add((method, path, status))
    refs = re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(document))
    assert set(refs) <= set(schemas)
    assert {
        ("get", "/api/v1/view", "200"),
        ("post", "/api/v1/view", "200"),
        ("post", "/api/v1/view/live", "200"),
        ("post", "/api/v1/presenter", "200"),
        ("post", "/api/v1/snapshots", "201"),
        ("get", "/api/v1/snapshots", "200"),
        ("get", "/api/v1/snapshots/{snapshot_id}", "200"),
        ("post", "/api/v1/tallies/{contest}/{tps}/photo", "201"),
        ("post", "/api/v1/tallies/{contest}/{tps}/photo", "200"),
    } <= checked


def test_response_models_follow_their_dataclasses() -> None:
    """Models of dataclass payloads have the dataclass's fields (less the omitted, plus what the payload adds)."""
    mirrored = [
        (api_models.RegionTotals, recap.RegionTotals, {"nomor"}, {"shares", "leader", "margin", "margin_share"}),
        (api_models.PaslonOut, summary.PaslonInfo, set(), set()),
        (api_models.LogisticsLine, logistics.LogisticsRow, set(), set()),
        (api_models.SnapshotOut, snapshots.SnapshotInfo, set(), {"label"}),
        (api_models.PhotoOut, photos.PhotoInfo, set(), {"url", "thumb_url"}),
        (api_models.PresenterOut, presence.Person, set(), set()),
        (api_models.ViewOut, presence.View, set(), {"target"}),
    ]
    for model, source, omitted, added in mirrored:
        own = [f.name for f in dataclasses.fields(source) if f.name not in omitted]
        assert list(model.model_fields)[: len(own)] == own, model.__name__
        assert added <= set(model.model_fields) - set(own), model.__name__
        assert all(info.is_required() for info in model.model_fields.values()), model.__name__
    with pytest.raises(TypeError, match="kolom tidak cocok"):
        api_models.dataclass_model("Stale", presence.Person, "A stale description.", {"nama": "Nama"})


def test_the_tally_operation_documents_every_answer_and_examples(document) -> None:  # noqa: ANN001
    op = document["paths"]["/api/v1/tallies"]["post"]
    assert {"200", "201", "401", "403", "409", "413", "422"} <= set(op["responses"])
    assert [p["name"] for p in op["parameters"]] == ["Idempotency-Key"]
    body = op["requestBody"]["content"]["application/json"]
    assert {"baru", "kode_kpu", "koreksi"} <= set(body["examples"])
    tally = document["components"]["schemas"]["TallyIn"]
    assert set(tally["required"]) == {"contest", "tps", "votes", "suara_tidak_sah"}
    assert tally["additionalProperties"] is False
    assert op["x-roles"] == ["admin", "operator", "reporter"]


def test_the_document_needs_a_login_or_token(app, client_as) -> None:  # noqa: ANN001
    assert client_as(None).get("/api/v1/openapi.json").status_code == 401
    secret, _ = accounts.create_token(app.server.extensions["desk"].store, "hp", "reporter", "uji")
    reporter = app.server.test_client().get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {secret}"})
    assert reporter.status_code == 200 and "/api/v1/tallies" in reporter.get_json()["paths"]


def test_the_documented_request_examples_are_accepted(app, client_as, document) -> None:  # noqa: ANN001
    """Every request example in the document, sent by an operator to a fresh desk, is accepted (2xx)."""
    operator = client_as("operator")
    sent = 0
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            examples = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("examples", {})
            for name, example in examples.items():
                url = path.replace("{incident_id}", "1").replace("{kecamatan}", "16.07.10").replace("{item}", "tinta")
                response = operator.open(url, method=method.upper(), json=example["value"])
                assert response.status_code < 300, (method, path, name, response.get_json())
                sent += 1
    assert sent >= 6


def test_real_answers_match_the_documented_models(client_as) -> None:  # noqa: ANN001
    """Answers with real data (a stored result, an incident, a logistics line) fit the documented schemas."""
    from dashboard.api import models as m

    operator = client_as("operator")
    votes = {"1": 40, "2": 30, "3": 20, "4": 10, "5": 5}
    tally = {"contest": "pilbup-banyuasin", "tps": "16.07.10.1002.001", "votes": votes, "suara_tidak_sah": 1}
    m.TallyAnswer.model_validate(operator.post("/api/v1/tallies", json=tally).get_json())
    incident = {
        "kecamatan": "16.07.10",
        "stage": "kampanye",
        "category": "keamanan",
        "severity": "sedang",
        "description": "Spanduk dirusak",
    }
    created = m.IncidentOut.model_validate(operator.post("/api/v1/incidents", json=incident).get_json())
    m.IncidentOut.model_validate(operator.get(f"/api/v1/incidents/{created.id}").get_json())
    m.IncidentList.model_validate(operator.get("/api/v1/incidents").get_json())
    m.LogisticsLine.model_validate(
        operator.put("/api/v1/logistics/16.07.10/tinta", json={"received": 3, "status": "dalam-perjalanan"}).get_json()
    )
    m.LogisticsBoard.model_validate(operator.get("/api/v1/logistics").get_json())
    for region in ("16.07", "16.07.10", "16.07.10.1002"):
        recap = m.RecapOut.model_validate(operator.get(f"/api/v1/recap/pilbup-banyuasin?region={region}").get_json())
        assert recap.children
    live = m.LiveOut.model_validate(operator.get("/api/v1/live").get_json())
    assert {msg.event for msg in live.messages} >= {"recap"}


def test_every_answer_of_the_older_routes_is_exactly_as_documented(client_as, conforms) -> None:  # noqa: ANN001
    """Tallies, incidents, logistics, recap and live answers validate against the document, with no extra key."""
    operator = client_as("operator")
    votes = {"1": 40, "2": 30, "3": 20, "4": 10, "5": 5}
    tally = {"contest": "pilbup-banyuasin", "tps": "16.07.10.1002.001", "votes": votes, "suara_tidak_sah": 1}
    conforms(operator.post("/api/v1/tallies", json=tally), "/api/v1/tallies", "post", 201)
    conforms(operator.post("/api/v1/tallies", json=tally), "/api/v1/tallies", "post", 200)
    incident = {"kecamatan": "16.07.10", "stage": "kampanye", "category": "keamanan", "severity": "sedang"}
    created = operator.post("/api/v1/incidents", json={**incident, "description": "Spanduk dirusak"})
    number = conforms(created, "/api/v1/incidents", "post", 201)["id"]
    patched = operator.patch(f"/api/v1/incidents/{number}", json={"status": "diverifikasi", "note": "dicek"})
    conforms(patched, "/api/v1/incidents/{incident_id}", "patch", 200)
    conforms(operator.get(f"/api/v1/incidents/{number}"), "/api/v1/incidents/{incident_id}", "get", 200)
    conforms(operator.get("/api/v1/incidents"), "/api/v1/incidents", "get", 200)
    put = operator.put("/api/v1/logistics/16.07.10/tinta", json={"received": 3, "status": "dalam-perjalanan"})
    assert "state" not in conforms(put, "/api/v1/logistics/{kecamatan}/{item}", "put", 200)
    board = conforms(operator.get("/api/v1/logistics"), "/api/v1/logistics", "get", 200)
    assert {line["state"] for line in board["lines"]} and board["cutoff"] is not None
    for region in ("16.07", "16.07.10", "16.07.10.1002", "16.07.10.1002.001"):
        conforms(operator.get(f"/api/v1/recap/pilbup-banyuasin?region={region}"), "/api/v1/recap/{contest}", "get", 200)
    conforms(operator.get("/api/v1/live"), "/api/v1/live", "get", 200)


def test_the_conformance_check_refuses_a_wrong_or_extra_key(client_as, conforms) -> None:  # noqa: ANN001
    """The check itself bites: a missing nullable field, a wrong type and an undocumented key all fail."""
    response = client_as("viewer").get("/api/v1/view")
    state = conforms(response, "/api/v1/view", "get", 200)
    for wrong in (
        {k: v for k, v in state.items() if k != "updated_at"},
        {**state, "presenter": "operator"},
        {**state, "view": {**state["view"], "slide": "0"}},
        {**state, "view": {**state["view"], "frozen": {"id": 1}}},
        {**state, "tambahan": 1},
    ):
        response.set_data(json.dumps(wrong))
        with pytest.raises((Failure, FailureGroup)):
            conforms(response, "/api/v1/view", "get", 200)


def test_presenter_answers_match_their_schemas(client_as, conforms) -> None:  # noqa: ANN001
    """GET/POST /view, /presenter and /view/live answers (and their 409 refusals) validate against the document."""
    viewer, operator, admin = client_as("viewer"), client_as("operator"), client_as("admin")

    def act(client, status: int, **body: Any) -> Any:  # noqa: ANN001
        return conforms(client.post("/api/v1/presenter", json=body), "/api/v1/presenter", "post", status)

    start = conforms(viewer.get("/api/v1/view"), "/api/v1/view", "get", 200)
    assert start["presenter"] is None and start["updated_at"] is None and start["view"]["frozen"] is None

    refused = conforms(operator.post("/api/v1/view", json={"path": "/kejadian"}), "/api/v1/view", "post", 409)
    assert refused["state"]["version"] == start["version"] and "presenter" in refused["errors"]
    taken = act(operator, 200, action="take")
    assert taken["presenter"]["name"] == "operator" and taken["updated_at"] is not None
    again = act(operator, 200, action="take")
    assert again["version"] == taken["version"]
    busy = act(admin, 409, action="take")
    assert busy["state"]["presenter"]["name"] == "operator"

    view = {"path": "/rekapitulasi/", "search": "?contest=pilbup-banyuasin&token=rahasia", "slide": 2}
    moved = conforms(operator.post("/api/v1/view", json=view), "/api/v1/view", "post", 200)
    assert moved["view"]["search"] == "?contest=pilbup-banyuasin" and moved["view"]["slide"] == 2
    assert moved["view"]["target"] == "/rekapitulasi?contest=pilbup-banyuasin"
    live = conforms(operator.post("/api/v1/view/live"), "/api/v1/view/live", "post", 200)
    assert live["version"] == moved["version"]  # not frozen: nothing changes
    not_mirrored = conforms(operator.post("/api/v1/view", json={"path": "/admin"}), "/api/v1/view", "post", 422)
    assert not_mirrored["state"]["version"] == moved["version"]  # refused by a presenter rule: with the state
    assert "state" not in conforms(operator.post("/api/v1/view", json={"slide": "2"}), "/api/v1/view", "post", 422)
    assert "state" in act(operator, 422, action="handover", to="viewer")  # a viewer cannot present
    assert "state" not in act(operator, 422, action="handover", to="tidak-ada")
    conforms(admin.post("/api/v1/view/live"), "/api/v1/view/live", "post", 409)

    handed = act(operator, 200, action="handover", to="admin")
    assert handed["presenter"] == {**handed["presenter"], "name": "admin", "role": "admin"}
    takeover = act(operator, 403, action="takeover")  # only an admin takes over
    assert takeover["state"]["presenter"]["name"] == "admin"
    released = act(admin, 200, action="release")
    assert released["presenter"] is None
    assert conforms(viewer.get("/api/v1/view"), "/api/v1/view", "get", 200) == released


def moment(text: str) -> datetime:
    """An ISO 8601 time as a moment (offsets may differ: POST answers in the caller's, GET in UTC)."""
    return datetime.fromisoformat(text)


def test_snapshot_answers_match_their_schemas(client_as, conforms) -> None:  # noqa: ANN001
    """POST/GET /snapshots, GET /snapshots/{id} and the frozen view validate against the document."""
    viewer, operator = client_as("viewer"), client_as("operator")
    conforms(operator.post("/api/v1/snapshots", json={}), "/api/v1/snapshots", "post", 409)
    conforms(operator.post("/api/v1/presenter", json={"action": "take"}), "/api/v1/presenter", "post", 200)

    early = {"as_of": "2024-11-26T10:00:00+07:00", "note": ""}
    first = conforms(operator.post("/api/v1/snapshots", json=early), "/api/v1/snapshots", "post", 201)
    assert moment(first["snapshot"]["as_of"]) == moment(early["as_of"]) and first["snapshot"]["note"] == ""
    now = conforms(operator.post("/api/v1/snapshots", json={"note": "vicon"}), "/api/v1/snapshots", "post", 201)
    frozen = now["state"]["view"]["frozen"]
    assert frozen == {k: now["snapshot"][k] for k in ("id", "as_of", "label")}
    assert conforms(viewer.get("/api/v1/view"), "/api/v1/view", "get", 200)["view"]["frozen"] == frozen

    listed = conforms(viewer.get("/api/v1/snapshots"), "/api/v1/snapshots", "get", 200)
    assert [s["id"] for s in listed["snapshots"]] == [now["snapshot"]["id"], first["snapshot"]["id"]]
    detail_path = "/api/v1/snapshots/{snapshot_id}"
    before = conforms(viewer.get(f"/api/v1/snapshots/{first['snapshot']['id']}"), detail_path, "get", 200)
    assert before["contests"] and all(t["leader"] is None for t in before["contests"].values())
    latest = conforms(viewer.get(f"/api/v1/snapshots/{now['snapshot']['id']}"), detail_path, "get", 200)
    assert latest["snapshot"] == now["snapshot"] and set(latest["contests"]) == set(before["contests"])
    conforms(viewer.get("/api/v1/snapshots/999"), detail_path, "get", 404)

    live = conforms(operator.post("/api/v1/view/live"), "/api/v1/view/live", "post", 200)
    assert live["view"]["frozen"] is None


def small_png() -> bytes:
    """A tiny PNG image."""
    out = io.BytesIO()
    Image.new("RGB", (24, 16), (20, 120, 60)).save(out, "PNG")
    return out.getvalue()


def test_photo_answers_match_their_schema(app, client_as, conforms) -> None:  # noqa: ANN001
    """A new C1 photo (201, operator) and the same one again (200, reporter token) validate against the document."""
    operator = client_as("operator")
    tps = "16.07.10.2001.002"
    votes = {"1": 40, "2": 35, "3": 30, "4": 25, "5": 20}
    tally = {"contest": "pilbup-banyuasin", "tps": tps, "votes": votes, "suara_tidak_sah": 4}
    conforms(operator.post("/api/v1/tallies", json=tally), "/api/v1/tallies", "post", 201)
    path, url = "/api/v1/tallies/{contest}/{tps}/photo", f"/api/v1/tallies/pilbup-banyuasin/{tps}/photo"

    def upload(client, **kwargs: Any):  # noqa: ANN001, ANN202
        body = {"photo": (io.BytesIO(small_png()), "c1.png")}
        return client.post(url, data=body, content_type="multipart/form-data", **kwargs)

    created = conforms(upload(operator), path, "post", 201)
    assert created["status"] == "created" and created["photo"]["media_type"] == "image/png"
    assert created["photo"]["tps"] == tps and created["photo"]["url"] == f"/photos/{created['photo']['id']}"
    secret, _ = accounts.create_token(app.server.extensions["desk"].store, "hp", "reporter", "uji", region="16.07.10")
    reporter = app.server.test_client()
    same = conforms(upload(reporter, headers={"Authorization": f"Bearer {secret}"}), path, "post", 200)
    assert same == {**created, "status": "same"}


# ---------------------------------------------------------------- schemathesis

MAX_EXAMPLES = 25


def counts(store) -> tuple[int, int]:  # noqa: ANN001
    with store.reader() as s:
        return s.scalar(select(func.count()).select_from(Result)), s.scalar(
            select(func.count()).select_from(AuditEntry)
        )


def fuzz(app, operation, auth: dict, failures: list[str]) -> None:  # noqa: ANN001
    """Send generated requests to one operation: valid ones must be answered as documented (status, content type,
    response schema), invalid ones without a server error. Records the failing request (after shrinking)."""
    for mode in schemathesis.GenerationMode:
        checks = [not_a_server_error]
        if mode == schemathesis.GenerationMode.POSITIVE:
            checks += [status_code_conformance, content_type_conformance, response_schema_conformance]
        try:
            sender(app, operation, mode, checks, auth)()
        except (Exception, FailureGroup) as exc:  # noqa: BLE001 - the failing request is what the report needs
            failures.append(f"{operation.label} ({mode.value}): {str(exc)[:1500]}")


# Schemathesis calls the app in-process (WSGI), where nothing decodes a compressed answer as an HTTP client does.
PLAIN = {"Accept-Encoding": "identity"}


def sender(app, operation, mode, checks: list, auth: dict):  # noqa: ANN001, ANN201
    """A hypothesis test sending MAX_EXAMPLES generated requests of one mode and running the checks on each."""

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case) -> None:  # noqa: ANN001
        case.call_and_validate(app=app.server, checks=checks, **auth)

    return run


@pytest.mark.parametrize("who", ["reporter", "operator"])
def test_schemathesis_finds_no_server_error(app, client_as, document, who: str) -> None:  # noqa: ANN001
    """Generated requests, valid and invalid, for every operation: never a 5xx (and never an exception)."""
    desk = app.server.extensions["desk"]
    schema = schemathesis.openapi.from_dict(document)
    if who == "reporter":
        secret, _ = accounts.create_token(desk.store, "hp", "reporter", "uji", region="16.07.10")
        auth = {"headers": {"Authorization": f"Bearer {secret}", **PLAIN}}
    else:
        session = client_as("operator").get_cookie("session").value
        auth = {"cookies": {"session": session}, "headers": PLAIN}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == len(list(api_rules(app)))
    failures: list[str] = []
    for operation in operations:
        fuzz(app, operation, auth, failures)
    assert failures == []
    assert client_as("viewer").get("/healthz").get_json() == {"status": "ok"}
