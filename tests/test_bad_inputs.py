"""A corpus of bad inputs to the API and the imports: each answered 4xx (or reported naming the line and the
field), nothing stored, the server still serving; C1 photos that are not JPEG/PNG images are refused."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from data_sources import accounts, results
from data_sources.imports import ImportFileError, import_incidents, import_tallies
from data_sources.models import AuditEntry, Incident, IncidentEvent, Logistics, Result
from data_sources.summary import tps_dpt
from data_sources.tps_import import import_tps

TPS = "16.07.10.1002.001"  # DPT 300
VOTES = {"1": 80, "2": 50, "3": 20, "4": 20, "5": 10}
GOOD = {"contest": "pilbup-banyuasin", "tps": TPS, "votes": VOTES, "suara_tidak_sah": 4}
INCIDENT = {
    "kecamatan": "16.07.10",
    "stage": "pemungutan-suara",
    "category": "logistik",
    "severity": "tinggi",
    "description": "Surat suara kurang",
}
SQL = "pilbup-banyuasin'; DROP TABLE results; --"
JSON = "application/json"


@dataclass
class Bad:
    """One bad request: what is sent, the status expected, and the field the answer must name."""

    id: str
    body: Any = None  # a dict/list → JSON; bytes/str → sent as they are
    status: int = 422
    named: str | None = None
    url: str = "/api/v1/tallies"
    method: str = "POST"
    content_type: str = JSON
    headers: dict[str, str] = field(default_factory=dict)
    who: str = "reporter"


def tally(**changes: Any) -> dict:
    data = {**GOOD, **changes}
    return {k: v for k, v in data.items() if v is not ...}


def votes(**changes: Any) -> dict:
    return tally(votes={**VOTES, **changes})


def raw(text: str) -> bytes:
    return text.encode()


API_CORPUS = [
    # malformed JSON and bodies that are no object
    Bad("json-truncated", raw('{"contest": "pilbup'), named="body"),
    Bad("json-trailing-comma", raw('{"contest": "pilbup-banyuasin",}'), named="body"),
    Bad("json-single-quotes", raw("{'contest': 'pilbup-banyuasin'}"), named="body"),
    Bad("json-empty-body", b"", named="body"),
    Bad("json-array", [GOOD], named="body"),
    Bad("json-string", raw('"teks"'), named="body"),
    Bad("json-null", raw("null"), named="body"),
    Bad("json-invalid-utf8", b'{"contest": "\xff\xfe\xfd", "tps": "x"}', named="body"),
    Bad("json-nested-5000", raw("[" * 5000 + "]" * 5000), named="body"),
    Bad("json-nested-in-field", {**GOOD, "votes": {"1": json.loads("[" * 40 + "]" * 40)}}, named="body"),
    Bad("json-number-5000-digits", raw('{"suara_tidak_sah": ' + "9" * 5000 + "}"), named="body"),
    Bad("content-type-text", raw(json.dumps(GOOD)), 415, "Content-Type", content_type="text/plain"),
    Bad(
        "content-type-form",
        "contest=pilbup-banyuasin",
        415,
        "Content-Type",
        content_type="application/x-www-form-urlencoded",
    ),
    Bad("body-70kb", raw(json.dumps({**GOOD, "reason": "x" * 70_000})), 413, "body"),
    Bad("body-9mb", raw(json.dumps({**GOOD, "reason": "x" * 9_000_000})), 413),
    # wrong types and numbers
    Bad("votes-list", tally(votes=[80, 50]), named="votes"),
    Bad("votes-empty", tally(votes={}), named="votes"),
    Bad("votes-missing", tally(votes=...), named="votes"),
    Bad("vote-negative", votes(**{"1": -1}), named="votes.1"),
    Bad("vote-text", votes(**{"1": "80"}), named="votes.1"),
    Bad("vote-fraction", votes(**{"1": 80.5}), named="votes.1"),
    Bad("vote-boolean", votes(**{"1": True}), named="votes.1"),
    Bad("vote-null", votes(**{"1": None}), named="votes.1"),
    Bad("vote-huge", votes(**{"1": 10**30}), named="votes.1"),
    Bad("vote-1e400-infinite", raw(json.dumps(GOOD).replace('"1": 80', '"1": 1e400')), named="votes.1"),
    Bad(
        "tidak-sah-NaN",
        raw(json.dumps(GOOD).replace('"suara_tidak_sah": 4', '"suara_tidak_sah": NaN')),
        named="suara_tidak_sah",
    ),
    Bad(
        "tidak-sah-Infinity",
        raw(json.dumps(GOOD).replace('"suara_tidak_sah": 4', '"suara_tidak_sah": -Infinity')),
        named="suara_tidak_sah",
    ),
    Bad("tidak-sah-missing", tally(suara_tidak_sah=...), named="suara_tidak_sah"),
    Bad("contest-missing", tally(contest=...), named="contest"),
    Bad("contest-number", tally(contest=5), named="contest"),
    Bad("contest-unknown", tally(contest="pilwalkot-palembang"), named="contest"),
    Bad("correction-text", tally(correction="ya", reason="r"), named="correction"),
    Bad("field-unknown", tally(suara_tidaksah=4), named="suara_tidaksah"),
    Bad("paslon-zero", votes(**{"0": 1}), named="votes.0"),
    Bad("paslon-name", votes(**{"satu": 1}), named="votes.satu"),
    Bad("paslon-unknown", votes(**{"9": 1}), named="votes.9"),
    Bad("paslon-missing", tally(votes={"1": 80, "2": 50}), named="votes.3"),
    Bad("too-many-ballots", votes(**{"1": 290}), named="suara_tidak_sah"),
    Bad("submitted-no-zone", tally(submitted_at="2024-11-27T14:05:00"), named="submitted_at"),
    Bad("submitted-year-1", tally(submitted_at="0001-01-01T00:00:00+14:00"), named="submitted_at"),
    Bad("submitted-garbage", tally(submitted_at="kemarin sore"), named="submitted_at"),
    # SQL-looking strings and wrong TPS codes
    Bad("sql-contest", tally(contest=SQL), named="contest"),
    Bad("sql-tps", tally(tps=TPS + "' OR '1'='1"), named="tps"),
    Bad("sql-paslon", votes(**{"1 OR 1=1": 1}), named="votes.1 OR 1=1"),
    Bad("tps-dashes", tally(tps="16-07-10-1002-001"), named="tps"),
    Bad("tps-too-short", tally(tps="160710"), named="tps"),
    Bad("tps-14-digits", tally(tps="16071010020011"), named="tps"),
    Bad("tps-unknown", tally(tps="16.07.10.1002.999"), named="tps"),
    Bad("tps-other-province", tally(tps="31.71.01.1001.001"), named="tps"),
    Bad("tps-negative-number", tally(tps=-1607101002001), named="tps"),
    # odd unicode
    Bad("tps-fullwidth-digits", tally(tps="１６.０７.１０.１００２.００１"), named="tps"),
    Bad("tps-arabic-indic-digits", tally(tps="١٦٠٧١٠١٠٠٢٠٠١"), named="tps"),
    Bad("tps-zero-width-space", tally(tps=TPS + "\u200b"), named="tps"),
    Bad("tps-rtl-override", tally(tps="\u202e" + TPS), named="tps"),
    Bad("paslon-arabic-indic-one", votes(**{"١": 1}), named="votes.١"),
    Bad("contest-nul", tally(contest="pilbup-banyuasin\x00"), named="contest"),
    Bad("reason-nul", tally(correction=True, reason="salah\x00ketik"), named="reason", who="operator"),
    Bad("contest-emoji", tally(contest="pilbup-🗳️"), named="contest"),
    Bad("idempotency-key-too-long", GOOD, named="Idempotency-Key", headers={"Idempotency-Key": "k" * 201}),
    Bad("idempotency-key-tab", GOOD, named="Idempotency-Key", headers={"Idempotency-Key": "a\tb"}),
    # incidents
    Bad(
        "incident-description-huge",
        {**INCIDENT, "description": "x" * 5000},
        named="description",
        url="/api/v1/incidents",
    ),
    Bad(
        "incident-latitude-NaN",
        raw(json.dumps({**INCIDENT, "longitude": 104.6}).replace("}", ', "latitude": NaN}')),
        named="latitude",
        url="/api/v1/incidents",
    ),
    Bad(
        "incident-sql-kecamatan",
        {**INCIDENT, "kecamatan": "16.07.10' OR 1=1 --"},
        named="kecamatan",
        url="/api/v1/incidents",
    ),
    Bad(
        "incident-nul-kecamatan", {**INCIDENT, "kecamatan": "16.07.10\x00"}, named="kecamatan", url="/api/v1/incidents"
    ),
    Bad(
        "incident-nul-description", {**INCIDENT, "description": "a\x00b"}, named="description", url="/api/v1/incidents"
    ),
    Bad("incident-category-list", {**INCIDENT, "category": ["logistik"]}, named="category", url="/api/v1/incidents"),
    Bad("incident-status-object", {**INCIDENT, "status": {"baru": 1}}, named="status", url="/api/v1/incidents"),
    Bad(
        "logistics-status-list",
        {"received": 1, "status": ["kurang"]},
        named="status",
        url="/api/v1/logistics/16.07.10/tinta",
        method="PUT",
        who="operator",
    ),
    Bad("incident-category-emoji", {**INCIDENT, "category": "🔥"}, named="category", url="/api/v1/incidents"),
    Bad(
        "incident-status-huge-id",
        {"status": "diverifikasi"},
        404,
        "id",
        url="/api/v1/incidents/99999999999999999999",
        method="PATCH",
        who="operator",
    ),
    Bad(
        "incident-status-unknown",
        {"status": "hilang"},
        422,
        "status",
        url="/api/v1/incidents/1",
        method="PATCH",
        who="operator",
    ),
    # logistics
    Bad(
        "logistics-received-negative",
        {"received": -1, "status": "kurang"},
        named="received",
        url="/api/v1/logistics/16.07.10/tinta",
        method="PUT",
        who="operator",
    ),
    Bad(
        "logistics-received-1e308",
        raw('{"received": 1e308, "status": "kurang"}'),
        named="received",
        url="/api/v1/logistics/16.07.10/tinta",
        method="PUT",
        who="operator",
    ),
    Bad(
        "logistics-received-text",
        {"received": "10", "status": "kurang"},
        named="received",
        url="/api/v1/logistics/16.07.10/tinta",
        method="PUT",
        who="operator",
    ),
    Bad(
        "logistics-kecamatan-unicode",
        {"received": 1, "status": "dalam-perjalanan"},
        named="kecamatan",
        url="/api/v1/logistics/１６.０７.１０/tinta",
        method="PUT",
        who="operator",
    ),
    Bad(
        "logistics-kecamatan-sql",
        {"received": 1, "status": "dalam-perjalanan"},
        named="kecamatan",
        url="/api/v1/logistics/16.07.10'%20OR%201=1/tinta",
        method="PUT",
        who="operator",
    ),
    Bad("view-nested-5000", raw("[" * 5000 + "]" * 5000), 400, "body", url="/api/v1/view", who="operator"),
    Bad(
        "dash-callback-nested-5000",
        raw("[" * 5000 + "]" * 5000),
        400,
        "body",
        url="/_dash-update-component",
        who="operator",
    ),
    Bad("snapshot-huge-id", None, 404, "id", url="/api/v1/snapshots/2147483648", method="GET", who="viewer"),
    Bad("photo-huge-id", None, 404, None, url="/photos/99999999999999999999", method="GET", who="viewer"),
    # query parameters
    Bad(
        "recap-as-of-garbage",
        None,
        named="as_of",
        url="/api/v1/recap/pilbup-banyuasin?as_of=kemarin",
        method="GET",
        who="viewer",
    ),
    Bad(
        "recap-region-sql",
        None,
        404,
        "region",
        url="/api/v1/recap/pilbup-banyuasin?region=16.07'--",
        method="GET",
        who="viewer",
    ),
    Bad(
        "recap-region-nul",
        None,
        422,
        "region",
        url="/api/v1/recap/pilbup-banyuasin?region=16.07%00",
        method="GET",
        who="viewer",
    ),
    Bad("incidents-limit-negative", None, named="limit", url="/api/v1/incidents?limit=-1", method="GET", who="viewer"),
    Bad(
        "incidents-limit-huge",
        None,
        named="limit",
        url="/api/v1/incidents?limit=" + "9" * 30,
        method="GET",
        who="viewer",
    ),
    Bad(
        "incidents-since-garbage", None, named="since", url="/api/v1/incidents?since=besok", method="GET", who="viewer"
    ),
]


def state(store) -> dict[str, Any]:  # noqa: ANN001
    """What a bad input must not change: row counts and the logistics board."""
    with store.reader() as s:
        counted = {
            m.__name__: s.scalar(select(func.count()).select_from(m))
            for m in (Result, AuditEntry, Incident, IncidentEvent)
        }
        board = sorted((r.kecamatan_code, r.item, r.received, r.status) for r in s.scalars(select(Logistics)))
    return {**counted, "logistics": board}


@pytest.fixture
def desk(app):  # noqa: ANN001
    return app.server.extensions["desk"]


@pytest.fixture
def senders(app, desk, client_as) -> dict:  # noqa: ANN001
    secret, _ = accounts.create_token(desk.store, "hp", "reporter", "uji")
    reporter = app.server.test_client()
    reporter.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    operator = client_as("operator")
    # one stored result and one incident, so that corrections and status changes have something to act on
    assert operator.post("/api/v1/tallies", json=GOOD).status_code == 201
    assert operator.post("/api/v1/incidents", json=INCIDENT).status_code == 201
    return {"reporter": reporter, "operator": operator, "viewer": client_as("viewer")}


def test_the_api_corpus_is_large_enough() -> None:
    assert len(API_CORPUS) >= 50 and len({b.id for b in API_CORPUS}) == len(API_CORPUS)


@pytest.mark.parametrize("bad", API_CORPUS, ids=[b.id for b in API_CORPUS])
def test_bad_api_input_is_refused_and_nothing_is_stored(desk, senders, bad: Bad) -> None:  # noqa: ANN001
    client = senders[bad.who]
    before = state(desk.store)
    kwargs: dict[str, Any] = {"method": bad.method, "headers": bad.headers}
    if isinstance(bad.body, bytes | str):
        kwargs.update(data=bad.body, content_type=bad.content_type)
    elif bad.body is not None:
        kwargs.update(data=json.dumps(bad.body), content_type=bad.content_type)
    response = client.open(bad.url, **kwargs)
    assert response.status_code == bad.status, (bad.id, response.status_code, response.get_data()[:300])
    answer = response.get_json()
    assert answer is not None and response.mimetype == "application/json"
    if bad.named is not None:
        errors = answer.get("errors") or {}
        assert bad.named in errors, (bad.id, answer)
        assert all(isinstance(m, str) and m for m in errors.values())
    assert state(desk.store) == before
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert senders["viewer"].get("/api/v1/recap/pilbup-banyuasin").status_code == 200


# ---------------------------------------------------------------- imports

HEADER = "contest,tps,suara_1,suara_2,suara_3,suara_4,suara_5,suara_tidak_sah"
ROW = "pilbup-banyuasin,16.07.10.1002.002,40,30,20,10,5,1"  # a good row (DPT 169)

CSV_ROWS = [
    ("vote-text", "pilbup-banyuasin,16.07.10.1002.003,empat puluh,30,20,10,5,1", "suara_1"),
    ("vote-negative", "pilbup-banyuasin,16.07.10.1002.003,-40,30,20,10,5,1", "suara_1"),
    ("vote-fraction", "pilbup-banyuasin,16.07.10.1002.003,40.5,30,20,10,5,1", "suara_1"),
    ("vote-huge", "pilbup-banyuasin,16.07.10.1002.003,99999999999999999999,30,20,10,5,1", "suara_1"),
    ("too-many-ballots", "pilbup-banyuasin,16.07.10.1002.003,400,30,20,10,5,1", "tidak sah"),
    ("tps-sql", "pilbup-banyuasin,16.07.10.1002.003' OR '1'='1,40,30,20,10,5,1", "tps"),
    ("tps-unknown", "pilbup-banyuasin,16.07.10.1002.999,40,30,20,10,5,1", "tps"),
    ("tps-fullwidth", "pilbup-banyuasin,１６.０７.１０.１００２.００３,40,30,20,10,5,1", "tps"),
    ("contest-unknown", "pilwalkot-x,16.07.10.1002.003,40,30,20,10,5,1", "kontestasi"),
    ("row-shifted", "pilbup-banyuasin,16.07.10.1002.003,40,30,20,10,5,1,7,8", "kolom"),
    ("tps-nul", "pilbup-banyuasin,16.07.10.1002.003\x00,40,30,20,10,5,1", "tps"),
]


@pytest.mark.parametrize(("case", "row", "named"), CSV_ROWS, ids=[c[0] for c in CSV_ROWS])
def test_a_bad_csv_row_is_reported_with_its_line_and_the_good_rows_go_in(
    desk, tmp_path: Path, case: str, row: str, named: str
) -> None:  # noqa: ANN001
    path = tmp_path / "hasil.csv"
    path.write_text(f"{HEADER}\n{ROW}\n{row}\n", encoding="utf-8")
    before = state(desk.store)
    report = import_tallies(desk.store, path)
    assert report.stored == 1 and report.problems == 1, (case, report.counts)
    problem = [line for line in report.shown if line.where == "3"]
    assert problem, (case, report.shown)
    assert named in problem[0].reason.lower() or named in problem[0].reason, (case, problem[0].reason)
    after = state(desk.store)
    assert after["Result"] == before["Result"] + 1  # the good row only
    assert [r["tps"] for r in results.current_results(desk.store, "pilbup-banyuasin")].count("16.07.10.1002.003") == 0


CSV_FILES = [
    ("not-utf8", (HEADER + ",catatan\n" + ROW + ",caf\xe9\n").encode("latin-1"), "utf-8"),
    ("empty", b"", "kosong"),
    ("png-bytes", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "utf-8"),
    ("excel-xlsx", b"PK\x03\x04" + b"\x00" * 64, "excel"),
    ("no-tps-column", b"contest,suara_1,suara_tidak_sah\npilbup-banyuasin,1,2\n", "tps"),
    ("doubled-column", (HEADER + ",tps\n" + ROW + ",x\n").encode(), "ganda"),
    ("blank-first-line", ("\n" + HEADER + "\n" + ROW + "\n").encode(), "kosong"),
]


@pytest.mark.parametrize(("case", "content", "named"), CSV_FILES, ids=[c[0] for c in CSV_FILES])
def test_an_unreadable_csv_is_refused_with_a_clear_message(
    desk, tmp_path: Path, case: str, content: bytes, named: str
) -> None:  # noqa: ANN001
    path = tmp_path / "hasil.csv"
    path.write_bytes(content)
    before = state(desk.store)
    with pytest.raises(ImportFileError) as refused:
        import_tallies(desk.store, path)
    assert named in str(refused.value).lower(), (case, str(refused.value))
    assert "hasil.csv" in str(refused.value)
    assert state(desk.store) == before


def test_the_incident_import_reports_each_bad_row(desk, tmp_path: Path) -> None:  # noqa: ANN001
    from data_sources.imports import INCIDENT_REQUIRED

    header = ",".join(INCIDENT_REQUIRED)
    good = {
        "kecamatan": "16.07.10",
        "stage": "pemungutan-suara",
        "category": "logistik",
        "severity": "tinggi",
        "description": "Kotak suara rusak",
        "occurred_at": "2024-11-27T09:00:00+07:00",
    }

    def row(**changes: str) -> str:
        values = {**good, **changes}
        return ",".join(f'"{values.get(name, "")}"' for name in INCIDENT_REQUIRED)

    bad_rows = [
        row(kecamatan="16.07.10' OR 1=1 --"),
        row(category="🔥"),
        row(severity="gawat", description="Tinta hilang"),
        row(description=""),
        row(description="a\x00b"),
        row(kecamatan="16.07.10\x00"),
    ]
    path = tmp_path / "kejadian.csv"
    path.write_text("\n".join([header, row(), *bad_rows]) + "\n", encoding="utf-8")
    before = state(desk.store)
    report = import_incidents(desk.store, path)
    assert report.stored == 1 and report.problems == len(bad_rows), report.counts
    rejected = {int(line.where) for line in report.shown if line.outcome == "ditolak"}
    assert rejected == set(range(3, 3 + len(bad_rows))), report.shown
    assert all(line.reason for line in report.shown)
    assert state(desk.store)["Incident"] == before["Incident"] + 1  # the good row; the store still answers


TPS_ROWS = [  # `import tps`: each file holds only the bad line, so nothing at all may change
    ("dpt-zero", "16.07.10.1002.025,0", "dpt"),
    ("dpt-601", "16.07.10.1002.025,601", "dpt"),
    ("dpt-text", "16.07.10.1002.025,banyak", "dpt"),
    ("dpt-negative", "16.07.10.1002.001,-300", "dpt"),
    ("dpt-1e3", "16.07.10.1002.025,1e3", "dpt"),
    ("desa-unknown", "16.07.10.9999.001,100", "tps"),
    ("desa-other-province", "31.71.01.1001.001,100", "tps"),
    ("tps-fullwidth", "１６.０７.１０.１００２.０２５,100", "tps"),
    ("tps-sql", "16.07.10.1002.025' OR '1'='1,100", "tps"),
    ("tps-nul", "16.07.10.1002.025\x00,100", "tps"),
    ("tps-rtl-override", "\u202e16.07.10.1002.025,100", "tps"),
]


@pytest.mark.parametrize(("case", "row", "named"), TPS_ROWS, ids=[f"tps-{c[0]}" for c in TPS_ROWS])
def test_a_bad_tps_line_is_reported_by_line_and_field_and_changes_nothing(
    desk, tmp_path: Path, case: str, row: str, named: str
) -> None:  # noqa: ANN001
    path = tmp_path / "tps.csv"
    path.write_text(f"tps,dpt\n{row}\n", encoding="utf-8")
    before, stations = state(desk.store), tps_dpt(desk.store)
    report = import_tps(desk.store, path)
    assert report.stored == 0 and report.problems == 1, (case, report.counts)
    (line,) = report.shown
    assert line.where == "2" and line.reason.startswith(f"{named}:"), (case, line)
    assert state(desk.store) == before and tps_dpt(desk.store) == stations


# ---------------------------------------------------------------- images that are not images


def real_png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


NOT_IMAGES = [
    ("text-named-jpg", b"ini bukan foto", "c1.jpg", 422),
    ("html-named-png", b"<html><script>alert(1)</script></html>", "c1.png", 422),
    ("svg-with-script", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "c1.svg", 422),
    ("truncated-png", real_png()[:40], "c1.png", 422),
    ("png-header-then-junk", real_png()[:16] + b"\x00" * 200, "c1.png", 422),
    ("jpeg-magic-then-junk", b"\xff\xd8\xff\xe0" + b"JFIF" + b"\x00" * 200, "c1.jpg", 422),
    (
        "gif",
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,"
        b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
        "c1.gif",
        422,
    ),
    ("pdf", b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF", "c1.pdf", 422),
    ("zip", b"PK\x03\x04" + b"\x00" * 100, "c1.zip", 422),
    ("empty-file", b"", "c1.jpg", 422),
    ("over-5mb", b"\xff\xd8\xff\xe0" + b"\x00" * (5 * 1024 * 1024 + 10), "c1.jpg", 413),
]


@pytest.mark.parametrize(("case", "content", "name", "status"), NOT_IMAGES, ids=[c[0] for c in NOT_IMAGES])
def test_a_photo_that_is_not_a_jpeg_or_png_is_refused(
    desk, senders, case: str, content: bytes, name: str, status: int
) -> None:  # noqa: ANN001
    import io

    from data_sources import photos
    from data_sources.models import ResultPhoto

    def photo_state() -> tuple[int, list[str]]:
        with desk.store.reader() as s:
            rows = s.scalar(select(func.count()).select_from(ResultPhoto))
        folder = photos.photo_folder(desk.config.data_dir)
        return rows, sorted(p.name for p in folder.glob("*")) if folder.exists() else []

    before, rows_before = state(desk.store), photo_state()
    response = senders["reporter"].post(
        f"/api/v1/tallies/pilbup-banyuasin/{TPS}/photo",
        data={"photo": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == status, (case, response.status_code, response.get_data()[:200])
    assert "photo" in response.get_json()["errors"]
    assert photo_state() == rows_before and state(desk.store) == before
    ok = senders["reporter"].post(
        f"/api/v1/tallies/pilbup-banyuasin/{TPS}/photo",
        data={"photo": (io.BytesIO(real_png()), "c1.png")},
        content_type="multipart/form-data",
    )
    assert ok.status_code == 201  # still serving, and a real photo goes in
