"""The seed of the life event → life situations table (migration 0004 and the demo call it)."""

from ..event_situations import DEFAULT_MAPPING


def seed(mapping_model=None, situation_model=None) -> int:
    """Add the default rows whose life situation exists and that are not there yet (idempotent; never
    overrides what a methodologist changed). Takes historical models when called from a migration."""
    if mapping_model is None:
        from clientcentric.registry.models import LifeSituation

        from ..models import LifeEventSituation

        mapping_model, situation_model = LifeEventSituation, LifeSituation
    situations = {s.code: s for s in situation_model.objects.filter(code__in={c for _, c in DEFAULT_MAPPING})}
    created = 0
    for kind, code in DEFAULT_MAPPING:
        if code in situations:
            _row, new = mapping_model.objects.get_or_create(event_kind=kind, life_situation=situations[code])
            created += new
    return created
