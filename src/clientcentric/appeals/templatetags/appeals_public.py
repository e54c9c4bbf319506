from django import template

from clientcentric.appeals.publication import public_text

register = template.Library()


@register.filter
def masked(text: str) -> str:
    """Personal data of a published text replaced by XXXX (see appeals.publication)."""
    return public_text(text)


@register.filter
def percent(probability: float) -> str:
    """A model's probability as people read it: «87 %» (a no-break space, as Russian typography writes it)."""
    value = round(float(probability) * 100)
    return "<\u00a01\u00a0%" if value < 1 else f"{value}\u00a0%"
