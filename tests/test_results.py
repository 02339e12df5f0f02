"""The ingest path on SQLite and PostgreSQL: versions, idempotency, conflicts, corrections, audit."""

from __future__ import annotations

import threading

import pytest

from data_sources import results
from data_sources.domain.actors import Actor
from data_sources.summary import tps_dpt as dpt_of
from tests.oracle import contest_totals

OPERATOR = Actor("operator1", "operator")
REPORTER = Actor("token:hp-01", "reporter")
TPS = "16.07.10.1002.001"


@pytest.fixture
def dpt(demo_store) -> int:  # noqa: ANN001
    return dpt_of(demo_store)[TPS]


def payload(dpt: int, **changes) -> dict:  # noqa: ANN003
    """A consistent result at about 70 % turnout for the five Pilbup paslon."""
    valid = int(dpt * 0.68)
    votes = {"1": valid - 4 * (valid // 6), "2": valid // 6, "3": valid // 6, "4": valid // 6, "5": valid // 6}
    data = {
        "contest": "pilbup-banyuasin",
        "tps": TPS,
        "votes": votes,
        "suara_tidak_sah": 3,
        "suara_sah": valid,
        "pengguna_hak_pilih": valid + 3,
    }
    data.update(changes)
    return data


def test_new_result_is_stored_counted_and_audited(demo_store, dpt) -> None:  # noqa: ANN001
    outcome = results.submit_result(demo_store, payload(dpt), REPORTER, "api")
    assert (outcome.status, outcome.http_status) == ("created", 201)
    assert outcome.result["version"] == 1 and outcome.result["status"] == "dihitung"
    pilbup = contest_totals(demo_store)[0]
    assert pilbup.tps_reported == 1 and pilbup.suara_sah == int(dpt * 0.68)
    audit = demo_store.audit_entries(limit=1)[0]
    assert (audit.actor, audit.action, audit.entity_id) == ("token:hp-01", "result.baru", f"pilbup-banyuasin/{TPS}")
    assert audit.before is None and audit.after["votes"] == payload(dpt)["votes"]


def test_same_result_again_is_stored_once(demo_store, dpt) -> None:  # noqa: ANN001
    first = results.submit_result(demo_store, payload(dpt), REPORTER, "api")
    again = results.submit_result(demo_store, payload(dpt, tps=TPS.replace(".", "")), REPORTER, "api")
    assert again.http_status == 200 and again.result["id"] == first.result["id"]
    assert len(results.result_versions(demo_store, "pilbup-banyuasin", TPS)) == 1


def test_different_numbers_conflict_unless_corrected_with_reason(demo_store, dpt) -> None:  # noqa: ANN001
    results.submit_result(demo_store, payload(dpt), REPORTER, "api")
    changed = payload(dpt, suara_tidak_sah=4, pengguna_hak_pilih=int(dpt * 0.68) + 4)
    assert results.submit_result(demo_store, changed, REPORTER, "api").http_status == 409
    no_reason = results.submit_result(demo_store, {**changed, "correction": True}, OPERATOR, "input")
    assert no_reason.errors == {"reason": "koreksi wajib disertai alasan"}
    by_reporter = results.submit_result(demo_store, {**changed, "correction": True, "reason": "x"}, REPORTER, "api")
    assert by_reporter.http_status == 403
    fixed = results.submit_result(
        demo_store, {**changed, "correction": True, "reason": "salah salin C1"}, OPERATOR, "input"
    )
    assert fixed.status == "created" and fixed.result["version"] == 2 and fixed.result["kind"] == "koreksi"
    versions = results.result_versions(demo_store, "pilbup-banyuasin", TPS)
    assert [v["suara_tidak_sah"] for v in versions] == [3, 4]  # the first version is kept, not overwritten
    assert versions[1]["reason"] == "salah salin C1" and versions[1]["author"] == "operator1"
    assert contest_totals(demo_store)[0].suara_tidak_sah == 4


def test_idempotency_key_returns_the_first_answer(demo_store, dpt) -> None:  # noqa: ANN001
    first = results.submit_result(demo_store, payload(dpt), REPORTER, "api", idempotency_key="k-1")
    again = results.submit_result(demo_store, payload(dpt), REPORTER, "api", idempotency_key="k-1")
    assert again.http_status == 200 and again.result["id"] == first.result["id"]
    other = payload(dpt, suara_tidak_sah=4, pengguna_hak_pilih=int(dpt * 0.68) + 4)
    reused = results.submit_result(demo_store, other, REPORTER, "api", idempotency_key="k-1")
    assert reused.http_status == 409 and "Idempotency-Key" in reused.message


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"contest": "pilwalkot-x"}, "contest", "kontestasi 'pilwalkot-x' tidak dikenal"),
        ({"tps": "16.07.10.1002.999"}, "tps", "TPS 16.07.10.1002.999 tidak terdaftar"),
        ({"tps": "16-07"}, "tps", "kode TPS harus seperti 16.07.08.2001.003 atau 1607082001003"),
        ({"submitted_at": "kemarin"}, "submitted_at", "format waktu harus ISO 8601"),
        ({"suara_tidak_sah": 10_000}, "suara_tidak_sah", "melebihi surat suara tercetak"),
    ],
)
def test_rejections_store_nothing(demo_store, dpt, changes, field, message) -> None:  # noqa: ANN001
    outcome = results.submit_result(demo_store, payload(dpt, **changes), REPORTER, "api")
    assert outcome.http_status == 422
    assert message in outcome.errors[field]
    assert results.current_results(demo_store) == []
    assert demo_store.audit_entries(limit=1)[0].action == "scenario.load"


def test_reporter_token_limited_to_its_region(demo_store, dpt) -> None:  # noqa: ANN001
    elsewhere = Actor("token:hp-02", "reporter", region="16.07.08")
    assert results.submit_result(demo_store, payload(dpt), elsewhere, "api").http_status == 403
    here = Actor("token:hp-03", "reporter", region="16.07.10")
    assert results.submit_result(demo_store, payload(dpt), here, "api").http_status == 201


def test_held_result_is_out_of_totals_until_confirmed(demo_store, dpt) -> None:  # noqa: ANN001
    held = results.submit_result(demo_store, payload(dpt, suara_sah=1), REPORTER, "api")
    assert held.result["status"] == "perlu_dicek"
    assert "Suara sah tertulis 1" in held.result["flags"][0]["message"]
    totals = contest_totals(demo_store)[0]
    assert (totals.tps_reported, totals.held, totals.suara_sah) == (0, 1, 0)
    assert results.confirm_result(demo_store, "pilbup-banyuasin", TPS, REPORTER, "cek").http_status == 403
    assert results.confirm_result(demo_store, "pilbup-banyuasin", TPS, OPERATOR, " ").http_status == 422
    confirmed = results.confirm_result(demo_store, "pilbup-banyuasin", TPS, OPERATOR, "sudah dicek ke PPS")
    assert confirmed.result["status"] == "dihitung" and confirmed.result["version"] == 2
    totals = contest_totals(demo_store)[0]
    assert (totals.tps_reported, totals.held) == (1, 0)


def test_concurrent_confirmations_store_one_audited_version(demo_store, dpt) -> None:  # noqa: ANN001
    held = results.submit_result(demo_store, payload(dpt, suara_sah=1), REPORTER, "api")
    assert held.result["status"] == "perlu_dicek"
    outcomes: list[results.Outcome] = []
    barrier = threading.Barrier(4)

    def confirm(i: int) -> None:
        barrier.wait()
        outcomes.append(results.confirm_result(demo_store, "pilbup-banyuasin", TPS, OPERATOR, f"dicek {i}"))

    threads = [threading.Thread(target=confirm, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o.http_status for o in outcomes) == [200, 200, 200, 201]
    assert all(o.message == "hasil ini tidak sedang perlu dicek" for o in outcomes if o.http_status == 200)
    versions = results.result_versions(demo_store, "pilbup-banyuasin", TPS)
    assert [(v["version"], v["status"], v["kind"]) for v in versions] == [
        (1, "perlu_dicek", "baru"),
        (2, "dihitung", "konfirmasi"),
    ]
    assert versions[1]["votes"] == versions[0]["votes"] and versions[1]["suara_sah"] == 1
    assert versions[1]["flags"][0]["code"] == "dikonfirmasi"
    assert "Suara sah tertulis 1" in versions[1]["flags"][0]["message"]
    audit = demo_store.audit_entries(limit=1)[0]
    assert (audit.action, audit.actor, audit.entity_id) == ("result.konfirmasi", "operator1", f"pilbup-banyuasin/{TPS}")
    assert (audit.before["status"], audit.after["status"]) == ("perlu_dicek", "dihitung")


def test_a_confirmation_after_a_correction_is_decided_against_the_correction(demo_store, dpt) -> None:  # noqa: ANN001
    results.submit_result(demo_store, payload(dpt, suara_sah=1), REPORTER, "api")
    fixed = results.submit_result(demo_store, payload(dpt, correction=True, reason="salah ketik"), OPERATOR, "input")
    assert fixed.result["status"] == "dihitung"
    late = results.confirm_result(demo_store, "pilbup-banyuasin", TPS, OPERATOR, "dicek")
    assert (late.http_status, late.result["version"]) == (200, 2)
    missing = results.confirm_result(demo_store, "pilbup-banyuasin", "16.07.10.1002.002", OPERATOR, "dicek")
    assert missing.errors == {"tps": "TPS 16.07.10.1002.002 belum punya hasil untuk pilbup-banyuasin"}


def test_as_of_answers_from_stored_versions(demo_store, dpt) -> None:  # noqa: ANN001
    first = results.submit_result(demo_store, payload(dpt), REPORTER, "api")
    from datetime import datetime

    moment = datetime.fromisoformat(first.result["received_at"])
    changed = payload(dpt, suara_tidak_sah=4, pengguna_hak_pilih=int(dpt * 0.68) + 4, correction=True, reason="r")
    results.submit_result(demo_store, changed, OPERATOR, "input")
    assert contest_totals(demo_store, as_of=moment)[0].suara_tidak_sah == 3
    assert contest_totals(demo_store)[0].suara_tidak_sah == 4


def test_concurrent_different_submissions_end_with_one_version(demo_store, dpt) -> None:  # noqa: ANN001
    outcomes: list[results.Outcome] = []
    barrier = threading.Barrier(4)

    def send(i: int) -> None:
        barrier.wait()
        outcomes.append(
            results.submit_result(
                demo_store,
                payload(dpt, suara_tidak_sah=i, pengguna_hak_pilih=int(dpt * 0.68) + i),
                Actor(f"r{i}", "reporter"),
                "api",
            )
        )

    threads = [threading.Thread(target=send, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o.http_status for o in outcomes) == [201, 409, 409, 409]
    assert len(results.result_versions(demo_store, "pilbup-banyuasin", TPS)) == 1


def _pending(store, data: dict, actor: Actor, key: str | None = None) -> results.Pending:  # noqa: ANN001
    """A validated result as `submit_result` queues it."""
    from data_sources.domain import rules

    tally, errors = rules.parse_tally(
        data["votes"], data["suara_tidak_sah"], data.get("suara_sah"), data.get("pengguna_hak_pilih")
    )
    assert not errors
    contest = store.catalog().contests[data["contest"]]
    verdict = rules.check_result(tally, store.catalog().tps_dpt[data["tps"]], contest.numbers)
    correction = bool(data.get("correction"))
    return results.Pending(
        data["contest"], data["tps"], tally, verdict, actor, "api", None, correction, data.get("reason"), key
    )


def test_one_transaction_decides_its_results_in_order_each_with_its_audit_row(demo_store, dpt) -> None:  # noqa: ANN001
    other = payload(dpt, suara_tidak_sah=4, pengguna_hak_pilih=int(dpt * 0.68) + 4)
    batch = [
        _pending(demo_store, payload(dpt), REPORTER, key="a-1"),
        _pending(demo_store, payload(dpt), REPORTER),  # the same again, in the same transaction
        _pending(demo_store, payload(dpt), REPORTER, key="a-1"),  # the same key again
        _pending(demo_store, other, REPORTER),  # other numbers, not a correction
        _pending(demo_store, {**other, "correction": True, "reason": "salah salin"}, OPERATOR),
    ]
    results.write_batch(demo_store, batch)
    statuses = [item.outcome.status for item in batch]
    assert statuses == ["created", "same", "same", "conflict", "created"]
    first_id = batch[0].outcome.result["id"]
    assert batch[1].outcome.result["id"] == batch[2].outcome.result["id"] == first_id
    assert batch[3].outcome.result["id"] == first_id and "koreksi" in batch[3].outcome.message
    assert batch[4].outcome.result["version"] == 2 and batch[4].outcome.result["kind"] == "koreksi"
    versions = results.result_versions(demo_store, "pilbup-banyuasin", TPS)
    assert [(v["id"], v["version"]) for v in versions] == [(first_id, 1), (batch[4].outcome.result["id"], 2)]
    audit = demo_store.audit_entries(limit=2)
    assert [a.action for a in audit] == ["result.koreksi", "result.baru"]
    assert audit[0].before["version"] == 1 and audit[0].after["reason"] == "salah salin"
    assert audit[1].after == versions[0]
