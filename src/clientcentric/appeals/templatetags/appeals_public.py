from django import template

from clientcentric.appeals.publication import public_text

register = template.Library()


@register.filter
def masked(text: str) -> str:
    """Personal data of a published text replaced by XXXX (see appeals.publication)."""
    return public_text(text)
