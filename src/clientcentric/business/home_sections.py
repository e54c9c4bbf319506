"""Sections of the business's home page (`/business/`) that apps above business in the layers own (support measures
from delivery): each registers a callable that returns the template and context of its part, so business never
imports them."""

from collections.abc import Callable

# (request, business profile) → {"template": "...", **context}, or None when the section has nothing to show
Section = Callable[[object, object], dict | None]
_SECTIONS: list[Section] = []


def register_section(section: Section) -> Section:
    if section not in _SECTIONS:
        _SECTIONS.append(section)
    return section


def render_context(request, profile) -> list[dict]:
    """The registered sections' contexts, in registration order; a section with nothing to show is left out."""
    parts = []
    for section in _SECTIONS:
        part = section(request, profile)
        if part:
            parts.append(part)
    return parts
