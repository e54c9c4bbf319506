"""Every token of the two old models becomes an ApiToken with the scopes it was used for.

The hash is kept, so the plain token an integrator holds still works. An integrating system keeps its primary key
(appeals and life events point at it, and their foreign keys move to ApiToken next); an agency token gets the
next free one and, since its name was only unique per agency, its name is suffixed with the agency's code.
"""

from django.core.management.color import no_style
from django.db import migrations
from django.utils import timezone

# Frozen here: a migration must not follow later edits of ApiScope.
INTEGRATION_SCOPES = ["appeals:write", "feedback:write", "life-events:write", "text:check"]
AGENCY_SCOPES = ["requirements:read"]


def _free_name(taken: set, base: str) -> str:
    name, number = base, 1
    while name in taken:
        number += 1
        name = f"{base} {number}"
    taken.add(name)
    return name


def _reset_sequence(schema_editor, model) -> None:
    # PostgreSQL's sequence does not move when rows are inserted with their primary keys.
    for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [model]):
        schema_editor.execute(sql)


def forwards(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    IntegrationClient = apps.get_model("appeals", "IntegrationClient")
    AgencyToken = apps.get_model("business", "AgencyToken")
    now = timezone.now()
    taken = set(ApiToken.objects.values_list("name", flat=True))
    created = {}
    for client in IntegrationClient.objects.order_by("pk"):
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
    next_pk = max(created, default=0) + 1
    for old in AgencyToken.objects.select_related("agency").order_by("pk"):
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
    _reset_sequence(schema_editor, ApiToken)


def backwards(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    IntegrationClient = apps.get_model("appeals", "IntegrationClient")
    AgencyToken = apps.get_model("business", "AgencyToken")
    for token in ApiToken.objects.select_related("agency").order_by("pk"):
        if token.agency_id is not None and set(token.scopes) <= set(AGENCY_SCOPES):
            old = AgencyToken.objects.create(
                agency_id=token.agency_id,
                name=token.name[:120],
                token_hash=token.token_hash,
                revoked=token.revoked_at is not None,
            )
            AgencyToken.objects.filter(pk=old.pk).update(created_at=token.created_at)
        else:
            IntegrationClient.objects.create(
                pk=token.pk,
                name=token.name,
                agency_id=token.agency_id,
                token_hash=token.token_hash,
                is_active=token.revoked_at is None,
            )
            IntegrationClient.objects.filter(pk=token.pk).update(created_at=token.created_at)
    _reset_sequence(schema_editor, IntegrationClient)
    ApiToken.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_api_token"),
        ("appeals", "0007_appeal_number_derived"),
        ("business", "0001_requirements_profiles_assessments_consultations"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
