"""Server-drawn SVG charts for every app (Altair → Vega-Lite → vl-convert).

A chart reads without JavaScript: the page inlines the SVG. Each SVG carries its text alternative as
``<title>`` and ``<desc>`` (announced by screen readers through ``role="img"`` and ``aria-labelledby``), and the
page shows the same figures as a table. Drawing takes most of a second, so the SVG is cached by the hash of the
chart's specification: the same figures are drawn once.
"""

from __future__ import annotations

import hashlib
import json
import re
from itertools import count

import vl_convert
from django.utils.html import escape

from . import shared_cache

CACHE_SECONDS = 24 * 3600
_ids = count(1)

# Every chart speaks Russian figures: d3's ru-RU locale groups digits with a non-breaking space, writes a decimal
# comma and the true minus («1 333 200», «−8,4»), and names months and weekdays in Russian.
LOCALE = "ru-RU"
# Type readable at the page's size (issue 18: no label under 11 px). A chart's own configure_* wins over these.
# The font is named, not left to "sans-serif": Vega measures each label with the font vl-convert finds on the
# server, and a PDF (WeasyPrint) or a browser that draws it with a wider one pushes right-aligned axis labels out
# of the picture. DejaVu Sans is what the PDFs use (Debian's fonts-dejavu-core, installed with the browser).
FONT = "DejaVu Sans"
READABLE = {
    "font": FONT,
    "axis": {"labelFontSize": 12, "titleFontSize": 12},
    "legend": {"labelFontSize": 12, "titleFontSize": 12},
    "header": {"labelFontSize": 12, "titleFontSize": 12},
    "title": {"fontSize": 14},
    "text": {"fontSize": 12},
}
# Part of the cache key: a change of the locale or the type re-draws what was cached before it.
DRAWING = "ru-RU/12px/dejavu"


def spec_hash(spec: dict) -> str:
    return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:32]


def with_text_alternative(svg: str, title: str, description: str = "", element_id: str = "") -> str:
    """Put `title` and `description` into the SVG as its accessible name and description."""
    element_id = element_id or f"chart-{next(_ids)}"
    labelled = f"{element_id}-title" + (f" {element_id}-desc" if description else "")
    head = f'<title id="{element_id}-title">{escape(title)}</title>' + (
        f'<desc id="{element_id}-desc">{escape(description)}</desc>' if description else ""
    )
    return re.sub(
        r"<svg\b([^>]*)>",
        lambda m: f'<svg{m.group(1)} role="img" aria-labelledby="{labelled}">{head}',
        svg,
        count=1,
    )


def render_svg(chart, *, cache_key: str = "", title: str = "", description: str = "") -> str:
    """The chart as SVG text. `cache_key` names the figures; without it the specification's hash does.

    With a `title` the SVG carries it (and `description`) as its text alternative.
    """
    spec = chart.to_dict() if hasattr(chart, "to_dict") else chart
    key = f"chart:{DRAWING}:{cache_key or spec_hash(spec)}"
    svg = shared_cache.get_or_compute(
        key,
        lambda: vl_convert.vegalite_to_svg(
            spec, config=READABLE, format_locale=LOCALE, time_format_locale=LOCALE
        ),
        CACHE_SECONDS,
    )
    if title:
        svg = with_text_alternative(svg, title, description, element_id=f"chart-{spec_hash(spec)[:10]}")
    return svg


def warm() -> None:
    """Start the renderer in this process: its first chart with text took about a second (the JavaScript engine,
    the locale, the font's measurements), later ones a tenth of that. Drawn without the cache, so it really runs."""
    vl_convert.vegalite_to_svg(
        {
            "title": "Ж",
            "data": {"values": [{"a": "Ж", "b": 1.5}, {"a": "б", "b": -2}]},
            "mark": "bar",
            "encoding": {"y": {"field": "a", "type": "nominal"}, "x": {"field": "b", "type": "quantitative"}},
        },
        config=READABLE,
        format_locale=LOCALE,
        time_format_locale=LOCALE,
    )
