"""Exports: results round-trip through `import tallies`, as_of and history, recap equal to the API, incidents
round-trip through `import incidents`, the command line (errors name the option, nothing written), HTTP (headers,
roles, audit) and the download links on the Rekapitulasi and Kejadian pages."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from sqlalchemy import select

from dashboard.cli import main as cli
from data_sources import accounts, exports, geo, incidents, results
from data_sources.domain.actors import Actor
from data_sources.domain.fmt import WIB, now_utc
from data_sources.imports import import_incidents, import_tallies
from data_sources.models import AuditEntry
from data_sources.store import Store
from tests.conftest import Templates, _drop_schema, render_page

PILBUP, PILGUB = "pilbup-banyuasin", "pilgub-sumsel"
AIR_BATU = "16.07.10.1002"  # a desa of Talang Kelapa
TALANG_KELAPA = "16.07.10"
TPS = [f"{AIR_BATU}.{n:03d}" for n in range(1, 9)]
OPERATOR = Actor("operator", "operator")
IMPORTED_TALLY = ["contest", "tps", "suara_tidak_sah", "suara_sah", "pengguna_hak_pilih", "submitted_at"]
COMPARED = ("contest", "tps", "votes", "suara_sah", "suara_tidak_sah", "pengguna_hak_pilih", "status", "flags")


# ---------------------------------------------------------------- helpers


@pytest.fixture
def other_store(db_url: str, tmp_path: Path, templates: Templates) -> Iterator[Store]:
    """A second store on the same backend as `db_url`, with the demo scenario (the province's desk)."""
    if db_url.startswith("sqlite"):
        url, schema = templates.copy_sqlite("demo", tmp_path / "provinsi.sqlite3"), None
    else:
        url, schema = templates.copy_postgres("demo")
    store = Store(url)
    yield store
    store.dispose()
    if schema:
        _drop_schema(schema)


def submit(store: Store, payload: dict[str, Any], actor: Actor = OPERATOR) -> dict[str, Any]:
    """Store a result through the ingest path; it must be a new version."""
    outcome = results.submit_result(store, payload, actor, "uji")
    assert outcome.changed, outcome
    return outcome.result


def fill(store: Store) -> dict[str, dict[str, Any]]:
    """Results of both contests: counted, corrected, held, janggal, with and without the optional fields."""
    dpt = store.catalog().tps_dpt
    base = {"contest": PILBUP, "suara_tidak_sah": 2}
    out = {
        "counted": submit(store, {**base, "tps": TPS[0], "votes": {"1": 50, "2": 30, "3": 20, "4": 10, "5": 5}}),
        "kpu": submit(
            store,
            {
                **base,
                "tps": TPS[1].replace(".", ""),
                "votes": {"1": 9, "2": 8, "3": 7, "4": 6, "5": 0},
                "suara_sah": 30,
                "pengguna_hak_pilih": 32,
                "submitted_at": "2024-11-27T14:05:00+07:00",
            },
        ),
        "held": submit(
            store, {**base, "tps": TPS[2], "votes": {"1": 40, "2": 30, "3": 20, "4": 10, "5": 5}, "suara_sah": 99}
        ),
    }
    voters = dpt[TPS[3]] - 2
    odd = {"1": voters - 4, "2": 1, "3": 1, "4": 1, "5": 1}
    out["janggal"] = submit(store, {**base, "tps": TPS[3], "votes": odd, "suara_tidak_sah": 0})
    first = {"1": 11, "2": 12, "3": 13, "4": 14, "5": 15}
    submit(store, {**base, "tps": TPS[4], "votes": first})
    fixed = {**first, "1": 21}
    out["corrected"] = submit(
        store, {**base, "tps": TPS[4], "votes": fixed, "correction": True, "reason": "salah baca C1"}
    )
    out["pilgub"] = submit(
        store, {"contest": PILGUB, "tps": TPS[0], "votes": {"1": 70, "2": 50, "3": 3, "4": 4}, "suara_tidak_sah": 3}
    )
    return out


def csv_text(table: exports.Table) -> str:
    return "".join(exports.csv_chunks(table))


def parse(text: str) -> list[dict[str, str]]:
    assert text.startswith(exports.BOM)
    return list(csv.DictReader(io.StringIO(text.removeprefix(exports.BOM))))


def current(store: Store) -> list[dict[str, Any]]:
    """The current results of a store, by contest and TPS, with the fields an import must keep."""
    rows = sorted(results.current_results(store), key=lambda r: (r["contest"], r["tps"]))
    return [{k: r[k] for k in (*COMPARED, "submitted_at")} for r in rows]


def moment(text: str | None) -> Any:
    return datetime.fromisoformat(text) if text else None


def audits(store: Store, action: str) -> list[AuditEntry]:
    with store.reader() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


# ---------------------------------------------------------------- results


def test_results_round_trip_through_import_tallies(demo_store, other_store, tmp_path) -> None:  # noqa: ANN001
    stored = fill(demo_store)
    path = tmp_path / "hasil.csv"
    path.write_text(csv_text(exports.results_table(demo_store)), encoding="utf-8")
    rows = parse(path.read_text(encoding="utf-8"))
    header = list(rows[0])
    assert header[:2] == ["contest", "tps"] and header[2:7] == [f"suara_{n}" for n in range(1, 6)]
    assert header[7:11] + header[11:] == [*IMPORTED_TALLY[2:], *exports.RESULT_INFO]
    assert len(rows) == 6  # the current version of each (contest, TPS)

    report = import_tallies(other_store, path)
    assert report.problems == 0 and report.stored == 6
    assert report.warnings == [f"kolom diabaikan: {', '.join(exports.RESULT_INFO)}"]
    before, after = current(demo_store), current(other_store)
    for old, new in zip(before, after, strict=True):
        assert {k: old[k] for k in COMPARED} == {k: new[k] for k in COMPARED}
        assert moment(old["submitted_at"]) == moment(new["submitted_at"])
    assert [r["status"] for r in after if r["tps"] == TPS[2]] == ["perlu_dicek"]  # held again by the same rules

    by_tps = {(r["contest"], r["tps"]): r for r in rows}
    kpu = by_tps[(PILBUP, TPS[1])]
    assert kpu["submitted_at"] == "2024-11-27T14:05:00+07:00" and kpu["pengguna_hak_pilih"] == "32"
    held = by_tps[(PILBUP, TPS[2])]
    assert held["status"] == "perlu_dicek" and "Suara sah tertulis 99" in held["flags"]
    fixed = by_tps[(PILBUP, TPS[4])]
    assert (fixed["suara_1"], fixed["version"], fixed["kind"], fixed["reason"]) == (
        "21",
        "2",
        "koreksi",
        "salah baca C1",
    )
    assert by_tps[(PILGUB, TPS[0])]["suara_5"] == ""  # Pilgub has four paslon
    assert fixed["received_at"].endswith("+07:00")
    assert moment(fixed["received_at"]) == moment(stored["corrected"]["received_at"]).replace(microsecond=0)
    again = import_tallies(other_store, path)  # the same file again changes nothing
    assert again.stored == 0 and again.problems == 0


def test_as_of_gives_the_numbers_before_a_correction_and_history_lists_every_version(demo_store) -> None:  # noqa: ANN001
    stored = fill(demo_store)
    corrected = results.result_versions(demo_store, PILBUP, TPS[4])
    first_at, fixed_at = moment(corrected[0]["received_at"]), moment(corrected[1]["received_at"])
    assert first_at < fixed_at

    then = {r["tps"]: r for r in parse(csv_text(exports.results_table(demo_store, PILBUP, as_of=first_at)))}
    assert then[TPS[4]]["suara_1"] == "11" and then[TPS[4]]["version"] == "1"
    assert TPS[0] in then and all(moment(r["received_at"]) <= first_at for r in then.values())
    now = {r["tps"]: r for r in parse(csv_text(exports.results_table(demo_store, PILBUP)))}
    assert now[TPS[4]]["suara_1"] == "21"

    history = parse(csv_text(exports.results_table(demo_store, PILBUP, region=TPS[4], all_versions=True)))
    assert [(r["version"], r["suara_1"], r["kind"]) for r in history] == [("1", "11", "baru"), ("2", "21", "koreksi")]
    counted = parse(csv_text(exports.results_table(demo_store, PILBUP, held=False)))
    assert TPS[2] not in {r["tps"] for r in counted} and len(counted) == len(now) - 1
    pilgub = parse(csv_text(exports.results_table(demo_store, PILGUB, region=TALANG_KELAPA)))
    assert [(r["tps"], r["suara_1"]) for r in pilgub] == [(TPS[0], "70")] and "suara_5" not in pilgub[0]
    assert stored["pilgub"]["tps"] == TPS[0]


def test_json_has_the_csv_columns_with_numbers_and_nulls(demo_store) -> None:  # noqa: ANN001
    fill(demo_store)
    rows = json.loads("".join(exports.chunks(exports.results_table(demo_store, PILBUP, region=TPS[0]), "json")))
    assert rows == [
        {
            "contest": PILBUP,
            "tps": TPS[0],
            **{f"suara_{n}": v for n, v in zip(range(1, 6), (50, 30, 20, 10, 5), strict=True)},
            "suara_tidak_sah": 2,
            "suara_sah": 115,
            "pengguna_hak_pilih": None,
            "submitted_at": None,
            "status": "dihitung",
            "flags": None,
            "version": 1,
            "kind": "baru",
            "reason": None,
            "author": "operator",
            "source": "uji",
            "received_at": rows[0]["received_at"],
        }
    ]
    assert (
        json.loads("".join(exports.chunks(exports.results_table(demo_store, PILBUP, region="16.07.01"), "json"))) == []
    )


def test_rows_are_streamed_in_chunks(demo_store, monkeypatch) -> None:  # noqa: ANN001
    fill(demo_store)
    monkeypatch.setattr(exports, "CHUNK_ROWS", 2)
    monkeypatch.setattr(exports, "FETCH_ROWS", 2)
    table = exports.results_table(demo_store)
    pieces = list(exports.csv_chunks(table))
    assert len(pieces) == 3 and table.count == 6 and table.complete  # header and 2 rows, 2 rows, 2 rows
    assert len(parse("".join(pieces))) == 6


def test_bad_parameters_name_what_is_wrong(demo_store) -> None:  # noqa: ANN001
    cases = [
        (lambda: exports.results_table(demo_store, "pilkada-x"), "contest", "tidak dikenal"),
        (lambda: exports.results_table(demo_store, PILBUP, region="16.07.99"), "region", "tidak ada"),
        (lambda: exports.results_table(demo_store, PILBUP, region="16.71"), "region", "tidak ada"),
        (lambda: exports.parse_moment("kemarin sore"), "as_of", "ISO 8601"),
        (lambda: exports.parse_moment("2024-11-27T16:00"), "as_of", "zona"),
        (lambda: exports.incidents_table(demo_store, exports.IncidentFilters(region="99")), "region", "tidak ada"),
    ]
    for call, field, words in cases:
        with pytest.raises(exports.ExportError) as caught:
            call()
        assert field in caught.value.errors and words in caught.value.errors[field], caught.value.errors
    assert exports.parse_moment("2024-11-27 16:00", naive_is_wib=True).isoformat() == "2024-11-27T09:00:00+00:00"


# ---------------------------------------------------------------- incidents


def incident(store: Store, **changes: Any) -> dict[str, Any]:
    c = geo.kecamatan_centroids()[TALANG_KELAPA]
    payload = {
        "kecamatan": TALANG_KELAPA,
        "desa": AIR_BATU,
        "tps": TPS[0],
        "latitude": round(c.lat, 6),
        "longitude": round(c.lng, 6),
        "stage": "pemungutan-suara",
        "category": "keamanan",
        "severity": "tinggi",
        "description": 'Keributan, "kecil", di depan TPS\nbaris kedua',
        "occurred_at": "2024-11-27T09:30:00+07:00",
    }
    payload.update(changes)
    return incidents.create_incident(store, {k: v for k, v in payload.items() if v is not None}, OPERATOR)


IMPORTED_INCIDENT = (
    "kecamatan",
    "desa",
    "tps",
    "latitude",
    "longitude",
    "stage",
    "category",
    "severity",
    "description",
)


def test_incidents_round_trip_through_import_incidents(demo_store, other_store, tmp_path) -> None:  # noqa: ANN001
    first = incident(demo_store)
    elsewhere = {"desa": None, "tps": None, "latitude": None, "longitude": None, "severity": "sedang"}
    second = incident(
        demo_store,
        **elsewhere,
        category="politik-uang",
        description="Bagi-bagi amplop",
        occurred_at="2024-11-26T21:00:00+07:00",
    )
    incidents.change_status(demo_store, first["id"], "diverifikasi", OPERATOR, "dicek ke lokasi")
    path = tmp_path / "kejadian.csv"
    path.write_text(csv_text(exports.incidents_table(demo_store)), encoding="utf-8")
    rows = parse(path.read_text(encoding="utf-8"))
    assert list(rows[0])[:10] == list(exports.INCIDENT_IMPORTED)
    assert [r["id"] for r in rows] == [str(first["id"]), str(second["id"])]
    assert rows[0]["status"] == "diverifikasi" and rows[0]["perubahan"] == "1"
    assert "baru → diverifikasi oleh operator: dicek ke lokasi" in rows[0]["riwayat"]
    assert rows[0]["occurred_at"] == "2024-11-27T09:30:00+07:00" and rows[0]["nama_kecamatan"] == "Talang Kelapa"

    report = import_incidents(other_store, path)
    assert report.problems == 0 and report.stored == 2
    theirs = sorted(incidents.list_incidents(other_store), key=lambda r: r["occurred_at"], reverse=True)
    ours = sorted(incidents.list_incidents(demo_store), key=lambda r: r["occurred_at"], reverse=True)
    for old, new in zip(ours, theirs, strict=True):
        assert {k: old[k] for k in IMPORTED_INCIDENT} == {k: new[k] for k in IMPORTED_INCIDENT}
        assert moment(old["occurred_at"]) == moment(new["occurred_at"])
    assert import_incidents(other_store, path).stored == 0  # imported once


def test_incidents_as_of_show_the_status_of_then_and_filters_apply(demo_store, monkeypatch) -> None:  # noqa: ANN001
    first = incident(demo_store)
    before = now_utc()
    incidents.change_status(demo_store, first["id"], "diverifikasi", OPERATOR)
    later = incident(demo_store, kecamatan="16.07.01", desa=None, tps=None, latitude=None, longitude=None)
    then = parse(csv_text(exports.incidents_table(demo_store, exports.IncidentFilters(as_of=before))))
    assert [(r["id"], r["status"], r["perubahan"]) for r in then] == [(str(first["id"]), "baru", "0")]
    open_now = exports.IncidentFilters(status=("diverifikasi",), region="16.07")
    assert [r["id"] for r in parse(csv_text(exports.incidents_table(demo_store, open_now)))] == [str(first["id"])]
    was_new = exports.IncidentFilters(status=("baru",), as_of=before)
    assert [r["id"] for r in parse(csv_text(exports.incidents_table(demo_store, was_new)))] == [str(first["id"])]
    in_desa = exports.IncidentFilters(region=AIR_BATU)
    assert [r["id"] for r in parse(csv_text(exports.incidents_table(demo_store, in_desa)))] == [str(first["id"])]
    monkeypatch.setattr(exports, "CHUNK_ROWS", 1)  # one incident per page: every page read once, in order
    ids = [r["id"] for r in parse(csv_text(exports.incidents_table(demo_store)))]
    assert ids == [str(first["id"]), str(later["id"])]


# ---------------------------------------------------------------- command line


def run_cli(capsys, *args: str) -> tuple[int, str, str]:  # noqa: ANN001
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_writes_a_file_only_when_complete_and_audits_it(demo_store, db_url, tmp_path, capsys) -> None:  # noqa: ANN001
    fill(demo_store)
    common = ["--database-url", db_url, "--data-dir", str(tmp_path / "d")]
    target = tmp_path / "hasil.csv"
    code, out, err = run_cli(capsys, "export", "results", "--contest", PILBUP, "-o", str(target), *common)
    assert code == 0 and out == "" and "5 baris ditulis" in err, err
    assert len(parse(target.read_text(encoding="utf-8"))) == 5
    assert os.stat(target).st_mode & 0o077 == 0  # the count is internal
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
    (row,) = audits(demo_store, "export.results")
    assert row.actor.startswith("cli") and row.entity_id == PILBUP
    assert row.after["rows"] == 5 and row.after["complete"] is True and row.after["output"] == str(target)

    code, out, err = run_cli(capsys, "export", "recap", "--contest", PILBUP, "--region", TALANG_KELAPA, *common)
    recap = parse(out)
    assert code == 0 and recap[-1]["kode"] == TALANG_KELAPA and recap[-1]["nama"] == "Jumlah Talang Kelapa"
    assert audits(demo_store, "export.recap")[0].after["region"] == TALANG_KELAPA

    code, out, _err = run_cli(capsys, "export", "incidents", "--format", "json", "--status", "terbuka", *common)
    assert code == 0 and json.loads(out) == []


def test_cli_failure_midway_leaves_no_file(demo_store, db_url, tmp_path, capsys, monkeypatch) -> None:  # noqa: ANN001
    fill(demo_store)

    def full_disk(_src: str, _dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    target = tmp_path / "hasil.csv"
    common = ["--database-url", db_url, "--data-dir", str(tmp_path / "d")]
    code, _out, err = run_cli(capsys, "export", "results", "-o", str(target), *common)
    assert code == 3 and "No space left on device" in err and "tidak ada berkas yang ditulis" in err, err
    assert not target.exists() and [p.name for p in tmp_path.iterdir() if p.suffix == ".part"] == []
    (row,) = audits(demo_store, "export.results")
    assert row.after["complete"] is False


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["results", "--contest", "pilkada-x"], "--contest: kontestasi 'pilkada-x' tidak dikenal"),
        (["results", "--region", "16.07.99"], "--region: wilayah '16.07.99' tidak ada"),
        (["results", "--as-of", "kemarin"], "--as-of: harus waktu ISO 8601"),
        (["recap", "--contest", PILBUP, "--region", "16.08"], "--region:"),
        (["incidents", "--severity", "gawat"], "--severity: gawat tidak dikenal"),
        (["incidents", "--since", "besok"], "--since: harus waktu ISO 8601"),
    ],
)
def test_cli_errors_name_the_option_and_write_nothing(demo_store, db_url, tmp_path, capsys, args, option) -> None:  # noqa: ANN001
    target = tmp_path / "keluar.csv"
    code, out, err = run_cli(
        capsys, "export", *args, "-o", str(target), "--database-url", db_url, "--data-dir", str(tmp_path / "d")
    )
    assert code == 2 and option in err and "tidak ada yang ditulis" in err, err
    assert out == "" and not target.exists() and [p.name for p in tmp_path.iterdir() if p.suffix == ".part"] == []
    assert audits(demo_store, "export.results") == audits(demo_store, "export.recap") == []


def test_cli_help_of_each_export(capsys) -> None:  # noqa: ANN001
    expected = {"results": "perlu_dicek IKUT secara bawaan", "recap": "GET /api/v1/recap", "incidents": "--as-of"}
    for kind, words in expected.items():
        with pytest.raises(SystemExit) as done:
            cli.main(["export", kind, "--help"])
        out = capsys.readouterr().out
        assert done.value.code == 0 and "usage:" in out and words in " ".join(out.split()), out


# ---------------------------------------------------------------- HTTP


@pytest.fixture
def desk(app) -> Any:  # noqa: ANN001
    return app.server.extensions["desk"]


def submit_live(desk: Any, payload: dict[str, Any]) -> dict[str, Any]:
    """A result through the ingest path, folded into the live recap as the API does."""
    result = submit(desk.store, payload)
    return result


def test_recap_csv_equals_the_recap_api(desk, client_as) -> None:  # noqa: ANN001
    viewer = client_as("viewer")
    stored = []
    for i, code in enumerate(TPS[:4]):
        votes = {"1": 40 + i, "2": 30, "3": 20, "4": 10, "5": 5}
        sah = 105 + i if i != 2 else 99  # the third is held: its written suara sah is not the sum
        stored.append(
            submit_live(desk, {"contest": PILBUP, "tps": code, "votes": votes, "suara_tidak_sah": 1, "suara_sah": sah})
        )
    small = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5}
    submit_live(desk, {"contest": PILBUP, "tps": "16.07.01.1016.001", "votes": small, "suara_tidak_sah": 0})
    halfway = quote(stored[1]["received_at"])
    for region, as_of in [("", ""), (TALANG_KELAPA, ""), (AIR_BATU, ""), (TPS[0], ""), (AIR_BATU, halfway)]:
        query = f"contest={PILBUP}&region={region}&as_of={as_of}"
        response = viewer.get(f"/api/v1/export/recap.csv?{query}")
        assert response.status_code == 200, response.get_data(as_text=True)
        rows = parse(response.get_data(as_text=True))
        api = viewer.get(f"/api/v1/recap/{PILBUP}?region={region}&as_of={as_of}").get_json()
        expected = [*api["children"], api["region"]]
        assert [r["kode"] for r in rows] == [t["code"] for t in expected]
        for row, t in zip(rows, expected, strict=True):
            numbers = ("tps_reported", "tps_total", "held", "janggal", "dpt", "dpt_reported", "voters", "suara_sah")
            columns = ("tps_masuk", "tps_total", "perlu_dicek", "janggal", "dpt", "dpt_tps_masuk")
            columns += ("pengguna_hak_pilih", "suara_sah")
            assert [int(row[c]) for c in columns] == [t[n] for n in numbers]
            assert int(row["suara_tidak_sah"]) == t["suara_tidak_sah"]
            assert {n: int(row[f"suara_{n}"]) for n in t["votes"]} == {n: v for n, v in t["votes"].items()}
            for n, share in t["shares"].items():
                assert abs(float(row[f"persen_{n}"]) - share * 100) <= 0.005 + 1e-9
            assert abs(float(row["partisipasi"]) - t["turnout"] * 100) <= 0.005 + 1e-9
    assert rows[-1]["kode"] == AIR_BATU and rows[-1]["tps_masuk"] == "2"  # as of the second result
    assert rows[-1]["tingkat"] == "desa" and rows[-1]["nama"].startswith("Jumlah ")
    kabupaten = parse(viewer.get(f"/api/v1/export/recap.csv?contest={PILBUP}").get_data(as_text=True))
    assert len(kabupaten) == 22 and kabupaten[-1]["perlu_dicek"] == "1" and kabupaten[-1]["tps_masuk"] == "4"


def test_download_headers_stream_and_audit_row(desk, client_as) -> None:  # noqa: ANN001
    fill(desk.store)
    response = client_as("operator").get(
        f"/api/v1/export/results.csv?contest={PILBUP}&as_of=2030-01-02T03:04:00%2B07:00"
    )
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="desk-hasil_{PILBUP}_20300102-0304WIB.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    assert len(parse(response.get_data(as_text=True))) == 5
    (row,) = audits(desk.store, "export.results")
    assert row.actor == "operator" and row.entity == "export" and row.entity_id == PILBUP
    assert row.after == {
        "contest": PILBUP,
        "as_of": "2030-01-01T20:04:00+00:00",
        "format": "csv",
        "rows": 5,
        "complete": True,
    }
    kejadian = client_as("viewer").get("/api/v1/export/incidents.csv?region=16.07.10")
    assert kejadian.status_code == 200 and "desk-kejadian_16.07.10_" in kejadian.headers["Content-Disposition"]
    assert parse(kejadian.get_data(as_text=True)) == []
    assert audits(desk.store, "export.incidents")[0].actor == "viewer"


def test_a_download_cut_short_is_audited_as_incomplete(desk, client_as, monkeypatch) -> None:  # noqa: ANN001
    fill(desk.store)
    monkeypatch.setattr(exports, "CHUNK_ROWS", 1)
    response = client_as("admin").get("/api/v1/export/results.csv")
    body = iter(response.response)
    first = next(body)
    assert (first.decode() if isinstance(first, bytes) else first).startswith(exports.BOM + "contest,tps")
    response.close()  # the browser went away
    (row,) = audits(desk.store, "export.results")
    assert row.actor == "admin" and row.after["complete"] is False and row.after["rows"] < 6


def test_exports_are_for_people_not_tokens(app, desk, client_as) -> None:  # noqa: ANN001
    for role in ("display", "reporter"):
        secret, _ = accounts.create_token(desk.store, f"uji-{role}", role, "uji")
        client = app.server.test_client()
        for kind in ("results", "recap", "incidents"):
            response = client.get(
                f"/api/v1/export/{kind}.csv?contest={PILBUP}", headers={"Authorization": f"Bearer {secret}"}
            )
            assert response.status_code == 403, (role, kind)
    assert client_as(None).get(f"/api/v1/export/results.csv?contest={PILBUP}").status_code == 401
    assert [r for r in desk.store.audit_entries() if r.action.startswith("export.")] == []


@pytest.mark.parametrize(
    ("url", "status", "field"),
    [
        ("results.csv?contest=pilkada-x", 404, "contest"),
        ("recap.csv", 422, "contest"),
        (f"recap.csv?contest={PILBUP}&region=16.08", 404, "region"),
        ("results.csv?as_of=2024-11-27T16:00", 422, "as_of"),
        ("results.csv?semua_versi=mungkin", 422, "semua_versi"),
        ("results.csv?limit=5", 422, "limit"),
        ("incidents.csv?status=gawat", 422, "status"),
        ("incidents.csv?hours=0", 422, "hours"),
    ],
)
def test_refusals_name_the_parameter_and_audit_nothing(desk, client_as, url: str, status: int, field: str) -> None:  # noqa: ANN001
    response = client_as("viewer").get(f"/api/v1/export/{url}")
    assert response.status_code == status and field in response.get_json()["errors"], response.get_json()
    assert [r for r in desk.store.audit_entries() if r.action.startswith("export.")] == []


def test_the_exports_are_documented_as_csv(client_as) -> None:  # noqa: ANN001
    paths = client_as("viewer").get("/api/v1/openapi.json").get_json()["paths"]
    for kind in ("results", "recap", "incidents"):
        op = paths[f"/api/v1/export/{kind}.csv"]["get"]
        assert op["responses"]["200"]["content"] == {"text/csv": {"schema": {"type": "string"}}}
        assert op["x-roles"] == ["admin", "operator", "viewer"]
        assert "as_of" in [p["name"] for p in op["parameters"]]


# ---------------------------------------------------------------- pages


def link(tree: Any, link_id: str) -> dict[str, Any] | None:
    from tests.conftest import component

    found = component(tree, link_id)
    return found["props"] if found else None


def test_rekapitulasi_links_download_the_region_shown(desk, client_as) -> None:  # noqa: ANN001
    votes = {"1": 5, "2": 4, "3": 3, "4": 2, "5": 1}
    submit_live(desk, {"contest": PILBUP, "tps": TPS[0], "votes": votes, "suara_tidak_sah": 0})
    viewer = client_as("viewer")
    tree = render_page(viewer, "/rekapitulasi", f"?contest={PILBUP}&region={AIR_BATU}")
    recap = link(tree, f"rk-download-{PILBUP}")
    assert recap["children"] == "Unduh CSV" and recap["download"] == ""
    assert recap["href"] == f"/api/v1/export/recap.csv?contest={PILBUP}&region={AIR_BATU}"
    rows = parse(viewer.get(recap["href"]).get_data(as_text=True))
    assert rows[0]["kode"] == TPS[0] and rows[0]["suara_1"] == "5" and rows[-1]["kode"] == AIR_BATU
    per_tps = link(tree, f"rk-download-tps-{PILBUP}")["href"]
    assert [r["tps"] for r in parse(viewer.get(per_tps).get_data(as_text=True))] == [TPS[0]]
    both = render_page(viewer, "/rekapitulasi", "?contest=semua")
    assert link(both, f"rk-download-{PILGUB}")["href"].startswith(f"/api/v1/export/recap.csv?contest={PILGUB}")


def test_kejadian_link_carries_the_filters_and_screens_get_none(app, desk, client_as) -> None:  # noqa: ANN001
    recent = (now_utc() - timedelta(hours=1)).isoformat()
    high = incident(desk.store, occurred_at=recent)
    incident(desk.store, severity="rendah", occurred_at=recent)
    viewer = client_as("viewer")
    tree = render_page(viewer, "/kejadian", "?severity=tinggi&status=terbuka&kecamatan=16.07.10&hours=24")
    props = link(tree, "kj-download")
    assert props["children"] == "Unduh CSV" and props["download"] == ""
    url = urlsplit(props["href"])
    assert url.path == "/api/v1/export/incidents.csv"
    assert parse_qs(url.query) == {
        "severity": ["tinggi"],
        "status": ["baru,diverifikasi,ditangani"],
        "kecamatan": ["16.07.10"],
        "hours": ["24"],
    }
    assert [r["id"] for r in parse(viewer.get(props["href"]).get_data(as_text=True))] == [str(high["id"])]
    secret, _ = accounts.create_token(desk.store, "layar", "display", "uji")
    screen = app.server.test_client()
    screen.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    assert link(render_page(screen, "/kejadian"), "kj-download") is None
    assert link(render_page(screen, "/rekapitulasi", f"?contest={PILBUP}"), f"rk-download-{PILBUP}") is None


def test_times_in_files_are_wib(demo_store) -> None:  # noqa: ANN001
    fill(demo_store)
    row = parse(csv_text(exports.results_table(demo_store, PILBUP, region=TPS[1])))[0]
    assert moment(row["received_at"]).utcoffset() == WIB.utcoffset(None)


def test_floats_are_written_as_plain_decimals() -> None:
    table = exports.Table("incidents", ["latitude", "longitude", "n"], [[5e-05, -2.95, None]], decimals=(0, 1))
    assert csv_text(table) == exports.BOM + "latitude,longitude,n\r\n0.00005,-2.95,\r\n"
