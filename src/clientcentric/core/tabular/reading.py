"""Reading an uploaded table (CSV, CSV.GZ, XLSX) into text cells that keep their source row numbers.

Russian users save CSV from Excel in Windows-1251 with `;` between cells, from LibreOffice in UTF-8 with `,`,
and some systems export with tabs: all of them are read the same way. A workbook and a gzip are archives, so
their unpacked size is checked before they are opened — a small upload must not unpack into gigabytes.
"""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import tablib
from django.conf import settings
from django.utils.translation import gettext as _

from .cells import restore_cell
from .report import ImportRefused, RowProblem

DELIMITERS = ",;\t"
FORMATS = (".csv", ".csv.gz", ".xlsx")
_MB = 2**20


@dataclass(frozen=True)
class Row:
    """One data row: its number in the source (the header is row 1) and its cells as text."""

    number: int
    values: tuple[str, ...]


@dataclass
class Table:
    """The header and the non-blank rows of one sheet or CSV file."""

    name: str
    headers: list[str]
    rows: list[Row] = field(default_factory=list)

    def cells(self, row: Row) -> dict[str, str]:
        """A row as {header: text}; a missing trailing cell reads as empty."""
        return {h: (row.values[i] if i < len(row.values) else "") for i, h in enumerate(self.headers)}

    def records(self) -> list[tuple[int, dict[str, str]]]:
        return [(row.number, self.cells(row)) for row in self.rows]


def cell_text(value) -> str:
    """A cell as the text a person typed: whole floats without `.0`, dates as ISO, lists joined by `;`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return ";".join(cell_text(v) for v in value)
    return str(value).strip()


def table_format(name: str) -> str:
    """`.csv`, `.csv.gz` or `.xlsx` from the file name; any other kind is refused."""
    lowered = name.lower()
    for suffix in sorted(FORMATS, key=len, reverse=True):
        if lowered.endswith(suffix):
            return suffix
    raise ImportRefused(
        [
            RowProblem(
                name,
                None,
                "",
                _("Unsupported file type “%(suffix)s”: use .csv, .csv.gz or .xlsx.")
                % {"suffix": Path(name).suffix or name},
            )
        ]
    )


def site_limit() -> int:
    return settings.CLIENTCENTRIC_IMPORT_MAX_BYTES


def check_size(data: bytes, name: str, limit: int | None = None) -> None:
    limit = limit or site_limit()
    if len(data) > limit:
        raise ImportRefused(
            [
                RowProblem(
                    name,
                    None,
                    "",
                    _("The file is %(size).1f MB, over the %(limit).1f MB limit; split it into parts.")
                    % {"size": len(data) / _MB, "limit": limit / _MB},
                )
            ]
        )


def check_unpacked(archive: zipfile.ZipFile, name: str, limit: int | None = None) -> None:
    """Refuse an archive whose members together unpack past the limit (a zip bomb), before reading any."""
    total, limit = sum(info.file_size for info in archive.infolist()), limit or site_limit()
    if total > limit:
        raise ImportRefused([_unpacked_problem(name, limit)])


def _unpacked_problem(name: str, limit: int) -> RowProblem:
    return RowProblem(
        name,
        None,
        "",
        _("The file unpacks to more than %(limit).1f MB; it is refused as possibly malicious.")
        % {"limit": limit / _MB},
    )


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without a BOM), else Windows-1251, as Excel saves CSV on a Russian Windows."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1251")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportRefused(
            [RowProblem(name, line, "", _("The file is neither UTF-8 nor Windows-1251 text."))]
        ) from None


def _gunzip(data: bytes, name: str, limit: int) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            unpacked = stream.read(limit + 1)
    except (OSError, EOFError):
        raise ImportRefused([RowProblem(name, None, "", _("The gzip archive is damaged."))]) from None
    if len(unpacked) > limit:
        raise ImportRefused([_unpacked_problem(name, limit)])
    return unpacked


def csv_table(text: str, name: str) -> Table:
    """A CSV text as a table; the separator is whichever of `,` `;` tab the header line uses."""
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0] or sample, delimiters=DELIMITERS)
    except csv.Error:
        dialect = csv.excel
    try:
        cells = list(csv.reader(io.StringIO(text, newline=""), delimiter=dialect.delimiter))
    except csv.Error as error:
        raise ImportRefused(
            [RowProblem(name, None, "", _("The CSV cannot be read: %(error)s") % {"error": error})]
        ) from None
    return _table(name, cells[0] if cells else [], cells[1:])


def _table(name: str, headers: list, rows: list[list]) -> Table:
    table = Table(name=name, headers=[cell_text(h) for h in headers])
    for number, values in enumerate(rows, start=2):
        texts = tuple(restore_cell(cell_text(v)) for v in values)
        if any(texts):
            table.rows.append(Row(number, texts))
    return table


def _open_workbook(data: bytes, name: str, limit: int) -> tablib.Databook:
    try:
        check_unpacked(zipfile.ZipFile(io.BytesIO(data)), name, limit)
        return tablib.Databook().load(data, "xlsx")
    except ImportRefused:
        raise
    except Exception:  # zipfile and openpyxl raise many kinds for a damaged workbook
        raise ImportRefused(
            [RowProblem(name, None, "", _("The XLSX workbook cannot be opened; is it really .xlsx?"))]
        ) from None


def read_workbook(data: bytes, name: str, *, max_bytes: int | None = None) -> list[Table]:
    """Every sheet of an XLSX workbook, each named by its title."""
    limit = max_bytes or site_limit()
    check_size(data, name, limit)
    return [
        _table(sheet.title or name, list(sheet.headers or []), [list(r) for r in sheet])
        for sheet in _open_workbook(data, name, limit).sheets()
    ]


def read_table(source, name: str, *, max_bytes: int | None = None) -> Table:
    """The first sheet of a CSV, CSV.GZ or XLSX file given as bytes or a binary file object.

    `max_bytes` overrides the site's upload limit for an importer that takes bigger files.
    """
    data = source if isinstance(source, bytes | bytearray | memoryview) else source.read()
    data, limit = bytes(data), max_bytes or site_limit()
    check_size(data, name, limit)
    kind = table_format(name)
    if kind == ".xlsx":
        sheets = read_workbook(data, name, max_bytes=limit)
        return sheets[0] if sheets else Table(name=name, headers=[])
    if kind == ".csv.gz":
        data = _gunzip(data, name, limit)
    return csv_table(decode_text(data, name), name)
