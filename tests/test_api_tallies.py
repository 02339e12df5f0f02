"""POST /api/v1/tallies exactly as DESIGN §4: 201, 200 same again, 409, 422 per field, 401/403, Idempotency-Key,
both TPS code forms, corrections with a reason, reporter tokens limited to a region."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from data_sources import accounts, results
from data_sources.models import AuditEntry, Result

URL = "/api/v1/tallies"
TPS = "16.07.10.1002.001"  # Talang Kelapa, DPT 300
KPU = "1607101002001"
OUTSIDE = "16.07.01.1016.001"  # another kecamatan, DPT 231
TALANG_KELAPA = "16.07.10"


def tally(tps: str = TPS, **changes) -> dict:  # noqa: ANN003
    """A consistent Pilbup result (about 60 % turnout of a 300-voter TPS)."""
    data = {
        "contest": "pilbup-banyuasin",
        "tps": tps,
        "votes": {"1": 80, "2": 50, "3": 20, "4": 20, "5": 10},
        "suara_tidak_sah": 4,
        "suara_sah": 180,
        "pengguna_hak_pilih": 184,
        "submitted_at": "2024-11-27T14:05:00+07:00",
    }
    data.update(changes)
    return data


def stored(desk) -> tuple[int, int]:  # noqa: ANN001
    """Result versions and audit rows in the store."""
    with desk.store.reader() as s:
        return (
            s.scalar(select(func.count()).select_from(Result)),
            s.scalar(select(func.count()).select_from(AuditEntry)),
        )


@pytest.fixture
def desk(app):  # noqa: ANN001
    return app.server.extensions["desk"]


def bearer(app, desk, role: str = "reporter", region: str | None = None):  # noqa: ANN001, ANN201
    """A test client carrying a fresh token of this role (and region)."""
    secret, _ = accounts.create_token(desk.store, f"{role}-{region}", role, "uji", region=region)
    client = app.server.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def test_new_result_201_then_same_again_200_stored_once(app, desk) -> None:  # noqa: ANN001
    reporter = bearer(app, desk)
    before = stored(desk)
    first = reporter.post(URL, json=tally())
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["status"] == "created"
    assert body["result"]["tps"] == TPS and body["result"]["version"] == 1 and body["result"]["kind"] == "baru"
    assert body["result"]["author"] == "token:reporter-None" and body["result"]["source"] == "api"
    assert body["result"]["submitted_at"].startswith("2024-11-27T")
    again = reporter.post(URL, json=tally())
    assert again.status_code == 200 and again.get_json()["status"] == "same"
    assert again.get_json()["result"]["id"] == body["result"]["id"]
    assert stored(desk) == (before[0] + 1, before[1] + 1)  # one version, one audit row


@pytest.mark.parametrize("code", [KPU, int(KPU), TPS], ids=["kpu-text", "kpu-number", "dotted"])
def test_both_tps_code_forms_name_the_same_tps(app, desk, code) -> None:  # noqa: ANN001
    operator = bearer(app, desk)
    response = operator.post(URL, json=tally(tps=code))
    assert response.status_code == 201 and response.get_json()["result"]["tps"] == TPS
    dotted_again = operator.post(URL, json=tally(tps=TPS))
    assert dotted_again.status_code == 200


def test_different_numbers_409_nothing_stored(app, desk) -> None:  # noqa: ANN001
    reporter = bearer(app, desk)
    assert reporter.post(URL, json=tally()).status_code == 201
    before = stored(desk)
    response = reporter.post(URL, json=tally(votes={"1": 81, "2": 50, "3": 20, "4": 20, "5": 10}))
    assert response.status_code == 409
    body = response.get_json()
    assert body["status"] == "conflict" and "koreksi" in body["message"] and body["result"]["version"] == 1
    assert stored(desk) == before


def test_correction_with_reason_by_operator_is_a_new_version(app, desk, client_as) -> None:  # noqa: ANN001
    assert bearer(app, desk).post(URL, json=tally()).status_code == 201
    operator = client_as("operator")
    fixed = tally(votes={"1": 81, "2": 50, "3": 20, "4": 20, "5": 10}, suara_sah=181, pengguna_hak_pilih=185)
    no_reason = operator.post(URL, json={**fixed, "correction": True})
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]
    response = operator.post(URL, json={**fixed, "correction": True, "reason": "salah baca C1, dicek ke foto"})
    assert response.status_code == 201, response.get_json()
    result = response.get_json()["result"]
    assert (result["version"], result["kind"], result["author"]) == (2, "koreksi", "operator")
    assert result["reason"] == "salah baca C1, dicek ke foto"
    assert [v["version"] for v in results.result_versions(desk.store, "pilbup-banyuasin", TPS)] == [1, 2]


def test_a_reporter_token_may_not_correct(app, desk) -> None:  # noqa: ANN001
    reporter = bearer(app, desk)
    assert reporter.post(URL, json=tally()).status_code == 201
    before = stored(desk)
    fixed = tally(votes={"1": 81, "2": 50, "3": 20, "4": 20, "5": 10}, correction=True, reason="saya yakin")
    response = reporter.post(URL, json=fixed)
    assert response.status_code == 403 and "mengoreksi" in response.get_json()["message"]
    assert stored(desk) == before


def test_idempotency_key_returns_the_first_answer_and_refuses_other_data(app, desk) -> None:  # noqa: ANN001
    reporter = bearer(app, desk)
    headers = {"Idempotency-Key": "hp-01/2024-11-27/001"}
    assert reporter.post(URL, json=tally(), headers=headers).status_code == 201
    before = stored(desk)
    replay = reporter.post(URL, json=tally(), headers=headers)
    assert replay.status_code == 200 and replay.get_json()["result"]["version"] == 1
    other_data = tally(votes={"1": 40, "2": 30, "3": 20, "4": 10, "5": 5}, suara_sah=None, pengguna_hak_pilih=None)
    other = reporter.post(URL, json=other_data, headers=headers)
    assert other.status_code == 409 and "Idempotency-Key" in other.get_json()["message"]
    too_long = reporter.post(URL, json=tally(), headers={"Idempotency-Key": "k" * 201})
    assert too_long.status_code == 422 and "Idempotency-Key" in too_long.get_json()["errors"]
    assert stored(desk) == before


def test_every_bad_field_is_named_at_once_and_nothing_stored(app, desk) -> None:  # noqa: ANN001
    reporter = bearer(app, desk)
    before = stored(desk)
    bad = {"tps": "TPS 3", "votes": {"1": -5, "2": "banyak"}, "suara_tidak_sah": 1.5, "warna": "merah"}
    response = reporter.post(URL, json=bad)
    assert response.status_code == 422
    body = response.get_json()
    assert body["status"] == "rejected"
    errors = body["errors"]
    assert {"contest", "tps", "votes.1", "votes.2", "suara_tidak_sah", "warna"} <= set(errors), errors
    assert errors["contest"] == "wajib diisi" and errors["votes.1"] == "tidak boleh negatif"
    assert errors["warna"] == "kolom tidak dikenal"
    assert "16.07.08.2001.003" in errors["tps"]
    assert stored(desk) == before
    malformed = reporter.post(URL, data="{", content_type="application/json")
    assert malformed.status_code == 422 and malformed.get_json()["status"] == "rejected"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"contest": "pilwalkot-x"}, "contest"),
        ({"tps": "16.07.10.1002.999"}, "tps"),
        ({"votes": {"1": 80, "2": 50, "3": 20, "4": 20, "5": 10, "6": 1}}, "votes.6"),
        ({"votes": {"1": 80, "2": 50}}, "votes.3"),
        ({"votes": {"1": 300, "2": 50, "3": 20, "4": 20, "5": 10}}, "suara_tidak_sah"),
        ({"submitted_at": "2024-11-27T14:05:00"}, "submitted_at"),
    ],
    ids=["unknown-contest", "unknown-tps", "unknown-paslon", "missing-paslon", "too-many-ballots", "no-zone"],
)
def test_domain_rejections_are_422_naming_the_field(app, desk, changes: dict, field: str) -> None:  # noqa: ANN001
    reporter = bearer(app, desk)
    before = stored(desk)
    response = reporter.post(URL, json=tally(**changes))
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]
    assert stored(desk) == before


def test_who_may_post(app, desk, client_as) -> None:  # noqa: ANN001
    assert client_as(None).post(URL, json=tally()).status_code == 401
    wrong = app.server.test_client().post(URL, json=tally(), headers={"Authorization": "Bearer dp_salah"})
    assert wrong.status_code == 401
    assert client_as("viewer").post(URL, json=tally()).status_code == 403
    assert bearer(app, desk, "display").post(URL, json=tally()).status_code == 403
    assert client_as("admin").post(URL, json=tally()).status_code == 201


def test_a_reporter_token_limited_to_a_region_gets_403_outside(app, desk) -> None:  # noqa: ANN001
    scoped = bearer(app, desk, region=TALANG_KELAPA)
    assert scoped.post(URL, json=tally()).status_code == 201
    before = stored(desk)
    outside = tally(tps=OUTSIDE, votes={"1": 80, "2": 50, "3": 20, "4": 20, "5": 10})
    response = scoped.post(URL, json=outside)
    assert response.status_code == 403
    assert TALANG_KELAPA in response.get_json()["message"]
    assert stored(desk) == before
    assert bearer(app, desk).post(URL, json=outside).status_code == 201  # an unlimited token may


def test_a_held_result_is_stored_but_flagged(app, desk) -> None:  # noqa: ANN001
    response = bearer(app, desk).post(URL, json=tally(suara_sah=170))
    assert response.status_code == 201
    result = response.get_json()["result"]
    assert result["status"] == "perlu_dicek" and result["flags"][0]["code"] == "sah_tidak_cocok"
