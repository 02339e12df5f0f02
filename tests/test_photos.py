"""C1 photos: checked by content, metadata stripped, stored under the data folder, served to users only."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from data_sources import accounts, photos, results
from data_sources.domain.actors import Actor
from data_sources.models import AuditEntry, ResultPhoto
from tests.conftest import DEMO

CONTEST = "pilbup-banyuasin"
TPS = "16.07.10.2001.002"
SECRET_TEXT = "KameraRahasiaPak-Budi"
URL = f"/api/v1/tallies/{CONTEST}/{TPS}/photo"


def _dpt(code: str) -> int:
    return next(t["dpt"] for t in json.loads(Path(DEMO).read_text(encoding="utf-8"))["tps"] if t["code"] == code)


def jpeg_with_exif(size: tuple[int, int] = (64, 48)) -> bytes:
    """A small JPEG carrying a camera make, a description and an orientation in its EXIF."""
    exif = Image.Exif()
    exif[0x010F] = SECRET_TEXT  # Make
    exif[0x010E] = "lokasi -2.9,104.6"  # ImageDescription
    exif[0x0112] = 6  # Orientation: turn 90° to show upright
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_with_text() -> bytes:
    """A small PNG carrying a text chunk."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET_TEXT)
    out = io.BytesIO()
    Image.new("RGBA", (40, 30), (0, 90, 200, 255)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def store_result(desk, tps: str = TPS) -> dict:  # noqa: ANN001
    """A counted result for a TPS of the demo."""
    votes = {"1": 40, "2": 35, "3": 30, "4": 25, "5": 20}
    payload = {"contest": CONTEST, "tps": tps, "votes": votes, "suara_tidak_sah": 4}
    assert 154 <= _dpt(tps)
    outcome = results.submit_result(desk.store, payload, Actor("operator", "operator"), source="uji")
    assert outcome.changed, outcome
    return outcome.result


def upload(client, data: bytes, name: str = "c1.jpg", url: str = URL, **kwargs):  # noqa: ANN001, ANN201
    """Post a photo as a multipart form, as a phone would."""
    return client.post(url, data={"photo": (io.BytesIO(data), name)}, content_type="multipart/form-data", **kwargs)


def stored_files(desk) -> list[Path]:  # noqa: ANN001
    folder = photos.photo_folder(desk.config.data_dir)
    return sorted(folder.iterdir()) if folder.exists() else []


def photo_rows(desk) -> list[ResultPhoto]:  # noqa: ANN001
    from sqlalchemy import select

    with desk.store.reader() as s:
        return list(s.scalars(select(ResultPhoto)))


@pytest.fixture
def desk(app):  # noqa: ANN001, ANN201
    return app.server.extensions["desk"]


def test_a_jpeg_is_kept_upright_without_its_exif_and_served_to_a_viewer(desk, client_as) -> None:
    result = store_result(desk)
    original = jpeg_with_exif()
    assert SECRET_TEXT.encode() in original
    response = upload(client_as("operator"), original)
    assert response.status_code == 201, response.get_json()
    photo = response.get_json()["photo"]
    assert (photo["result_id"], photo["version"], photo["media_type"]) == (result["id"], 1, "image/jpeg")
    assert (photo["width"], photo["height"]) == (48, 64)  # turned as its orientation said

    # on disk: under <data>/photos with a generated name, no metadata left
    files = stored_files(desk)
    assert len(files) == 2  # the photo and its thumbnail
    for path in files:
        assert path.parent == Path(desk.config.data_dir) / "photos"
        assert not path.name.startswith("c1.")  # a generated name, never the client's "c1.jpg"
        assert SECRET_TEXT.encode() not in path.read_bytes()

    # a viewer fetches the cleaned image
    served = client_as("viewer").get(photo["url"])
    assert served.status_code == 200
    assert served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    image = Image.open(io.BytesIO(served.data))
    assert image.format == "JPEG" and image.size == (48, 64)
    assert dict(image.getexif()) == {}
    assert "exif" not in image.info
    assert SECRET_TEXT.encode() not in served.data
    thumb = client_as("viewer").get(photo["thumb_url"])
    assert thumb.status_code == 200 and Image.open(io.BytesIO(thumb.data)).format == "JPEG"

    # audited with the result version it belongs to
    with desk.store.reader() as s:
        entry = s.query(AuditEntry).filter_by(action="photo.add").one()
    assert entry.actor == "operator"
    assert (entry.after["contest"], entry.after["tps"], entry.after["version"]) == (CONTEST, TPS, 1)


def test_a_png_loses_its_text_chunks(desk, client_as) -> None:
    store_result(desk)
    original = png_with_text()
    assert SECRET_TEXT.encode() in original
    response = upload(client_as("operator"), original, "foto.png")
    assert response.status_code == 201, response.get_json()
    served = client_as("admin").get(response.get_json()["photo"]["url"])
    assert served.mimetype == "image/png"
    image = Image.open(io.BytesIO(served.data))
    assert image.format == "PNG" and image.size == (40, 30)
    assert "Comment" not in image.info and SECRET_TEXT.encode() not in served.data


def test_the_same_photo_twice_is_kept_once(desk, client_as) -> None:
    store_result(desk)
    client = client_as("operator")
    first = upload(client, jpeg_with_exif())
    again = upload(client, jpeg_with_exif())
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["photo"]["id"] == again.get_json()["photo"]["id"]
    assert len(photo_rows(desk)) == 1 and len(stored_files(desk)) == 2


@pytest.mark.parametrize(
    ("data", "name", "status", "field"),
    [
        (b"Ini bukan gambar, hanya teks biasa.\n" * 10, "c1.jpg", 422, "photo"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 200, "c1.jpg", 422, "photo"),  # a JPEG header and nothing after
        (b"\x89PNG\r\n\x1a\n" + b"rusak" * 40, "c1.png", 422, "photo"),
        (b"GIF89a" + b"\x00" * 100, "c1.gif", 422, "photo"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "c1.png", 422, "photo"),
        (b"", "c1.jpg", 422, "photo"),
    ],
    ids=["text-renamed-jpg", "truncated-jpeg", "broken-png", "gif", "svg", "empty"],
)
def test_what_is_not_a_jpeg_or_png_is_refused_and_nothing_kept(desk, client_as, data, name, status, field) -> None:  # noqa: ANN001
    store_result(desk)
    response = upload(client_as("operator"), data, name)
    assert response.status_code == status, response.get_data(as_text=True)
    assert field in response.get_json()["errors"]
    assert photo_rows(desk) == [] and stored_files(desk) == []


def test_a_photo_over_5_mb_is_refused(desk, client_as) -> None:
    store_result(desk)
    big = jpeg_with_exif() + b"\x00" * (photos.MAX_BYTES + 10)  # a valid start, too many bytes
    response = upload(client_as("operator"), big)
    assert response.status_code == 413
    assert "5 MB" in response.get_json()["errors"]["photo"]
    assert photo_rows(desk) == [] and stored_files(desk) == []
    with pytest.raises(photos.PhotoError) as caught:
        photos.clean_image(b"\xff\xd8\xff" + b"\x00" * photos.MAX_BYTES)
    assert caught.value.status == 413


@pytest.mark.parametrize("name", ["../../etc/passwd.jpg", "..\\..\\boot.ini.jpg", "/etc/cron.d/x.jpg", "c1\x00.jpg"])
def test_path_tricks_in_the_file_name_are_harmless(desk, client_as, tmp_path, name) -> None:  # noqa: ANN001
    store_result(desk)
    response = upload(client_as("operator"), jpeg_with_exif(), name)
    assert response.status_code == 201, response.get_json()
    data_dir = Path(desk.config.data_dir).resolve()
    for path in stored_files(desk):
        assert path.resolve().parent == data_dir / "photos"
        assert "passwd" not in path.name and "boot" not in path.name
    assert not (tmp_path / "etc").exists() and not (data_dir.parent / "etc").exists()


def test_anonymous_display_and_reporter_cannot_fetch_a_photo(desk, client_as, app) -> None:  # noqa: ANN001
    store_result(desk)
    url = upload(client_as("operator"), jpeg_with_exif()).get_json()["photo"]["url"]
    anonymous = client_as(None).get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert not anonymous.data.startswith(b"\xff\xd8")

    display, _ = accounts.create_token(desk.store, "layar", "display", "uji")
    screen = app.server.test_client()
    assert screen.get(f"/layar?token={display}").status_code == 302  # the display token's session
    assert screen.get(url).status_code == 404
    assert screen.get(url + "/thumb").status_code == 404
    reporter, _ = accounts.create_token(desk.store, "hp", "reporter", "uji")
    assert client_as(None).get(url, headers={"Authorization": f"Bearer {reporter}"}).status_code == 403  # guard
    assert client_as("viewer").get("/photos/999999").status_code == 404


def test_reporter_token_uploads_within_its_region_only(desk, client_as) -> None:
    store_result(desk)  # 16.07.10…
    store_result(desk, "16.07.01.1016.001")
    inside, _ = accounts.create_token(desk.store, "hp talang kelapa", "reporter", "uji", region="16.07.10")
    client = client_as(None)
    header = {"Authorization": f"Bearer {inside}"}
    assert upload(client, jpeg_with_exif(), headers=header).status_code == 201
    outside = f"/api/v1/tallies/{CONTEST}/1607011016001/photo"  # the KPU form of the code works too
    response = upload(client, jpeg_with_exif(), url=outside, headers=header)
    assert response.status_code == 403
    display, _ = accounts.create_token(desk.store, "layar", "display", "uji")
    bearer = {"Authorization": f"Bearer {display}"}
    assert upload(client, jpeg_with_exif(), headers=bearer).status_code == 403
    assert upload(client, jpeg_with_exif()).status_code == 401
    assert upload(client_as("viewer"), jpeg_with_exif()).status_code == 403
    assert len(photo_rows(desk)) == 1


def test_a_photo_needs_a_result_and_a_file(desk, client_as) -> None:
    client = client_as("operator")
    response = upload(client, jpeg_with_exif())
    assert response.status_code == 404 and "belum punya hasil" in response.get_json()["errors"]["tps"]
    store_result(desk)
    missing = client.post(URL, data={"lain": "x"}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "photo" in missing.get_json()["errors"]
    bad_code = upload(client, jpeg_with_exif(), url=f"/api/v1/tallies/{CONTEST}/16.07.x/photo")
    assert bad_code.status_code == 422 and "tps" in bad_code.get_json()["errors"]
    assert photo_rows(desk) == []


def test_photos_follow_their_version(desk) -> None:
    first = store_result(desk)
    actor = Actor("operator", "operator")
    info, created = photos.attach_photo(desk.store, desk.config.data_dir, first["id"], jpeg_with_exif(), actor)
    assert created and info.version == 1
    fix = {
        "contest": CONTEST,
        "tps": TPS,
        "votes": {"1": 41, "2": 35, "3": 30, "4": 25, "5": 20},
        "suara_tidak_sah": 3,
        "correction": True,
        "reason": "salah ketik",
    }
    second = results.submit_result(desk.store, fix, actor, source="uji").result
    later, _ = photos.attach_photo(desk.store, desk.config.data_dir, second["id"], png_with_text(), actor)
    listed = photos.tps_photos(desk.store, CONTEST, "1607102001002")
    assert [(p.version, p.media_type) for p in listed] == [(2, "image/png"), (1, "image/jpeg")]
    assert later.id != info.id
