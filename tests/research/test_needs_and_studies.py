import pytest
from django.core.exceptions import ValidationError

from clientcentric.core.models import AuditEvent
from clientcentric.registry.models import Need, NeedStatus
from clientcentric.research import services
from clientcentric.research.models import Study


def test_a_status_change_from_evidence_keeps_its_public_reason(client, people, yard):
    client.force_login(people["analyst"])
    page = client.get("/research/needs/hy-lift/").content.decode()
    assert "Исправный лифт" in page
    response = client.post(
        "/research/needs/hy-lift/",
        {
            "status": "in_progress",
            "reason": "Лифты в Невском районе заменят до конца года",
            "evidence_note": "6 жалоб",
        },
    )
    assert response.status_code == 302
    need = Need.objects.get(code="hy-lift")
    assert need.status_reason == "Лифты в Невском районе заменят до конца года"
    assert AuditEvent.objects.filter(action="research.need_status_from_evidence").exists()


def test_cannot_meet_without_faq_is_refused_by_the_registry_rule(yard):
    with pytest.raises(ValidationError) as error:
        services.change_need_status(yard["need"], status=NeedStatus.CANNOT_MEET, reason="Дом аварийный")
    assert "faq" in error.value.message_dict
    assert Need.objects.get(code="hy-lift").status == NeedStatus.IN_PROGRESS


def test_a_status_change_needs_a_reason(yard):
    with pytest.raises(ValidationError):
        services.change_need_status(yard["need"], status=NeedStatus.IN_PROGRESS, reason="  ")


def test_a_recommendation_links_a_design_project(client, people, yard, registry):
    from clientcentric.design import services as design
    from clientcentric.design.models import DesignProject

    project = design.save_project(DesignProject(name="Диспетчер лифтов", kind="new", segment=yard["segment"]))
    client.force_login(people["analyst"])
    client.post(
        "/research/needs/hy-lift/",
        {"action": "recommend", "text": "Единый номер диспетчера", "project": project.pk},
    )
    assert project.recommendations.get().need.code == "hy-lift"
    assert "hy-lift" in client.get(f"/design/projects/{project.pk}/").content.decode()


def _study(**fields):
    data = {
        "slug": "lift-interviews",
        "title": "Почему жители не сообщают о лифтах",
        "method": "interview",
        "hypothesis": "Жители не знают, куда звонить",
    }
    data.update(fields)
    return Study(**data)


def test_a_study_is_published_only_with_plain_words(yard):
    with pytest.raises(ValidationError) as error:
        services.save_study(_study(is_published=True))
    assert "is_published" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.save_study(_study(verdict="confirmed", findings=""))


def test_the_public_study_page(client, yard):
    study = services.save_study(
        _study(
            participants_count=15,
            findings="11 из 15 не знали номера",
            verdict="confirmed",
            public_summary="Большинство не знает номер диспетчерской.",
            what_changes="Номер появится на каждой двери лифта.",
            is_published=True,
        ),
        needs=[yard["need"]],
    )
    page = client.get(f"/studies/{study.slug}/").content.decode()
    assert "Номер появится на каждой двери лифта." in page and "Исправный лифт" in page
    assert study.title in client.get("/studies/").content.decode()
    assert client.get("/api/v1/research/studies").json()[0]["slug"] == "lift-interviews"


def test_an_unpublished_study_is_hidden_from_the_public(client, people, yard):
    services.save_study(_study())
    assert client.get("/studies/lift-interviews/").status_code == 404
    client.force_login(people["analyst"])
    assert client.get("/studies/lift-interviews/").status_code == 200
