from django import template

from ..procedures import selectors

register = template.Library()


@register.simple_tag
def conclusions_of(draft):
    """The verified experts' conclusions on a draft with the developer's answers (published with the draft)."""
    return list(selectors.public_conclusions(draft))
