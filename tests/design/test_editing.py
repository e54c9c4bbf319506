"""A methodologist edits design projects on their own pages: scenarios, criteria, variants with their scores,
audience tests with criteria and tasks — with Russian errors next to the field, through the services."""

from clientcentric.core.models import AuditEvent
from clientcentric.design.models import AudienceTest, DesignProject, Stage, Variant

from .conftest import run_test


def criteria_form(rows, extra=0):
    data = {
        "criteria-TOTAL_FORMS": str(len(rows) + extra),
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for index, (name, weight) in enumerate(rows):
        data[f"criteria-{index}-name"] = name
        data[f"criteria-{index}-weight"] = str(weight)
    return data


def test_methodologist_creates_a_project_with_criteria(client, people, registry):
    client.force_login(people["methodologist"])
    data = {
        "name": "Справка о пенсии в один клик",
        "kind": "new",
        "segment": registry["segment"].pk,
        "needs": [registry["in_progress"].pk],
        "best_practices": "Госуслуги: справка приходит в личный кабинет.",
        **criteria_form([("Польза", 3), ("Стоимость", 1)], extra=1),
    }
    response = client.post("/design/projects/new/", data)
    project = DesignProject.objects.get(name="Справка о пенсии в один клик")
    assert response.status_code == 302 and response["Location"] == f"/design/projects/{project.pk}/"
    assert project.criteria == [{"name": "Польза", "weight": 3}, {"name": "Стоимость", "weight": 1}]
    assert list(project.needs.all()) == [registry["in_progress"]]
    assert project.stage == Stage.PREPARATION and project.created_by == people["methodologist"]
    assert AuditEvent.objects.filter(action="design.project_created").exists()


def test_errors_are_in_russian_next_to_the_field(client, people, registry, project):
    client.force_login(people["methodologist"])
    data = {
        "name": project.name,
        "kind": "reengineering",
        "segment": registry["segment"].pk,
        **criteria_form([("Польза", 3), ("Польза", 2), ("Скорость", "")]),
    }
    response = client.post(f"/design/projects/{project.pk}/edit/", data)
    page = response.content.decode()
    assert response.status_code == 422
    assert "Критерий «Польза» указан дважды." in page
    assert "Укажите вес критерия от 1 до 10." in page
    data = {"name": "", "kind": "reengineering", "segment": registry["segment"].pk, **criteria_form([])}
    page = client.post(f"/design/projects/{project.pk}/edit/", data).content.decode()
    assert "Обязательное поле." in page
    data = {
        "name": "Без услуги",
        "kind": "reengineering",
        "segment": registry["segment"].pk,
        **criteria_form([]),
    }
    page = client.post(f"/design/projects/{project.pk}/edit/", data).content.decode()
    assert "Для реинжиниринга укажите существующую услугу, которую он меняет." in page
    assert DesignProject.objects.get(pk=project.pk).name == "Сообщить о проблеме по телефону с трекером"


def test_the_edit_form_cannot_move_the_stage(client, people, registry, project):
    client.force_login(people["methodologist"])
    data = {
        "name": project.name,
        "kind": "reengineering",
        "service": registry["service"].pk,
        "segment": registry["segment"].pk,
        "stage": "pilot",
        **criteria_form([("Польза для жителей", 3)]),
    }
    assert client.post(f"/design/projects/{project.pk}/edit/", data).status_code == 302
    assert DesignProject.objects.get(pk=project.pk).stage == Stage.PREPARATION


def test_variant_with_scores_fills_the_assessment_matrix(client, people, project):
    client.force_login(people["methodologist"])
    response = client.post(
        f"/design/projects/{project.pk}/variants/new/",
        {"name": "SMS со ссылкой на трекер", "is_chosen": "on", "score_0": "5", "score_1": "3"},
    )
    assert response.status_code == 302
    variant = Variant.objects.get(project=project)
    assert variant.scores == {"Польза для жителей": 5, "Стоимость": 3} and variant.is_chosen
    page = client.get(f"/design/projects/{project.pk}/").content.decode()
    assert "4.50" in page.replace(",", ".")  # (5×3 + 3×1) / 4
    response = client.post(
        f"/design/projects/{project.pk}/variants/{variant.pk}/", {"name": "", "score_0": "9"}
    )
    page = response.content.decode()
    assert response.status_code == 422 and "Обязательное поле." in page
    assert "Выберите корректный вариант" in page  # 9 is not a score 1…5
    client.post(f"/design/projects/{project.pk}/variants/{variant.pk}/", {"action": "delete"})
    assert not Variant.objects.filter(project=project).exists()


def test_removing_a_criterion_removes_its_scores(client, people, registry, project):
    from clientcentric.design import services

    variant = services.save_variant(
        Variant(project=project, name="А", scores={"Польза для жителей": 4, "Стоимость": 2})
    )
    client.force_login(people["methodologist"])
    data = {
        "name": project.name,
        "kind": "reengineering",
        "service": registry["service"].pk,
        "segment": registry["segment"].pk,
        **criteria_form([("Польза для жителей", 3)]),
    }
    assert client.post(f"/design/projects/{project.pk}/edit/", data).status_code == 302
    variant.refresh_from_db()
    assert variant.scores == {"Польза для жителей": 4}


def test_audience_test_is_created_and_its_criteria_edited(client, people, project, registry):
    client.force_login(people["methodologist"])
    data = {
        "title": "Бета-тест трекера",
        "phase": "beta",
        "segment": registry["segment"].pk,
        "min_success_rate": "0.6",
        "min_sus": "68",
        "tasks": "Сообщить о протечке\n\nНайти статус обращения\n",
    }
    response = client.post(f"/design/projects/{project.pk}/tests/new/", data)
    test = AudienceTest.objects.get(project=project)
    assert response.status_code == 302 and response["Location"] == f"/design/tests/{test.pk}/"
    assert list(test.tasks.values_list("text", flat=True)) == [
        "Сообщить о протечке",
        "Найти статус обращения",
    ]
    response = client.post(
        f"/design/projects/{project.pk}/tests/{test.pk}/edit/",
        {**data, "min_success_rate": "1.5", "max_time_seconds": "-3"},
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "Убедитесь, что это значение меньше либо равно 1." in page
    assert "Значение не может быть отрицательным." in page
    empty = {k: v for k, v in data.items() if k not in ("min_success_rate", "min_sus")}
    page = client.post(f"/design/projects/{project.pk}/tests/{test.pk}/edit/", empty).content.decode()
    assert "Задайте тесту хотя бы один критерий успеха." in page
    assert (
        client.post(
            f"/design/projects/{project.pk}/tests/{test.pk}/edit/", {**data, "max_effort": "3"}
        ).status_code
        == 302
    )
    assert AudienceTest.objects.get(pk=test.pk).max_effort == 3


def test_tasks_with_results_and_completed_tests_stay_as_they_are(client, people, project, panel, registry):
    test = run_test(project, panel[:2], complete=False)
    client.force_login(people["methodologist"])
    data = {"title": test.title, "phase": "beta", "segment": registry["segment"].pk, "min_sus": "70"}
    same_tasks = "Сообщить о протечке\nНайти статус обращения"
    url = f"/design/projects/{project.pk}/tests/{test.pk}/edit/"
    assert client.post(url, {**data, "tasks": same_tasks}).status_code == 302  # criteria change, results kept
    assert test.participations.first().results.count() == 2
    page = client.post(url, {**data, "tasks": "Другое задание"}).content.decode()
    assert "Задания нельзя менять после того, как по ним записаны результаты." in page
    from clientcentric.design import services

    services.complete_test(test)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == f"/design/tests/{test.pk}/"


def test_analysts_read_but_do_not_edit(client, people, project):
    client.force_login(people["analyst"])
    page = client.get(f"/design/projects/{project.pk}/").content.decode()
    assert f"/design/projects/{project.pk}/edit/" not in page
    assert client.get(f"/design/projects/{project.pk}/edit/").status_code == 403
    client.force_login(people["methodologist"])
    page = client.get(f"/design/projects/{project.pk}/").content.decode()
    assert f"/design/projects/{project.pk}/edit/" in page and "variants/new/" in page
