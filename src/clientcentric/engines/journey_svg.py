"""Draw a customer journey map as SVG: stages across, lanes down, the emotion curve in its own lane.

Hand-built rather than through Vega-Lite: a journey map is a grid of wrapped Russian text with a line chart in one
row, which Vega-Lite has no mark for; drawing it directly keeps the page fast (a few milliseconds) and the output
exact. PNG and PDF are made from this same SVG (see research.rendering).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

LABEL_WIDTH = 170
STAGE_WIDTH = 200
LINE_HEIGHT = 15
FONT_SIZE = 12
CHARS_PER_LINE = 24  # DejaVu Sans at 12 px: about 7.3 px per Cyrillic letter, 184 px of a 200 px column
PADDING = 8
LABEL_CHARS = 19  # lane names in the 170 px label column, bold
EMOTION_HEIGHT = 130
MAX_LINES = 12
EMOTION_COLOURS = {-2: "#c0392b", -1: "#e67e22", 0: "#95a5a6", 1: "#7cb342", 2: "#2e7d32"}


@dataclass
class Stage:
    name: str
    emotion: int  # −2 … +2
    lanes: dict[str, str] = field(default_factory=dict)
    pain_points: int = 0  # evidence-backed problems suggested for this stage


def _wrap(text: str, width: int = CHARS_PER_LINE) -> list[str]:
    lines: list[str] = []
    for paragraph in (text or "").splitlines():
        lines.extend(textwrap.wrap(paragraph, width, break_long_words=True) or [""])
    while lines and not lines[-1]:
        lines.pop()
    if len(lines) > MAX_LINES:
        lines = lines[: MAX_LINES - 1] + [lines[MAX_LINES - 1][: width - 1] + "…"]
    return lines


def _text(x: float, y: float, lines: Sequence[str], *, weight: str = "normal", size: int = FONT_SIZE) -> str:
    spans = "".join(
        f'<tspan x="{x:.0f}" dy="{0 if i == 0 else LINE_HEIGHT}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text x="{x:.0f}" y="{y:.0f}" font-size="{size}" font-weight="{weight}">{spans}</text>'


def render(
    title: str,
    stages: Sequence[Stage],
    lanes: Sequence[tuple[str, str]],
    *,
    emotion_label: str = "Emotions",
    pain_label: str = "pain points",
) -> str:
    """SVG of the map. `lanes` is (key, label) in order; the emotion lane is drawn after the first two lanes."""
    width = LABEL_WIDTH + STAGE_WIDTH * max(1, len(stages))
    parts: list[str] = []
    y: float = 40
    parts.append(_text(PADDING, 26, [title], weight="bold", size=16))
    header_lines = [_wrap(stage.name) for stage in stages]
    header_height = max([len(lines) for lines in header_lines] + [1]) * LINE_HEIGHT + 2 * PADDING
    parts.append(f'<rect x="0" y="{y}" width="{width}" height="{header_height}" fill="#1f4e79"/>')
    for index, lines in enumerate(header_lines):
        x = LABEL_WIDTH + index * STAGE_WIDTH + PADDING
        parts.append(f'<g fill="#ffffff">{_text(x, y + PADDING + FONT_SIZE, lines, weight="bold")}</g>')
    y += header_height
    rows = list(lanes)
    emotion_at = min(2, len(rows))
    for row_index in range(len(rows) + 1):
        if row_index == emotion_at:
            y = _emotion_row(parts, stages, y, width, emotion_label, pain_label)
        if row_index == len(rows):
            break
        key, label = rows[row_index]
        cells = [_wrap(stage.lanes.get(key, "")) for stage in stages]
        label_lines = _wrap(label, LABEL_CHARS)
        height = max([len(cell) for cell in cells] + [len(label_lines), 1]) * LINE_HEIGHT + 2 * PADDING
        shade = "#f4f6f8" if row_index % 2 == 0 else "#ffffff"
        parts.append(f'<rect x="0" y="{y}" width="{width}" height="{height}" fill="{shade}"/>')
        parts.append(_text(PADDING, y + PADDING + FONT_SIZE, label_lines, weight="bold"))
        for index, cell in enumerate(cells):
            x = LABEL_WIDTH + index * STAGE_WIDTH + PADDING
            parts.append(_text(x, y + PADDING + FONT_SIZE, cell))
        parts.append(f'<line x1="0" y1="{y + height}" x2="{width}" y2="{y + height}" stroke="#d0d7de"/>')
        y += height
    for index in range(1, len(stages) + 1):
        x = LABEL_WIDTH + (index - 1) * STAGE_WIDTH
        parts.append(f'<line x1="{x}" y1="40" x2="{x}" y2="{y}" stroke="#d0d7de"/>')
    svg_height = y + PADDING
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{svg_height}" '
        f'viewBox="0 0 {width} {svg_height}" font-family="DejaVu Sans, Arial, sans-serif" role="img" '
        f'aria-label="{escape(title, {chr(34): "&quot;"})}">'
        f'<rect width="{width}" height="{svg_height}" fill="#ffffff"/>' + "".join(parts) + "</svg>"
    )


def _emotion_row(parts, stages, y, width, label, pain_label) -> float:
    parts.append(f'<rect x="0" y="{y}" width="{width}" height="{EMOTION_HEIGHT}" fill="#fffdf5"/>')
    parts.append(_text(PADDING, y + PADDING + FONT_SIZE, _wrap(label, LABEL_CHARS), weight="bold"))
    top, bottom = y + 20, y + EMOTION_HEIGHT - 20
    middle = (top + bottom) / 2
    for level in (2, 0, -2):
        level_y = middle - level * (bottom - top) / 4
        parts.append(
            f'<line x1="{LABEL_WIDTH}" y1="{level_y:.1f}" x2="{width}" y2="{level_y:.1f}" '
            f'stroke="#e5e7eb" stroke-dasharray="{"" if level == 0 else "4 4"}"/>'
        )
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{level_y + 4:.1f}" font-size="11" text-anchor="end">'
            f"{level:+d}</text>"
        )
    points = []
    for index, stage in enumerate(stages):
        emotion = max(-2, min(2, int(stage.emotion)))
        x = LABEL_WIDTH + index * STAGE_WIDTH + STAGE_WIDTH / 2
        points.append((x, middle - emotion * (bottom - top) / 4, emotion, stage.pain_points))
    if len(points) > 1:
        path = " ".join(
            f"{'M' if i == 0 else 'L'}{x:.1f},{py:.1f}" for i, (x, py, _e, _p) in enumerate(points)
        )
        parts.append(f'<path d="{path}" fill="none" stroke="#1f4e79" stroke-width="3"/>')
    for x, py, emotion, pains in points:
        parts.append(
            f'<circle cx="{x:.1f}" cy="{py:.1f}" r="8" fill="{EMOTION_COLOURS[emotion]}" '
            f'stroke="#ffffff" stroke-width="2"><title>{emotion:+d}</title></circle>'
        )
        if pains:
            parts.append(
                f'<g><rect x="{x + 12:.1f}" y="{py - 22:.1f}" rx="9" width="{34 + 7 * len(str(pains))}" '
                f'height="18" fill="#c0392b"/><text x="{x + 18:.1f}" y="{py - 9:.1f}" font-size="11" '
                f'fill="#ffffff">⚠ {pains}<title>{pains} {escape(pain_label)}</title></text></g>'
            )
    return y + EMOTION_HEIGHT
