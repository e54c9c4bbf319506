"""The way to apply on the platform, for a service's public registry page (the registry does not know delivery)."""

from django import template
from django.utils import timezone

from ..services.applications import deliverable, terms_of

register = template.Library()


@register.inclusion_tag("delivery/_apply_action.html")
def apply_action(service, secondary=False):
    if not deliverable(service, timezone.localdate()):
        return {"service": None}
    return {"service": service, "terms": terms_of(service), "secondary": secondary}
