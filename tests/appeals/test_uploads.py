"""Uploaded files: type from the bytes, photos re-encoded without EXIF/GPS, anything else refused with nothing
stored."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from clientcentric.appeals import services, uploads
from clientcentric.appeals.models import Appeal, Attachment

from .conftest import written


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (32, 24), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0131] = "Camera 1.0"  # Software
    gps = {1: "N", 2: (59.0, 56.0, 30.0), 3: "E", 4: (30.0, 18.0, 45.0)}
    exif[0x8825] = gps  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_a_photo_loses_exif_and_gps():
    data = jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
    clean = uploads.clean("IMG_0001.JPG", data, photos_only=True)
    image = Image.open(io.BytesIO(clean.data))
    assert clean.content_type == "image/jpeg" and clean.name == "IMG_0001.jpg"
    assert not image.getexif() and b"PhoneMaker" not in clean.data and image.size == (32, 24)


def test_the_type_comes_from_the_bytes_not_the_name():
    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, format="PNG")
    clean = uploads.clean("photo.jpg", png.getvalue(), photos_only=True)
    assert clean.content_type == "image/png" and clean.name == "photo.png"


@pytest.mark.parametrize(
    "payload",
    [b"#!/bin/sh\nrm -rf /\n", b"<html><script>alert(1)</script></html>", b"\xff\xd8\xff not really a jpeg"],
)
def test_a_disguised_file_is_refused(payload):
    with pytest.raises(ValidationError) as error:
        uploads.clean("фото.jpg", payload, photos_only=True)
    assert "фото.jpg" in " ".join(error.value.messages)


def test_a_pdf_passes_by_mail_but_not_as_a_photo():
    pdf = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    assert uploads.clean("акт.pdf", pdf).content_type == "application/pdf"
    with pytest.raises(ValidationError):
        uploads.clean("акт.pdf", pdf, photos_only=True)


def test_a_refused_file_stores_nothing(lift_rule, people, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    photos = [("ok.jpg", "image/jpeg", jpeg_with_gps()), ("evil.jpg", "image/jpeg", b"MZ\x90\x00 program")]
    with pytest.raises(ValidationError):
        services.receive_with_attachments(
            written(district="Невский"), photos, author=people["client"], photos_only=True
        )
    assert not Appeal.objects.exists() and not Attachment.objects.exists()
    assert not any(tmp_path.rglob("*.*"))


def test_a_stored_photo_has_no_gps(lift_rule, people, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    intake = services.receive_with_attachments(
        written(district="Невский"),
        [("двор.jpeg", "application/octet-stream", jpeg_with_gps())],
        author=people["client"],
        photos_only=True,
    )
    attachment = intake.appeal.attachments.get()
    assert attachment.content_type == "image/jpeg"
    assert not Image.open(attachment.file).getexif()
