"""Frozen snapshots (issue 5): records of a moment whose numbers come from the stored result versions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from data_sources import results, snapshots
from data_sources.domain.fmt import now_utc

CONTEST = "pilbup-banyuasin"


def _tally(tps: str, votes: list[int]) -> dict:
    return {"contest": CONTEST, "tps": tps, "suara_tidak_sah": 1, "votes": {str(i + 1): v for i, v in enumerate(votes)}}


def _votes(totals: dict) -> list[int]:
    """Votes per paslon of an API answer's totals, in nomor order."""
    return [n for _nomor, n in sorted(totals["votes"].items(), key=lambda kv: int(kv[0]))]


def _stored_sum(store, as_of=None) -> list[int]:  # noqa: ANN001
    """Votes per paslon summed straight from the stored versions (the reference the snapshot must match)."""
    totals = [0] * 5
    for r in results.current_results(store, CONTEST, as_of):
        if r["status"] == "dihitung":
            for nomor, n in r["votes"].items():
                totals[int(nomor) - 1] += n
    return totals


def test_snapshot_answers_from_stored_versions_and_does_not_move(app, client_as) -> None:  # noqa: ANN001
    desk = app.server.extensions["desk"]
    operator = client_as("operator")
    operator.post("/api/v1/presenter", json={"action": "take"})
    assert operator.post("/api/v1/tallies", json=_tally("1607101002001", [50, 30, 20, 10, 5])).status_code == 201

    frozen = operator.post("/api/v1/snapshots", json={})
    assert frozen.status_code == 201
    snap = frozen.get_json()["snapshot"]
    assert snap["label"].startswith("BEKU per ") and snap["created_by"] == "operator"
    assert frozen.get_json()["state"]["view"]["target"] == f"/layar?snapshot={snap['id']}"

    # new results and a correction after the freeze
    operator.post("/api/v1/tallies", json=_tally("1607101002002", [7, 7, 7, 7, 7]))
    correction = {**_tally("1607101002001", [60, 30, 20, 10, 5]), "correction": True, "reason": "salah ketik"}
    assert operator.post("/api/v1/tallies", json=correction).status_code in (200, 201)

    later = client_as("viewer").get(f"/api/v1/snapshots/{snap['id']}").get_json()
    as_of = snapshots.get_snapshot(desk.store, snap["id"]).as_of
    assert _votes(later["contests"][CONTEST]) == [50, 30, 20, 10, 5] == _stored_sum(desk.store, as_of)
    assert later["contests"][CONTEST]["tps_reported"] == 1
    via_recap = client_as("viewer").get(f"/api/v1/recap/{CONTEST}", query_string={"as_of": snap["as_of"]}).get_json()
    assert via_recap["region"]["votes"] == later["contests"][CONTEST]["votes"]
    live = desk.recap.totals(CONTEST)[0]
    assert list(live.votes) == [67, 37, 27, 17, 12] == _stored_sum(desk.store)  # live moved on; the snapshot did not


def test_snapshot_of_a_chosen_past_moment_and_bad_moments(app, client_as) -> None:  # noqa: ANN001
    desk = app.server.extensions["desk"]
    operator = client_as("operator")
    operator.post("/api/v1/presenter", json={"action": "take"})
    before = now_utc()
    operator.post("/api/v1/tallies", json=_tally("1607101002001", [50, 30, 20, 10, 5]))
    chosen = operator.post("/api/v1/snapshots", json={"as_of": before.isoformat(), "note": "rapat pagi"})
    assert chosen.status_code == 201
    snap_id = chosen.get_json()["snapshot"]["id"]
    wib = operator.post("/api/v1/snapshots", json={"as_of": "2024-11-27T10:00:00+07:00"}).get_json()
    assert wib["snapshot"]["as_of"] == wib["state"]["view"]["frozen"]["as_of"] == "2024-11-27T03:00:00+00:00"
    again = client_as("viewer").get(f"/api/v1/snapshots/{wib['snapshot']['id']}").get_json()
    assert again["snapshot"]["as_of"] == "2024-11-27T03:00:00+00:00"  # one form, whoever asks and however given
    frozen_before = client_as("viewer").get(f"/api/v1/snapshots/{snap_id}").get_json()["contests"][CONTEST]
    assert _votes(frozen_before) == [0] * 5

    future = operator.post("/api/v1/snapshots", json={"as_of": (now_utc() + timedelta(hours=1)).isoformat()})
    assert future.status_code == 422 and "belum terjadi" in future.get_json()["errors"]["as_of"]
    naive = operator.post("/api/v1/snapshots", json={"as_of": "2024-11-27T10:00:00"})
    assert naive.status_code == 422 and "zona waktu" in naive.get_json()["errors"]["as_of"]
    assert client_as("admin").post("/api/v1/snapshots", json={}).status_code == 409  # not the presenter
    listed = client_as("viewer").get("/api/v1/snapshots").get_json()["snapshots"]
    assert [s["id"] for s in listed] == [wib["snapshot"]["id"], snap_id] and listed[1]["note"] == "rapat pagi"
    assert client_as("viewer").get("/api/v1/snapshots/999").status_code == 404
    audit = [a for a in desk.store.audit_entries() if a.action == "snapshot.create"]
    assert len(audit) == 2 and audit[0].actor == "operator"

    back = operator.post("/api/v1/view/live", json={})
    assert back.status_code == 200 and back.get_json()["view"]["frozen"] is None


def test_snapshot_record_refuses_long_note(store) -> None:  # noqa: ANN001
    with pytest.raises(snapshots.SnapshotError) as refused:
        snapshots.create_snapshot(store, "ani", note="x" * 300)
    assert "note" in refused.value.errors
    assert snapshots.list_snapshots(store) == []


def test_snapshot_page_and_admin_list_show_the_frozen_numbers(app, client_as) -> None:  # noqa: ANN001
    from tests.conftest import render_page, texts

    operator = client_as("operator")
    operator.post("/api/v1/presenter", json={"action": "take"})
    operator.post("/api/v1/tallies", json=_tally("1607101002001", [50, 30, 20, 10, 5]))
    snap = operator.post("/api/v1/snapshots", json={"note": "vicon pagi"}).get_json()["snapshot"]
    operator.post("/api/v1/tallies", json=_tally("1607101002002", [7, 7, 7, 7, 7]))

    page = texts(render_page(client_as("viewer"), "/layar", f"?snapshot={snap['id']}"))
    assert snap["label"] in page and "1 / 2.564 TPS" in page  # the second result came after the freeze
    assert ["1", "Hj. Ratna Sari Dewi – Muhammad Fadli", "43,48 %", "50"] == page[page.index("1") : page.index("1") + 4]
    live = texts(render_page(client_as("viewer"), "/layar"))
    assert "2 / 2.564 TPS" in live and snap["label"] not in live
    missing = texts(render_page(client_as("viewer"), "/layar", "?snapshot=99"))
    assert "Cuplikan 99 tidak ada." in missing

    admin = texts(render_page(client_as("admin"), "/admin"))
    row = admin[admin.index(f"#{snap['id']}") :][:6]
    assert row[:3] == [f"#{snap['id']}", snap["label"], "operator"] and row[4:] == ["vicon pagi", "buka"]
