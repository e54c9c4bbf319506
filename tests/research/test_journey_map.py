from clientcentric.research import selectors, services
from clientcentric.research.models import EvidenceSignal, JourneyMap


def test_pain_points_come_from_live_appeals_with_links(yard, yard_map):
    evidence, points = selectors.journey_map_evidence(yard_map)
    assert evidence.appeals == 9
    assert evidence.top_topics[0] == ("Неисправный лифт", 6)
    topics = [p for p in points if p.signal == EvidenceSignal.TOPICS]
    assert "Неисправный лифт" in topics[0].text and "Мусор во дворе" in topics[1].text
    assert "topic=" in topics[0].link
    assert topics[0].stage_position == 3
    by_signal = {p.signal: p for p in points}
    # Every appeal was registered in March and none answered in time: all are overdue.
    assert evidence.overdue == 9
    assert by_signal[EvidenceSignal.OVERDUE].stage_position == 4
    assert evidence.reopened == 1 and evidence.repeat_clients == 1
    assert EvidenceSignal.REPEATED in by_signal
    assert EvidenceSignal.SATISFACTION not in by_signal  # no feedback app and nothing imported yet


def test_no_pain_points_without_evidence(yard, yard_map):
    from clientcentric.appeals.models import Appeal

    Appeal.objects.update(life_situation=None)
    evidence, points = selectors.journey_map_evidence(yard_map)
    assert evidence.appeals == 0 and points == []


def test_low_imported_satisfaction_becomes_a_pain_point(yard, yard_map):
    from clientcentric.research import services as research_services
    from clientcentric.research.models import EvidenceRecord

    records = [
        EvidenceRecord(topic="Неисправный лифт", need=yard["need"], satisfied=i < 3, count=1)
        for i in range(10)
    ]
    research_services.import_evidence_records("Опрос жителей", "anonymised", records)
    evidence, points = selectors.journey_map_evidence(yard_map)
    assert evidence.satisfaction.rated == 10 and evidence.satisfaction.satisfied == 3
    assert any(p.signal == EvidenceSignal.SATISFACTION and p.stage_position == 6 for p in points)


def test_analyst_sees_as_is_and_to_be_side_by_side_as_svg(client, people, yard, yard_map):
    client.force_login(people["analyst"])
    response = client.post(f"/research/maps/{yard_map.pk}/", {"action": "start_to_be"})
    to_be = JourneyMap.objects.get(as_is=yard_map)
    assert response.status_code == 302
    page = client.get(f"/research/maps/{to_be.pk}/").content.decode()
    assert page.count("<svg") == 2
    assert "AS IS" in page and "TO BE" in page
    assert "Неисправный лифт" in page  # the pain point, linked to its appeals
    assert "/research/evidence/appeals/?life_situation=home-and-yard" in page


def test_svg_png_and_pdf_downloads(client, people, yard_map):
    client.force_login(people["analyst"])
    svg = client.get(f"/research/maps/{yard_map.pk}.svg")
    assert svg["Content-Type"].startswith("image/svg+xml")
    assert b"<path" in svg.content  # the emotion curve
    assert "Ждал ответа".encode() in svg.content
    png = client.get(f"/research/maps/{yard_map.pk}.png")
    assert png.content.startswith(b"\x89PNG")
    pdf = client.get(f"/research/maps/{yard_map.pk}.pdf")
    assert pdf.content.startswith(b"%PDF")
    assert client.get(f"/research/maps/{yard_map.pk}.gif").status_code == 404


def test_evidence_link_lists_the_appeals_behind_a_pain_point(client, people, yard, yard_map):
    client.force_login(people["analyst"])
    page = client.get(
        "/research/evidence/appeals/?life_situation=home-and-yard&signal=repeated"
    ).content.decode()
    assert yard["mine"].number in page
    assert yard["appeals"][1].number not in page


def test_a_to_be_map_needs_its_as_is(yard):
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.save_journey_map(
            JourneyMap(title="x", segment=yard["segment"], life_situation=yard["situation"], version="to_be"),
            stages=[{"name": "a", "emotion": 0}],
        )


def test_emotion_outside_the_scale_is_refused(yard):
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.save_journey_map(
            JourneyMap(title="x", segment=yard["segment"], life_situation=yard["situation"]),
            stages=[{"name": "a", "emotion": 3}],
        )
    assert "Stage 1" in str(error.value) or "Этап 1" in str(error.value)
