"""State registers the platform asks for a fact the client's profile lacks (DEL-2: a state that knows its client).

A register is a plug-in (`@register`), enabled by code in `CLIENTCENTRIC_FACT_REGISTERS`: for a profile field it
answers (the register of disabled persons, ФГИС ФРИ, answers `disability`) it is asked by the client's SNILS when
the application form is planned and the profile does not know the value. The answer is shown prefilled with its
provenance («из реестра инвалидов (ФГИС ФРИ)»), may be corrected like any prefilled value, and is kept on the
profile when the application is sent. Without a SNILS, or with no register enabled, the form asks as before.

Every request to a register is logged (`fact_register_call`: register, field, outcome, duration) — never the
SNILS or the answer. The demo register (`fri-demo`, behind CLIENTCENTRIC_DEMO_REGISTERS) reads a JSON list of SNILS
(`CLIENTCENTRIC_FRI_DEMO_FILE`); a production deployment registers a plug-in that calls the СМЭВ service of ФРИ.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from clientcentric.core.logging import get_logger

log = get_logger("clientcentric.delivery.registries")


@dataclass(frozen=True)
class Answer:
    value: object
    register: str  # the register's code, stored as the field's source ("registry:<code>")
    label: str  # where the value came from, for the client: «из реестра инвалидов (ФГИС ФРИ)»


class FactRegister:
    code: str = ""
    label = ""
    fields: frozenset[str] = frozenset()

    def lookup(self, snils: str, field: str):
        """The value the register holds for the person, or None when it cannot say."""
        raise NotImplementedError


_REGISTERS: dict[str, type[FactRegister]] = {}


def register(cls: type[FactRegister]) -> type[FactRegister]:
    _REGISTERS[cls.code] = cls
    return cls


def enabled() -> list[FactRegister]:
    return [_REGISTERS[code]() for code in settings.CLIENTCENTRIC_FACT_REGISTERS if code in _REGISTERS]


def label_of(code: str) -> str:
    cls = _REGISTERS.get(code)
    return str(cls.label) if cls is not None else code


def ask(profile, field: str) -> Answer | None:
    """The first enabled register's answer for the profile's person, or None (no SNILS, no register, unknown)."""
    if not profile.snils:
        return None
    for source in enabled():
        if field not in source.fields:
            continue
        clock = time.perf_counter()
        try:
            value = source.lookup(profile.snils, field)
        except OSError as error:
            log.warning(
                "fact_register_call", register=source.code, field=field, ok=False, error=type(error).__name__
            )
            continue
        log.info(
            "fact_register_call",
            register=source.code,
            field=field,
            ok=True,
            known=value is not None,
            duration_ms=int((time.perf_counter() - clock) * 1000),
        )
        if value is not None:
            return Answer(value, source.code, str(source.label))
    return None


@register
class DemoDisabledPersonsRegister(FactRegister):
    """The demo's stand-in for ФГИС ФРИ: the people whose SNILS the file lists have a disability established;
    anyone else has none. A JSON file: {"persons": [{"snils", "group", "established_on"}, …]}."""

    code = "fri-demo"
    label = _("from the register of disabled persons (ФГИС ФРИ)")
    fields = frozenset({"disability"})

    def lookup(self, snils: str, field: str):
        data = json.loads(Path(settings.CLIENTCENTRIC_FRI_DEMO_FILE).read_text(encoding="utf-8"))
        listed = {str(row["snils"]).replace("-", "").replace(" ", "") for row in data.get("persons", [])}
        return snils in listed
