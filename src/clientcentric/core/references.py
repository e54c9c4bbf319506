"""The reference a person quotes: «2026-483920», the registration year and six random digits.

One shape for every domain, the shape of an appeal's public number (appeals.models: ``YYYY-NNNNNN``), so a person
learns one kind of number and staff parse one. The digits are drawn at random, not taken from the database key: a
key counts the rows, so «Номер заявления 12» told anyone how many requests the agency had, and the next number
named somebody else's. A registry whose numbers carry a kind (a control event's «КНМ-…») puts it in front.

The field is filled when the row is first saved, whatever path saves it (a service, the back office, a test's
factory); a crowded year gets a longer number rather than endless retries.
"""

from __future__ import annotations

import re
import secrets

from django.db import models
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

DIGITS = 6
_TRIES_PER_LENGTH = 5
_SHAPE = re.compile(r"\s*(?:№|N|No\.?)?\s*([А-ЯЁA-Z]{1,4}-)?(\d{4})-(\d{6,})\s*", re.IGNORECASE)


def new(model, *, field: str = "reference", prefix: str = "", year: int | None = None) -> str:
    """A reference no row of `model` has yet (a unique constraint on the field catches a concurrent twin)."""
    year = year or timezone.localdate().year
    manager = model._base_manager
    digits = DIGITS
    while True:
        for _attempt in range(_TRIES_PER_LENGTH):
            candidate = f"{prefix}{year}-{secrets.randbelow(10**digits):0{digits}d}"
            if not manager.filter(**{field: candidate}).exists():
                return candidate
        digits += 1


def normalised(text: str) -> str:
    """What a person typed («№ 2026-483920», « кнм-2026-000012 ») as stored, or "" for anything else."""
    match = _SHAPE.fullmatch(text or "")
    if match is None:
        return ""
    prefix, year, digits = match.groups()
    return f"{(prefix or '').upper()}{year}-{digits}"


def sentence(text: str, **values) -> SafeString:
    """A message naming a number: `number` kept on one line. A phone's narrow screen broke «2026-642971» at its
    hyphen, and a number read off two lines is quoted wrong; a non-breaking hyphen would break copying it."""
    return mark_safe(
        escape(text)
        % {
            name: format_html('<span class="nowrap">{}</span>', value) if name == "number" else escape(value)
            for name, value in values.items()
        }
    )


class Referenced(models.Model):
    """A row its owner is given a number for: the number to quote, never the database key."""

    reference = models.CharField(
        _("number"),
        max_length=24,
        unique=True,
        default="",  # never stored empty: save() draws one (a bulk insert that skips save() fails on the second row)
        editable=False,
        help_text=_("The number the person quotes: the year and random digits, not the database id."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = new(type(self))
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "reference"}
        super().save(*args, **kwargs)
