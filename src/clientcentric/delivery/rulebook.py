"""Rule files (rules.md format): YAML import, all-or-nothing with a per-rule report, and export."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientcentric.core import audit
from clientcentric.engines.rules import Parameters
from clientcentric.registry.models import Service

from . import eligibility
from .models import EligibilityRule, RuleParameter


@dataclass
class Problem:
    where: str
    message: str

    def __str__(self):
        return f"{self.where}: {self.message}"


@dataclass
class RulebookReport:
    problems: list[Problem] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    parameters: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


class _Rollback(Exception):
    pass


def _date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _parameters(document, report) -> dict[str, list[tuple[date, Decimal]]]:
    series = {}
    for row in RuleParameter.objects.order_by("valid_from"):
        series.setdefault(row.name, {})[row.valid_from] = Decimal(row.value)
    raw = document.get("parameters") or {}
    if not isinstance(raw, dict):
        report.problems.append(Problem("parameters", _("must be a mapping of names to dated values")))
        return {}
    for name, values in raw.items():
        for position, item in enumerate(values or [], start=1):
            try:
                series.setdefault(str(name), {})[_date(item["from"])] = Decimal(str(item["value"]))
            except (KeyError, TypeError, ValueError, InvalidOperation):
                report.problems.append(
                    Problem(
                        f"parameters.{name}[{position}]", _("needs «from» (a date) and «value» (a number)")
                    )
                )
    return {name: sorted(values.items()) for name, values in series.items()}


def import_rulebook(content: bytes | str, *, actor=None, dry_run: bool = False) -> RulebookReport:
    report = RulebookReport(dry_run=dry_run)
    try:
        document = yaml.safe_load(content)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = _("line %(line)s") % {"line": mark.line + 1} if mark else _("file")
        report.problems.append(Problem(where, _("not valid YAML")))
        return report
    if not isinstance(document, dict) or not isinstance(document.get("rules", []), list):
        report.problems.append(Problem(_("file"), _("expected the keys «parameters» and «rules»")))
        return report
    series = _parameters(document, report)
    parameters, names = Parameters(series), frozenset(series)
    services = {s.code: s for s in Service.objects.all()}
    try:
        with transaction.atomic():
            for name, values in (document.get("parameters") or {}).items() if not report.problems else ():
                for item in values or []:
                    _row, created = RuleParameter.objects.update_or_create(
                        name=name,
                        valid_from=_date(item["from"]),
                        defaults={"value": Decimal(str(item["value"]))},
                    )
                    report.parameters += 1
            for position, item in enumerate(document.get("rules") or [], start=1):
                _import_rule(item, position, services, parameters, names, report)
            if report.problems or dry_run:
                raise _Rollback
            audit.record(actor, "delivery.rulebook_imported", None, created=report.created)
    except _Rollback:
        pass
    return report


def _import_rule(item, position, services, parameters, names, report) -> None:
    where = _("rule %(n)s") % {"n": position}
    if not isinstance(item, dict) or not item.get("id"):
        report.problems.append(Problem(where, _("needs an «id»")))
        return
    where = f"{where} ({item['id']})"
    service = services.get(str(item.get("service", "")))
    if service is None:
        report.problems.append(
            Problem(where, _("unknown service «%(code)s»") % {"code": item.get("service")})
        )
        return
    text = str(item.get("text", "")).strip()
    try:
        eligibility.check_text(text, names)
    except ValidationError as error:
        report.problems.append(Problem(where, " ".join(error.message_dict.get("text", error.messages))))
        return
    examples = item.get("examples") or []
    if not examples:
        report.problems.append(
            Problem(where, _("add at least one example; a rule is published only with them"))
        )
        return
    for problem in eligibility.check_examples(text, examples, parameters, names):
        report.problems.append(Problem(where, problem))
    if report.problems:
        return
    try:
        valid_from = _date(item.get("valid_from"))
        valid_to = _date(item["valid_to"]) if item.get("valid_to") else None
    except ValueError:
        report.problems.append(Problem(where, _("«valid_from» and «valid_to» must be dates YYYY-MM-DD")))
        return
    fields = {
        "service": service,
        "text": text,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "legal_reference": str(item.get("legal_reference") or "")[:300],
        "explain_yes": str(item.get("explain_yes") or ""),
        "explain_no": str(item.get("explain_no") or ""),
        "examples": _json_examples(examples),
        "inform_without_consent": bool(item.get("inform_without_consent", False)),
    }
    latest = EligibilityRule.objects.filter(rule_id=item["id"]).order_by("-version").first()
    if latest is not None and all(getattr(latest, k) == v for k, v in fields.items()):
        report.unchanged.append(item["id"])
        return
    rule = EligibilityRule.objects.create(
        rule_id=item["id"],
        version=(latest.version + 1) if latest else 1,
        status=EligibilityRule.Status.PUBLISHED,
        published_at=timezone.now(),
        **fields,
    )
    if latest is not None and latest.status == EligibilityRule.Status.PUBLISHED and latest.valid_to is None:
        if latest.valid_from < valid_from:
            latest.valid_to = valid_from
            latest.save(update_fields=["valid_to"])
        else:
            latest.status = EligibilityRule.Status.RETIRED
            latest.save(update_fields=["status"])
    report.created.append(f"{rule.rule_id} v{rule.version}")


def _json_examples(examples) -> list:
    def plain(value):
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return str(value)
        return value

    return [
        {
            "on": plain(eligibility.example_date(e)),
            "facts": {k: plain(v) for k, v in (e.get("facts") or {}).items()},
            "expect": e.get("expect"),
        }
        for e in examples
    ]


def export_rulebook() -> str:
    parameters = {}
    for row in RuleParameter.objects.order_by("name", "valid_from"):
        parameters.setdefault(row.name, []).append({"from": row.valid_from, "value": float(row.value)})
    rules = []
    for rule in eligibility.rules_in_force(timezone.localdate()) + list(
        EligibilityRule.objects.filter(
            status=EligibilityRule.Status.PUBLISHED, valid_from__gt=timezone.localdate()
        )
    ):
        entry = {
            "id": rule.rule_id,
            "service": rule.service.code,
            "text": rule.text,
            "valid_from": rule.valid_from,
        }
        if rule.valid_to:
            entry["valid_to"] = rule.valid_to
        entry.update(
            legal_reference=rule.legal_reference,
            explain_yes=rule.explain_yes,
            explain_no=rule.explain_no,
            inform_without_consent=rule.inform_without_consent,
            examples=[{**e, "on": _date(e["on"])} for e in rule.examples],
        )
        rules.append(entry)
    return yaml.safe_dump(
        {"parameters": parameters, "rules": rules}, allow_unicode=True, sort_keys=False, width=110
    )
