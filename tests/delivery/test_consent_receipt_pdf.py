"""The consent receipt PDF is Russian, in local time, and no column of its tables runs into the next."""

import re

from django.utils import timezone

from clientcentric.delivery.models import Consent
from clientcentric.delivery.services import consents as consent_services
from tests.pdf_layout import layout_problems, pdf_text

# The Kantara field names are kept beside their Russian labels, for whoever compares the paper with the JSON;
# the protocol, the host and the receipt format are not words.
NOT_WORDS = re.compile(
    r"\((?:consentReceiptID|version|jurisdiction|consentTimestamp|collectionMethod|piiPrincipalId|piiControllers|"
    r"policyUrl|sensitive, spiCat)\)|https?://\S+|KI-CR-v[\d.]+|JSON, Kantara Consent Receipt v1\.1|client-user|"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\bRU\b",
)


def _given_at_0820(people, registry) -> Consent:
    consent = consent_services.give_consent(people["client"], life_situation=registry["pension"])
    local_0820 = timezone.localtime().replace(
        year=2026, month=12, day=7, hour=8, minute=20, second=0, microsecond=0
    )
    Consent.objects.filter(pk=consent.pk).update(given_at=local_0820)  # the instant, as if given then
    consent.refresh_from_db()
    return consent


def test_the_receipt_pdf_is_in_russian_with_local_time(client, people, registry, consent_text):
    consent = _given_at_0820(people, registry)
    client.force_login(people["client"])
    client.cookies["django_language"] = "en"  # the paper copy is Russian whatever the page's language
    text = pdf_text(client.get(f"/me/consents/{consent.pk}/receipt.pdf").content)
    assert "Квитанция о согласии" in text
    assert "7 декабря 2026, 08:20" in text
    leftovers = re.findall(r"[A-Za-z]{3,}", NOT_WORDS.sub(" ", text))
    assert leftovers == [], leftovers


def test_the_receipt_pdf_clips_nothing_and_no_column_runs_into_the_next(people, registry, consent_text):
    consent = _given_at_0820(people, registry)
    html = consent_services.consent_receipt_html(consent, "http://127.0.0.1:8000", "Демонстрационная область")
    assert layout_problems(html) == []


def test_the_layout_check_finds_a_column_that_runs_into_the_next():
    """The check itself: an unbreakable word wider than its cell is reported."""
    html = (
        "<table style='width:200px;table-layout:fixed'><tr><td style='width:50px'>"
        + "Длинноесловобезпробелов" * 3
        + "</td><td>б</td></tr></table>"
    )
    assert layout_problems(html)
