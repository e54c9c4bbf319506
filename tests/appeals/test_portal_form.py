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


def test_the_citizen_may_say_where_the_problem_is_and_it_is_kept(client, db):
    page = client.get("/appeals/new/").content.decode()
    assert "Где это?" in page and '<option value="Двор">Двор</option>' in page
    # Asked before the address: the kind of place comes first, as on the city portal.
    assert page.index('name="object_kind"') < page.index('name="address"')
    response = client.post("/appeals/new/", {**FORM, "object_kind": "Двор", "contact_email": "a@example.ru"})
    assert response.status_code == 302
    assert Appeal.objects.get().object_kind == "Двор"
    refused = client.post("/appeals/new/", {**FORM, "object_kind": "Луна", "contact_email": "a@example.ru"})
    assert "Выберите корректный вариант" in refused.content.decode() and Appeal.objects.count() == 1


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


# --- voice and video on the portal form (segment 1.2) --------------------------------------------------------


def _recording(name="голос.wav", seconds=2.0, content_type="audio/wav"):
    from .media import wav

    return SimpleUploadedFile(name, wav(seconds), content_type)


def test_the_form_offers_voice_and_video_with_its_limits(client, db):
    page = client.get("/appeals/new/").content.decode()
    assert 'name="recordings"' in page and 'accept="audio/*,video/*"' in page
    assert "до 3 записей" in page and "20 МБ" in page and "100 МБ" in page and "60 минут" in page


def test_a_voice_message_alone_files_an_appeal_the_operator_can_play(client, lift_rule, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    response = client.post(
        "/appeals/new/",
        {"text": "", "district": "Невский", "contact_email": "a@example.ru", "recordings": [_recording()]},
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    item = appeal.attachments.get()
    assert item.content_type == "audio/wav" and item.media == "audio" and item.duration_seconds == 2
    assert "прослушайте приложенную запись" in appeal.text


def test_neither_text_nor_recording_is_refused_in_russian(client, db):
    page = client.post("/appeals/new/", {"text": "", "contact_email": "a@example.ru"}).content.decode()
    assert "Опишите проблему словами или приложите голосовое или видеосообщение" in page
    assert not Appeal.objects.exists()


def test_the_type_is_sniffed_not_taken_from_the_name(client, db):
    disguised = SimpleUploadedFile("голос.mp3", b"MZ\x90\x00 not a sound", "audio/mpeg")
    page = client.post(
        "/appeals/new/", {**FORM, "contact_email": "a@example.ru", "recordings": [disguised]}
    ).content.decode()
    assert "«голос.mp3» — не голосовая и не видеозапись" in page
    assert not Appeal.objects.exists() and not PendingPhoto.objects.exists()


def test_a_photo_in_the_recordings_field_is_refused(client, db):
    photo = SimpleUploadedFile("кадр.mp4", jpeg_with_gps(), "video/mp4")
    page = client.post(
        "/appeals/new/", {**FORM, "contact_email": "a@example.ru", "recordings": [photo]}
    ).content.decode()
    assert "«кадр.mp4» — не голосовая и не видеозапись" in page and not Appeal.objects.exists()


def test_a_recording_over_the_size_limit_names_the_file_and_the_limit(client, db, settings):
    settings.CLIENTCENTRIC_APPEAL_AUDIO_MAX_MB = 1
    page = client.post(
        "/appeals/new/",
        {**FORM, "contact_email": "a@example.ru", "recordings": [_recording("длинная.wav", 140)]},
    ).content.decode()
    assert "«длинная.wav» больше 1 МБ" in page and not Appeal.objects.exists()


def test_a_recording_over_the_length_limit_names_the_file_and_the_limit(client, db, settings):
    settings.CLIENTCENTRIC_APPEAL_MEDIA_MAX_MINUTES = 1
    page = client.post(
        "/appeals/new/",
        {**FORM, "contact_email": "a@example.ru", "recordings": [_recording("речь.wav", 61)]},
    ).content.decode()
    assert "«речь.wav» длиннее 1 мин." in page and not Appeal.objects.exists()


def test_no_more_than_three_recordings(client, db):
    recordings = [_recording(f"{i}.wav", 0.5) for i in range(4)]
    page = client.post(
        "/appeals/new/", {**FORM, "contact_email": "a@example.ru", "recordings": recordings}
    ).content.decode()
    assert "Можно приложить не более 3 голосовых или видеозаписей" in page
    assert not Appeal.objects.exists()


def test_a_recording_survives_a_refusal_and_goes_with_the_appeal(client, lift_rule, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    refused = client.post("/appeals/new/", {**FORM, "recordings": [_recording()]}).content.decode()
    assert "голос.wav" in refused and "Уже прикреплена 1 запись" in refused
    response = client.post(
        "/appeals/new/", {**FORM, "contact_email": "a@example.ru", "form_key": form_key(refused)}
    )
    assert response.status_code == 302
    assert Appeal.objects.get().attachments.get().content_type == "audio/wav"
