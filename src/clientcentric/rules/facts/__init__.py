"""Fact providers, one per domain a rule can be about: what facts a rule may name (their engine types and
Russian labels) and how they are derived from the domain's records.

A provider module registers itself on import; `provider("person")` is how the rest of the platform finds one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from clientcentric.engines.rules import FactType

PERSON = "person"
BUSINESS = "business"
CONTROLLED_OBJECT = "controlled_object"


@dataclass(frozen=True)
class FactProvider:
    domain: str
    schema: Mapping[str, FactType]
    # fact name → the (translatable) label or question shown when the fact is missing
    labels: Mapping[str, Any]
    derive: Callable[..., dict[str, Any]]

    def label(self, fact: str) -> str:
        return str(self.labels.get(fact, fact))


_PROVIDERS: dict[str, FactProvider] = {}


def register(provider: FactProvider) -> FactProvider:
    if provider.domain in _PROVIDERS and _PROVIDERS[provider.domain] is not provider:
        raise ValueError(f"A fact provider for {provider.domain!r} is already registered.")
    _PROVIDERS[provider.domain] = provider
    return provider


def provider(domain: str) -> FactProvider:
    try:
        return _PROVIDERS[domain]
    except KeyError:
        raise LookupError(
            f"No fact provider for {domain!r}; known: {', '.join(sorted(_PROVIDERS))}."
        ) from None


def domains() -> list[str]:
    return sorted(_PROVIDERS)


# The providers of the platform, imported here so that the registry is complete once this package is.
from . import business, controlled_object, person  # noqa: E402,F401
