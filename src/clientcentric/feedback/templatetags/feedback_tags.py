from django import template
from django.utils.translation import gettext as _

from clientcentric.core import formats

register = template.Library()


@register.filter
def pct(value, digits=0):
    """A share 0–1 as a percentage without the sign, in Russian form («6,6», «−8,4»); an em dash when none."""
    if value is None or value == "":
        return "—"
    return formats.number(float(value) * 100, int(digits))


@register.filter
def get(mapping, key):
    if not mapping:
        return None
    return mapping.get(key, mapping.get(str(key)))


@register.filter
def duration(seconds):
    """Seconds as minutes and seconds («2 мин 05 с»); an em dash when there is none."""
    if seconds is None or seconds == "":
        return "—"
    minutes, rest = divmod(round(float(seconds)), 60)
    return _("%(minutes)d min %(seconds)02d s") % {"minutes": minutes, "seconds": rest}
