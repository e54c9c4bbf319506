"""Import of acts and their numbered items from CSV or XLSX: every row checked, nothing written unless all pass.

An items file has the columns described in docs/business-requirements.md (``act, item_no, text`` required; chapter and
the platform's own columns optional). An acts file (``code, title`` …) carries each act's metadata; an act an
items file names and no acts file describes is created with its code as title, for the methodologist to
complete. Existing items (same act and item number) are updated.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clientcentric.accounts.models import Agency
from clientcentric.core.tabular import ImportRefused, ImportReport, read_table
from clientcentric.engines.requirements import wording
from clientcentric.rules import business as rules

from . import services
from .models import Act, DateException, Requirement

ITEM_COLUMNS = ("act", "item_no", "text")
ACT_COLUMNS = ("code", "title")
ITEM_OPTIONAL = (
    "chapter_num",
    "chapter_name",
    "applicability_rule",
    "rule_explanation",
    "effective_from",
    "cost_activity",
    "cost_hours",
    "cost_out_of_pocket",
    "cost_frequency",
)
ACT_FIELDS = (
    "title",
    "supervisory_body",
    "control_type",
    "assessment_forms",
    "scope_rule",
    "scope_explanation",
    "date_exception",
    "date_exception_reason",
    "official_url",
)
COST_FIELDS = ("cost_hours", "cost_out_of_pocket", "cost_frequency")
ITEM_FIELDS = (
    "position",
    "chapter",
    "text",
    "applicability_rule",
    "rule_explanation",
    "effective_from",
    "cost_activity",
    *COST_FIELDS,
    "is_recommendation",
    "is_repealed",
)
# What each column of the files holds, for the import report of the back office.
COLUMN_LABELS = {
    "act": gettext_lazy("act code"),
    "item_no": gettext_lazy("item number"),
    "text": gettext_lazy("text of the requirement"),
    "chapter_num": gettext_lazy("chapter number"),
    "chapter_name": gettext_lazy("chapter name"),
    "applicability_rule": gettext_lazy("applicability rule"),
    "rule_explanation": gettext_lazy("applicability in plain words"),
    "effective_from": gettext_lazy("in force from"),
    "cost_activity": gettext_lazy("activity to comply"),
    "cost_hours": gettext_lazy("hours per occurrence"),
    "cost_out_of_pocket": gettext_lazy("out-of-pocket per occurrence, ₽"),
    "cost_frequency": gettext_lazy("occurrences per year"),
    "code": gettext_lazy("act code"),
    "title": gettext_lazy("title"),
    "developer": gettext_lazy("developer (agency)"),
    "supervisory_body": gettext_lazy("supervisory body"),
    "control_type": gettext_lazy("type of control"),
    "assessment_forms": gettext_lazy("how compliance is assessed"),
    "scope_rule": gettext_lazy("applicability of the whole act (rule)"),
    "scope_explanation": gettext_lazy("applicability in plain words"),
    "published_on": gettext_lazy("published on"),
    "effective_to": gettext_lazy("in force until"),
    "date_exception": gettext_lazy("247-FZ date exception"),
    "date_exception_reason": gettext_lazy("reason for the exception"),
}


@dataclass
class ActPlan:
    """What an import does to one act: created or updated, and how many of its items are new or changed."""

    code: str
    title: str
    new: bool
    described: bool  # an acts file gives its metadata
    items_created: int = 0
    items_updated: int = 0


def act_plans(report: ImportReport) -> list[ActPlan]:
    """Per act, in the order the files name them: what the import does or would do to it."""
    return report.details.get("_plans", [])


def _date(text: str) -> date | None:
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a date (YYYY-MM-DD or DD.MM.YYYY).") % {"value": text})


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal((text or "0").replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text}) from None
    if value < 0 or not value.is_finite():
        raise ValueError(_("A cost parameter cannot be negative."))
    return value


class _Import:
    def __init__(self, files: list[tuple[bytes, str]]):
        self.files = files
        self.report = ImportReport()
        self.acts: dict[str, dict] = {}  # code -> fields from an acts file
        self.items: list[tuple[str, dict]] = []
        self.agencies = {a.code: a for a in Agency.objects.all()}

    def problem(self, message, sheet, row=None, column=""):
        self.report.problem(sheet, row, column, message)

    def read(self):
        for content, name in self.files:
            try:
                table = read_table(content, name)
            except ImportRefused as refused:
                self.report.problems.extend(refused.problems)
                continue
            rows = table.records()
            self.report.rows += len(rows)
            columns = set(table.headers) if rows else set()
            if set(ITEM_COLUMNS) <= columns:
                self._items(rows, name)
            elif set(ACT_COLUMNS) <= columns:
                self._acts(rows, name)
            else:
                self.problem(
                    _(
                        "Unknown file layout: an items file needs the columns %(items)s, an acts file %(acts)s."
                    )
                    % {"items": ", ".join(ITEM_COLUMNS), "acts": ", ".join(ACT_COLUMNS)},
                    name,
                    1,
                )

    def _acts(self, rows, name):
        for number, row in rows:
            code = row.get("code", "")
            if not code:
                self.problem(_("A value is required."), name, number, "code")
                continue
            if code in self.acts:
                self.problem(_("The act %(code)s is listed twice.") % {"code": code}, name, number, "code")
                continue
            values = {f: row.get(f, "") for f in ACT_FIELDS}
            values["title"] = values["title"] or code
            ok = True
            for column in ("published_on", "effective_from", "effective_to"):
                try:
                    values[column] = _date(row.get(column, ""))
                except ValueError as error:
                    self.problem(error, name, number, column)
                    ok = False
            developer = row.get("developer", "")
            if developer and developer not in self.agencies:
                self.problem(
                    _("No agency with the code %(code)s.") % {"code": developer}, name, number, "developer"
                )
                ok = False
            values["developer"] = self.agencies.get(developer)
            if values["date_exception"] not in DateException.values:
                self.problem(
                    _("“%(value)s” is not one of: %(choices)s.")
                    % {
                        "value": values["date_exception"],
                        "choices": ", ".join(v for v in DateException.values if v),
                    },
                    name,
                    number,
                    "date_exception",
                )
                ok = False
            if ok:
                try:
                    services.validate_act(Act(code=code, **values))
                except ValidationError as error:
                    for column, messages in error.message_dict.items():
                        for message in messages:
                            self.problem(message, name, number, column)
                    ok = False
            self.acts[code] = values if ok else {}

    def _items(self, rows, name):
        seen: dict[tuple[str, str, str], int] = {}
        position = Counter()
        for number, row in rows:
            act, item_no, text = (row.get(c, "") for c in ITEM_COLUMNS)
            ok = True
            for column, value in (("act", act), ("item_no", item_no)):
                if not value:
                    self.problem(_("A value is required."), name, number, column)
                    ok = False
            if not text:
                self.problem(_("A requirement must have text."), name, number, "text")
                ok = False
            chapter = " ".join(p for p in (row.get("chapter_num", ""), row.get("chapter_name", "")) if p)
            if (act, chapter, item_no) in seen:
                self.problem(
                    _("Item %(item)s of %(act)s is already on row %(row)s.")
                    % {"item": item_no, "act": act, "row": seen[(act, chapter, item_no)]},
                    name,
                    number,
                    "item_no",
                )
                ok = False
            seen[(act, chapter, item_no)] = number
            position[act] += 1
            values = {
                "position": position[act],
                "chapter": chapter,
                "text": text,
                "applicability_rule": row.get("applicability_rule", "").strip(),
                "rule_explanation": row.get("rule_explanation", ""),
                "cost_activity": row.get("cost_activity", ""),
                "is_recommendation": wording.is_recommendation(text, chapter),
                "is_repealed": wording.is_repealed(text),
            }
            try:
                values["effective_from"] = _date(row.get("effective_from", ""))
            except ValueError as error:
                self.problem(error, name, number, "effective_from")
                ok = False
            for column in COST_FIELDS:
                try:
                    values[column] = _decimal(row.get(column, ""))
                except ValueError as error:
                    self.problem(error, name, number, column)
                    ok = False
            try:
                rules.check(values["applicability_rule"], "applicability_rule")
            except ValidationError as error:
                self.problem(error.message_dict["applicability_rule"][0], name, number, "applicability_rule")
                ok = False
            if ok:
                self.items.append((act, {"item_no": item_no, **values}))

    def plan(self):
        """Count what `write` would create and update, without writing: the preview of a dry run."""
        codes = list(dict.fromkeys([*self.acts, *(code for code, _values in self.items)]))
        existing = {a.code: a for a in Act.objects.filter(code__in=codes)}
        current = set(
            Requirement.objects.filter(act__code__in=codes).values_list("act__code", "chapter", "item_no")
        )
        plans = {
            code: ActPlan(
                code=code,
                title=(self.acts.get(code) or {}).get("title")
                or (existing[code].title if code in existing else code),
                new=code not in existing,
                described=bool(self.acts.get(code)),
            )
            for code in codes
        }
        for code, values in self.items:
            if (code, values["chapter"], values["item_no"]) in current:
                plans[code].items_updated += 1
            else:
                plans[code].items_created += 1
        self.report.details = {
            "_plans": list(plans.values()),
            "acts": [
                {
                    "code": p.code,
                    "new": p.new,
                    "items_created": p.items_created,
                    "items_updated": p.items_updated,
                }
                for p in plans.values()
            ],
        }
        self.report.created.update(
            acts=sum(p.new for p in plans.values()), items=sum(p.items_created for p in plans.values())
        )
        self.report.updated.update(
            acts=sum(not p.new and p.described for p in plans.values()),
            items=sum(p.items_updated for p in plans.values()),
        )


def import_requirements(files: list[tuple[bytes, str]], *, dry_run: bool = False, actor=None) -> ImportReport:
    job = _Import(files)
    job.read()
    job.report.dry_run = dry_run
    if job.report.ok:
        job.plan()
        if not dry_run:
            services.write_requirements(job.acts, job.items, job.report, actor=actor)
    return job.report
