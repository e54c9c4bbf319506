from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_INN10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check_digit(digits: list[int], weights: tuple[int, ...]) -> int:
    return sum(d * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def is_valid_inn(value: str) -> bool:
    """INN checksum (ФНС order: 10 digits for organisations, 12 for individuals)."""
    if not value.isdigit() or len(value) not in (10, 12):
        return False
    digits = [int(c) for c in value]
    if len(value) == 10:
        return _check_digit(digits, _INN10) == digits[9]
    return _check_digit(digits, _INN12_1) == digits[10] and _check_digit(digits, _INN12_2) == digits[11]


def validate_inn(value: str) -> None:
    if not is_valid_inn(value):
        raise ValidationError(_("INN must be 10 or 12 digits with a valid checksum."), code="invalid_inn")


def is_valid_ogrn(value: str) -> bool:
    """OGRN of an organisation: 13 digits, the last is (the first 12 as a number mod 11) mod 10."""
    if not value.isdigit() or len(value) != 13 or value[0] not in "1259":
        return False
    return int(value[:12]) % 11 % 10 == int(value[12])


def is_valid_ogrnip(value: str) -> bool:
    """OGRNIP of a sole proprietor: 15 digits starting with 3, the last is (the first 14 mod 13) mod 10."""
    if not value.isdigit() or len(value) != 15 or value[0] != "3":
        return False
    return int(value[:14]) % 13 % 10 == int(value[14])
