from clientcentric.design.models import DesignProject
from clientcentric.research.models import SegmentHypothesis, Study


def test_a_study_published_without_plain_words_is_a_form_error(client, people, yard):
    client.force_login(people["analyst"])
    response = client.post(
        "/admin/research/study/add/",
        {
            "slug": "x",
            "title": "Исследование",
            "method": "interview",
            "hypothesis": "Гипотеза",
            "participants_count": 0,
            "verdict": "pending",
            "is_published": "on",
        },
    )
    assert response.status_code == 200 and not Study.objects.exists()
    assert "errornote" in response.content.decode()


def test_bad_conditions_in_the_back_office_are_a_form_error(client, people, yard):
    client.force_login(people["analyst"])
    response = client.post(
        "/admin/research/segmenthypothesis/add/",
        {"name": "x", "conditions": '[{"field": "age", "op": "in", "value": ["1"]}]', "origin": "analyst"},
    )
    assert response.status_code == 200 and not SegmentHypothesis.objects.exists()


def test_a_project_created_in_the_back_office_starts_at_preparation(client, people, registry):
    client.force_login(people["analyst"])
    response = client.post(
        "/admin/design/designproject/add/",
        {
            "name": "Проект",
            "kind": "new",
            "segment": registry["segment"].pk,
            "criteria": '[{"name": "Польза", "weight": 2}]',
            "variants-TOTAL_FORMS": "1",
            "variants-INITIAL_FORMS": "0",
            "variants-0-name": "Вариант",
            "variants-0-scores": '{"Польза": 4}',
            "variants-0-description": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    project = DesignProject.objects.get()
    assert project.stage == "preparation" and project.variants.get().scores == {"Польза": 4}
    bad = client.post(
        "/admin/design/designproject/add/",
        {
            "name": "Другой",
            "kind": "reengineering",
            "segment": registry["segment"].pk,
            "criteria": '[{"name": "Польза"}]',
            "variants-TOTAL_FORMS": "0",
            "variants-INITIAL_FORMS": "0",
        },
    )
    assert bad.status_code == 200 and DesignProject.objects.count() == 1
