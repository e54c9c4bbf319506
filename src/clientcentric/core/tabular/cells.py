"""Spreadsheet cells that cannot run: every CSV and XLSX export writes its cells through `safe_cell`.

OWASP's rule against CSV injection: a text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
is prefixed with an apostrophe, so Excel and LibreOffice show it as text instead of evaluating a formula
(`=HYPERLINK(...)`, `=cmd|...`). Numbers stay numbers. Our own importers take the apostrophe off again
(`restore_cell`), so an export imports back unchanged.
"""

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(v) for v in values]


def safe_rows(rows) -> list[list]:
    return [safe_row(r) for r in rows]


def restore_cell(text: str) -> str:
    """The cell as it was before `safe_cell`: the apostrophe a formula-like text was given is taken off."""
    if text.startswith("'") and text[1:].startswith(TRIGGERS):
        return text[1:]
    return text
