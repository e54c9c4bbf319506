"""Import of acts and their numbered items from CSV or XLSX: every row checked, nothing written unless all pass.

An items file has the columns of ../shared/data/requirements (``act, item_no, text`` required; chapter and
the platform's own columns optional). An acts file (``code, title`` …) carries each act's metadata; an act an
items file names and no acts file describes is created with its code as title, for the methodologist to
complete. Existing items (same act and item number) are updated.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clientcentric.accounts.models import Agency
from clientcentric.core.services import audit
from clientcentric.registry.tabular import Problem

from . import rules, selectors, services
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
)
COST_FIELDS = ("cost_hours", "cost_out_of_pocket", "cost_frequency")
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


@dataclass
class RequirementsReport:
    problems: list[Problem] = field(default_factory=list)
    acts_created: int = 0
    acts_updated: int = 0
    items_created: int = 0
    items_updated: int = 0
    dry_run: bool = False
    acts: list[ActPlan] = field(default_factory=list)  # per act, in the order the files name them

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rows_read(self) -> int:
        return self.items_created + self.items_updated

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "acts_created": self.acts_created,
            "acts_updated": self.acts_updated,
            "items_created": self.items_created,
            "items_updated": self.items_updated,
            "problems": [p.as_dict() for p in self.problems],
            "acts": [
                {
                    "code": a.code,
                    "new": a.new,
                    "items_created": a.items_created,
                    "items_updated": a.items_updated,
                }
                for a in self.acts
            ],
        }


def read_table(content: bytes, name: str) -> list[dict[str, str]]:
    """Rows as {column: text}; raises ValueError for a file that is not a readable CSV or XLSX."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        dataset = tablib.Dataset().load(io.BytesIO(content), format="xlsx")
        headers = [str(h or "").strip() for h in dataset.headers]
        return [{h: _cell(v) for h, v in zip(headers, row, strict=False)} for row in dataset]
    if suffix == ".csv":
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError(_("The file is not UTF-8 text.")) from None
        reader = csv.DictReader(io.StringIO(text))
        return [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]
    raise ValueError(_("Only .csv and .xlsx files can be imported."))


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


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
        self.report = RequirementsReport()
        self.acts: dict[str, dict] = {}  # code -> fields from an acts file
        self.items: list[tuple[str, dict]] = []
        self.agencies = {a.code: a for a in Agency.objects.all()}

    def problem(self, message, sheet, row=None, column=""):
        self.report.problems.append(Problem(str(message), sheet, row, column))

    def read(self):
        for content, name in self.files:
            try:
                rows = read_table(content, name)
            except ValueError as error:
                self.problem(error, name)
                continue
            except Exception:  # tablib/openpyxl raise many kinds for a damaged file
                self.problem(_("The file cannot be read as %(kind)s.") % {"kind": Path(name).suffix}, name)
                continue
            columns = set(rows[0]) if rows else set()
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
        for number, row in enumerate(rows, start=2):
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
        for number, row in enumerate(rows, start=2):
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
        self.report.acts = list(plans.values())
        self.report.acts_created = sum(p.new for p in plans.values())
        self.report.acts_updated = sum(not p.new and p.described for p in plans.values())
        self.report.items_created = sum(p.items_created for p in plans.values())
        self.report.items_updated = sum(p.items_updated for p in plans.values())

    @transaction.atomic
    def write(self, actor):
        self.report.acts_created = self.report.acts_updated = 0  # counted again as written
        existing = {a.code: a for a in Act.objects.all()}
        acts = {}
        for code in dict.fromkeys([*self.acts, *(code for code, _values in self.items)]):
            values = self.acts.get(code)
            act = existing.get(code)
            if act is None:
                act = Act(code=code, **(values or {"title": code}))
                act.save()
                self.report.acts_created += 1
            elif values:
                for name, value in values.items():
                    setattr(act, name, value)
                act.save()
                self.report.acts_updated += 1
            acts[code] = act
        current = {
            (r.act_id, r.chapter, r.item_no): r
            for r in Requirement.objects.filter(act__in=[a.pk for a in acts.values()])
        }
        new, changed = [], []
        for code, values in self.items:
            act = acts[code]
            requirement = current.get((act.pk, values["chapter"], values["item_no"]))
            if requirement is None:
                new.append(Requirement(act=act, **values))
            else:
                for name, value in values.items():
                    setattr(requirement, name, value)
                changed.append(requirement)
        Requirement.objects.bulk_create(new, batch_size=500)
        if changed:
            Requirement.objects.bulk_update(
                changed,
                [
                    "position",
                    "chapter",
                    "text",
                    "applicability_rule",
                    "rule_explanation",
                    "effective_from",
                    "cost_activity",
                    *COST_FIELDS,
                ],
                batch_size=500,
            )
        self.report.items_created, self.report.items_updated = len(new), len(changed)
        selectors.rule_index.clear()
        audit.record(
            actor,
            "business.requirements_imported",
            None,
            summary="requirements import",
            **{k: v for k, v in self.report.as_dict().items() if k != "problems"},
        )


def import_requirements(
    files: list[tuple[bytes, str]], *, dry_run: bool = False, actor=None
) -> RequirementsReport:
    job = _Import(files)
    job.read()
    job.report.dry_run = dry_run
    if job.report.ok:
        job.plan()
        if not dry_run:
            job.write(actor)
    return job.report
