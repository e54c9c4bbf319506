"""Reads of supervision, one module per concern; the names callers use are gathered here."""

from .annual import default_targets, planned_measures, practice_figures
from .business import (
    TypeOverview,
    algorithms_for,
    corrections_of,
    events_of,
    feedback_link,
    materials_for,
    my_requirements,
    overview,
    requirement_ids_by_type,
)
from .complaints import links_for, suggestions
from .dashboard import cost_expressions, dashboard, event_cost
from .desk import annual_documents, control_types_for, granted_incentives, open_work, planned_events
from .incentives import has_clean_record, in_force, lowered_profiles, lowering_kind, of_business
from .records import complaints_12m, record_facts
from .registers import declarations_registry, good_faith_registry, published_documents, warnings_registry

__all__ = [
    "TypeOverview",
    "algorithms_for",
    "annual_documents",
    "complaints_12m",
    "control_types_for",
    "corrections_of",
    "cost_expressions",
    "dashboard",
    "declarations_registry",
    "default_targets",
    "event_cost",
    "events_of",
    "feedback_link",
    "good_faith_registry",
    "granted_incentives",
    "has_clean_record",
    "in_force",
    "links_for",
    "lowered_profiles",
    "lowering_kind",
    "materials_for",
    "my_requirements",
    "of_business",
    "open_work",
    "overview",
    "planned_events",
    "planned_measures",
    "practice_figures",
    "published_documents",
    "record_facts",
    "requirement_ids_by_type",
    "suggestions",
    "warnings_registry",
]
