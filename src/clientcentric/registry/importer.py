"""Import of the whole registry: every row is checked, and nothing is written unless all rows pass."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import Agency
from clientcentric.core.tabular import ImportRefused, ImportReport, RowProblem, import_all_or_nothing

from . import selectors, services
from .models import Expectation, FaqEntry, LifeSituation, Need, Segment, Service, Touchpoint
from .schema import LIST_SEPARATOR, SHEETS, Column
from .tabular import RawRows, read_registry_file

TRUE_WORDS = {"true", "1", "yes", "да", "y", "истина"}
FALSE_WORDS = {"false", "0", "no", "нет", "n", "ложь", ""}
MODELS = {
    "agencies": Agency,
    "life_situations": LifeSituation,
    "segments": Segment,
    "faq": FaqEntry,
    "services": Service,
    "needs": Need,
    "touchpoints": Touchpoint,
}


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]


def _typed(column: Column, text: str):
    """The cell as Python, or raise ValueError with a message for the report."""
    text = text if text != "" else column.default
    if column.required and text == "":
        raise ValueError(_("A value is required."))
    if column.kind == "int":
        try:
            return int(text or 0)
        except ValueError:
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text}) from None
    if column.kind == "bool":
        if text.lower() in TRUE_WORDS:
            return True
        if text.lower() in FALSE_WORDS:
            return False
        raise ValueError(_("“%(value)s” is not yes/no (true/false).") % {"value": text})
    if column.kind == "choice" and text and text not in column.choices:
        raise ValueError(
            _("“%(value)s” is not one of: %(choices)s.")
            % {
                "value": text,
                "choices": ", ".join(f"{code} ({label})" for code, label in column.allowed)
                or ", ".join(column.choices),
            }
        )
    if column.kind == "refs":
        codes = _split(text)
        if column.required and not codes:
            raise ValueError(_("A value is required."))
        return codes
    return text


class _Validation:
    def __init__(self, raw: RawRows):
        self.raw = raw
        self.problems: list[RowProblem] = list(raw.problems)
        self.rows: dict[str, list[tuple[int, dict]]] = {}

    def run(self) -> None:
        for sheet in SHEETS:
            self.rows[sheet.name] = self._typed_rows(sheet)
        self._check_references()
        self._check_agency_cycles()
        self._check_needs()

    def _typed_rows(self, sheet) -> list[tuple[int, dict]]:
        typed_rows, seen = [], {}
        for number, cells in self.raw.sheets.get(sheet.name, []):
            typed, row_ok = {}, True
            for column in sheet.columns:
                if column.name not in cells and not column.required:
                    continue
                try:
                    typed[column.name] = _typed(column, cells.get(column.name, ""))
                except ValueError as error:
                    self.problems.append(RowProblem(sheet.name, number, column.name, str(error)))
                    row_ok = False
            key = typed.get("code") if sheet.key else (typed.get("need"), typed.get("position"))
            if row_ok and key in seen:
                self.problems.append(
                    RowProblem(
                        sheet.name,
                        number,
                        "code" if sheet.key else "position",
                        _("Duplicate: the same code is already on row %(row)s.") % {"row": seen[key]},
                    )
                )
                row_ok = False
            if row_ok:
                seen[key] = number
                typed_rows.append((number, typed))
        return typed_rows

    def known_codes(self, sheet_name: str) -> set[str]:
        in_file = {row["code"] for _n, row in self.rows.get(sheet_name, [])}
        return in_file | set(MODELS[sheet_name].objects.values_list("code", flat=True))

    def _check_references(self) -> None:
        known = {}
        for sheet in SHEETS:
            for number, row in self.rows[sheet.name]:
                for column in sheet.columns:
                    if column.kind not in ("ref", "refs") or column.name not in row:
                        continue
                    if column.ref not in known:
                        known[column.ref] = self.known_codes(column.ref)
                    values = (
                        row[column.name]
                        if column.kind == "refs"
                        else [row[column.name]]
                        if row[column.name]
                        else []
                    )
                    for code in values:
                        if code not in known[column.ref]:
                            self.problems.append(
                                RowProblem(
                                    sheet.name,
                                    number,
                                    column.name,
                                    _(
                                        "Unknown reference “%(code)s” (no such %(target)s in the file or the registry)."
                                    )
                                    % {"code": code, "target": column.ref},
                                )
                            )

    def _check_agency_cycles(self) -> None:
        parents = dict(Agency.objects.filter(parent__isnull=False).values_list("code", "parent__code"))
        parents.update(
            {
                row["code"]: row.get("parent", parents.get(row["code"], ""))
                for _n, row in self.rows["agencies"]
            }
        )
        for number, row in self.rows["agencies"]:
            seen, code = {row["code"]}, parents.get(row["code"])
            while code:
                if code in seen:
                    self.problems.append(
                        RowProblem(
                            "agencies",
                            number,
                            "parent",
                            _("The parent chain of this agency loops back on itself."),
                        )
                    )
                    break
                seen.add(code)
                code = parents.get(code)

    def _check_needs(self) -> None:
        for number, row in self.rows["needs"]:
            problems = services.need_status_problems(
                status=row.get("status", ""),
                status_reason=row.get("status_reason", ""),
                has_faq=bool(row.get("faq")),
                service_count=len(row.get("services", [])),
            )
            for column, message in problems.items():
                self.problems.append(RowProblem("needs", number, column, message))


def import_registry(
    data: bytes, filename: str, *, actor=None, sheet: str | None = None, dry_run=False
) -> ImportReport:
    """Validate the whole file, then write all of it in one transaction — or nothing."""
    report = ImportReport(dry_run=dry_run)
    try:
        raw = read_registry_file(data, filename, sheet=sheet)
    except ImportRefused as refused:
        report.problems = refused.problems
        return report
    validation = _Validation(raw)
    validation.run()
    if validation.problems:
        report.problems = validation.problems
        return report
    return import_all_or_nothing(report, lambda report: _Writer(validation.rows, report, actor).write())


class _Writer:
    def __init__(self, rows, report: ImportReport, actor):
        self.rows, self.report, self.actor = rows, report, actor
        self.failed: set[tuple[str, str]] = set()
        # What the registry holds now, in the file's own shape: rows equal to it are left alone, so that
        # re-importing an unchanged file adds no versions to the history.
        self.current = {
            name: {row["code"]: row for row in table}
            for name, table in selectors.registry_tables().items()
            if name != "expectations"
        }

    def _unchanged(self, sheet: str, row: dict) -> bool:
        existing = self.current[sheet].get(row["code"])
        if existing is None:
            return False
        for name, value in row.items():
            held = existing.get(name)
            if isinstance(value, list):
                value, held = sorted(value), sorted(held or [])
            if value != held:
                return False
        return True

    def write(self) -> None:
        self.rows["agencies"] = _parents_first(self.rows["agencies"])
        for sheet in SHEETS:
            if sheet.name == "expectations":
                continue
            for number, row in self.rows[sheet.name]:
                if self._unchanged(sheet.name, row):
                    self.report.unchanged[sheet.name] += 1
                    continue
                try:
                    created = getattr(self, f"_write_{sheet.name}")(row)
                except _SkipRow:
                    # Rows that refer to this one are skipped in turn, not looked up and missed.
                    if sheet.key:
                        self.failed.add((sheet.name, row["code"]))
                    continue
                except ValidationError as error:
                    self._report(sheet.name, number, error)
                    if sheet.key:
                        self.failed.add((sheet.name, row["code"]))
                    continue
                (self.report.created if created else self.report.updated)[sheet.name] += 1
        self._write_expectations()

    def _report(self, sheet: str, number: int, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for column, messages in error.message_dict.items():
                for message in messages:
                    self.report.problem(sheet, number, column if column != "__all__" else "", message)
        else:
            for message in error.messages:
                self.report.problem(sheet, number, "", message)

    def _get(self, sheet: str, code: str):
        if (sheet, code) in self.failed:
            raise _SkipRow
        return MODELS[sheet].objects.get(code=code)

    def _many(self, sheet: str, codes: list[str]) -> list:
        return [self._get(sheet, code) for code in codes]

    def _instance(self, model, code: str):
        instance = model.objects.filter(code=code).first()
        return instance or model(code=code), instance is None

    def _assign(self, instance, row: dict, fields: tuple[str, ...]) -> None:
        for name in fields:
            if name in row:
                setattr(instance, name, row[name])

    def _write_agencies(self, row) -> bool:
        agency, created = self._instance(Agency, row["code"])
        self._assign(agency, row, ("name", "short_name", "level", "kind"))
        if "parent" in row:
            agency.parent = self._get("agencies", row["parent"]) if row["parent"] else None
        accounts_services.save_agency(agency, actor=self.actor)
        return created

    def _write_life_situations(self, row) -> bool:
        situation, created = self._instance(LifeSituation, row["code"])
        self._assign(situation, row, ("name", "audience", "description", "sort_order"))
        services.save_life_situation(situation, actor=self.actor)
        return created

    def _write_segments(self, row) -> bool:
        segment, created = self._instance(Segment, row["code"])
        self._assign(segment, row, ("name", "is_potential", "description"))
        situations = (
            self._many("life_situations", row["life_situations"])
            if "life_situations" in row
            else (list(segment.life_situations.all()) if not created else [])
        )
        services.save_segment(segment, life_situations=situations, actor=self.actor)
        return created

    def _write_faq(self, row) -> bool:
        entry, created = self._instance(FaqEntry, row["code"])
        self._assign(entry, row, ("question", "answer", "topic"))
        services.save_faq_entry(entry, actor=self.actor)
        return created

    def _write_services(self, row) -> bool:
        service, created = self._instance(Service, row["code"])
        self._assign(
            service,
            row,
            (
                "name",
                "kind",
                "effort_class",
                "description",
                "legal_basis",
                "eligibility",
                "documents",
                "cost",
                "duration",
                "apply_url",
                "address",
                "hours",
                "phone",
                "email",
            ),
        )
        service.agency = self._get("agencies", row["agency"])
        touchpoints = list(Touchpoint.objects.filter(code__in=row["touchpoints"]))
        services.save_service(service, touchpoints=touchpoints, actor=self.actor)
        return created

    def _write_needs(self, row) -> bool:
        need, created = self._instance(Need, row["code"])
        self._assign(need, row, ("name", "description", "status", "status_reason"))
        if "faq" in row:
            need.faq = self._get("faq", row["faq"]) if row["faq"] else None

        def current(name):
            return list(getattr(need, name).all()) if not created else []

        services.save_need(
            need,
            life_situations=self._many("life_situations", row["life_situations"]),
            segments=self._many("segments", row["segments"]) if "segments" in row else current("segments"),
            services=self._many("services", row["services"]) if "services" in row else current("services"),
            actor=self.actor,
        )
        return created

    def _write_expectations(self) -> None:
        """A need's expectations are replaced as a whole, in the order of their positions."""
        by_need = defaultdict(list)
        for number, row in self.rows["expectations"]:
            by_need[row["need"]].append((row["position"], number, row["text"]))
        held = defaultdict(list)
        for expectation in Expectation.objects.select_related("need").order_by("position"):
            held[expectation.need.code].append(expectation.text)
        for code, items in by_need.items():
            items.sort()
            if held.get(code) == [text for _p, _n, text in items]:
                self.report.unchanged["expectations"] += len(items)
                continue
            try:
                need = self._get("needs", code)
                services.set_expectations(need, [text for _p, _n, text in items], actor=self.actor)
            except _SkipRow:
                continue
            except ValidationError as error:
                self._report("expectations", items[0][1], error)
                continue
            self.report.created["expectations"] += len(items)


def _parents_first(rows: list[tuple[int, dict]]) -> list[tuple[int, dict]]:
    """Agency rows ordered so that a parent in the file is written before its children."""
    by_code = {row["code"]: (number, row) for number, row in rows}
    ordered, placed = [], set()

    def place(code: str, trail: tuple[str, ...] = ()) -> None:
        if code in placed or code not in by_code or code in trail:
            return
        parent = by_code[code][1].get("parent")
        if parent:
            place(parent, (*trail, code))
        placed.add(code)
        ordered.append(by_code[code])

    for code in by_code:
        place(code)
    return ordered


class _SkipRow(Exception):
    """A row that refers to a record whose own row failed; the first failure is the one reported."""
