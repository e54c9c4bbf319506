"""247-ФЗ checks of an act in Russian words: the elements of article 10 and the six-year term (engine: validity)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from clientcentric.engines.requirements import validity as engine

from ..models import Act

LAW_TITLES = ("Федеральный закон", "Кодекс", "Закон Российской Федерации")


def element_messages() -> dict[str, str]:
    return {
        "no_content": _("Article 10: the act holds no requirement (condition, restriction, ban or duty)."),
        "no_obligated": _("Article 10: the act does not say who must comply (applicability in plain words)."),
        "no_objects": _(
            "Article 10: the act does not name the activity or objects it governs (applicability rule or words)."
        ),
        "no_assessment_forms": _("Article 10: the act does not name how compliance is assessed."),
        "no_supervisory_body": _("Article 10: the act does not name the body that assesses compliance."),
    }


def facts_of(act: Act, content_items: int | None = None) -> engine.ActFacts:
    if content_items is None:
        content_items = act.requirements.count() if act.pk else 0
    return engine.ActFacts(
        is_law=act.title.startswith(LAW_TITLES),
        content_items=content_items,
        obligated=act.scope_explanation or "",
        objects=act.scope_rule or act.scope_explanation or "",
        assessment_forms=act.assessment_forms or "",
        supervisory_body=act.supervisory_body or "",
        effective_from=act.effective_from,
        effective_to=act.effective_to,
    )


def missing_elements(act: Act, content_items: int | None = None) -> list[str]:
    messages = element_messages()
    return [messages[code] for code in engine.missing_elements(facts_of(act, content_items))]


def term_errors(act: Act) -> list[str]:
    """What makes an act's term of validity unlawful (checked when an act is saved or imported)."""
    if not act.effective_to:
        return []
    if act.effective_from and act.effective_to < act.effective_from:
        return [_("An act cannot end before it takes effect.")]
    facts = facts_of(act, content_items=1)
    if (
        not facts.is_law
        and act.effective_from
        and act.effective_to > engine.add_years(act.effective_from, engine.MAX_TERM_YEARS)
    ):
        return [
            _(
                "247-FZ: a subordinate act setting requirements is valid at most 6 years (until %(d)s at the latest)."
            )
            % {"d": engine.add_years(act.effective_from, engine.MAX_TERM_YEARS).strftime("%d.%m.%Y")}
        ]
    return []


def term_of(act: Act, today: date) -> engine.Term:
    return engine.term(facts_of(act, content_items=1), today)


def term_label(status: str) -> str:
    return {
        "law": _("a law: the six-year term does not apply"),
        "no_term": _("no term of validity set"),
        "too_long": _("term longer than six years"),
        "expired": _("expired"),
        "ends_soon": _("ends within half a year"),
        "valid": _("in force"),
        "not_in_force": _("not yet in force"),
    }[status]


ATTENTION = ("expired", "ends_soon", "no_term", "too_long")


def desk_rows(acts, today: date) -> list[dict]:
    """Each act of the developer with its term and the article 10 elements it lacks; drafts waiting for adoption
    first, then those needing attention (expired, ending soon, no or too long a term, elements missing)."""
    rows = []
    for act in acts:
        current = term_of(act, today)
        missing = missing_elements(act, content_items=getattr(act, "items_count", None))
        rows.append(
            {
                "act": act,
                "draft": act.stage == Act.Stage.DRAFT,
                # An act in force that lacks article 10 elements is not refused (it was adopted elsewhere) but marked.
                "lacks_elements": act.stage == Act.Stage.ADOPTED and bool(missing),
                "term": current,
                "term_label": term_label(current.status),
                "term_attention": current.status in ATTENTION,
                "attention": current.status in ATTENTION or bool(missing),
                "missing": missing,
            }
        )
    return sorted(
        rows,
        key=lambda r: (not r["draft"], not r["attention"], r["term"].ends_on or date.max, r["act"].code),
    )
