"""Shared by the migrations that moved API tokens into accounts.ApiToken (the loader skips modules named with _).

Going back, a token is copied into the old table it came from and the ApiToken row stays (its table exists from
0003 on), so its scopes and last use survive a round trip; going forward again finds it by its hash.
"""

from django.core.management.color import no_style

# Frozen here: a migration must not follow later edits of ApiScope.
INTEGRATION_SCOPES = ["appeals:write", "feedback:write", "life-events:write", "text:check"]
AGENCY_SCOPES = ["requirements:read"]


def is_agency_token(token) -> bool:
    return token.agency_id is not None and set(token.scopes) <= set(AGENCY_SCOPES)


def reset_sequence(schema_editor, model) -> None:
    # PostgreSQL's sequence does not move when rows are inserted with their primary keys.
    for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [model]):
        schema_editor.execute(sql)


def copy_back_integration_clients(apps, schema_editor):
    """Each token that is not an agency's read token becomes an IntegrationClient with its primary key again:
    appeals and life events point at that key."""
    ApiToken = apps.get_model("accounts", "ApiToken")
    IntegrationClient = apps.get_model("appeals", "IntegrationClient")
    present = set(IntegrationClient.objects.values_list("pk", flat=True))
    for token in ApiToken.objects.order_by("pk"):
        if is_agency_token(token) or token.pk in present:
            continue
        IntegrationClient.objects.create(
            pk=token.pk,
            name=token.name,
            agency_id=token.agency_id,
            token_hash=token.token_hash,
            is_active=token.revoked_at is None,
        )
        IntegrationClient.objects.filter(pk=token.pk).update(created_at=token.created_at)
    reset_sequence(schema_editor, IntegrationClient)


def copy_back_agency_tokens(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    AgencyToken = apps.get_model("business", "AgencyToken")
    present = set(AgencyToken.objects.values_list("token_hash", flat=True))
    for token in ApiToken.objects.order_by("pk"):
        if not is_agency_token(token) or token.token_hash in present:
            continue
        old = AgencyToken.objects.create(
            agency_id=token.agency_id,
            name=token.name[:120],
            token_hash=token.token_hash,
            revoked=token.revoked_at is not None,
        )
        AgencyToken.objects.filter(pk=old.pk).update(created_at=token.created_at)
