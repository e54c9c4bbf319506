"""Files that come with an appeal: the type sniffed from the bytes, photos re-encoded without metadata.

The browser's (or the mail client's) content type and file name are not trusted: a script renamed to
«фото.jpg» is refused. A photo is decoded and written anew by Pillow, so EXIF — the GPS position of the
author's home, the camera's serial number — never reaches storage or the public.
"""

import io
import wave
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow refuses larger images itself (a decompression bomb); 40 megapixels is more than any phone camera.
MAX_PIXELS = 40_000_000

PHOTO_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
DOCUMENT_TYPES = {"application/pdf": "pdf"}
FILE_MAX_BYTES = 10 * 1024 * 1024  # photos and documents; recordings have their own limits in settings


@dataclass(frozen=True)
class CleanFile:
    name: str
    content_type: str
    data: bytes
    # How long a voice or video recording plays, where its bytes tell (WAV); None when they do not.
    seconds: float | None = None


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
    return sniff_media(data)


# Voice and video (segment 1.2: "report by voice or video, not text"): kept as recorded, typed by their bytes.
MEDIA_TYPES = {
    "audio/mpeg": "mp3",
    "audio/ogg": "ogg",
    "audio/wav": "wav",
    "audio/mp4": "m4a",
    "video/mp4": "mp4",
    "video/webm": "webm",
    "video/quicktime": "mov",
}


def sniff_media(data: bytes) -> str | None:
    if data.startswith(b"ID3") or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if data.startswith(b"OggS"):
        return "audio/ogg"
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "audio/wav"
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in (b"M4A ", b"M4B "):
            return "audio/mp4"
        if brand == b"qt  ":
            return "video/quicktime"
        return "video/mp4"
    if data.startswith(b"\x1aE\xdf\xa3"):  # EBML: WebM (a voice message from a browser is WebM too)
        return "video/webm"
    return None


def media_limit(kind: str) -> int:
    from django.conf import settings

    megabytes = (
        settings.CLIENTCENTRIC_APPEAL_AUDIO_MAX_MB
        if kind.startswith("audio/")
        else settings.CLIENTCENTRIC_APPEAL_VIDEO_MAX_MB
    )
    return megabytes * 2**20


def media_seconds(kind: str, data: bytes) -> float | None:
    """How long a recording plays, read from its header where the format says it plainly (WAV)."""
    if kind != "audio/wav":
        return None
    try:
        with wave.open(io.BytesIO(data)) as recording:
            frames, rate = recording.getnframes(), recording.getframerate()
    except (wave.Error, EOFError):
        return None
    return frames / rate if rate else None


def max_media_seconds() -> int:
    from django.conf import settings

    return settings.CLIENTCENTRIC_APPEAL_MEDIA_MAX_MINUTES * 60


# What a channel accepts (`accept=` of clean()): the portal form takes photos and recordings, not documents.
PHOTOS = frozenset(content_type for content_type, _extension in PHOTO_FORMATS.values())
RECORDINGS = frozenset(MEDIA_TYPES)
PORTAL = PHOTOS | RECORDINGS


def _refuse(name: str, accept: frozenset | None) -> ValidationError:
    if accept == PHOTOS:
        message = _("“%(name)s” is not a photo (JPEG, PNG or WebP).")
    elif accept == RECORDINGS:
        message = _("“%(name)s” is not a voice or video recording (MP3, OGG, WAV, M4A, MP4, WebM or MOV).")
    elif accept == PORTAL:
        message = _("“%(name)s” is neither a photo (JPEG, PNG, WebP) nor a voice or video recording.")
    else:
        message = _(
            "“%(name)s” is neither a photo (JPEG, PNG, WebP), a PDF document, nor a voice or video recording."
        )
    return ValidationError({"attachments": message % {"name": name}})


def _stem(name: str) -> str:
    stem = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0].strip()
    return (stem or "file")[:90]


def clean(name: str, data: bytes, *, photos_only: bool = False, accept: frozenset | None = None) -> CleanFile:
    """The file as it may be stored: a photo re-encoded without metadata, a PDF or a recording as is; else
    ValidationError. `accept` narrows the types (PHOTOS, RECORDINGS, PORTAL); `photos_only` is accept=PHOTOS."""
    if photos_only:
        accept = PHOTOS
    kind = sniff(data)
    if kind is None or (accept is not None and kind not in accept):
        raise _refuse(name, accept)
    if kind not in MEDIA_TYPES and len(data) > FILE_MAX_BYTES:
        raise ValidationError(
            {
                "attachments": _("“%(name)s” is larger than %(mb)s MB.")
                % {"name": name, "mb": FILE_MAX_BYTES // 2**20}
            }
        )
    if kind in DOCUMENT_TYPES:
        return CleanFile(f"{_stem(name)}.{DOCUMENT_TYPES[kind]}", kind, data)
    if kind in MEDIA_TYPES:
        if len(data) > media_limit(kind):
            raise ValidationError(
                {
                    "attachments": _("“%(name)s” is larger than %(mb)s MB.")
                    % {"name": name, "mb": media_limit(kind) // 2**20}
                }
            )
        seconds = media_seconds(kind, data)
        if seconds is not None and seconds > max_media_seconds():
            raise ValidationError(
                {
                    "attachments": _("“%(name)s” is longer than %(minutes)s minutes.")
                    % {"name": name, "minutes": max_media_seconds() // 60}
                }
            )
        return CleanFile(f"{_stem(name)}.{MEDIA_TYPES[kind]}", kind, data, seconds)
    try:
        with Image.open(io.BytesIO(data)) as original:
            if original.format not in PHOTO_FORMATS or original.width * original.height > MAX_PIXELS:
                raise _refuse(name, accept)
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
        raise _refuse(name, accept) from error
    return CleanFile(f"{_stem(name)}.{extension}", content_type, out.getvalue())
