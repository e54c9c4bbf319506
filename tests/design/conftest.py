import pytest

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.roles import Role
from clientcentric.design import services
from clientcentric.design.models import AudienceTest, DesignProject, Variant

CRITERIA = [{"name": "Польза для жителей", "weight": 3}, {"name": "Стоимость", "weight": 1}]


@pytest.fixture
def project(registry):
    project = services.save_project(
        DesignProject(
            name="Сообщить о проблеме по телефону с трекером",
            kind="reengineering",
            service=registry["service"],
            segment=registry["segment"],
            criteria=CRITERIA,
        )
    )
    return project


def prepare(project):
    project.as_is = "Житель звонит, номер не получает, статус не видит."
    project.practice_analysis = "Треть звонков повторные."
    project.best_practices = "Москва: единый номер и SMS со ссылкой на трекер."
    project.to_be = "Оператор заводит обращение, житель получает SMS со ссылкой."
    services.save_project(project)
    services.save_variant(
        Variant(
            project=project,
            name="SMS со ссылкой",
            scores={"Польза для жителей": 5, "Стоимость": 3},
            is_chosen=True,
        )
    )
    return project


@pytest.fixture
def panel(registry):
    members = []
    for index in range(8):
        person = accounts_services.create_person(
            username=f"panel-{index}", password="x" * 12, role=Role.CLIENT
        )
        members.append(services.join_panel(person, segments=[registry["segment"]]))
    return members


def run_test(project, panel, *, phase="beta", segment=None, success=True, complete=True):
    test = services.save_test(
        AudienceTest(
            project=project,
            phase=phase,
            segment=segment or project.segment,
            title="Бета-тест",
            min_success_rate=0.6,
            min_sus=68,
        ),
        tasks=["Сообщить о протечке", "Найти статус обращения"],
    )
    tasks = list(test.tasks.all())
    for member in panel:
        participation = services.add_participant(test, member)
        services.record_results(
            participation,
            results=[
                (task, success, 40.0 + index * 5, 0 if success else 2) for index, task in enumerate(tasks)
            ],
            sus_answers=[5, 1, 5, 2, 4, 1, 5, 1, 4, 2] if success else [2, 4, 2, 4, 2, 4, 2, 4, 2, 4],
            effort=2,
        )
    if complete:
        test = services.complete_test(test)
    return test
