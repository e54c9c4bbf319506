"""Reading registry files (CSV, ZIP of CSVs, XLSX, JSON) into validated rows, with a row-level report.

Reading never writes: `read_registry_file` returns rows and problems; `importer.import_registry`
writes only when there are no problems at all.
"""

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import tablib
from django.utils.translation import gettext as _

from clientcentric.core.tabular import (
    ImportRefused,
    Row,
    RowProblem,
    Table,
    cell_text,
    check_unpacked,
    csv_table,
    read_table,
    read_workbook,
    safe_cell,
)
from clientcentric.core.tabular.reading import check_size, decode_text

from .schema import SHEETS, SHEETS_BY_NAME

FORMATS = ("csv", "csv.gz", "zip", "xlsx", "json")


@dataclass
class RawRows:
    """Rows of each sheet as read, before validation: (row number, {column: text})."""

    sheets: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)


def _refused(message: str, sheet: str = "", row: int | None = None) -> ImportRefused:
    return ImportRefused([RowProblem(sheet, row, "", message)])


def detect_format(filename: str) -> str:
    lowered = filename.lower()
    for suffix in sorted(FORMATS, key=len, reverse=True):
        if lowered.endswith("." + suffix):
            return suffix
    raise _refused(
        _("Unsupported file type “.%(suffix)s”: use .csv, .zip of CSV files, .xlsx or .json.")
        % {"suffix": Path(filename).suffix.lower().lstrip(".")}
    )


def _add_table(sheet: str, table: Table, raw: RawRows) -> None:
    """Check a sheet's header against the schema and keep its rows."""
    spec = SHEETS_BY_NAME[sheet]
    headers = table.headers
    problems = []
    if not headers:
        raw.problems.append(RowProblem(sheet, 1, "", _("The sheet is empty: a header row is required.")))
        return
    for position, header in enumerate(headers, start=1):
        if header and header not in spec.column_names:
            problems.append(
                RowProblem(
                    sheet,
                    1,
                    header or str(position),
                    _("Unknown column “%(header)s”; this sheet has: %(columns)s.")
                    % {"header": header, "columns": ", ".join(spec.column_names)},
                )
            )
    named = [h for h in headers if h]
    if len(set(named)) != len(named):
        problems.append(RowProblem(sheet, 1, "", _("A column appears twice in the header.")))
    for column in spec.columns:
        if column.required and column.name not in headers:
            problems.append(RowProblem(sheet, 1, column.name, _("Required column is missing.")))
    raw.problems.extend(problems)
    if problems:
        return
    parsed = []
    for row in table.rows:
        if len(row.values) > len(headers) and any(row.values[len(headers) :]):
            raw.problems.append(
                RowProblem(sheet, row.number, "", _("The row has more cells than the header."))
            )
            continue
        parsed.append((row.number, {h: v for h, v in table.cells(row).items() if h}))
    raw.sheets[sheet] = parsed


def _sheet_name(name: str) -> str:
    sheet = Path(name.removesuffix(".gz")).stem.lower().replace("-", "_")
    if sheet not in SHEETS_BY_NAME:
        raise _refused(
            _("Unknown sheet “%(name)s”; the registry has: %(sheets)s.")
            % {"name": name, "sheets": ", ".join(s.name for s in SHEETS)}
        )
    return sheet


def read_registry_file(data: bytes, filename: str, *, sheet: str | None = None) -> RawRows:
    """Read a whole file into raw rows. Refuses oversized, undecodable or unreadable files outright."""
    check_size(data, filename)
    file_format = detect_format(filename)
    raw = RawRows()
    if file_format in ("csv", "csv.gz"):
        name = _sheet_name(sheet or filename)
        _add_table(name, read_table(data, filename), raw)
    elif file_format == "zip":
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise _refused(_("The ZIP archive is damaged.")) from None
        check_unpacked(archive, filename)
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = _sheet_name(info.filename)
            _add_table(name, csv_table(decode_text(archive.read(info), name), name), raw)
    elif file_format == "xlsx":
        for table in read_workbook(data, filename):
            _add_table(_sheet_name(table.name), table, raw)
    else:
        _read_json(data, raw)
    if not raw.sheets and not raw.problems:
        raw.problems.append(RowProblem("", None, "", _("The file holds no registry sheets.")))
    return raw


def _read_json(data: bytes, raw: RawRows) -> None:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        line = getattr(error, "lineno", None)
        raise _refused(_("The JSON cannot be read: %(error)s") % {"error": error}, row=line) from None
    sheets = document.get("sheets") if isinstance(document, dict) else None
    if not isinstance(sheets, dict):
        raise _refused(_("The JSON must be an object with a “sheets” object inside."))
    for name, records in sheets.items():
        sheet = _sheet_name(name)
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raw.problems.append(RowProblem(sheet, None, "", _("A sheet must be a list of objects.")))
            continue
        headers = list(dict.fromkeys(key for record in records for key in record))
        if not headers:
            headers = [c.name for c in SHEETS_BY_NAME[sheet].columns]
        rows = [
            Row(number, tuple(cell_text(record.get(h)) for h in headers))
            for number, record in enumerate(records, start=2)
        ]
        _add_table(sheet, Table(sheet, headers, [r for r in rows if any(r.values)]), raw)


def write_registry_file(tables: dict[str, list[dict]], file_format: str) -> bytes:
    """Serialise export tables (sheet → rows of column → value) into the chosen format."""
    if file_format == "json":
        from .selectors import json_document

        return json.dumps(json_document(tables), ensure_ascii=False, indent=2).encode("utf-8")
    if file_format in ("csv", "zip"):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for sheet in SHEETS:
                archive.writestr(f"{sheet.name}.csv", sheet_csv(sheet.name, tables[sheet.name]))
        return buffer.getvalue()
    if file_format == "xlsx":
        book = tablib.Databook()
        for sheet in SHEETS:
            book.add_sheet(_dataset(sheet.name, tables[sheet.name]))
        return book.export("xlsx")
    raise ValueError(f"unknown format {file_format}")


def _dataset(sheet: str, rows: list[dict]) -> tablib.Dataset:
    columns = SHEETS_BY_NAME[sheet].column_names
    dataset = tablib.Dataset(headers=list(columns), title=sheet)
    for row in rows:
        dataset.append([safe_cell(cell_text(row[c])) for c in columns])
    return dataset


def sheet_csv(sheet: str, rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = SHEETS_BY_NAME[sheet].column_names
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(cell_text(row[c])) for c in columns])
    return buffer.getvalue()
