from xml.etree import ElementTree

from clientcentric.engines import journey_svg


def test_the_picture_is_valid_svg_with_one_point_per_stage_and_the_curve():
    stages = [
        journey_svg.Stage("Заметил <проблему> & ждал", -2, {"needs": "длинный текст " * 40}, pain_points=2),
        journey_svg.Stage("Получил ответ", 2, {"needs": "понятный ответ"}),
    ]
    svg = journey_svg.render("Карта", stages, [("needs", "Потребности"), ("actions", "Действия")])
    root = ElementTree.fromstring(svg)  # escaped text keeps the XML well-formed
    ns = "{http://www.w3.org/2000/svg}"
    assert len(root.findall(f".//{ns}circle")) == 2
    assert root.find(f".//{ns}path").get("d").startswith("M")
    assert "⚠ 2" in svg
    assert "…" in svg  # long cells are cut at the line limit


def test_emotions_outside_the_scale_are_clamped():
    svg = journey_svg.render("x", [journey_svg.Stage("a", 7, {}), journey_svg.Stage("b", -9, {})], [])
    assert svg.count('fill="#2e7d32"') == 1 and svg.count('fill="#c0392b"') == 1
