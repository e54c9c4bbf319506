"""Import of external evidence (statistics, complaints, anonymised data sets) with a column-mapping step.

Upload → the analyst maps every source column to a field (or says to keep it as an extra attribute, or to ignore
it) → preview of the first rows → import. The import is all-or-nothing: one bad row refuses the whole file, and
the report names each bad row, column and reason.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clientcentric.core.services import audit
from clientcentric.registry.models import Need

from .models import EvidenceDataset, EvidenceRecord, EvidenceUpload

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


@dataclass
class RowProblem:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    total: int = 0
    imported: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)
    dataset: EvidenceDataset | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def read_table(data: bytes, filename: str) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of a CSV or XLSX file, as text. Refuses other formats and undecodable CSV."""
    suffix = Path(filename).suffix.lower()
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 20 MB."))
    if suffix == ".xlsx":
        try:
            sheet = tablib.Dataset().load(data, format="xlsx")
        except Exception as error:  # openpyxl raises many kinds for a broken workbook
            raise ValidationError(_("The XLSX file cannot be read: %(error)s") % {"error": error}) from None
        headers = [str(h or "").strip() for h in (sheet.headers or [])]
        rows = [["" if v is None else _cell(v) for v in row] for row in sheet]
    elif suffix == ".csv":
        text = _decode(data)
        dialect = csv.excel
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            pass
        table = list(csv.reader(io.StringIO(text), dialect))
        if not table:
            raise ValidationError(_("The file is empty."))
        headers = [h.strip() for h in table[0]]
        rows = table[1:]
    else:
        raise ValidationError(_("Unsupported file type: use .csv or .xlsx."))
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
    return headers, rows


def _cell(value) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The file is neither UTF-8 nor Windows-1251 text."))


@transaction.atomic
def upload(data: bytes, filename: str, *, actor) -> EvidenceUpload:
    headers, _rows = read_table(data, filename)
    saved = EvidenceUpload.objects.create(
        name=filename[:255], content=data, headers=headers, uploaded_by=actor
    )
    audit.record(actor, "research.evidence_uploaded", saved, columns=len(headers))
    return saved


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


def build_records(headers, rows, mapping) -> tuple[list[EvidenceRecord], list[RowProblem]]:
    needs = {need.code: need for need in Need.objects.all()}
    records, problems = [], []
    for number, row in enumerate(rows, start=2):  # row 1 holds the headers
        if not any(str(v).strip() for v in row):
            continue
        if len(row) > len(headers):
            problems.append(RowProblem(number, "", _("the row has more cells than the header")))
            continue
        values = dict(
            zip(headers, [str(v).strip() for v in row] + [""] * (len(headers) - len(row)), strict=True)
        )
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
                problems.append(RowProblem(number, column, f"«{text[:60]}»: {error}"))
                broken = True
        if not broken and not record.topic and record.need is None:
            problems.append(RowProblem(number, "", _("neither a topic nor a need")))
            broken = True
        record.extra = extra
        if not broken:
            records.append(record)
    return records, problems


def preview(saved: EvidenceUpload, mapping: dict[str, str], *, limit: int = 20) -> ImportReport:
    headers, rows = read_table(bytes(saved.content), saved.name)
    report = ImportReport(total=len(rows))
    mapping_problems = check_mapping(headers, mapping)
    if mapping_problems:
        report.problems = [RowProblem(1, "", message) for message in mapping_problems]
        return report
    records, report.problems = build_records(headers, rows, mapping)
    report.preview = [
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


@transaction.atomic
def import_upload(
    saved: EvidenceUpload, mapping: dict[str, str], *, title: str, kind: str, source: str = "", actor=None
) -> ImportReport:
    """All or nothing: nothing is written unless every row converts."""
    saved = EvidenceUpload.objects.select_for_update().get(pk=saved.pk)
    if saved.dataset_id is not None:
        raise ValidationError(_("This file has already been imported."))
    if not title.strip():
        raise ValidationError({"title": _("Give the data set a title.")})
    report = preview(saved, mapping, limit=0)
    if not report.ok:
        return report
    headers, rows = read_table(bytes(saved.content), saved.name)
    records, _problems = build_records(headers, rows, mapping)
    dataset = EvidenceDataset(
        title=title.strip(), kind=kind, source=source, mapping=mapping, imported_by=actor
    )
    dataset.full_clean()
    dataset.save()
    for record in records:
        record.dataset = dataset
    EvidenceRecord.objects.bulk_create(records, batch_size=2000)
    dataset.row_count = len(records)
    dataset.save(update_fields=["row_count"])
    saved.dataset = dataset
    saved.save(update_fields=["dataset"])
    audit.record(actor, "research.evidence_imported", dataset, rows=len(records), file=saved.name)
    report.imported = len(records)
    report.dataset = dataset
    return report


@transaction.atomic
def import_records(
    title: str, kind: str, records: list[EvidenceRecord], *, source: str = "", actor=None
) -> EvidenceDataset:
    """A data set built by code (the demo, a scheduled extract) rather than from an uploaded file."""
    dataset = EvidenceDataset(
        title=title, kind=kind, source=source, row_count=len(records), imported_by=actor
    )
    dataset.full_clean()
    dataset.save()
    for record in records:
        record.dataset = dataset
    EvidenceRecord.objects.bulk_create(records, batch_size=2000)
    audit.record(actor, "research.evidence_imported", dataset, rows=len(records))
    return dataset
