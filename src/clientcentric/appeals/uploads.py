"""Files that come with an appeal: the type sniffed from the bytes, photos re-encoded without metadata.

The browser's (or the mail client's) content type and file name are not trusted: a script renamed to
«фото.jpg» is refused. A photo is decoded and written anew by Pillow, so EXIF — the GPS position of the
author's home, the camera's serial number — never reaches storage or the public.
"""

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow refuses larger images itself (a decompression bomb); 40 megapixels is more than any phone camera.
MAX_PIXELS = 40_000_000

PHOTO_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
DOCUMENT_TYPES = {"application/pdf": "pdf"}


@dataclass(frozen=True)
class CleanFile:
    name: str
    content_type: str
    data: bytes


def sniff(data: bytes) -> str | None:
    """The content type the bytes show, whatever the name says; None for anything not allowed."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def _refuse(name: str, photos_only: bool) -> ValidationError:
    message = (
        _("“%(name)s” is not a photo (JPEG, PNG or WebP).")
        if photos_only
        else _("“%(name)s” is neither a photo (JPEG, PNG, WebP) nor a PDF document.")
    )
    return ValidationError({"attachments": message % {"name": name}})


def _stem(name: str) -> str:
    stem = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0].strip()
    return (stem or "file")[:90]


def clean(name: str, data: bytes, *, photos_only: bool = False) -> CleanFile:
    """The file as it may be stored: a photo re-encoded without metadata, a PDF as is; else ValidationError."""
    kind = sniff(data)
    if kind is None or (photos_only and kind not in ("image/jpeg", "image/png", "image/webp")):
        raise _refuse(name, photos_only)
    if kind in DOCUMENT_TYPES:
        return CleanFile(f"{_stem(name)}.{DOCUMENT_TYPES[kind]}", kind, data)
    try:
        with Image.open(io.BytesIO(data)) as original:
            if original.format not in PHOTO_FORMATS or original.width * original.height > MAX_PIXELS:
                raise _refuse(name, photos_only)
            original.load()
            # Turn the picture as the camera meant before the orientation tag goes with the rest of EXIF.
            image = ImageOps.exif_transpose(original)
            content_type, extension = PHOTO_FORMATS[original.format]
            if original.format == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            # No exif=, no icc_profile=, no pnginfo: Pillow writes only the pixels.
            image.save(out, format=original.format, **({"quality": 90} if original.format != "PNG" else {}))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise _refuse(name, photos_only) from error
    return CleanFile(f"{_stem(name)}.{extension}", content_type, out.getvalue())
