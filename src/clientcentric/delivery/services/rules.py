"""Eligibility rules: saved as drafts, published after their check."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clientcentric.core import process_cache
from clientcentric.core.services import audit, status
from clientcentric.rules import business as business_rules
from clientcentric.rules import eligibility

from ..models import EligibilityRule
from ..selectors import rules as rule_selectors
from ..workflow import ELIGIBILITY_RULE


@transaction.atomic
def save_rule(rule: EligibilityRule, *, actor=None) -> EligibilityRule:
    """Checked on save: the text compiles against the declared facts and parameters, or nothing is stored."""
    if rule.pk is not None and EligibilityRule.objects.filter(pk=rule.pk, status="published").exists():
        raise ValidationError(_("A published rule is never edited; add a new version instead."))
    if rule.subject == EligibilityRule.Subject.BUSINESS:
        business_rules.check(rule.text, "text")  # over the business facts (support measures)
    else:
        eligibility.check_text(rule.text, rule_selectors.parameter_names())
    rule.full_clean()
    rule.save()
    audit.record(actor, "delivery.rule_saved", rule)
    return rule


@transaction.atomic
def publish_rule(rule: EligibilityRule, *, actor=None) -> EligibilityRule:
    if not rule.examples:
        raise ValidationError(_("Add at least one example before publishing."))
    if rule.subject == EligibilityRule.Subject.BUSINESS:
        business_rules.check(rule.text, "text")
        problems = []  # examples over business facts are not run yet (docs/business-support.md)
    else:
        problems = eligibility.check_examples(
            rule.text, rule.examples, rule_selectors.load_parameters(), rule_selectors.parameter_names()
        )
    if problems:
        raise ValidationError(problems)
    rule.published_at = timezone.now()
    status.transition(
        rule, ELIGIBILITY_RULE, EligibilityRule.Status.PUBLISHED, actor=actor, update_fields=("published_at",)
    )
    # An older version of the same rule stops where the new one starts.
    EligibilityRule.objects.filter(rule_id=rule.rule_id, status="published", version__lt=rule.version).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=rule.valid_from)
    ).exclude(valid_from__gte=rule.valid_from).update(valid_to=rule.valid_from)
    process_cache.changed(EligibilityRule)
    audit.record(actor, "delivery.rule_published", rule)
    return rule
