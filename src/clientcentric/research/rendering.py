"""Journey maps as pictures: SVG drawn by engines.journey_svg; PNG and PDF converted from that SVG.

vl-convert-python (already the platform's choice for Vega-Lite charts) converts any SVG to PNG and PDF with its
bundled resvg renderer and the system fonts, so there is one drawing and no second rendering path (no WeasyPrint
or Cairo needed for this picture).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from clientcentric.engines import journey_svg

from .models import JourneyMap

LANE_LABELS = (
    ("needs", "Needs"),
    ("actions", "Actions"),
    ("touchpoints", "Touchpoints"),
    ("positives", "Positive observations"),
    ("problems", "Problems"),
    ("opportunities", "Opportunities"),
)


def svg(journey_map: JourneyMap, pain_points_by_stage: dict[int, int] | None = None) -> str:
    pain_points_by_stage = pain_points_by_stage or {}
    stages = [
        journey_svg.Stage(
            name=f"{stage.position}. {stage.name}",
            emotion=stage.emotion,
            lanes={key: getattr(stage, key) for key, _label in LANE_LABELS},
            pain_points=pain_points_by_stage.get(stage.position, 0),
        )
        for stage in journey_map.stages.all()
    ]
    title = f"{journey_map.title} — {journey_map.get_version_display()} · {journey_map.segment.name}"
    return journey_svg.render(
        title,
        stages,
        [(key, _(label)) for key, label in LANE_LABELS],
        emotion_label=_("Emotions"),
        pain_label=_("pain points from evidence"),
    )


def png(svg_text: str) -> bytes:
    import vl_convert

    return vl_convert.svg_to_png(svg_text, scale=2)


def pdf(svg_text: str) -> bytes:
    import vl_convert

    return vl_convert.svg_to_pdf(svg_text)
