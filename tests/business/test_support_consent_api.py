"""The business's consent to support measures in the API (list / give / withdraw for the business the signed-in
representative acts for) and its printable receipt in Russian (issue 19)."""

import re

from clientcentric.delivery.models import BusinessConsent, BusinessOffer
from clientcentric.delivery.services import business_support
from tests.pdf_layout import layout_problems, pdf_text

from .test_support_measures import TODAY, measures, other_business  # noqa: F401  (fixtures)

API = "/api/v1/me/business/consents"

# Kantara field names beside their Russian labels, addresses, ids and the format are not words.
NOT_WORDS = re.compile(
    r"\((?:consentReceiptID|version|jurisdiction|consentTimestamp|collectionMethod|piiPrincipalId|piiControllers|"
    r"policyUrl|sensitive, spiCat|givenBy)\)|https?://\S+|KI-CR-v[\d.]+|JSON, Kantara Consent Receipt v1\.1|"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\bRU\b|"
    # the test's own names: the representative's login and the measures' codes
    r"business_representative-user|Мера [\w-]+",
)


def test_the_representative_gives_lists_and_withdraws_the_business_consent(
    client,
    business_profile,
    measures,  # noqa: F811
    people,
):
    client.force_login(people["business_representative"])
    given = client.post(API, {"service": None}, content_type="application/json")
    assert given.status_code == 201, given.content
    body = given.json()
    assert body["scope"] == "all" and body["business"] == business_profile.business.name
    assert body["receipt_pdf"] == f"/business/support/consents/{body['id']}/receipt.pdf"
    # The measures are checked at once, as on the page.
    assert BusinessOffer.objects.filter(business=business_profile.business, status="open").count() == 2
    # A retry gives nothing twice.
    again = client.post(API, {"service": "all"}, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert [c["id"] for c in client.get(API).json()] == [body["id"]]
    revoked = client.post(f"{API}/{body['id']}/revoke")
    assert revoked.status_code == 200
    assert revoked.json()["offers_stopped"] == 2 and revoked.json()["consent"]["revoked_at"]
    again = client.post(f"{API}/{body['id']}/revoke")
    assert again.status_code == 409 and again.json()["message"] == "Это согласие уже отозвано."


def test_an_unknown_measure_is_refused_with_a_russian_field_error(
    client,
    business_profile,
    measures,  # noqa: F811
    people,
):
    client.force_login(people["business_representative"])
    answer = client.post(API, {"service": "no-such-measure"}, content_type="application/json")
    assert answer.status_code == 422
    assert answer.json()["details"] == [
        {"field": "service", "message": "Нет меры поддержки с кодом «no-such-measure»."}
    ]
    assert not BusinessConsent.objects.exists()


def test_only_the_business_own_representative_reaches_its_consents(
    client,
    business_profile,
    measures,  # noqa: F811
    people,
    other_business,  # noqa: F811
):
    consent = business_support.give_consent(
        business_profile.business, person=people["business_representative"], on=TODAY
    )
    client.force_login(other_business)
    assert client.get(API).json() == []
    assert client.post(f"{API}/{consent.pk}/revoke").status_code == 404
    assert client.get(f"/business/support/consents/{consent.pk}/receipt.pdf").status_code == 404
    client.force_login(people["client"])
    answer = client.get(API)
    assert answer.status_code == 403
    assert answer.json()["message"] == "Согласие бизнеса даёт только его представитель."


def test_the_business_consent_receipt_pdf_is_russian_and_names_the_representative(
    client,
    business_profile,
    measures,  # noqa: F811
    people,
):
    rep = people["business_representative"]
    consent = business_support.give_consent(business_profile.business, person=rep, on=TODAY)
    client.force_login(rep)
    client.cookies["django_language"] = "en"  # the paper copy is Russian whatever the page's language
    answer = client.get(f"/business/support/consents/{consent.pk}/receipt.pdf")
    assert answer["Content-Type"] == "application/pdf"
    text = pdf_text(answer.content)
    assert "Квитанция о согласии" in text
    assert business_profile.business.inn in text and "устав" in text
    assert "все меры поддержки бизнеса" in text
    leftovers = re.findall(r"[A-Za-z]{3,}", NOT_WORDS.sub(" ", text))
    assert leftovers == [], leftovers
    html = business_support.consent_receipt_html(consent, "http://127.0.0.1:8000", "Демонстрационная область")
    assert layout_problems(html) == []
