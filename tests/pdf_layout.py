"""Checks of a WeasyPrint document's layout: no text runs out of its table cell into the next column, and no
text or picture runs past the page's printable area (where a PDF viewer or a printer would clip it)."""

from __future__ import annotations

import io

import weasyprint
from weasyprint.formatting_structure import boxes

TOLERANCE = 0.5  # CSS px; sub-pixel rounding of glyph advances


def _right(box) -> float:
    return box.position_x + box.margin_width()


def layout_problems(html: str, base_url: str | None = None) -> list[str]:
    """Every text that sticks out of its table cell or the page's content area, and every picture past the page."""
    document = weasyprint.HTML(string=html, base_url=base_url).render()
    problems: list[str] = []
    for number, page in enumerate(document.pages, 1):
        page_box = page._page_box
        left = page_box.content_box_x()
        right = left + page_box.width

        def walk(box, cell, number=number, left=left, right=right):
            if isinstance(box, boxes.TableCellBox):
                cell = box
            if isinstance(box, boxes.TextBox) and box.text.strip():
                limit = cell.content_box_x() + cell.width if cell is not None else right
                start = cell.content_box_x() if cell is not None else left
                end = box.position_x + box.width
                if end > limit + TOLERANCE or box.position_x < start - TOLERANCE:
                    where = "its cell" if cell is not None else "the page"
                    problems.append(
                        f"page {number}: «{box.text[:40]}» runs out of {where} ({end:.1f} > {limit:.1f})"
                    )
            if isinstance(box, boxes.ReplacedBox) and (
                _right(box) > right + TOLERANCE or box.position_x < left - TOLERANCE
            ):
                problems.append(
                    f"page {number}: a picture runs past the page ({_right(box):.1f} > {right:.1f})"
                )
            for child in getattr(box, "children", ()):
                walk(child, cell)

        walk(page_box, None)
    return problems


def pdf_text(pdf: bytes) -> str:
    """The PDF's text as a reader's copy-paste would give it (pypdf)."""
    import pypdf

    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
