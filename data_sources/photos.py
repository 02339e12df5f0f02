"""C1 photos: check an upload by its content, strip its metadata, keep it with a result version (audited).

An upload is accepted only when its bytes are a JPEG or PNG image that Pillow decodes completely, at most
`MAX_BYTES` and `MAX_PIXELS`. It is re-encoded from its pixels (turned upright first), so EXIF, GPS, comments
and text chunks are gone. The file is written under `<data_dir>/photos/` with a name the app generates; the
client's file name never reaches a path. A small JPEG thumbnail is kept beside it for the TPS detail.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from data_sources.domain.actors import Actor
from data_sources.domain.codes import is_within, normalize_tps_code
from data_sources.domain.fmt import now_utc
from data_sources.errors import FieldErrors
from data_sources.models import Result, ResultPhoto
from data_sources.store import Store, audit

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
THUMB_SIDE = 360
FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png")}
SIGNATURES = {b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG"}
FOLDER = "photos"


class PhotoError(FieldErrors):
    """A photo that is refused: `status` is the HTTP answer (413 too big, 422 not an image, 404 no result)."""

    def __init__(self, message: str, status: int = 422, field: str = "photo") -> None:
        super().__init__({field: message}, status=status)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class CleanImage:
    """An upload re-encoded without metadata, and its thumbnail."""

    data: bytes
    thumb: bytes
    media_type: str
    suffix: str
    width: int
    height: int


@dataclass(frozen=True)
class PhotoInfo:
    """A stored photo as the app shows it (never a path)."""

    id: int
    result_id: int
    contest: str
    tps: str
    version: int
    media_type: str
    size: int
    width: int
    height: int
    uploaded_by: str
    uploaded_at: datetime

    def as_dict(self) -> dict[str, Any]:
        """The photo as JSON data, with the addresses that serve it to logged-in users."""
        return {
            "id": self.id,
            "result_id": self.result_id,
            "contest": self.contest,
            "tps": self.tps,
            "version": self.version,
            "media_type": self.media_type,
            "size": self.size,
            "width": self.width,
            "height": self.height,
            "uploaded_by": self.uploaded_by,
            "uploaded_at": self.uploaded_at.isoformat(),
            "url": photo_url(self.id),
            "thumb_url": photo_url(self.id, thumb=True),
        }


def photo_url(photo_id: int, thumb: bool = False) -> str:
    """Where a photo (or its thumbnail) is served, behind login."""
    return f"/photos/{photo_id}" + ("/thumb" if thumb else "")


def _sniff(data: bytes) -> str:
    for signature, fmt in SIGNATURES.items():
        if data.startswith(signature):
            return fmt
    raise PhotoError("harus gambar JPEG atau PNG (isi berkas bukan gambar JPEG/PNG)")


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        image.save(out, "JPEG", quality=88)
    else:
        image.save(out, "PNG")
    return out.getvalue()


def clean_image(data: bytes) -> CleanImage:
    """Check an upload by its content and re-encode it from its pixels; PhotoError names what is wrong."""
    if len(data) > MAX_BYTES:
        raise PhotoError(f"paling besar {MAX_BYTES // (1024 * 1024)} MB", status=413)
    if not data:
        raise PhotoError("berkas kosong")
    fmt = _sniff(data)
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise PhotoError(f"gambar terlalu besar ({opened.width}×{opened.height} piksel)")
            opened.load()
            upright = ImageOps.exif_transpose(opened)
    except PhotoError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise PhotoError(f"gambar {fmt} rusak atau tidak lengkap") from exc
    keep = ("RGB", "L") if fmt == "JPEG" else ("RGB", "RGBA", "L", "LA")
    pixels = upright if upright.mode in keep else upright.convert("RGBA" if fmt == "PNG" else "RGB")
    bare = Image.new(pixels.mode, pixels.size)  # a fresh image: no info, no EXIF, no ICC, no text chunks
    bare.paste(pixels)
    thumb = bare.convert("RGB")
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    media_type, suffix = FORMATS[fmt]
    return CleanImage(_encode(bare, fmt), _encode(thumb, "JPEG"), media_type, suffix, bare.width, bare.height)


def photo_folder(data_dir: Path) -> Path:
    """The folder of stored photos under the data folder."""
    return Path(data_dir) / FOLDER


def _write_durably(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the new name survives a crash too
    finally:
        os.close(folder)


def _info(photo: ResultPhoto, result: Result) -> PhotoInfo:
    return PhotoInfo(
        photo.id,
        photo.result_id,
        result.contest_id,
        result.tps_code,
        result.version,
        photo.media_type,
        photo.size,
        photo.width,
        photo.height,
        photo.uploaded_by,
        photo.uploaded_at,
    )


def current_result_id(store: Store, contest_id: str, tps: str) -> int | None:
    """The id of the newest version of a TPS result, or None."""
    code = normalize_tps_code(tps) or tps
    with store.reader() as s:
        return s.scalar(
            select(Result.id)
            .where(Result.contest_id == contest_id, Result.tps_code == code)
            .order_by(Result.version.desc())
            .limit(1)
        )


def attach_photo(store: Store, data_dir: Path, result_id: int, data: bytes, actor: Actor) -> tuple[PhotoInfo, bool]:
    """Keep a photo with a stored result version; returns it and whether it is new (the same upload is kept once)."""
    digest = hashlib.sha256(data).hexdigest()
    with store.reader() as s:
        result = s.get(Result, result_id)
        if result is None:
            raise PhotoError(f"hasil nomor {result_id} tidak ada", status=404, field="result")
        if actor.region and not is_within(result.tps_code, actor.region):
            raise PhotoError(f"token ini hanya untuk wilayah {actor.region}", status=403, field="tps")
        earlier = s.scalar(
            select(ResultPhoto).where(ResultPhoto.result_id == result_id, ResultPhoto.sha256 == digest).limit(1)
        )
        if earlier is not None:
            return _info(earlier, result), False
    clean = clean_image(data)
    folder = photo_folder(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + clean.suffix
    path, thumb_path = folder / name, folder / _thumb_name(name)
    _write_durably(path, clean.data)
    _write_durably(thumb_path, clean.thumb)
    try:
        with store.session() as s:
            result = s.get(Result, result_id)
            row = ResultPhoto(
                result_id=result_id,
                file_name=name,
                media_type=clean.media_type,
                size=len(clean.data),
                width=clean.width,
                height=clean.height,
                sha256=digest,
                uploaded_by=actor.name,
                uploaded_at=now_utc(),
            )
            s.add(row)
            s.flush()
            info = _info(row, result)
            after = {k: v for k, v in info.as_dict().items() if k not in ("url", "thumb_url")}
            audit(s, actor.name, "photo.add", "photo", str(row.id), None, after)
    except IntegrityError:  # the same upload arrived twice at once: the other one is kept
        path.unlink(missing_ok=True)
        thumb_path.unlink(missing_ok=True)
        return attach_photo(store, data_dir, result_id, data, actor)
    except BaseException:
        path.unlink(missing_ok=True)
        thumb_path.unlink(missing_ok=True)
        raise
    return info, True


def _thumb_name(name: str) -> str:
    return name.rsplit(".", 1)[0] + ".thumb.jpg"


def photo_file(store: Store, data_dir: Path, photo_id: int, thumb: bool = False) -> tuple[Path, str] | None:
    """The stored file of a photo (or its thumbnail) and its media type, or None."""
    with store.reader() as s:
        row = s.get(ResultPhoto, photo_id)
    if row is None:
        return None
    name = _thumb_name(row.file_name) if thumb else row.file_name
    path = photo_folder(data_dir) / name
    return (path, "image/jpeg" if thumb else row.media_type) if path.is_file() else None


def tps_photos(store: Store, contest_id: str, tps: str) -> list[PhotoInfo]:
    """Every photo of every version of a TPS result, newest version first."""
    code = normalize_tps_code(tps) or tps
    with store.reader() as s:
        rows = s.execute(
            select(ResultPhoto, Result)
            .join(Result, Result.id == ResultPhoto.result_id)
            .where(Result.contest_id == contest_id, Result.tps_code == code)
            .order_by(Result.version.desc(), ResultPhoto.id)
        ).all()
        return [_info(p, r) for p, r in rows]
