"""The C1 form in Chromium: an operator picks a TPS by typing, watches the sums and rule checks follow the
typing, saves with a photo, corrects and confirms; a viewer sees the photo on the TPS detail, a screen does not."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from data_sources import accounts, photos, results, summary
from data_sources.domain import rules
from data_sources.domain.actors import Actor
from data_sources.domain.fmt import fmt_int
from tests.browser.test_pages import absent, log_in_ok, open_from_nav, severe_logs
from tests.conftest import DEMO

CONTEST = "pilbup-banyuasin"
TPS = "16.07.10.2001.002"
SECRET_TEXT = "KameraRahasia"


def _dpt(code: str) -> int:
    return next(t["dpt"] for t in json.loads(Path(DEMO).read_text(encoding="utf-8"))["tps"] if t["code"] == code)


def _photo(path: Path) -> Path:
    """A small JPEG carrying EXIF text, written to a file the browser can pick."""
    exif = Image.Exif()
    exif[0x010F] = SECRET_TEXT
    out = io.BytesIO()
    Image.new("RGB", (90, 60), (20, 120, 60)).save(out, "JPEG", exif=exif.tobytes())
    path.write_bytes(out.getvalue())
    return path


def pick(duo, selector: str, typed: str, label: str) -> None:  # noqa: ANN001
    """Open a dropdown, type into its search box and click the option with this label."""
    duo.find_element(selector).click()
    search = duo.wait_for_element(".dash-dropdown-search")
    search.send_keys(typed)
    duo.wait_for_contains_text(".dash-dropdown-options", label)
    for option in duo.find_elements(".dash-dropdown-option"):
        if option.text == label:
            option.click()
            return
    raise AssertionError(f"no option {label!r} in {selector}")


def choose_tps(duo, desk, code: str) -> None:  # noqa: ANN001
    """Pick kecamatan, desa and TPS by typing part of their names."""
    names = summary.region_names(desk.store)
    kecamatan, desa = names[code[:8]], names[code[:13]]
    pick(duo, "#c1-kecamatan", kecamatan[:6], kecamatan)
    pick(duo, "#c1-desa", desa[:5], desa)
    number = code.rsplit(".", 1)[-1]
    pick(duo, "#c1-tps", number, f"TPS {number} · DPT {fmt_int(_dpt(code))}")
    duo.wait_for_text_to_equal("#c1-tps-code", code)


def type_into(duo, selector: str, value: int | str) -> None:  # noqa: ANN001
    """Replace a field's text as a person would (select all, type)."""
    element = duo.find_element(selector)
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(str(value))


def vote_fields(duo) -> list:  # noqa: ANN001
    return duo.find_elements("#c1-votes input")


def test_an_operator_keys_in_a_c1_with_its_photo_and_sees_the_checks_as_they_type(served, desk, tmp_path) -> None:
    duo = served
    log_in_ok(duo, "operator")
    open_from_nav(duo, "input", "input")
    choose_tps(duo, desk, TPS)
    dpt = _dpt(TPS)
    duo.wait_for_text_to_equal("#c1-dpt", fmt_int(dpt))
    duo.wait_for_text_to_equal("#c1-printed", fmt_int(rules.ballots_printed(dpt)))
    duo.wait_for_text_to_equal("#c1-state", "belum ada hasil")
    duo.wait_for_contains_text("#c1-versions", "Belum ada hasil")

    # the sums follow each keystroke
    numbers = [40, 35, 30, 25, 20]
    fields = vote_fields(duo)
    assert len(fields) == len(numbers)
    fields[0].send_keys("40")
    duo.wait_for_text_to_equal("#c1-sum-sah", "40")
    duo.wait_for_text_to_equal("#c1-verdict", "Belum lengkap.")
    for field, n in zip(fields[1:], numbers[1:], strict=True):
        field.send_keys(str(n))
    duo.wait_for_text_to_equal("#c1-sum-sah", "150")
    duo.find_element("#c1-tidak-sah").send_keys("4")
    duo.wait_for_text_to_equal("#c1-sum-ballots", f"154 dari {fmt_int(rules.ballots_printed(dpt))} tercetak")
    duo.wait_for_text_to_equal("#c1-verdict", "Akan dihitung.")

    # voters that disagree: the same words the server will use, before anything is sent
    duo.find_element("#c1-hadir").send_keys("160")
    tally = rules.Tally(dict(enumerate(numbers, start=1)), 4, None, 160)
    hold = rules.check_result(tally, dpt, {1, 2, 3, 4, 5}).holds[0].message
    duo.wait_for_contains_text("#c1-checks", hold)
    assert duo.find_element("#c1-verdict").text.startswith("Akan disimpan, tetapi perlu dicek")
    type_into(duo, "#c1-hadir", 154)
    duo.wait_for_text_to_equal("#c1-verdict", "Akan dihitung.")
    duo.wait_for_text_to_equal("#c1-sum-turnout", rules.fmt_pct(154 / dpt))

    # a photo goes with it
    duo.find_element("#c1-photo input[type=file]").send_keys(str(_photo(tmp_path / "c1 tps 2.jpg")))
    duo.wait_for_contains_text("#c1-photo-note", "Foto dipilih: c1 tps 2.jpg")
    duo.find_element("#c1-submit").click()
    duo.wait_for_contains_text("#c1-outcome", f"Tersimpan: TPS {TPS} versi 1 — Dihitung.")
    duo.wait_for_contains_text("#c1-outcome", "Foto C1 tersimpan bersama versi 1.")
    duo.wait_for_text_to_equal("#c1-state", "versi 1, dihitung")
    duo.wait_for_element("#c1-versions img.c1-thumb")
    assert [f.get_attribute("value") for f in vote_fields(duo)] == [""] * 5  # ready for the next C1

    [stored] = results.result_versions(desk.store, CONTEST, TPS)
    assert (stored["votes"], stored["author"], stored["source"]) == (
        {str(i): n for i, n in enumerate(numbers, start=1)},
        "operator",
        "input",
    )
    [photo] = photos.tps_photos(desk.store, CONTEST, TPS)
    assert SECRET_TEXT.encode() not in photos.photo_file(desk.store, desk.config.data_dir, photo.id)[0].read_bytes()

    # different numbers need a reason: the form says so and stores nothing
    duo.find_element("#c1-fill").click()
    duo.wait_for_text_to_equal("#c1-sum-sah", "150")
    type_into(duo, "#c1-votes input", 41)
    type_into(duo, "#c1-tidak-sah", 3)
    duo.find_element("#c1-submit").click()
    duo.wait_for_contains_text("#c1-outcome", "Alasan: TPS ini sudah punya hasil (versi 1)")
    assert len(results.result_versions(desk.store, CONTEST, TPS)) == 1
    duo.find_element("#c1-reason").send_keys("salah ketik paslon 1 dan suara tidak sah")
    duo.find_element("#c1-submit").click()
    duo.wait_for_contains_text("#c1-outcome", f"Tersimpan: TPS {TPS} versi 2 — Dihitung.")
    duo.wait_for_contains_text("#c1-versions", "salah ketik paslon 1")
    assert len(duo.find_elements("#c1-versions tbody tr")) == 2
    assert severe_logs(duo) == []


def test_a_held_result_is_confirmed_with_a_reason_and_bad_input_is_named(served, desk) -> None:
    code = "16.07.10.2001.003"
    dpt = _dpt(code)
    held = {
        "contest": CONTEST,
        "tps": code,
        "votes": {"1": 50, "2": 40, "3": 30, "4": 20, "5": 10},
        "suara_tidak_sah": 2,
        "pengguna_hak_pilih": 160,
    }
    outcome = results.submit_result(desk.store, held, Actor("hp-lapangan", "reporter"), source="api")
    assert outcome.result["status"] == rules.STATUS_REVIEW

    duo = served
    log_in_ok(duo, "operator")
    duo.driver.get(f"{duo.base_url}/input?tps={code.replace('.', '')}")  # preselected by address (KPU form)
    duo.wait_for_text_to_equal("#c1-tps-code", code)
    duo.wait_for_text_to_equal("#c1-state", "versi 1, perlu dicek")
    duo.wait_for_contains_text("#c1-review-hint", "perlu dicek")

    duo.find_element("#c1-confirm").click()
    duo.wait_for_contains_text("#c1-outcome", "Tidak dikonfirmasi:")
    duo.wait_for_contains_text("#c1-outcome", "Alasan: konfirmasi wajib disertai alasan")
    duo.find_element("#c1-reason").send_keys("dicek dengan KPPS lewat telepon: 2 pemilih pindahan")
    duo.find_element("#c1-confirm").click()
    duo.wait_for_contains_text("#c1-outcome", f"Dikonfirmasi: TPS {code} versi 2 — dihitung.")
    duo.wait_for_text_to_equal("#c1-state", "versi 2, dihitung")
    assert results.result_versions(desk.store, CONTEST, code)[-1]["author"] == "operator"

    # too many ballots: the form says it before sending, and the server refuses naming the field
    other = "16.07.10.2001.004"
    choose_tps(duo, desk, other)
    for field in vote_fields(duo):
        field.send_keys(str(dpt))
    duo.find_element("#c1-tidak-sah").send_keys("0")
    duo.wait_for_contains_text("#c1-verdict", "Akan ditolak")
    duo.wait_for_contains_text("#c1-checks", "melebihi surat suara tercetak")
    type_into(duo, "#c1-tidak-sah", "-3")
    duo.wait_for_contains_text("#c1-checks", "Suara tidak sah: harus bilangan bulat tidak negatif")
    duo.find_element("#c1-submit").click()
    duo.wait_for_contains_text("#c1-outcome", "Tidak disimpan:")
    duo.wait_for_contains_text("#c1-outcome", "Suara tidak sah:")
    assert results.result_versions(desk.store, CONTEST, other) == []
    assert severe_logs(duo) == []


def test_a_viewer_sees_the_c1_photo_on_the_tps_detail_and_a_screen_does_not(served, desk) -> None:
    payload = {
        "contest": CONTEST,
        "tps": TPS,
        "votes": {"1": 40, "2": 35, "3": 30, "4": 25, "5": 20},
        "suara_tidak_sah": 4,
    }
    result = results.submit_result(desk.store, payload, Actor("operator", "operator"), source="uji").result
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (200, 40, 40)).save(out, "PNG")
    photo, _ = photos.attach_photo(
        desk.store, desk.config.data_dir, result["id"], out.getvalue(), Actor("operator", "operator")
    )
    page = f"/rekapitulasi?contest={CONTEST}&region={TPS}"

    duo = served
    log_in_ok(duo, "viewer")
    duo.driver.get(duo.base_url + page)
    duo.wait_for_element("#rk-photos img.c1-thumb")
    # looked up anew each time: the panel may be redrawn when the feed's broadcast of this result arrives
    loaded = "const i = document.querySelector('#rk-photos img.c1-thumb'); return i ? i.naturalWidth : 0;"
    WebDriverWait(duo.driver, 5).until(lambda d: d.execute_script(loaded) > 0)
    link = duo.driver.execute_script("return document.querySelector('#rk-photos a.c1-photo-link').href;")
    assert link.endswith(f"/photos/{photo.id}")
    duo.wait_for_contains_text("#rk-photos", "Versi 1 · operator")
    assert severe_logs(duo) == []

    secret, _ = accounts.create_token(desk.store, "layar rapat", "display", "uji")
    duo.driver.delete_all_cookies()
    duo.driver.get(f"{duo.base_url}/layar?token={secret}")
    duo.wait_for_text_to_equal("#whoami", "token:layar rapat (display)")
    duo.driver.get(duo.base_url + page)
    duo.wait_for_contains_text(".rk-tps", f"Hasil TPS {TPS}")
    assert absent(duo, "#rk-photos")
    assert absent(duo, "img.c1-thumb")
    duo.driver.get(f"{duo.base_url}/photos/{photo.id}")
    assert duo.driver.find_element(By.TAG_NAME, "body").text.strip().startswith("{")  # JSON 404, no image
    assert "tidak ditemukan" in duo.driver.page_source


def _noise_png(path: Path, side: int) -> Path:
    """A PNG of random pixels (it does not compress): about side² × 3 bytes."""
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(path, "PNG")
    return path


def test_a_photo_near_5_mb_goes_through_and_a_bigger_one_is_refused_in_the_browser(served, desk, tmp_path) -> None:
    near = _noise_png(tmp_path / "hampir-5mb.png", 1260)
    over = _noise_png(tmp_path / "lebih-5mb.png", 1400)
    assert near.stat().st_size < photos.MAX_BYTES < over.stat().st_size
    duo = served
    log_in_ok(duo, "operator")
    duo.driver.get(f"{duo.base_url}/input?tps={TPS}")
    duo.wait_for_text_to_equal("#c1-tps-code", TPS)
    for field, n in zip(vote_fields(duo), [40, 35, 30, 25, 20], strict=True):
        field.send_keys(str(n))
    duo.find_element("#c1-tidak-sah").send_keys("4")

    upload = duo.find_element("#c1-photo input[type=file]")
    upload.send_keys(str(over))
    duo.wait_for_contains_text("#c1-photo-note", "Foto C1: paling besar 5 MB (berkas ini 5,6 MB).")
    upload.send_keys(str(near))
    duo.wait_for_contains_text("#c1-photo-note", "Foto dipilih: hampir-5mb.png (4,5 MB)")
    duo.find_element("#c1-submit").click()
    duo.wait_for_contains_text("#c1-outcome", "Foto C1 tersimpan bersama versi 1.", timeout=30)
    [photo] = photos.tps_photos(desk.store, CONTEST, TPS)
    assert (photo.media_type, photo.width, photo.height) == ("image/png", 1260, 1260)
    assert severe_logs(duo) == []
