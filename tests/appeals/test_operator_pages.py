from django.contrib.auth.models import Permission

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import Agency
from clientcentric.appeals import services
from clientcentric.appeals.models import Appeal, Status, TrainingExample

from .conftest import written


def test_operator_records_a_phone_call_into_their_agency_queue(client, housing_operator, housing):
    client.force_login(housing_operator)
    response = client.post(
        "/operator/new/",
        {
            "channel": "phone",
            "text": "Звонок: в подъезде 3 не горит свет",
            "contact_phone": "+7 900 000-00-00",
        },
    )
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and appeal.channel == "phone" and appeal.executor == housing
    assert appeal.events.get().actor == housing_operator
    assert appeal.number in client.get("/operator/").content.decode()


def test_recording_without_text_shows_the_error_and_stores_nothing(client, housing_operator):
    client.force_login(housing_operator)
    page = client.post("/operator/new/", {"channel": "in_person", "text": "   "}).content.decode()
    assert "errorlist" in page and not Appeal.objects.exists()


def test_operators_see_only_their_agency_appeals(client, lift_rule, housing_operator, people):
    appeal = services.receive_appeal(written(district="Невский", contact_email="a@b.ru")).appeal
    client.force_login(people["operator"])  # an operator of another agency
    assert appeal.number not in client.get("/operator/").content.decode()
    assert client.get(f"/operator/appeals/{appeal.number}/").status_code == 403
    client.force_login(housing_operator)
    assert client.get(f"/operator/appeals/{appeal.number}/").status_code == 200


def test_reassign_moves_the_appeal_to_the_other_queue(client, lift_rule, housing_operator, agency):
    appeal = services.receive_appeal(written(district="Невский", contact_email="a@b.ru")).appeal
    client.force_login(housing_operator)
    client.post(f"/operator/appeals/{appeal.number}/", {"action": "take"})
    client.post(
        f"/operator/appeals/{appeal.number}/", {"action": "reassign", "executor": agency.pk, "note": "не наш"}
    )
    appeal.refresh_from_db()
    assert appeal.executor == agency and appeal.status == Status.REGISTERED and appeal.assignee is None
    assert appeal.events.last().note == "не наш"


def test_a_step_the_workflow_refuses_shows_the_same_message(client, lift_rule, housing_operator):
    appeal = services.receive_appeal(written(district="Невский", contact_email="a@b.ru")).appeal
    client.force_login(housing_operator)
    client.post(f"/operator/appeals/{appeal.number}/", {"action": "take"})
    page = client.post(f"/operator/appeals/{appeal.number}/", {"action": "take"}, follow=True)
    assert "an appeal cannot go from in_progress to in_progress" in page.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == Status.IN_PROGRESS


def test_routing_desk_routes_and_teaches(client, housing, db):
    router = accounts_services.create_person(
        username="router", password="x" * 12, role="operator", agency=housing
    )
    router.user_permissions.add(Permission.objects.get(codename="route_appeal"))
    appeal = services.receive_appeal(written(contact_email="a@b.ru")).appeal
    assert appeal.status == Status.NEEDS_ROUTING
    client.force_login(router)
    assert appeal.number in client.get("/operator/routing/").content.decode()
    client.post("/operator/routing/", {"number": appeal.number, "executor": housing.pk, "topic": "Освещение"})
    appeal.refresh_from_db()
    assert appeal.status == Status.REGISTERED and appeal.executor == housing and appeal.topic == "Освещение"
    assert TrainingExample.objects.filter(appeal=appeal, source="correction").exists()


def test_operator_without_the_routing_permission_is_refused(client, housing_operator):
    client.force_login(housing_operator)
    assert client.get("/operator/routing/").status_code == 403
    assert Agency.objects.exists()


def test_portal_appeal_with_photos_keeps_them_and_refuses_other_files(
    client, lift_rule, people, tmp_path, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client.force_login(people["client"])
    form = {"text": "Сломана скамейка во дворе дома 9", "district": "Невский"}
    bad = client.post(
        "/appeals/new/", {**form, "photos": [SimpleUploadedFile("a.exe", b"MZ", "application/x-msdownload")]}
    )
    assert bad.status_code == 200 and not Appeal.objects.exists()
    from .test_uploads import jpeg_with_gps

    photo = SimpleUploadedFile("скамейка.jpg", jpeg_with_gps(), "image/jpeg")
    response = client.post("/appeals/new/", {**form, "photos": [photo]})
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and appeal.author == people["client"]
    assert appeal.attachments.get().name == "скамейка.jpg"


def test_an_appeal_waiting_for_routing_is_seen_by_its_author_only(client, people):
    author = people["client"]
    appeal = services.receive_appeal(written(), author=author).appeal
    assert appeal.status == Status.NEEDS_ROUTING
    assert client.get(f"/appeals/{appeal.number}/").status_code == 404
    client.force_login(people["business_representative"])
    assert client.get(f"/appeals/{appeal.number}/").status_code == 404
    client.force_login(author)
    page = client.get(f"/appeals/{appeal.number}/")
    assert page.status_code == 200 and appeal.text in page.content.decode()
