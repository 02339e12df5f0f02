"""The OpenAPI document of /api/v1: complete, valid, its examples accepted, and schemathesis finds no 5xx."""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import func, select

from data_sources import accounts
from data_sources.models import AuditEntry, Result

RULE_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def api_rules(app):  # noqa: ANN001, ANN201
    """(path as OpenAPI writes it, method) of every /api/v1 rule of the server."""
    for rule in app.server.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                yield RULE_VARIABLE.sub(r"{\1}", rule.rule), method.lower()


@pytest.fixture
def document(client_as) -> dict:  # noqa: ANN001
    response = client_as("viewer").get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


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
    from dashboard import api_models as m

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
        except Exception as exc:  # noqa: BLE001 - the failing request is what the report needs
            failures.append(f"{operation.label} ({mode.value}): {str(exc)[:1500]}")


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
        auth = {"headers": {"Authorization": f"Bearer {secret}"}}
    else:
        session = client_as("operator").get_cookie("session").value
        auth = {"cookies": {"session": session}}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == len(list(api_rules(app)))
    failures: list[str] = []
    for operation in operations:
        fuzz(app, operation, auth, failures)
    assert failures == []
    assert client_as("viewer").get("/healthz").get_json() == {"status": "ok"}
