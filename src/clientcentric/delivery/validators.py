"""SNILS (страховой номер индивидуального лицевого счёта): normalised storage and its checksum."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# What the API's schema admits: 11 digits, grouped XXX-XXX-XXX YY or not; the checksum is checked after.
SNILS_PATTERN = r"^[0-9]{3}-?[0-9]{3}-?[0-9]{3}[ -]?[0-9]{2}$"

# Numbers up to 001-001-998 were issued before the checksum existed.
_FIRST_CHECKED = 1001998


def normalise_snils(value: str) -> str:
    # ASCII digits only: str.isdigit() also takes «²» and «٣», which int() then refuses.
    return "".join(c for c in (value or "") if c in "0123456789")


def snils_checksum(number: str) -> int:
    total = sum(int(d) * w for d, w in zip(number[:9], range(9, 0, -1), strict=True))
    if total < 100:
        return total
    if total in (100, 101):
        return 0
    rest = total % 101
    return 0 if rest == 100 else rest


def is_valid_snils(value: str) -> bool:
    digits = normalise_snils(value)
    if len(digits) != 11:
        return False
    if int(digits[:9]) <= _FIRST_CHECKED:
        return True
    return snils_checksum(digits) == int(digits[9:])


def validate_snils(value: str) -> None:
    if not is_valid_snils(value):
        raise ValidationError(
            _("SNILS must be 11 digits (XXX-XXX-XXX YY) with a valid checksum."), code="invalid_snils"
        )


def format_snils(digits: str) -> str:
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:]}" if len(digits) == 11 else digits
