"""One tabular import kit: read CSV / CSV.GZ / XLSX, report problems per row, write all or nothing.

Every importer keeps only its row mapping: it reads with `read_table`, reports with `ImportReport`, and writes
inside `import_all_or_nothing`, so every import page and command behaves and speaks the same way.
"""

from .cells import restore_cell, safe_cell, safe_row, safe_rows
from .reading import FORMATS, Row, Table, cell_text, check_unpacked, csv_table, read_table, read_workbook
from .report import ImportRefused, ImportReport, RowProblem, import_all_or_nothing

__all__ = [
    "FORMATS",
    "ImportRefused",
    "ImportReport",
    "Row",
    "RowProblem",
    "Table",
    "cell_text",
    "restore_cell",
    "safe_cell",
    "safe_row",
    "safe_rows",
    "check_unpacked",
    "csv_table",
    "import_all_or_nothing",
    "read_table",
    "read_workbook",
]
