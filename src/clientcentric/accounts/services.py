"""Every write to people, roles, agencies, representatives and API tokens."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from clientcentric.core.services import audit

from . import selectors
from .models import (
    AGENCY_SCOPES,
    ALL_POWERS,
    Agency,
    ApiScope,
    ApiToken,
    BusinessClient,
    Representative,
    User,
)
from .roles import BACK_OFFICE_PERMISSIONS, SECOND_FACTOR_ROLES, STAFF_ROLES, Role


def sync_role_groups() -> None:
    """One Django group per staff role, holding the back-office permissions the role needs."""
    for role, apps in BACK_OFFICE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        permissions = [
            p
            for app_label, actions in apps.items()
            for p in Permission.objects.filter(content_type__app_label=app_label)
            if p.codename.split("_", 1)[0] in actions
        ]
        group.permissions.set(permissions)


def _apply_role(user: User) -> None:
    user.is_staff = user.role in STAFF_ROLES
    user.is_superuser = user.role == Role.ADMIN
    if user.role in STAFF_ROLES - {Role.ADMIN} and user.agency_id is None:
        raise ValidationError({"agency": _("Staff must belong to an agency.")})


def _sync_groups(user: User) -> None:
    groups = Group.objects.filter(name=user.role)
    user.groups.set(groups)


@transaction.atomic
def create_person(
    *, username: str, password: str | None, role: str, actor=None, agency: Agency | None = None, **fields
) -> User:
    user = User(username=username, role=role, agency=agency, **fields)
    _apply_role(user)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    _sync_groups(user)
    audit.record(actor, "accounts.person_created", user, role=role)
    return user


@transaction.atomic
def save_person(user: User, *, actor=None) -> User:
    """Save a person edited in the back office, keeping flags and groups in line with the role."""
    _apply_role(user)
    user.full_clean(exclude=["password"])
    user.save()
    _sync_groups(user)
    audit.record(actor, "accounts.person_saved", user, role=user.role)
    return user


@transaction.atomic
def save_agency(agency: Agency, *, actor=None) -> Agency:
    node = agency.parent
    while node is not None:
        if node.pk == agency.pk and agency.pk is not None:
            raise ValidationError({"parent": _("An agency cannot be its own ancestor.")})
        node = node.parent
    agency.full_clean()
    agency.save()
    audit.record(actor, "accounts.agency_saved", agency)
    return agency


@transaction.atomic
def save_business(business: BusinessClient, *, actor=None) -> BusinessClient:
    business.full_clean()
    business.save()
    audit.record(actor, "accounts.business_saved", business)
    return business


# Words of a basis that name a representation by law (the data migration 0006 reads bases the same way).
_KIND_WORDS = (
    (Representative.Kind.PARENT, ("рожден", "родител", "усыновл", "birth", "parent")),
    (Representative.Kind.GUARDIAN, ("опек", "попечит", "guardian")),
    (Representative.Kind.HEAD, ("устав", "директор", "руководител", "charter")),
)


def kind_from_basis(basis: str) -> str:
    """The kind of representation a basis names («Свидетельство о рождении» → parent); else a power of attorney."""
    text = (basis or "").lower()
    for kind, words in _KIND_WORDS:
        if any(word in text for word in words):
            return kind
    return Representative.Kind.ATTORNEY


@transaction.atomic
def appoint_representative(
    *,
    person: User,
    basis: str,
    valid_from,
    valid_to=None,
    client: User | None = None,
    business: BusinessClient | None = None,
    kind: str | None = None,
    powers=None,
    actor=None,
) -> Representative:
    """`kind` defaults to what the basis says (kind_from_basis). `powers` (codes of Power) are what a power of
    attorney lists; None is a general power of attorney (all of them). Parents, guardians and heads hold all."""
    representative = Representative(
        person=person,
        client=client,
        business=business,
        kind=kind or kind_from_basis(basis),
        basis=basis,
        valid_from=valid_from,
        valid_to=valid_to,
        powers=list(ALL_POWERS if powers is None else powers),
    )
    return save_representative(representative, actor=actor)


@transaction.atomic
def save_representative(representative: Representative, *, actor=None) -> Representative:
    if (representative.client_id is None) == (representative.business_id is None):
        raise ValidationError(_("A representative acts either for a client or for a business."))
    if representative.client_id is not None and representative.client_id == representative.person_id:
        raise ValidationError({"client": _("A person cannot represent themselves.")})
    if representative.kind in Representative.BY_LAW:
        representative.powers = list(ALL_POWERS)  # held by law, stored so that every reader sees them
    else:
        unknown = [p for p in representative.powers or [] if p not in ALL_POWERS]
        if unknown:
            raise ValidationError({"powers": _("Unknown power: %(code)s.") % {"code": ", ".join(unknown)}})
        representative.powers = [p for p in ALL_POWERS if p in (representative.powers or [])]
        if not representative.powers:
            raise ValidationError(
                {"powers": _("A power of attorney must list at least one power: what it allows to do.")}
            )
    created = representative.pk is None
    representative.full_clean()
    representative.save()
    action = "accounts.representative_appointed" if created else "accounts.representative_changed"
    audit.record(actor, action, representative, kind=representative.kind, powers=representative.powers)
    return representative


def acts_for(
    person: User, *, client: User | None = None, business: BusinessClient | None = None, on=None
) -> bool:
    """Kept for callers of the services module; the check lives in `selectors.acts_for`."""
    return selectors.acts_for(person, client=client, business=business, on=on)


# ---- Second factor (TOTP) ---------------------------------------------------------------------------------


def second_factor_role(user) -> bool:
    """Whether the person's role (or back-office flags) reads personal data and so needs the second factor."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role in SECOND_FACTOR_ROLES or user.is_staff or user.is_superuser


def needs_second_factor(user) -> bool:
    return settings.CLIENTCENTRIC_REQUIRE_2FA and second_factor_role(user)


def has_totp(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def start_totp(user: User) -> TOTPDevice:
    """The person's unconfirmed authenticator, made once and kept until a code confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


@transaction.atomic
def confirm_totp(device: TOTPDevice, token: str) -> bool:
    """Confirm an authenticator with its first code; other authenticators of the person are removed."""
    if not device.verify_token(token):
        return False
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(device.user, "accounts.totp_enrolled", device.user)
    return True


@transaction.atomic
def enrol_totp(user: User, *, key: str, actor=None) -> TOTPDevice:
    """A confirmed authenticator with a known hex key (the demo region publishes one); replaces the person's others."""
    kept = TOTPDevice.objects.filter(user=user, key=key, confirmed=True).first()
    if kept is not None:
        return kept
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), key=key, confirmed=True)
    audit.record(actor, "accounts.totp_enrolled", user)
    return device


@transaction.atomic
def reset_totp(user: User, *, actor=None) -> int:
    """Remove the person's authenticators (a lost phone): they enrol a new one at their next sign-in."""
    removed, _by_model = TOTPDevice.objects.filter(user=user).delete()
    audit.record(actor, "accounts.totp_reset", user)
    return removed


def verify_totp(user: User, token: str) -> TOTPDevice | None:
    """The person's confirmed authenticator that accepts `token`, or None (the failure is audited).

    django-otp throttles each device: after a wrong code the next try waits 1, 2, 4 … seconds.
    """
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            return device
    audit.record(user, "accounts.totp_failed", user)
    return None


# ---- API tokens -------------------------------------------------------------------------------------------

# Intake runs hundreds of requests a second on one token; the last-use time is written at most this often.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def free_token_name(base: str) -> str:
    """`base`, or `base 2`, `base 3` … — the first name no token has yet."""
    name, number = base, 1
    while ApiToken.objects.filter(name=name).exists():
        number += 1
        name = f"{base} {number}"
    return name


def check_token_scopes(scopes, agency: Agency | None) -> None:
    unknown = [s for s in scopes if s not in ApiScope.values]
    if unknown:
        raise ValidationError({"scopes": _("Unknown scope: %(scope)s.") % {"scope": ", ".join(unknown)}})
    if not scopes:
        raise ValidationError({"scopes": _("Name at least one scope.")})
    if agency is None and AGENCY_SCOPES.intersection(scopes):
        raise ValidationError({"agency": _("This scope needs the token's agency.")})


@transaction.atomic
def issue_token(*, name: str, scopes, agency: Agency | None = None, actor=None) -> tuple[ApiToken, str]:
    """A new API token; the plain value is returned once and only its hash is stored."""
    scopes = sorted({str(s) for s in scopes})
    check_token_scopes(scopes, agency)
    plain = secrets.token_urlsafe(32)
    token = ApiToken(name=name, agency=agency, scopes=scopes, token_hash=hash_token(plain))
    token.full_clean()
    token.save()
    audit.record(
        actor, "accounts.api_token_issued", token, scopes=scopes, agency=agency.code if agency else ""
    )
    return token, plain


@transaction.atomic
def revoke_token(token: ApiToken, *, actor=None) -> bool:
    """Stop a token working. Returns False when it was already revoked."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(actor, "accounts.api_token_revoked", token)
    return True


def touch_token(token: ApiToken, now=None) -> None:
    """Note that the token was just used, writing at most once a minute per token and process."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    # A plain UPDATE: no signal, so the process cache keeps the token, and no audit event per request.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


def start_acting(session, person: User, client: User) -> None:
    """Switch `person` to acting for `client` in this session; refused unless a representation is in force today."""
    if client.pk == person.pk:
        stop_acting(session, person)
        return
    if not selectors.acts_for(person, client=client):
        raise ValidationError(
            _("You cannot act for this person: there is no power of attorney in force today.")
        )
    from .acting import SESSION_KEY

    session[SESSION_KEY] = client.pk
    audit.record(person, "accounts.acting_started", client, client=client.pk)


def stop_acting(session, person: User) -> None:
    from .acting import SESSION_KEY

    client_id = session.pop(SESSION_KEY, None)
    if client_id is not None and client_id != person.pk:
        audit.record(person, "accounts.acting_stopped", None, client=client_id)
