"""The data migration: every token of IntegrationClient and AgencyToken keeps working as an ApiToken."""

import hashlib
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from clientcentric.accounts.models import ApiToken
from clientcentric.delivery.models import LifeEvent

BEFORE = [
    ("accounts", "0003_api_token"),
    ("appeals", "0007_appeal_number_derived"),
    ("business", "0001_requirements_profiles_assessments_consultations"),
    ("delivery", "0005_plain_check_of_decisions"),
]
LONG_AGO = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def _hash(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def _migrate(targets=None):
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


@pytest.fixture
def old_tokens(transactional_db):
    """Rows written in the old shape, then every migration applied."""
    executor = _migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Agency = apps.get_model("accounts", "Agency")
    IntegrationClient = apps.get_model("appeals", "IntegrationClient")
    AgencyToken = apps.get_model("business", "AgencyToken")
    OldLifeEvent = apps.get_model("delivery", "LifeEvent")
    sfr = Agency.objects.create(code="sfr", name="СФР", level="federal", kind="executive")
    mchs = Agency.objects.create(code="mchs", name="МЧС", level="federal", kind="supervisory")
    zags = IntegrationClient.objects.create(name="ЗАГС", agency=sfr, token_hash=_hash("zags-token"))
    IntegrationClient.objects.filter(pk=zags.pk).update(created_at=LONG_AGO)
    IntegrationClient.objects.create(name="Старая", token_hash=_hash("old-token"), is_active=False)
    AgencyToken.objects.create(agency=mchs, name="API", token_hash=_hash("mchs-token"))
    AgencyToken.objects.create(agency=sfr, name="API", token_hash=_hash("sfr-token"))
    AgencyToken.objects.create(agency=mchs, name="API", token_hash=_hash("mchs-revoked"), revoked=True)
    OldLifeEvent.objects.create(
        event_id="e-1", kind="birth", snils="11223344595", occurred_at=LONG_AGO, source=zags
    )
    _migrate()
    yield zags.pk
    _migrate()


def test_every_old_token_becomes_an_api_token_with_the_scopes_it_was_used_for(old_tokens, client):
    # One test: each run of the migrations back and forth costs most of a minute on a shared machine.
    _integrating_systems_keep_their_key_hash_and_get_the_scopes_they_used(old_tokens)
    _agency_tokens_get_unique_names_and_the_read_scope()
    _old_plain_tokens_still_open_the_api_they_were_for(client)
    _new_tokens_get_fresh_keys_after_the_copied_ones()


def _integrating_systems_keep_their_key_hash_and_get_the_scopes_they_used(old_tokens):
    zags = ApiToken.objects.get(pk=old_tokens)
    assert (zags.name, zags.agency.code, zags.token_hash) == ("ЗАГС", "sfr", _hash("zags-token"))
    assert zags.scopes == ["appeals:write", "feedback:write", "life-events:write", "text:check"]
    assert zags.created_at == LONG_AGO and zags.revoked_at is None
    assert LifeEvent.objects.get(event_id="e-1").source == zags
    assert ApiToken.objects.get(name="Старая").revoked_at is not None


def _agency_tokens_get_unique_names_and_the_read_scope():
    tokens = {t.name: t for t in ApiToken.objects.filter(scopes=["requirements:read"])}
    assert set(tokens) == {"API (mchs)", "API (sfr)", "API (mchs) 2"}
    assert tokens["API (mchs)"].token_hash == _hash("mchs-token") and tokens["API (mchs)"].revoked_at is None
    assert tokens["API (mchs) 2"].revoked_at is not None


def _old_plain_tokens_still_open_the_api_they_were_for(client):
    def results(plain):
        return client.get("/api/v1/business/results", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code

    assert results("mchs-token") == 200
    assert results("mchs-revoked") == 401
    assert results("zags-token") == 403
    reply = client.post(
        "/api/v1/text/readability",
        {"text": "Ваше обращение рассмотрено."},
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer zags-token",
    )
    assert reply.status_code == 200


def _new_tokens_get_fresh_keys_after_the_copied_ones():
    from clientcentric.accounts import services

    token, _plain = services.issue_token(name="Новая", scopes=["appeals:write"])
    assert token.pk > max(ApiToken.objects.exclude(pk=token.pk).values_list("pk", flat=True))
