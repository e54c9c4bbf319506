import pytest

from clientcentric.appeals import services as appeal_services
from clientcentric.appeals.models import Answer, RoutingRule
from clientcentric.knowledge import services


@pytest.fixture
def appeal(agency, people):
    appeal_services.save_routing_rule(
        RoutingRule(position=1, name="all", conditions={"channel": "portal"}, executor=agency)
    )
    appeal = appeal_services.receive_appeal(
        appeal_services.AppealInput(
            channel="portal",
            text="Как удалить канал?",
            contact_email="a@b.ru",
            contact_name="Анна <b>Петрова</b>",
            topic="Канал",
        )
    ).appeal
    return appeal_services.take(appeal, operator=people["operator"])


@pytest.fixture
def template(db):
    template, _ = services.save_template(
        name="Ответ по каналу",
        body="Здравствуйте, {{ author_name }}! По обращению № {{ appeal_number }}: <script>alert(1)</script>",
        topic="Канал",
        appeal_status="in_progress",
    )
    return template


def test_the_panel_lists_templates_for_the_topic_and_status_and_articles(
    client, people, appeal, template, articles
):
    services.save_template(name="Для другой темы", body="Текст", topic="Лифты")
    client.force_login(people["operator"])
    page = client.get(f"/operator/appeals/{appeal.number}/kb/").content.decode()
    assert "Ответ по каналу" in page and "Для другой темы" not in page
    assert "Как удалить канал?" in page


def test_inserting_a_template_fills_the_variables_and_escapes_html(client, people, appeal, template):
    client.force_login(people["operator"])
    page = client.get(
        f"/operator/appeals/{appeal.number}/kb/insert/", {"template": template.pk, "text": "Начало."}
    ).content.decode()
    assert "Начало." in page and appeal.number in page
    assert "&lt;script&gt;" in page and "<script>" not in page
    assert "Анна &lt;b&gt;Петрова&lt;/b&gt;" in page
    assert f'value="{template.current_version.pk}"' in page


def test_the_answer_records_the_template_version(client, people, appeal, template):
    client.force_login(people["operator"])
    client.post(
        f"/operator/appeals/{appeal.number}/",
        {"action": "answer", "text": "Ответ по шаблону.", "template_version": template.current_version.pk},
    )
    answer = Answer.objects.get()
    assert answer.template_version == template.current_version


def test_an_answer_without_a_template_records_none(client, people, appeal):
    client.force_login(people["operator"])
    client.post(
        f"/operator/appeals/{appeal.number}/", {"action": "answer", "text": "Ответ.", "template_version": "x"}
    )
    assert Answer.objects.get().template_version is None


def test_the_work_page_carries_the_panel(client, people, appeal):
    client.force_login(people["operator"])
    page = client.get(f"/operator/appeals/{appeal.number}/").content.decode()
    assert f"/operator/appeals/{appeal.number}/kb/" in page and 'id="id_template_version"' in page


def test_another_agency_operator_cannot_use_the_panel(client, appeal, db):
    from clientcentric.accounts import services as accounts_services
    from clientcentric.accounts.models import Agency
    from clientcentric.accounts.roles import Role

    other = accounts_services.save_agency(
        Agency(code="x", name="Другой орган", level="municipal", kind="institution")
    )
    stranger = accounts_services.create_person(
        username="s", password="x" * 12, role=Role.OPERATOR, agency=other
    )
    client.force_login(stranger)
    assert client.get(f"/operator/appeals/{appeal.number}/kb/").status_code == 403
