"""Reads of representation: the one check of "acts for", with its dates, that every page and service uses."""

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import ALL_POWERS, BusinessClient, Representative


def in_force(person, on: date | None = None) -> QuerySet:
    """The person's representations valid on `on` (today by default): valid_from ≤ on ≤ valid_to, or open-ended."""
    if not getattr(person, "is_authenticated", False):
        return Representative.objects.none()
    day = on or timezone.localdate()
    return Representative.objects.filter(person=person, valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def representatives_of(business, on: date | None = None) -> QuerySet:
    """The representations of `business` valid on `on` (today by default), with their persons."""
    day = on or timezone.localdate()
    return (
        Representative.objects.filter(business=business, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .select_related("person")
        .order_by("valid_from", "pk")
    )


def businesses_of(person, on: date | None = None) -> QuerySet:
    """The businesses the person acts for on `on`, the earliest representation first."""
    ids = in_force(person, on).filter(business__isnull=False).values("business_id")
    return BusinessClient.objects.filter(pk__in=ids).order_by("representatives__valid_from", "pk").distinct()


def acts_for(person, *, client=None, business=None, on: date | None = None, power: str | None = None) -> bool:
    """Whether `person` may act for the client (themselves included) or the business on `on` (today by default);
    with `power`, whether a representation in force holds that power (Power)."""
    if client is not None:
        if client.pk == person.pk:
            return True
        rows = in_force(person, on).filter(client=client)
    elif business is not None:
        rows = in_force(person, on).filter(business=business)
    else:
        return False
    if power is None:
        return rows.exists()
    return any(row.holds(power) for row in rows)


def powers_for(person, client, on: date | None = None) -> list[str]:
    """The powers `person` holds for `client` on `on` (the union of the representations in force), as codes."""
    if client.pk == person.pk:
        return list(ALL_POWERS)
    held = set()
    for row in in_force(person, on).filter(client=client):
        held.update(row.held_powers)
    return [p for p in ALL_POWERS if p in held]
