"""The C1 form's server side: save through the ingest path with a photo, refuse naming the field, confirm."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from callbacks import c1_form as cb
from data_sources import photos, results
from data_sources.domain.actors import Actor
from data_sources.domain.rules import ballots_printed
from tests.test_admin import said

CONTEST = "pilbup-banyuasin"
TPS = "16.07.10.2001.002"
OPERATOR = Actor("operator", "operator")
NOMORS = [1, 2, 3, 4, 5]


def _upload(data: bytes, kind: str = "image/jpeg") -> dict:
    return {"contents": f"data:{kind};base64," + base64.b64encode(data).decode()}


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 10, 200)).save(out, "JPEG")
    return out.getvalue()


def _payload(votes=(40, 35, 30, 25, 20), tidak_sah=4, hadir=None, sah=None, reason=None, tps=TPS) -> dict:  # noqa: ANN001
    return cb.c1_payload(CONTEST, tps, NOMORS, list(votes), sah, tidak_sah, hadir, reason)


def _nothing_stored(store, data_dir) -> bool:  # noqa: ANN001
    folder = photos.photo_folder(data_dir)
    return results.result_versions(store, CONTEST, TPS) == [] and (not folder.exists() or not any(folder.iterdir()))


def test_a_c1_with_its_photo_is_stored_once_by_the_operator(demo_store, tmp_path) -> None:
    view, created, done = cb.save_c1(demo_store, tmp_path, OPERATOR, _payload(hadir=154), _upload(_jpeg()))
    assert done and created is not None
    assert f"Tersimpan: TPS {TPS} versi 1 — Dihitung." in said(view)
    assert "Foto C1 tersimpan bersama versi 1." in said(view)
    [v] = results.result_versions(demo_store, CONTEST, TPS)
    assert (v["author"], v["source"], v["pengguna_hak_pilih"]) == ("operator", "input", 154)
    assert [p.version for p in photos.tps_photos(demo_store, CONTEST, TPS)] == [1]

    again, created_again, _ = cb.save_c1(demo_store, tmp_path, OPERATOR, _payload(hadir=154), _upload(_jpeg()))
    assert created_again is None
    assert "Sudah tersimpan sebelumnya" in said(again) and "yang sama sudah tersimpan" in said(again)
    assert len(results.result_versions(demo_store, CONTEST, TPS)) == 1
    assert len(photos.tps_photos(demo_store, CONTEST, TPS)) == 1


@pytest.mark.parametrize(
    ("payload", "upload", "expected"),
    [
        (_payload(), _upload(b"bukan gambar sama sekali" * 20), "Foto C1: harus gambar JPEG atau PNG"),
        (_payload(), {"contents": "data:image/jpeg;base64,@@@@"}, "Foto C1: berkas tidak terbaca"),
        (_payload(tps=""), None, "TPS: pilih kecamatan, desa dan TPS dulu"),
        (_payload(tidak_sah=-3), None, "Suara tidak sah: tidak boleh negatif"),
        (_payload(votes=(40, None, 30, 25, 20)), None, "Paslon 2: harus bilangan bulat tidak negatif"),
        (_payload(votes=(40, 35.5, 30, 25, 20)), None, "Paslon 2: harus bilangan bulat tidak negatif"),
        (_payload(votes=(300, 0, 0, 0, 0)), None, "Suara tidak sah: surat suara terpakai (304 = sah 300"),
    ],
    ids=["text-as-photo", "bad-base64", "no-tps", "negative", "empty-vote", "fraction", "too-many-ballots"],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(demo_store, tmp_path, payload, upload, expected):  # noqa: ANN001, ANN201
    view, created, done = cb.save_c1(demo_store, tmp_path, OPERATOR, payload, upload)
    assert (created, done) == (None, False)
    assert "Tidak disimpan:" in said(view) and expected in said(view)
    assert _nothing_stored(demo_store, tmp_path)


def test_a_photo_over_5_mb_is_refused_before_decoding(demo_store, tmp_path) -> None:
    huge = {"contents": "data:image/jpeg;base64," + "A" * (photos.MAX_BYTES * 4 // 3 + 400)}
    view, _created, done = cb.save_c1(demo_store, tmp_path, OPERATOR, _payload(), huge)
    assert not done and "Foto C1: paling besar 5 MB" in said(view)
    assert _nothing_stored(demo_store, tmp_path)


def test_different_numbers_need_a_reason_and_become_a_correction(demo_store, tmp_path) -> None:
    cb.save_c1(demo_store, tmp_path, OPERATOR, _payload(), None)
    view, created, done = cb.save_c1(demo_store, tmp_path, OPERATOR, _payload(votes=(41, 35, 30, 25, 20)), None)
    assert (created, done) == (None, False)
    assert "Alasan: TPS ini sudah punya hasil (versi 1) dengan angka berbeda" in said(view)
    assert len(results.result_versions(demo_store, CONTEST, TPS)) == 1
    fixed = _payload(votes=(41, 35, 30, 25, 20), reason="  salah ketik  ")
    view, created, done = cb.save_c1(demo_store, tmp_path, OPERATOR, fixed, None)
    assert done and (created["version"], created["kind"], created["reason"]) == (2, "koreksi", "salah ketik")


def test_a_held_result_is_confirmed_with_a_reason(demo_store, tmp_path) -> None:
    cb.save_c1(demo_store, tmp_path, OPERATOR, _payload(hadir=170), None)
    assert results.result_versions(demo_store, CONTEST, TPS)[-1]["status"] == "perlu_dicek"
    view, result = cb.confirm_c1(demo_store, OPERATOR, CONTEST, TPS, "")
    assert result is None and "Alasan: konfirmasi wajib disertai alasan" in said(view)
    view, result = cb.confirm_c1(demo_store, OPERATOR, CONTEST, TPS, "dicek ke KPPS")
    assert (result["version"], result["kind"], result["status"]) == (2, "konfirmasi", "dihitung")
    view, result = cb.confirm_c1(demo_store, OPERATOR, CONTEST, TPS, "lagi")
    assert result is None and "Tidak diubah" in said(view)
    viewer = Actor("viewer", "viewer")
    assert "tidak boleh" in said(cb.confirm_c1(demo_store, viewer, CONTEST, TPS, "x")[0])


def test_the_chosen_tps_gives_its_dpt_versions_and_numbers(demo_store, tmp_path) -> None:
    facts, meta, _table = cb.tps_view(demo_store, CONTEST, "1607102001002")
    dpt = demo_store.catalog().tps_dpt[TPS]
    assert meta == {"dpt": dpt, "printed": ballots_printed(dpt), "nomors": NOMORS, "current": None}
    assert "belum ada hasil" in said(facts)
    assert cb.current_numbers(demo_store, CONTEST, TPS, NOMORS) is None
    cb.save_c1(demo_store, tmp_path, OPERATOR, _payload(hadir=154), None)
    _facts, meta, table = cb.tps_view(demo_store, CONTEST, TPS)
    assert meta["current"] == {"version": 1, "status": "dihitung"}
    assert "Baru" in said(table) and "operator" in said(table)
    assert cb.current_numbers(demo_store, CONTEST, TPS, NOMORS) == [[40, 35, 30, 25, 20], None, 4, 154]
    assert cb.tps_view(demo_store, CONTEST, "16.07.99.9999.999")[1]["dpt"] is None
