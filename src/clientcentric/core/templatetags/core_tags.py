from django import template

register = template.Library()


@register.filter
def dictget(mapping, key):
    return mapping.get(key, 0) if mapping else 0
