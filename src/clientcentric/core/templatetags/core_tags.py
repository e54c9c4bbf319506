from django import template

register = template.Library()


@register.filter
def dictget(mapping, key):
    return mapping.get(key, 0) if mapping else 0


@register.filter
def field_anchor(bound_field) -> str:
    """The id an error summary links to: the field's input, or the first option of a radio or checkbox group
    (whose label points at no single input)."""
    return bound_field.id_for_label or f"{bound_field.auto_id}_0"
