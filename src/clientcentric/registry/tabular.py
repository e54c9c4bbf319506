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
from django.conf import settings
from django.utils.translation import gettext as _

from .schema import SHEETS, SHEETS_BY_NAME

FORMATS = ("csv", "zip", "xlsx", "json")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an import, located as precisely as the file allows."""

    message: str
    sheet: str = ""
    row: int | None = None  # 1-based, the header being row 1
    column: str = ""

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}

    def __str__(self):
        where = ", ".join(
            part
            for part in (
                _("sheet %(sheet)s") % {"sheet": self.sheet} if self.sheet else "",
                _("row %(row)s") % {"row": self.row} if self.row is not None else "",
                _("column %(column)s") % {"column": self.column} if self.column else "",
            )
            if part
        )
        return f"{where}: {self.message}" if where else self.message


@dataclass
class RawRows:
    """Rows of each sheet as read, before validation: (row number, {column: text})."""

    sheets: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


class ImportRefused(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems[:5]))
        self.problems = problems


def detect_format(filename: str) -> str:
    suffix = Path(filename).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ImportRefused(
            [
                Problem(
                    _("Unsupported file type “.%(suffix)s”: use .csv, .zip of CSV files, .xlsx or .json.")
                    % {"suffix": suffix}
                )
            ]
        )
    return suffix


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return ";".join(_as_text(v) for v in value)
    return str(value).strip()


def decode_csv(data: bytes, sheet: str) -> str:
    """UTF-8 text of a CSV, BOM removed; any other encoding is refused with the row it breaks on."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        row = data[: error.start].count(b"\n") + 1
        hint = ""
        try:
            data.decode("cp1251")
            hint = " " + _("It looks like Windows-1251: save the file as “CSV UTF-8”.")
        except UnicodeDecodeError:
            pass
        raise ImportRefused([Problem(_("The file is not in UTF-8.") + hint, sheet=sheet, row=row)]) from None


def _rows_from_table(sheet: str, headers: list[str], rows: list[list], raw: RawRows) -> None:
    spec = SHEETS_BY_NAME[sheet]
    headers = [_as_text(h) for h in headers]
    problems = []
    for position, header in enumerate(headers, start=1):
        if header and header not in spec.column_names:
            problems.append(
                Problem(
                    _("Unknown column “%(header)s”; this sheet has: %(columns)s.")
                    % {"header": header, "columns": ", ".join(spec.column_names)},
                    sheet=sheet,
                    row=1,
                    column=header or str(position),
                )
            )
    if len(set(h for h in headers if h)) != len([h for h in headers if h]):
        problems.append(Problem(_("A column appears twice in the header."), sheet=sheet, row=1))
    for column in spec.columns:
        if column.required and column.name not in headers:
            problems.append(Problem(_("Required column is missing."), sheet=sheet, row=1, column=column.name))
    raw.problems.extend(problems)
    if problems:
        return
    parsed = []
    for number, values in enumerate(rows, start=2):
        texts = [_as_text(v) for v in values]
        if not any(texts):
            continue
        if len(texts) > len(headers) and any(texts[len(headers) :]):
            raw.problems.append(
                Problem(_("The row has more cells than the header."), sheet=sheet, row=number)
            )
            continue
        parsed.append((number, {h: (texts[i] if i < len(texts) else "") for i, h in enumerate(headers) if h}))
    raw.sheets[sheet] = parsed


def _read_csv_text(text: str, sheet: str, raw: RawRows) -> None:
    try:
        table = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise ImportRefused(
            [Problem(_("The CSV cannot be read: %(error)s") % {"error": error}, sheet=sheet)]
        ) from None
    if not table:
        raw.problems.append(Problem(_("The sheet is empty: a header row is required."), sheet=sheet, row=1))
        return
    _rows_from_table(sheet, table[0], table[1:], raw)


def _sheet_name(name: str) -> str:
    sheet = Path(name).stem.lower().replace("-", "_")
    if sheet not in SHEETS_BY_NAME:
        raise ImportRefused(
            [
                Problem(
                    _("Unknown sheet “%(name)s”; the registry has: %(sheets)s.")
                    % {"name": name, "sheets": ", ".join(s.name for s in SHEETS)}
                )
            ]
        )
    return sheet


def read_registry_file(data: bytes, filename: str, *, sheet: str | None = None) -> RawRows:
    """Read a whole file into raw rows. Refuses oversized, undecodable or unreadable files outright."""
    limit = settings.CLIENTCENTRIC_IMPORT_MAX_BYTES
    if len(data) > limit:
        raise ImportRefused(
            [
                Problem(
                    _("The file is %(size).1f MB, over the %(limit).1f MB limit; split it by sheet.")
                    % {"size": len(data) / 2**20, "limit": limit / 2**20}
                )
            ]
        )
    file_format = detect_format(filename)
    raw = RawRows()
    if file_format == "csv":
        name = _sheet_name(sheet or filename)
        _read_csv_text(decode_csv(data, name), name, raw)
    elif file_format == "zip":
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise ImportRefused([Problem(_("The ZIP archive is damaged."))]) from None
        total = sum(info.file_size for info in archive.infolist())
        if total > limit:
            raise ImportRefused([Problem(_("The archive unpacks to more than the size limit."))])
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = _sheet_name(info.filename)
            _read_csv_text(decode_csv(archive.read(info), name), name, raw)
    elif file_format == "xlsx":
        try:
            book = tablib.Databook().load(data, "xlsx")
        except Exception:  # openpyxl raises many types for a damaged workbook
            raise ImportRefused(
                [Problem(_("The XLSX workbook cannot be opened; is it really .xlsx?"))]
            ) from None
        for dataset in book.sheets():
            name = _sheet_name(dataset.title or "")
            _rows_from_table(name, list(dataset.headers or []), [list(r) for r in dataset], raw)
    else:
        _read_json(data, raw)
    if not raw.sheets and not raw.problems:
        raw.problems.append(Problem(_("The file holds no registry sheets.")))
    return raw


def _read_json(data: bytes, raw: RawRows) -> None:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        line = getattr(error, "lineno", None)
        raise ImportRefused(
            [Problem(_("The JSON cannot be read: %(error)s") % {"error": error}, row=line)]
        ) from None
    sheets = document.get("sheets") if isinstance(document, dict) else None
    if not isinstance(sheets, dict):
        raise ImportRefused([Problem(_("The JSON must be an object with a “sheets” object inside."))])
    for name, records in sheets.items():
        sheet = _sheet_name(name)
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raw.problems.append(Problem(_("A sheet must be a list of objects."), sheet=sheet))
            continue
        headers = list(dict.fromkeys(key for record in records for key in record))
        if not headers:
            headers = [c.name for c in SHEETS_BY_NAME[sheet].columns]
        _rows_from_table(sheet, headers, [[record.get(h) for h in headers] for record in records], raw)


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
        dataset.append([_as_text(row[c]) for c in columns])
    return dataset


def sheet_csv(sheet: str, rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = SHEETS_BY_NAME[sheet].column_names
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_as_text(row[c]) for c in columns])
    return buffer.getvalue()
