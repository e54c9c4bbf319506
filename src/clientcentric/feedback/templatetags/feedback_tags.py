from django import template

register = template.Library()


@register.filter
def pct(value, digits=0):
    """A share 0–1 as a percentage without the sign; an em dash when there is none."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}"


@register.filter
def get(mapping, key):
    if not mapping:
        return None
    return mapping.get(key, mapping.get(str(key)))
