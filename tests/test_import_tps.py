"""`import tps`: the TPS list with DPT from CSV — added, updated, same, every bad line named, one transaction,
audited, idempotent; the catalog, the ingest path and the recap follow, also in another process."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dashboard.recap.service import RecapService
from data_sources import imports, results
from data_sources.domain import rules
from data_sources.domain.actors import Actor
from data_sources.imports import ImportFileError
from data_sources.models import AuditEntry, Logistics, Result, Tps
from data_sources.store import TPS_REVISION, Store
from data_sources.tps_import import DITAMBAH, DIUBAH, DIUBAH_ADA_HASIL, TIDAK_DISIMPAN, import_tps

OPERATOR = Actor("operator1", "operator")
DESA = "16.07.10.1002"  # Air Batu, Talang Kelapa: TPS 001..024 in the demo (001 has DPT 300, 002 has 169)
NEW = f"{DESA}.025"
KEC = "16.07.10"
PILBUP = "pilbup-banyuasin"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def read_report(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def stored_tps(store: Store) -> dict[str, int]:
    with store.reader() as s:
        return dict(s.execute(select(Tps.code, Tps.dpt)).all())


def audit_rows(store: Store, action: str) -> list[AuditEntry]:
    with store.reader() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def count(store: Store, model: type) -> int:
    with store.reader() as s:
        return s.scalar(select(func.count()).select_from(model))


def needed(store: Store, kec: str, item: str) -> int | None:
    with store.reader() as s:
        row = s.get(Logistics, (kec, item))
        return row.needed if row else None


def tally(dpt: int, tps: str, share: float = 0.6) -> dict:
    valid = int(dpt * share)
    votes = {"1": valid - 4 * (valid // 6), "2": valid // 6, "3": valid // 6, "4": valid // 6, "5": valid // 6}
    return {"contest": PILBUP, "tps": tps, "votes": votes, "suara_tidak_sah": 2}


# ------------------------------------------------------------------------------------------ added, changed, same


def test_new_changed_and_same_tps_are_stored_audited_and_a_rerun_changes_nothing(demo_store, tmp_path) -> None:  # noqa: ANN001
    store = demo_store
    before = stored_tps(store)
    ballots_before = needed(store, KEC, "surat-suara-" + PILBUP)
    path = write(tmp_path / "tps.csv", f"tps,dpt\n{NEW},250\n{DESA}.001,290\n{DESA}.002,169\n")
    report = import_tps(store, path, report_path=tmp_path / "laporan.csv")

    assert (report.counts[DITAMBAH], report.counts[DIUBAH], report.counts[imports.SAMA]) == (1, 1, 1)
    assert report.stored == 2 and report.problems == 0 and not report.aborted
    now = stored_tps(store)
    assert now[NEW] == 250 and now[f"{DESA}.001"] == 290 and now[f"{DESA}.002"] == 169
    assert len(now) == len(before) + 1
    assert store.catalog().tps_dpt[NEW] == 250  # this process's cached catalog was dropped
    lines = {r["baris"]: r for r in read_report(tmp_path / "laporan.csv")}  # every line, with its outcome
    assert lines["2"]["hasil"] == "ditambah" and lines["2"]["tps"] == NEW
    assert lines["3"]["hasil"] == "diubah" and lines["3"]["alasan"] == "DPT 300 → 290"
    assert lines["4"]["hasil"] == "sama"
    text = "\n".join(report.summary())
    assert "baris 3  16.07.10.1002.001  diubah: DPT 300 → 290" in text
    assert f"Daftar TPS: {len(before):,} → {len(before) + 1:,} TPS".replace(",", ".") in text
    assert "tidak pernah menghapus TPS" in text  # the TPS missing from the file stay

    added = audit_rows(store, "tps.add")
    assert [(a.entity, a.entity_id, a.before, a.after["dpt"]) for a in added] == [("tps", NEW, None, 250)]
    assert added[0].actor == "import:tps.csv"
    changed = audit_rows(store, "tps.update")
    assert [(a.entity_id, a.before, a.after["dpt"]) for a in changed] == [(f"{DESA}.001", {"dpt": 300}, 290)]
    (summary,) = audit_rows(store, "tps.import")
    assert summary.after["ditambah"] == 1 and summary.after["diubah"] == 1
    assert summary.after["dpt_sesudah"] - summary.after["dpt_sebelum"] == 250 - 10

    # the ballots this kecamatan needs follow its DPT (DPT + 2,5 % per TPS), audited
    expected = ballots_before + rules.ballots_printed(250) + rules.ballots_printed(290) - rules.ballots_printed(300)
    assert needed(store, KEC, "surat-suara-" + PILBUP) == expected
    assert needed(store, KEC, "bilik-suara") == 4 * sum(1 for c in now if c.startswith(KEC + "."))
    assert any(a.entity_id == f"{KEC}/surat-suara-{PILBUP}" for a in audit_rows(store, "logistics.needs"))

    revision, audits = store.get_setting(TPS_REVISION), count(store, AuditEntry)
    again = import_tps(store, path)
    assert again.counts[imports.SAMA] == 3 and again.stored == 0 and again.problems == 0
    assert "Tidak ada perubahan" in "\n".join(again.summary())
    assert stored_tps(store) == now and count(store, AuditEntry) == audits
    assert store.get_setting(TPS_REVISION) == revision  # a rerun does not even touch the revision


def test_kpu_spellings_desa_and_number_columns_and_dpt_by_sex(demo_store, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "kpu.csv"
    path.write_text(
        "\ufeffKODE_DESA\tNomor_TPS\tDPT_L\tDPT_P\tNama\tAlamat\n"
        "1607101002\t25\t120\t130\tTPS 25\tJl. Merdeka\n"
        f"{DESA}\t001\t150\t140\t\t\n",
        encoding="utf-8",
    )
    report = import_tps(demo_store, path)
    assert report.counts[DITAMBAH] == 1 and report.counts[DIUBAH] == 1, report.shown
    assert stored_tps(demo_store)[NEW] == 250 and stored_tps(demo_store)[f"{DESA}.001"] == 290
    assert report.warnings == ["kolom diabaikan (tidak disimpan): nama, alamat"]

    both = write(
        tmp_path / "semua.csv",
        f"tps;kode_desa;nomor_tps;dpt;dpt_l;dpt_p\n{DESA.replace('.', '')}026;{DESA};26;90;40;50\n",
    )
    assert import_tps(demo_store, both).counts[DITAMBAH] == 1
    assert stored_tps(demo_store)[f"{DESA}.026"] == 90


# -------------------------------------------------------------------------------------------------- bad lines

GOOD = f"{NEW},250"
BAD_LINES = [
    ("desa-unknown", "tps,dpt", "16.07.10.9999.001,100", "tps: desa 16.07.10.9999 tidak dikenal"),
    ("desa-other-kabupaten", "tps,dpt", "16.71.01.1001.001,100", "di luar wilayah skenario (Kabupaten Banyuasin)"),
    ("dpt-zero", "tps,dpt", f"{DESA}.026,0", "dpt: 0"),
    ("dpt-601", "tps,dpt", f"{DESA}.026,601", "dpt: 601 melebihi batas 600"),
    ("dpt-text", "tps,dpt", f"{DESA}.026,dua ratus", "dpt: harus bilangan bulat, tertulis 'dua ratus'"),
    ("dpt-negative", "tps,dpt", f"{DESA}.026,-5", "dpt: tidak boleh negatif"),
    ("dpt-fraction", "tps,dpt", f"{DESA}.026,250.5", "dpt: harus bilangan bulat"),
    ("dpt-empty", "tps,dpt", f"{DESA}.026,", "dpt: kosong"),
    ("dpt-fullwidth", "tps,dpt", f"{DESA}.026,２５０", "dpt: harus bilangan bulat"),
    ("code-dashes", "tps,dpt", "16-07-10-1002-026,100", "tps: kode TPS tidak sah"),
    ("code-short", "tps,dpt", "1607101002,100", "tps: kode TPS tidak sah"),
    ("code-number-000", "tps,dpt", f"{DESA}.000,100", "tps: nomor TPS dimulai dari 001"),
    ("code-empty", "tps,dpt", ",100", "tps: kosong"),
    ("code-sql", "tps,dpt", f"{DESA}.026' OR '1'='1,100", "tps: kode TPS tidak sah"),
    ("nomor-zero", "kode_desa,nomor_tps,dpt", f"{DESA},0,100", "nomor_tps: harus 1–999"),
    ("nomor-1000", "kode_desa,nomor_tps,dpt", f"{DESA},1000,100", "nomor_tps: harus 1–999"),
    ("kode-desa-bad", "kode_desa,nomor_tps,dpt", "16.07.10,26,100", "kode_desa: kode desa tidak sah"),
    ("dpt-split-sum-differs", "tps,dpt,dpt_l,dpt_p", f"{DESA}.026,100,40,50", "dpt: 100 tidak sama dengan dpt_l"),
    ("dpt-split-over", "tps,dpt_l,dpt_p", f"{DESA}.026,300,301", "dpt_l + dpt_p: 601 melebihi batas"),
    ("code-and-pair-differ", "tps,kode_desa,nomor_tps,dpt", f"{DESA}.026,{DESA},27,100", "tidak cocok"),
    ("row-shifted", "tps,dpt", f"{DESA}.026,100,7", "periksa pemisah"),
]


@pytest.mark.parametrize(("case", "header", "row", "named"), BAD_LINES, ids=[c[0] for c in BAD_LINES])
def test_a_bad_line_is_reported_by_line_and_field_and_the_good_line_goes_in(
    demo_store, tmp_path: Path, case: str, header: str, row: str, named: str
) -> None:  # noqa: ANN001
    good = GOOD if header == "tps,dpt" else _good_for(header)
    path = write(tmp_path / "tps.csv", f"{header}\n{good}\n{row}\n")
    before = stored_tps(demo_store)
    report = import_tps(demo_store, path)
    assert report.counts[DITAMBAH] == 1 and report.problems == 1, (case, report.counts, report.shown)
    (line,) = [ln for ln in report.shown if ln.outcome == imports.DITOLAK]
    assert line.where == "3" and named in line.reason, (case, line)
    after = stored_tps(demo_store)
    assert set(after) - set(before) == {NEW} and after[NEW] == 250  # the good line only
    assert [a.entity_id for a in audit_rows(demo_store, "tps.add")] == [NEW]


def _good_for(header: str) -> str:
    values = {"tps": NEW, "kode_desa": DESA, "nomor_tps": "25", "dpt": "250", "dpt_l": "100", "dpt_p": "150"}
    return ",".join(values[name] for name in header.split(","))


def test_duplicate_lines_disagreeing_are_all_rejected_agreeing_ones_skipped(demo_store, tmp_path) -> None:  # noqa: ANN001
    path = write(
        tmp_path / "tps.csv",
        f"tps,dpt\n{DESA}.026,200\n{NEW},250\n{DESA.replace('.', '')}026,210\n{NEW},250\n"
        f"{DESA}.027,abc\n{DESA}.027,90\n",
    )
    report = import_tps(demo_store, path)
    by_line = {ln.where: ln for ln in report.shown}
    assert by_line["2"].outcome == by_line["4"].outcome == imports.DITOLAK
    assert "ganda di baris 2, 4 dengan DPT berbeda (200, 210)" in by_line["2"].reason
    assert by_line["5"].outcome == imports.DILEWATI and "dipakai baris 3" in by_line["5"].reason
    assert by_line["6"].outcome == by_line["7"].outcome == imports.DITOLAK  # a faulty twin makes both suspect
    tps = stored_tps(demo_store)
    assert tps[NEW] == 250 and f"{DESA}.026" not in tps and f"{DESA}.027" not in tps


MISSING_COLUMNS = [
    ("no-dpt", "tps,jumlah\n", "kolom wajib tidak ada: dpt (atau dpt_l dan dpt_p)"),
    ("no-tps", "kode,dpt\n", "kolom wajib tidak ada: tps (atau kode_desa dan nomor_tps)"),
    ("desa-without-number", "kode_desa,dpt\n", "nomor_tps (ada kode_desa tanpa nomor_tps"),
    ("men-without-women", "tps,dpt_l\n", "dpt_p (ada dpt_l tanpa dpt_p"),
    ("both-missing", "nama\n", "tps (atau kode_desa dan nomor_tps); dpt (atau dpt_l dan dpt_p)"),
]


@pytest.mark.parametrize(("case", "head", "named"), MISSING_COLUMNS, ids=[c[0] for c in MISSING_COLUMNS])
def test_a_missing_column_stores_nothing_and_names_the_column(
    demo_store, tmp_path: Path, case: str, head: str, named: str
) -> None:  # noqa: ANN001
    path = write(tmp_path / "tps.csv", head + "x,1\n")
    audits = count(demo_store, AuditEntry)
    with pytest.raises(ImportFileError) as refused:
        import_tps(demo_store, path)
    assert named in str(refused.value) and "tps.csv" in str(refused.value), (case, str(refused.value))
    assert count(demo_store, AuditEntry) == audits and len(stored_tps(demo_store)) == 2564


def test_a_data_folder_without_scenario_refuses_the_file(store, tmp_path) -> None:  # noqa: ANN001
    with pytest.raises(ImportFileError, match="belum ada skenario"):
        import_tps(store, write(tmp_path / "tps.csv", f"tps,dpt\n{NEW},250\n"))


# ---------------------------------------------------------------------------------------------- all or nothing


def test_all_or_nothing_stores_nothing_when_a_line_is_rejected(demo_store, tmp_path) -> None:  # noqa: ANN001
    before, audits = stored_tps(demo_store), count(demo_store, AuditEntry)
    path = write(tmp_path / "tps.csv", f"tps,dpt\n{NEW},250\n{DESA}.001,290\n{DESA}.026,601\n")
    report = import_tps(demo_store, path, all_or_nothing=True, report_path=tmp_path / "lap.csv")
    assert report.aborted and report.stored == 0 and report.counts[TIDAK_DISIMPAN] == 2
    assert report.counts[imports.DITOLAK] == 1
    assert "TIDAK ADA YANG DISIMPAN" in "\n".join(report.summary())
    lines = {r["baris"]: r for r in read_report(tmp_path / "lap.csv")}
    assert lines["2"]["hasil"] == "tidak disimpan" and lines["2"]["alasan"].startswith("akan ditambah")
    assert lines["3"]["alasan"].startswith("akan diubah: DPT 300 → 290")
    assert stored_tps(demo_store) == before and count(demo_store, AuditEntry) == audits
    assert demo_store.get_setting(TPS_REVISION) is None

    fixed = write(tmp_path / "tps.csv", f"tps,dpt\n{NEW},250\n{DESA}.001,290\n")
    report = import_tps(demo_store, fixed, all_or_nothing=True)
    assert not report.aborted and report.stored == 2


# ----------------------------------------------------------------------------------- TPS that have results


def test_a_dpt_change_on_a_tps_with_results_is_applied_with_a_warning_and_not_rejudged(demo_store, tmp_path) -> None:  # noqa: ANN001
    tps = f"{DESA}.001"  # DPT 300
    payload = tally(300, tps, share=0.6)  # 180 valid + 2 invalid: fine with 300, too many ballots for 150
    outcome = results.submit_result(demo_store, payload, OPERATOR, "api")
    assert outcome.status == results.CREATED and outcome.result["status"] == rules.STATUS_COUNTED
    versions = count(demo_store, Result)

    report = import_tps(demo_store, write(tmp_path / "tps.csv", f"tps,dpt\n{tps},150\n"))
    assert report.counts[DIUBAH_ADA_HASIL] == 1 and report.stored == 1
    (line,) = report.shown
    assert line.outcome == DIUBAH_ADA_HASIL
    assert "DPT 300 → 150; 1 hasil tersimpan dinilai dengan DPT lama (pilbup-banyuasin (versi 1))" in line.reason
    assert "tidak dinilai ulang" in line.reason and "akan ditolak (surat suara terpakai (182" in line.reason
    assert any("sudah punya hasil" in w and "tidak dinilai ulang" in w for w in report.warnings)
    (changed,) = audit_rows(demo_store, "tps.update")
    assert changed.before == {"dpt": 300} and changed.after["hasil_tersimpan"] == 1

    assert stored_tps(demo_store)[tps] == 150
    current = results.current_results(demo_store, PILBUP)
    assert count(demo_store, Result) == versions  # no new version, the stored one untouched
    assert [r["status"] for r in current if r["tps"] == tps] == [rules.STATUS_COUNTED]
    recap = RecapService(demo_store)
    head, _ = recap.totals(PILBUP, tps)
    assert (head.dpt, head.dpt_reported, head.voters) == (150, 150, 182)  # the recap uses the new DPT


# --------------------------------------------------------------- the catalog, the ingest path and the recap follow


def test_results_are_accepted_for_a_new_tps_and_a_second_process_notices(demo_store, tmp_path) -> None:  # noqa: ANN001
    server = Store(demo_store.url)  # a server running in another process, with its own cached catalog
    try:
        recap = RecapService(server)
        head, _ = recap.totals(PILBUP)
        total_before, dpt_before = head.tps_total, head.dpt
        refused = results.submit_result(server, tally(250, NEW), OPERATOR, "api")
        assert refused.status == results.REJECTED and "tidak terdaftar" in refused.errors["tps"]

        report = import_tps(demo_store, write(tmp_path / "tps.csv", f"tps,dpt\n{NEW},250\n{DESA}.002,170\n"))
        assert report.stored == 2

        server.catalog_recheck = 3600.0  # within the recheck delay the old catalog is still served …
        assert NEW not in server.catalog().tps_dpt
        server.catalog_recheck = 0.0  # … after it, the revision differs and the catalog is read again
        assert server.catalog().tps_dpt[NEW] == 250
        assert recap.refresh()
        head, _ = recap.totals(PILBUP)
        assert (head.tps_total, head.dpt) == (total_before + 1, dpt_before + 250 + 1)
        assert not recap.refresh()  # unchanged since: no rebuild

        accepted = results.submit_result(server, tally(250, NEW), OPERATOR, "api")
        assert accepted.status == results.CREATED, accepted.errors
        assert recap.apply(accepted.result)
        head, _ = recap.totals(PILBUP, DESA)
        assert head.tps_reported == 1 and head.dpt_reported == 250
    finally:
        server.dispose()


def test_the_recap_rebuilds_when_a_result_names_a_tps_it_does_not_know_yet(demo_store, tmp_path) -> None:  # noqa: ANN001
    recap = RecapService(demo_store)
    recap.ensure_built()
    import_tps(demo_store, write(tmp_path / "tps.csv", f"tps,dpt\n{NEW},250\n"))
    demo_store.catalog_recheck = 3600.0  # the recap has not looked at the revision yet
    recap._revision = demo_store.catalog().revision  # as if it had seen it, yet built from the old list
    accepted = results.submit_result(demo_store, tally(250, NEW), OPERATOR, "api")
    assert accepted.status == results.CREATED
    assert recap.apply(accepted.result)[0] == NEW  # no KeyError: rebuilt, the new result counted once
    head, _ = recap.totals(PILBUP, NEW)
    assert head.tps_reported == 1 and head.suara_sah == 150


def test_a_running_server_broadcasts_the_new_totals(app, tmp_path, client_as) -> None:  # noqa: ANN001
    desk = app.server.extensions["desk"]
    desk.hub.flush()
    assert desk.hub.flush() == 0  # nothing changed: nothing sent
    other = Store(desk.store.url)  # the command line, another process
    try:
        report = import_tps(other, write(tmp_path / "tps.csv", f"tps,dpt\n{NEW},250\n"))
    finally:
        other.dispose()
    assert report.stored == 1
    assert desk.hub.flush() >= 3  # the change feed says the TPS list changed: both contests' recaps, logistics
    sent = desk.hub.last_published[f"recap:{PILBUP}"]
    assert sent["totals"]["tps_total"] == 2565 and sent["text"][f"{PILBUP}-reported"] == "0 / 2.565 TPS"
    viewer = client_as("viewer")
    answer = viewer.get(f"/api/v1/recap/{PILBUP}?region={DESA}").get_json()
    assert (answer["region"]["tps_total"], answer["region"]["dpt"]) == (25, 5356 + 250)


def test_the_realtime_hub_follows_the_feed_while_idle(monkeypatch) -> None:  # noqa: ANN001
    from dashboard.live import hub as realtime

    class Socket:
        def __init__(self) -> None:
            self.emitted: list[str] = []

        def emit(self, event: str, _payload: dict) -> None:
            self.emitted.append(event)

    monkeypatch.setattr(realtime, "POLL_SECONDS", 0.0)
    monkeypatch.setattr(realtime, "HEARTBEAT_SECONDS", 0.0)
    calls: list[int] = []

    def follow() -> None:  # what the feed follower does when an entry says the TPS list changed
        calls.append(1)
        hub.notify("recap:x")
        if len(calls) == 2:
            hub.stop()

    socket = Socket()
    hub = realtime.Hub(socket, lambda kind: [("recap", {"contest": kind})], background=False, follow=follow)
    hub._run()  # returns once the second look at the feed stopped it
    assert len(calls) == 2 and "recap" in socket.emitted
