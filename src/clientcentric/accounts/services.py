"""Every write to people, roles, agencies and representatives."""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clientcentric.core.services import audit

from .models import Agency, BusinessClient, Representative, User
from .roles import BACK_OFFICE_PERMISSIONS, STAFF_ROLES, Role


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


@transaction.atomic
def appoint_representative(
    *,
    person: User,
    basis: str,
    valid_from,
    valid_to=None,
    client: User | None = None,
    business: BusinessClient | None = None,
    actor=None,
) -> Representative:
    representative = Representative(
        person=person, client=client, business=business, basis=basis, valid_from=valid_from, valid_to=valid_to
    )
    return save_representative(representative, actor=actor)


@transaction.atomic
def save_representative(representative: Representative, *, actor=None) -> Representative:
    if (representative.client_id is None) == (representative.business_id is None):
        raise ValidationError(_("A representative acts either for a client or for a business."))
    if representative.client_id is not None and representative.client_id == representative.person_id:
        raise ValidationError({"client": _("A person cannot represent themselves.")})
    created = representative.pk is None
    representative.full_clean()
    representative.save()
    action = "accounts.representative_appointed" if created else "accounts.representative_changed"
    audit.record(actor, action, representative)
    return representative


def acts_for(
    person: User, *, client: User | None = None, business: BusinessClient | None = None, on=None
) -> bool:
    """Whether `person` may act for the client or business on the given date (today by default)."""
    from django.utils import timezone

    day = on or timezone.localdate()
    query = Representative.objects.filter(person=person, valid_from__lte=day).exclude(valid_to__lt=day)
    if client is not None:
        return client.pk == person.pk or query.filter(client=client).exists()
    if business is not None:
        return query.filter(business=business).exists()
    return False
