"""Photo processing for findings and complaint evidence (DESIGN.md section 4, Files).

Every upload is decoded and re-encoded with Pillow, which drops anything hidden in the file;
the EXIF orientation is applied to the pixels; EXIF time and GPS are kept as data (returned
here, stored on ``Photo``) and stripped from the stored JPEG; a thumbnail is made. JPEGs are
decoded at reduced size with ``Image.draft`` (the decoder's DCT scaling: 1/2, 1/4, 1/8), which
is what keeps a 12-megapixel photo fast and small in memory: a photo is stored with a long edge
of at least ``MIN_EDGE`` pixels (enough to read a label or a licence) and below twice that, at the
largest DCT reduction that allows it, so the common phone sizes need no resampling at all."""

from __future__ import annotations

import datetime
import io
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pillow_heif
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, UnidentifiedImageError

from seedreg.errors import InvalidInput

MAX_BYTES = 25 * 1024 * 1024
# 1600 px on the long edge reads a label or a licence on a screen and in print. A 12 MP phone
# photo (4000×3000) decodes at 1/2 scale to 2000×1500 and is stored as such.
MIN_EDGE = 1600
MAX_STORED_EDGE = 2 * MIN_EDGE
THUMB_EDGE = 320
# HEIF: what iPhones (and many Android phones) send; decoded through pillow-heif.
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO", "HEIF"}
pillow_heif.register_heif_opener()
# Pillow refuses decompression bombs above this; phones produce at most ~50 MP.
Image.MAX_IMAGE_PIXELS = 120_000_000

_EXIF_IFD, _GPS_IFD, _ORIENTATION_TAG = 0x8769, 0x8825, 0x0112
# EXIF orientation → the transposition that shows the picture upright (as ImageOps.exif_transpose).
_ORIENTATION = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
                5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
                8: Image.Transpose.ROTATE_90}
_DATETIME_ORIGINAL, _DATETIME, _OFFSET_ORIGINAL = 0x9003, 0x0132, 0x9011


@dataclass
class ProcessedPhoto:
    image: bytes
    thumbnail: bytes
    width: int
    height: int
    taken_at: datetime.datetime | None
    latitude: Decimal | None
    longitude: Decimal | None


def _taken_at(exif) -> datetime.datetime | None:
    ifd = exif.get_ifd(_EXIF_IFD)
    raw = ifd.get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    if not raw:
        return None
    try:
        naive = datetime.datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = ifd.get(_OFFSET_ORIGINAL)
    if offset:
        try:
            sign = -1 if str(offset).startswith("-") else 1
            hours, minutes = str(offset).lstrip("+-").split(":")
            tz = datetime.timezone(sign * datetime.timedelta(hours=int(hours), minutes=int(minutes)))
            return naive.replace(tzinfo=tz)
        except ValueError:
            pass
    # Phones write local time without a zone: the county's zone is the only sensible reading.
    return timezone.make_aware(naive, timezone.get_default_timezone())


def _degrees(value, ref) -> Decimal | None:
    try:
        d, m, s = (float(v) for v in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = d + m / 60 + s / 3600
    if str(ref).upper() in ("S", "W"):
        result = -result
    return Decimal(result).quantize(Decimal("0.000001"), ROUND_HALF_UP)


def _gps(exif) -> tuple[Decimal | None, Decimal | None]:
    gps = exif.get_ifd(_GPS_IFD)
    if not gps or 2 not in gps or 4 not in gps:
        return None, None
    lat, lon = _degrees(gps[2], gps.get(1, "N")), _degrees(gps[4], gps.get(3, "E"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return lat, lon


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    # No exif=, no icc_profile=: the stored file carries pixels only.
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


_strict_decoding = threading.Lock()


@contextmanager
def refusing_truncated_images():
    """WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES on import (documents import
    it), after which a truncated upload would load as a grey-filled photo. Decode uploads with
    the flag off; the lock keeps two threads from restoring each other's value."""
    with _strict_decoding:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def process_photo(data: bytes) -> ProcessedPhoto:
    """Check, decode (reduced for JPEG), orient, strip and re-encode a photo."""
    if not data:
        raise InvalidInput(_("照片文件为空。"), code="photo_empty", fields={"photo": [_("文件为空")]})
    if len(data) > MAX_BYTES:
        raise InvalidInput(_("照片超过25MB。"), code="photo_too_large", fields={"photo": [_("文件过大")]})
    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in ALLOWED_FORMATS:
            raise InvalidInput(_("只接受JPEG、PNG、HEIC或WebP照片。"), code="photo_type", fields={"photo": [_("格式不支持")]})
        exif = image.getexif()
        orientation = exif.get(_ORIENTATION_TAG, 1)
        taken_at = _taken_at(exif)
        latitude, longitude = _gps(exif)
        if image.format in ("JPEG", "MPO"):
            w, h = image.size
            scale = max(w, h) / MIN_EDGE
            if scale >= 2:
                # draft() picks the largest DCT reduction (1/2, 1/4, 1/8) that still gives at
                # least this size: the decoder never produces the full-size pixels.
                image.draft("RGB", (max(1, int(w / scale)), max(1, int(h / scale))))
        with refusing_truncated_images():
            image.load()
    except InvalidInput:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError, ValueError) as exc:
        raise InvalidInput(_("无法识别的照片文件。"), code="photo_invalid", fields={"photo": [_("不是有效的图片")]}) from exc
    if max(image.size) >= MAX_STORED_EDGE:  # not a JPEG, or one DCT scaling could not reach
        image.thumbnail((MIN_EDGE, MIN_EDGE), Image.Resampling.BICUBIC, reducing_gap=2.0)
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    # The thumbnail is made from a box-reduced copy (``reduce``: integer factor, far cheaper than
    # resampling the stored image), and both are rotated after shrinking (fewer pixels to move).
    # The orientation comes from the EXIF read above: nothing is parsed twice.
    factor = max(1, max(image.size) // THUMB_EDGE)  # 2000 px → 333 px, then a small resample to 320
    thumb = image.reduce(factor) if factor > 1 else image.copy()
    thumb.thumbnail((THUMB_EDGE, THUMB_EDGE), Image.Resampling.BICUBIC)
    method = _ORIENTATION.get(orientation) if isinstance(orientation, int) else None  # a broken tag: as is
    if method is not None:
        image, thumb = image.transpose(method), thumb.transpose(method)
    return ProcessedPhoto(image=_jpeg(image, 85), thumbnail=_jpeg(thumb, 80), width=image.width,
                          height=image.height, taken_at=taken_at, latitude=latitude, longitude=longitude)


def process_signature(data: bytes) -> bytes:
    """A handwritten signature (PNG or JPEG from the signature pad) re-encoded as a small PNG."""
    if not data or len(data) > 2 * 1024 * 1024:
        raise InvalidInput(_("签名图片无效或超过2MB。"), code="signature_invalid", fields={"signature": [_("无效")]})
    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in {"PNG", "JPEG", "WEBP"}:
            raise InvalidInput(_("签名须为PNG或JPEG图片。"), code="signature_type", fields={"signature": [_("格式不支持")]})
        with refusing_truncated_images():
            image.load()
    except InvalidInput:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError, ValueError) as exc:
        raise InvalidInput(_("签名图片无效。"), code="signature_invalid", fields={"signature": [_("无效")]}) from exc
    image = image.convert("RGBA")
    image.thumbnail((800, 400), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
