"""Every token of the two old models becomes an ApiToken with the scopes it was used for.

The hash is kept, so the plain token an integrator holds still works. An integrating system keeps its primary key
(appeals and life events point at it, and their foreign keys move to ApiToken next); an agency token gets the
next free one and, since its name was only unique per agency, its name is suffixed with the agency's code.

Reversible without loss: going back copies every token into its old table and keeps the ApiToken rows; going
forward again skips a token whose hash is already an ApiToken (carrying over a revocation made meanwhile).
"""

from django.db import migrations
from django.utils import timezone

from clientcentric.accounts.migrations._api_tokens import (
    AGENCY_SCOPES,
    INTEGRATION_SCOPES,
    copy_back_agency_tokens,
    copy_back_integration_clients,
    reset_sequence,
)


def _free_name(taken: set, base: str) -> str:
    name, number = base, 1
    while name in taken:
        number += 1
        name = f"{base} {number}"
    taken.add(name)
    return name


def _carry_revocation(ApiToken, token, revoked: bool, now) -> None:
    if revoked and token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=now)


def forwards(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    IntegrationClient = apps.get_model("appeals", "IntegrationClient")
    AgencyToken = apps.get_model("business", "AgencyToken")
    now = timezone.now()
    existing = {token.token_hash: token for token in ApiToken.objects.all()}
    taken = {token.name for token in existing.values()}
    used_pks = {token.pk for token in existing.values()}
    created = {}
    for client in IntegrationClient.objects.order_by("pk"):
        if client.token_hash in existing:
            _carry_revocation(ApiToken, existing[client.token_hash], not client.is_active, now)
            continue
        if client.pk in used_pks:
            raise RuntimeError(
                f"IntegrationClient {client.pk} ({client.name}) cannot keep its key: an ApiToken has it."
            )
        taken.add(client.name)
        ApiToken.objects.create(
            pk=client.pk,
            name=client.name,
            agency_id=client.agency_id,
            scopes=INTEGRATION_SCOPES,
            token_hash=client.token_hash,
            revoked_at=None if client.is_active else now,
        )
        created[client.pk] = client.created_at
        used_pks.add(client.pk)
    next_pk = max(used_pks, default=0) + 1
    for old in AgencyToken.objects.select_related("agency").order_by("pk"):
        if old.token_hash in existing:
            _carry_revocation(ApiToken, existing[old.token_hash], old.revoked, now)
            continue
        token = ApiToken.objects.create(
            pk=next_pk,
            name=_free_name(taken, f"{old.name} ({old.agency.code})"),
            agency_id=old.agency_id,
            scopes=AGENCY_SCOPES,
            token_hash=old.token_hash,
            revoked_at=now if old.revoked else None,
        )
        created[token.pk] = old.created_at
        next_pk += 1
    # auto_now_add stamped every row with today; each keeps the day it was first issued.
    for pk, moment in created.items():
        ApiToken.objects.filter(pk=pk).update(created_at=moment)
    reset_sequence(schema_editor, ApiToken)


def backwards(apps, schema_editor):
    copy_back_integration_clients(apps, schema_editor)
    copy_back_agency_tokens(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_api_token"),
        ("appeals", "0007_appeal_number_derived"),
        ("business", "0001_requirements_profiles_assessments_consultations"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
