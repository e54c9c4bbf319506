import pytest
from django.core.exceptions import ValidationError

from clientcentric.research import clustering, segmentation, services
from clientcentric.research.models import SegmentHypothesis


def test_size_counts_appeals_and_distinct_clients(yard):
    phone = [{"field": "channel", "op": "in", "value": ["phone"]}]
    assert segmentation.size(phone) == {"appeals": 3, "clients": 3}
    repeat = [{"field": "repeat_client", "op": "is", "value": True}]
    assert segmentation.size(repeat) == {"appeals": 2, "clients": 1}


def test_conditions_combine_and_time_ranges_wrap(yard):
    conditions = [
        {"field": "topic", "op": "in", "value": ["Неисправный лифт"]},
        {"field": "has_account", "op": "is", "value": False},
        {"field": "hour", "op": "between", "value": [10, 13]},
    ]
    # Registered at 09:00 UTC = 12:00 in Moscow.
    assert segmentation.size(conditions)["appeals"] == 6
    conditions[2]["value"] = [20, 7]
    assert segmentation.size(conditions)["appeals"] == 0


def test_guests_and_out_of_scope_appeals(yard):
    out = [{"field": "in_scope", "op": "is", "value": False}]
    assert list(segmentation.apply(out)) == [yard["guest"]]


@pytest.mark.parametrize(
    "conditions",
    [
        [],
        [{"field": "age", "op": "in", "value": ["1"]}],
        [{"field": "channel", "op": "between", "value": ["phone"]}],
        [{"field": "hour", "op": "between", "value": [3, 30]}],
        [{"field": "overdue", "op": "is", "value": "yes"}],
    ],
)
def test_bad_definitions_are_refused_with_the_condition_named(yard, conditions):
    with pytest.raises(ValidationError):
        services.save_hypothesis(SegmentHypothesis(name="x", conditions=conditions))


def test_non_users_are_suggested_from_data(yard):
    suggestions = {s.registry_segment: s for s in clustering.non_user_suggestions()}
    assert suggestions["seg-2-2"].appeals == 3  # called instead of writing
    assert suggestions["seg-2-3"].appeals == 1  # no routing rule covers the place


def test_clustering_suggests_segments_that_can_be_saved(yard):
    suggestions = clustering.cluster_appeals(max_clusters=3, min_size=2)
    assert suggestions
    for suggestion in suggestions:
        assert suggestion.appeals >= 1
        services.save_hypothesis(SegmentHypothesis(name=suggestion.name, conditions=suggestion.conditions))


def test_the_segments_page_saves_a_suggestion(client, people, yard):
    client.force_login(people["analyst"])
    page = client.get("/research/segments/?suggest=1").content.decode()
    assert "seg-2-2" in page
    response = client.post(
        "/research/segments/",
        {
            "name": "Звонят",
            "conditions": '[{"field": "channel", "op": "in", "value": ["phone"]}]',
            "segment": "seg-1-1",
        },
    )
    assert response.status_code == 302
    assert "Звонят" in client.get("/research/segments/").content.decode()
    bad = client.post("/research/segments/", {"name": "x", "conditions": "[{"})
    assert bad.status_code == 200 and SegmentHypothesis.objects.count() == 1


def test_definitions_read_in_words(yard):
    from django.utils import translation

    with translation.override("ru"):
        words = segmentation.describe(
            [
                {"field": "channel", "op": "in", "value": ["phone"]},
                {"field": "district", "op": "in", "value": [""]},
            ]
        )
    assert "телефон" in words.lower() and "(не указано)" in words


def test_definitions_name_life_situations_and_kinds_not_their_codes(yard):
    from django.utils import translation

    with translation.override("ru"):
        words = segmentation.describe(
            [
                {"field": "life_situation", "op": "in", "value": ["home-and-yard"]},
                {"field": "kind", "op": "in", "value": ["social_appeal"]},
                {"field": "has_account", "op": "is", "value": False},
            ]
        )
    assert "«Проблема в доме или во дворе»" in words and "home-and-yard" not in words
    assert "social_appeal" not in words and "has_account" not in words
