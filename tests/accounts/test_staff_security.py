"""Staff see only what their work needs: the second factor, the sign-in lockout, passwords, representation,
audited reads of client profiles."""

import base64
from datetime import date, timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from clientcentric.accounts import selectors
from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import BusinessClient
from clientcentric.accounts.roles import SECOND_FACTOR_ROLES, STAFF_ROLES, Role
from clientcentric.core.models import AuditEvent
from tests.conftest import PASSWORD


def _code(device: TOTPDevice, shift: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + shift * device.step
    return f"{totp.token():06d}"


def _password_sign_in(person) -> Client:
    browser = Client()
    response = browser.post("/account/login/", {"username": person.username, "password": PASSWORD})
    assert response.status_code == 302
    return browser


# ---- second factor ----------------------------------------------------------------------------------------


def test_every_staff_role_needs_the_second_factor():
    # Staff, and the business ombudsman's office: not the body's staff, but it reads businesses' requests.
    assert SECOND_FACTOR_ROLES == STAFF_ROLES | {Role.BUSINESS_OMBUDSMAN}


@pytest.mark.parametrize("role", sorted(STAFF_ROLES))
def test_staff_signed_in_with_the_password_alone_open_nothing(people, role):
    browser = _password_sign_in(people[role])
    for path in ("/admin/", "/operator/", "/supervision/desk/", "/account/"):
        response = browser.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/account/2fa/setup/?next=")
    api = browser.get("/api/v1/research/segments")
    assert api.status_code == 403 and api.json()["error"] == "second_factor_required"


def test_clients_sign_in_with_the_password_alone(people):
    browser = _password_sign_in(people["client"])
    assert browser.get("/account/").status_code == 200


def test_staff_enrol_an_authenticator_and_then_confirm_each_sign_in(people):
    operator = people["operator"]
    browser = _password_sign_in(operator)
    page = browser.get("/account/2fa/setup/?next=/operator/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode() and "otpauth://totp/" in page.content.decode()
    device = TOTPDevice.objects.get(user=operator, confirmed=False)
    assert browser.post("/account/2fa/setup/", {"token": "000000", "next": "/operator/"}).status_code == 422
    # django-otp makes the next try after a wrong code wait a second; the test does not wait.
    device.refresh_from_db()
    device.throttle_reset()
    response = browser.post("/account/2fa/setup/", {"token": _code(device), "next": "/operator/"})
    assert response.status_code == 302 and response["Location"] == "/operator/"
    assert browser.get("/operator/").status_code == 200
    assert AuditEvent.objects.filter(action="accounts.totp_enrolled", object_id=str(operator.pk)).exists()

    # The next sign-in asks for a code from the same app, and a password thief cannot enrol another phone.
    again = _password_sign_in(operator)
    assert again.get("/operator/")["Location"].startswith("/account/2fa/verify/")
    assert again.get("/account/2fa/setup/")["Location"].startswith("/account/2fa/verify/")
    wrong = again.post("/account/2fa/verify/", {"token": "123456", "next": "/operator/"})
    assert wrong.status_code == 422 and "не совпадает" in wrong.content.decode()
    assert AuditEvent.objects.filter(action="accounts.totp_failed", actor=operator).exists()
    device.refresh_from_db()
    device.throttle_reset()
    right = again.post("/account/2fa/verify/", {"token": _code(device, shift=1), "next": "/operator/"})
    assert right.status_code == 302
    assert again.get("/operator/").status_code == 200


def test_the_admin_resets_a_lost_authenticator(client, people):
    operator = people["operator"]
    accounts_services.enrol_totp(operator, key="12d046cc446ce2810c8c74dd37a898d6bdf00443")
    client.force_login(people["admin"])
    client.post(
        "/admin/accounts/user/",
        {"action": "reset_second_factor", "_selected_action": [operator.pk]},
    )
    assert not TOTPDevice.objects.filter(user=operator).exists()
    assert AuditEvent.objects.filter(action="accounts.totp_reset", object_id=str(operator.pk)).exists()
    assert _password_sign_in(operator).get("/admin/")["Location"].startswith("/account/2fa/setup/")


def test_the_demo_enrols_the_published_key(db):
    from django.core.management import call_command

    from clientcentric.accounts.models import User
    from clientcentric.registry.demo import DEMO_TOTP_KEY

    call_command("load_demo", verbosity=0)
    key = base64.b32decode(DEMO_TOTP_KEY).hex()
    operator = User.objects.get(username="operator")
    assert TOTPDevice.objects.get(user=operator, confirmed=True).key == key
    assert not TOTPDevice.objects.filter(user__username="client").exists()


# ---- lockout and passwords --------------------------------------------------------------------------------


def test_wrong_passwords_lock_the_account_from_that_address(people, settings):
    settings.AXES_FAILURE_LIMIT = 3
    from axes.models import AccessAttempt, AccessFailureLog

    operator = people["operator"]
    browser = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(2):
        assert (
            browser.post("/account/login/", {"username": operator.username, "password": "x"}).status_code
            == 200
        )
    locked = browser.post("/account/login/", {"username": operator.username, "password": "x"})
    assert locked.status_code == 429 and "Вход заблокирован" in locked.content.decode()
    # Even the right password waits for the cool-off now, from that address …
    right = browser.post("/account/login/", {"username": operator.username, "password": PASSWORD})
    assert right.status_code == 429
    # … while the same person from another address, and other people, still sign in.
    elsewhere = Client(REMOTE_ADDR="10.0.0.8")
    assert (
        elsewhere.post("/account/login/", {"username": operator.username, "password": PASSWORD}).status_code
        == 302
    )
    assert AccessAttempt.objects.filter(username=operator.username, ip_address="10.0.0.7").exists()
    assert AccessFailureLog.objects.filter(username=operator.username).count() >= 3


@pytest.mark.parametrize(
    "password",
    ["short-pass1", "password1234", "123456789012345", "ivanova-maria-2026"],
    ids=["shorter than 12", "common", "numeric only", "like the account"],
)
def test_weak_passwords_are_refused(db, password):
    from clientcentric.accounts.models import User

    person = User(
        username="ivanova-maria", first_name="Мария", last_name="Иванова", email="ivanova-maria@example.ru"
    )
    with pytest.raises(ValidationError):
        validate_password(password, person)


def test_a_long_uncommon_password_passes(db):
    validate_password("зелёный-чайник-на-окне")


# ---- representation ---------------------------------------------------------------------------------------


def test_one_check_of_acts_for_with_its_dates(people):
    person = people["business_representative"]
    business = accounts_services.save_business(
        BusinessClient(name="ООО «Ромашка»", kind="legal_entity", inn="7707083893")
    )
    today = timezone.localdate()
    accounts_services.appoint_representative(
        person=person,
        business=business,
        basis="доверенность",
        valid_from=date(2020, 1, 1),
        valid_to=today - timedelta(days=1),
    )
    assert not selectors.acts_for(person, business=business)
    assert selectors.acts_for(person, business=business, on=today - timedelta(days=1))
    assert list(selectors.businesses_of(person)) == []
    assert not accounts_services.acts_for(person, business=business)


def test_an_expired_representative_no_longer_opens_the_business_profile(client, people):
    person = people["business_representative"]
    business = accounts_services.save_business(
        BusinessClient(name="ООО «Ромашка»", kind="legal_entity", inn="7707083893")
    )
    accounts_services.appoint_representative(
        person=person,
        business=business,
        basis="доверенность",
        valid_from=date(2020, 1, 1),
        valid_to=timezone.localdate() - timedelta(days=1),
    )
    client.force_login(person)
    page = client.get("/business/profile/")
    assert page.status_code == 200 and 'name="ogrn"' not in page.content.decode()
    posted = client.post("/business/profile/", {"name": "Чужое", "kind": "legal_entity", "inn": "7707083893"})
    assert posted.status_code == 200
    business.refresh_from_db()
    assert business.name == "ООО «Ромашка»"


# ---- client profiles --------------------------------------------------------------------------------------


@pytest.fixture
def handled_client(people, registry, agency):
    """A client with a service request to the staff's agency, and a stranger nobody of that agency serves."""
    from clientcentric.delivery.models import ServiceRequest
    from clientcentric.delivery.services import profiles

    handled = accounts_services.create_person(username="handled", password=None, role="client")
    stranger = accounts_services.create_person(username="stranger", password=None, role="client")
    ServiceRequest.objects.create(client=handled, service=registry["service"], submitted_at=timezone.now())
    for person in (handled, stranger):
        profile = profiles.profile_of(person)
        profile.snils = None
        profiles.save_profile(profile)
    return profiles.profile_of(handled), profiles.profile_of(stranger)


def test_client_profiles_open_only_to_staff_who_handle_the_client(client, people, handled_client):
    handled, stranger = handled_client
    client.force_login(people["operator"])
    listing = client.get("/admin/delivery/clientprofile/").content.decode()
    assert f"/admin/delivery/clientprofile/{handled.pk}/change/" in listing
    assert f"/admin/delivery/clientprofile/{stranger.pk}/change/" not in listing
    assert client.get(f"/admin/delivery/clientprofile/{handled.pk}/change/").status_code == 200
    assert client.get(f"/admin/delivery/clientprofile/{stranger.pk}/change/").status_code != 200
    read = AuditEvent.objects.get(action="delivery.profile_read", object_id=str(handled.pk))
    assert read.actor == people["operator"] and read.data["reason"] == "service_request"
    assert not AuditEvent.objects.filter(action="delivery.profile_read", object_id=str(stranger.pk)).exists()


def test_the_personal_manager_and_the_admin_read_the_profile_audited(client, people, handled_client):
    from clientcentric.delivery.services import profiles

    _handled, stranger = handled_client
    stranger.personal_manager = people["methodologist"]
    profiles.save_profile(stranger)
    client.force_login(people["methodologist"])
    assert client.get(f"/admin/delivery/clientprofile/{stranger.pk}/change/").status_code == 200
    client.force_login(people["admin"])
    assert client.get(f"/admin/delivery/clientprofile/{stranger.pk}/change/").status_code == 200
    reasons = sorted(
        AuditEvent.objects.filter(action="delivery.profile_read", object_id=str(stranger.pk)).values_list(
            "data__reason", flat=True
        )
    )
    assert reasons == ["admin", "personal_manager"]
