"""Import of external evidence (statistics, complaints, anonymised data sets) with a column-mapping step.

Upload → the analyst maps every source column to a field (or says to keep it as an extra attribute, or to ignore
it) → preview of the first rows → import. The import is all-or-nothing: one bad row refuses the whole file, and
the report names each bad row, column and reason.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clientcentric.core.tabular import ImportReport, RowProblem, Table, read_table
from clientcentric.registry.models import Need

from .models import EvidenceRecord, EvidenceUpload

IGNORE = "__ignore__"
EXTRA = "__extra__"
FIELDS = {
    "occurred_on": gettext_lazy("date"),
    "topic": gettext_lazy("topic"),
    "district": gettext_lazy("district"),
    "channel": gettext_lazy("channel"),
    "need": gettext_lazy("need (registry code)"),
    "count": gettext_lazy("count (rows it stands for)"),
    "response_hours": gettext_lazy("response time, hours"),
    "satisfied": gettext_lazy("satisfied (yes/no)"),
}
TRUE_WORDS = {"1", "да", "yes", "true", "y", "д", "удовлетворен", "удовлетворён"}
FALSE_WORDS = {"0", "нет", "no", "false", "n", "н", "не удовлетворен", "не удовлетворён"}
MAX_BYTES = 20 * 1024 * 1024
KIND = "records"  # the one kind of record this import counts


def read_evidence(data: bytes, filename: str) -> Table:
    """The file's table, refused unless its first row names every column once."""
    table = read_table(data, filename, max_bytes=MAX_BYTES)
    headers = table.headers
    if not any(headers):
        raise ValidationError(_("The first row must name the columns."))
    blank = [str(i) for i, h in enumerate(headers, 1) if not h]
    if blank:
        raise ValidationError(
            _("Columns %(cols)s have no name in the first row.") % {"cols": ", ".join(blank)}
        )
    duplicates = sorted({h for h in headers if headers.count(h) > 1})
    if duplicates:
        raise ValidationError(_("Column names repeat: %(cols)s.") % {"cols": ", ".join(duplicates)})
    return table


def check_mapping(headers: list[str], mapping: dict[str, str]) -> list[str]:
    """Problems with a mapping: every column must be mapped, ignored or kept; a field at most once."""
    problems = []
    unmapped = [h for h in headers if not mapping.get(h)]
    if unmapped:
        problems.append(
            _("Map or ignore every column; not mapped: %(cols)s.") % {"cols": ", ".join(unmapped)}
        )
    unknown = [
        h
        for h, target in mapping.items()
        if target and target not in FIELDS and target not in (IGNORE, EXTRA)
    ]
    if unknown:
        problems.append(_("Unknown field for columns: %(cols)s.") % {"cols": ", ".join(unknown)})
    targets = [t for t in mapping.values() if t in FIELDS]
    repeated = sorted({t for t in targets if targets.count(t) > 1})
    if repeated:
        problems.append(
            _("Each field takes one column; repeated: %(fields)s.")
            % {"fields": ", ".join(str(FIELDS[t]) for t in repeated)}
        )
    if not {"topic", "need"} & set(targets):
        problems.append(_("Map a column to the topic or to the need: evidence must say what it is about."))
    return problems


def _convert(target: str, text: str, needs: dict[str, Need]):
    if target == "occurred_on":
        for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m"):
            try:
                return datetime.strptime(text[:19] if "T" in text or ":" in text else text, pattern).date()
            except ValueError:
                continue
        raise ValueError(_("not a date (use YYYY-MM-DD or DD.MM.YYYY)"))
    if target == "count":
        if not text.isdigit() or int(text) < 1:
            raise ValueError(_("must be a whole number of at least 1"))
        return int(text)
    if target == "response_hours":
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            raise ValueError(_("must be a number of hours")) from None
        if value < 0:
            raise ValueError(_("cannot be negative"))
        return value
    if target == "satisfied":
        word = text.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError(_("must be yes or no"))
    if target == "need":
        if text not in needs:
            raise ValueError(_("no need with this code in the registry"))
        return needs[text]
    limit = {"topic": 300, "district": 100, "channel": 40}[target]
    if len(text) > limit:
        raise ValueError(_("longer than %(n)s characters") % {"n": limit})
    return text


def build_records(table: Table, mapping) -> tuple[list[EvidenceRecord], list[RowProblem]]:
    """Unsaved records for every row, or the problems of the rows that do not convert."""
    needs = {need.code: need for need in Need.objects.all()}
    headers, records, problems = table.headers, [], []
    for row in table.rows:
        number = row.number
        if len(row.values) > len(headers):
            problems.append(RowProblem(table.name, number, "", _("the row has more cells than the header")))
            continue
        values = table.cells(row)
        record, extra, broken = EvidenceRecord(), {}, False
        for column, target in mapping.items():
            text = values.get(column, "")
            if target == IGNORE:
                continue
            if target == EXTRA:
                extra[column] = text
                continue
            if text == "":
                continue
            try:
                setattr(record, target, _convert(target, text, needs))
            except ValueError as error:
                problems.append(RowProblem(table.name, number, column, f"«{text[:60]}»: {error}"))
                broken = True
        if not broken and not record.topic and record.need is None:
            problems.append(RowProblem(table.name, number, "", _("neither a topic nor a need")))
            broken = True
        record.extra = extra
        if not broken:
            records.append(record)
    return records, problems


def checked_records(
    saved: EvidenceUpload, mapping: dict[str, str]
) -> tuple[list[EvidenceRecord], ImportReport]:
    """The upload's records under a mapping, with the report of every mapping and row problem."""
    table = read_evidence(bytes(saved.content), saved.name)
    report = ImportReport(rows=len(table.rows), details={"preview": []})
    mapping_problems = check_mapping(table.headers, mapping)
    if mapping_problems:
        report.problems = [RowProblem(saved.name, 1, "", message) for message in mapping_problems]
        return [], report
    records, report.problems = build_records(table, mapping)
    return records, report


def preview(saved: EvidenceUpload, mapping: dict[str, str], *, limit: int = 20) -> ImportReport:
    """The dry run: what the first rows become, or why the file would be refused; nothing is written."""
    records, report = checked_records(saved, mapping)
    report.dry_run = True
    if report.ok:
        report.created[KIND] = len(records)
    report.details["preview"] = [
        {
            "occurred_on": r.occurred_on,
            "topic": r.topic,
            "district": r.district,
            "channel": r.channel,
            "need": r.need.code if r.need else "",
            "count": r.count,
            "response_hours": r.response_hours,
            "satisfied": r.satisfied,
            "extra": r.extra,
        }
        for r in records[:limit]
    ]
    return report
