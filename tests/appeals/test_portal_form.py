"""The portal's appeal form: the contact asked for up front, photos kept across an error, no raw coordinates."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from clientcentric.appeals.models import Appeal, PendingPhoto

from .test_uploads import jpeg_with_gps

FORM = {"text": "Сломана скамейка во дворе дома 9", "district": "Невский"}


def form_key(page: str) -> str:
    return re.search(r'name="form_key" value="([^"]+)"', page).group(1)


def test_form_says_up_front_that_a_contact_is_needed_without_an_account(client, db):
    page = client.get("/appeals/new/").content.decode()
    notice = page.index('id="contact-notice"')
    # Before the appeal's own first field (the header's chat-bot has a field named "text" too).
    assert notice < page.index('id="id_text"')
    assert "Понадобится e-mail или номер телефона" in page


def test_signed_in_author_is_not_asked_for_a_contact(client, people):
    client.force_login(people["client"])
    page = client.get("/appeals/new/").content.decode()
    assert 'id="contact-notice"' not in page and 'name="contact_email"' not in page


def test_coordinates_are_never_fields_a_citizen_types_in(client, db):
    page = client.get("/appeals/new/").content.decode()
    assert re.search(r'<input type="hidden" name="latitude"', page)
    assert re.search(r'<input type="hidden" name="longitude"', page)
    assert "Широта" not in page and "Долгота" not in page
    assert re.search(r'<input type="text" name="address"', page)


def test_address_field_stays_when_no_map_tiles_are_configured(client, db, settings):
    settings.CLIENTCENTRIC_MAP_TILES = ""
    page = client.get("/appeals/new/").content.decode()
    assert 'name="address"' in page and "data-map-tiles" not in page


def test_photos_survive_a_refusal_and_go_with_the_appeal(client, db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile("скамейка.jpg", jpeg_with_gps(), "image/jpeg")
    # No contact and no account: refused, but the photo is kept.
    refused = client.post("/appeals/new/", {**FORM, "photos": [photo]}).content.decode()
    assert not Appeal.objects.exists()
    assert 'class="error-summary"' in refused and 'href="#id_contact_email"' in refused
    assert "скамейка.jpg" in refused and "Уже прикреплена 1 фотография" in refused
    kept = PendingPhoto.objects.get()
    assert b"GPS" not in bytes(kept.data)  # kept already cleaned of EXIF

    response = client.post(
        "/appeals/new/", {**FORM, "contact_email": "a@example.ru", "form_key": form_key(refused)}
    )
    assert response.status_code == 302
    assert Appeal.objects.get().attachments.get().name == "скамейка.jpg"
    assert not PendingPhoto.objects.exists()


def test_a_kept_photo_can_be_removed(client, db):
    photo = SimpleUploadedFile("a.jpg", jpeg_with_gps(), "image/jpeg")
    refused = client.post("/appeals/new/", {**FORM, "photos": [photo]}).content.decode()
    pk = PendingPhoto.objects.get().pk
    again = client.post(
        "/appeals/new/", {**FORM, "form_key": form_key(refused), "drop_photo": [str(pk)]}
    ).content.decode()
    assert not PendingPhoto.objects.exists() and "a.jpg" not in again


def test_a_form_key_from_another_session_opens_nothing(client, db, django_user_model):
    from django.test import Client

    photo = SimpleUploadedFile("чужое.jpg", jpeg_with_gps(), "image/jpeg")
    refused = client.post("/appeals/new/", {**FORM, "photos": [photo]}).content.decode()
    stranger = Client()
    page = stranger.post("/appeals/new/", {**FORM, "form_key": form_key(refused)}).content.decode()
    assert "чужое.jpg" not in page
    assert PendingPhoto.objects.count() == 1


def test_kept_photos_count_against_the_limit_of_five(client, db):
    photos = [SimpleUploadedFile(f"{i}.jpg", jpeg_with_gps(), "image/jpeg") for i in range(4)]
    refused = client.post("/appeals/new/", {**FORM, "photos": photos}).content.decode()
    more = [SimpleUploadedFile(f"x{i}.jpg", jpeg_with_gps(), "image/jpeg") for i in range(2)]
    page = client.post(
        "/appeals/new/",
        {**FORM, "contact_email": "a@example.ru", "form_key": form_key(refused), "photos": more},
    ).content.decode()
    assert "Можно приложить не более 5 фотографий" in page
    assert not Appeal.objects.exists() and PendingPhoto.objects.count() == 4


def test_a_file_that_is_not_a_photo_is_named_in_the_error_and_not_kept(client, db):
    bad = SimpleUploadedFile("a.exe", b"MZ", "application/x-msdownload")
    page = client.post(
        "/appeals/new/", {**FORM, "contact_email": "a@example.ru", "photos": [bad]}
    ).content.decode()
    assert "a.exe" in page and not Appeal.objects.exists() and not PendingPhoto.objects.exists()
