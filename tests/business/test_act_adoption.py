"""A draft act of mandatory requirements is adopted by its developer only once every element of article 10 of
247-ФЗ is stated (issue 19, OT-2); acts imported as already in force are marked, not refused."""

import pytest
from django.core.exceptions import ValidationError

from clientcentric.business import services
from clientcentric.business.models import Act, Requirement
from clientcentric.core.models import AuditEvent
from clientcentric.core.services import status


def _draft(agency, **fields) -> Act:
    act = Act(
        code="ПРОЕКТ-1", title="Правила хранения муки", developer=agency, stage=Act.Stage.DRAFT, **fields
    )
    return services.save_act(act)


def test_a_draft_lacking_elements_is_refused_with_each_one_named_in_russian(db, agency, people):
    act = _draft(agency)
    with pytest.raises(ValidationError) as error:
        services.adopt_act(act, actor=people["methodologist"])
    messages = error.value.messages
    assert len(messages) == 5
    assert any("кто обязан соблюдать" in m for m in messages)
    assert any("орган" in m for m in messages)
    act.refresh_from_db()
    assert act.stage == "draft" and act.adopted_at is None
    assert AuditEvent.objects.filter(action="business.act_adoption_refused", object_id=str(act.pk)).exists()


def test_a_draft_with_every_element_is_adopted_and_audited(db, agency, people):
    act = _draft(
        agency,
        scope_rule="has_premises",
        scope_explanation="Организации и ИП, у которых есть склады муки.",
        assessment_forms="выездная проверка",
        supervisory_body="Роспотребнадзор",
    )
    services.save_requirement(Requirement(act=act, item_no="1", text="Хранить муку на поддонах."))
    adopted = services.adopt_act(act, actor=people["methodologist"])
    assert adopted.stage == "adopted" and adopted.adopted_at is not None
    assert [(c.from_status, c.to_status) for c in status.history(adopted)] == [("draft", "adopted")]
    assert AuditEvent.objects.filter(action="business.act_adopted", object_id=str(act.pk)).exists()
    with pytest.raises(ValidationError):
        services.adopt_act(adopted, actor=people["methodologist"])


def test_an_act_imported_in_force_is_kept_and_marked_on_the_desk(client, db, agency, people):
    services.save_act(Act(code="B", title="Правила Б", developer=agency))  # in force, without the elements
    draft = _draft(agency)
    client.force_login(people["methodologist"])
    page = client.get("/business/developer/").content.decode()
    assert "не хватает элементов ст. 10" in page
    assert "1 действующему акту не хватает элементов ст. 10" in page
    assert f"/business/acts/{draft.pk}/adopt/" in page
    # The refusal on the desk lists what is missing; nothing changes.
    answer = client.post(f"/business/acts/{draft.pk}/adopt/", follow=True)
    text = answer.content.decode()
    assert "пока нельзя принять" in text and "не указан орган" in text
    draft.refresh_from_db()
    assert draft.stage == "draft"


def test_an_analyst_reads_the_desk_but_cannot_adopt(client, db, agency, people):
    draft = _draft(agency)
    client.force_login(people["analyst"])
    assert f"/business/acts/{draft.pk}/adopt/" not in client.get("/business/developer/").content.decode()
    assert client.post(f"/business/acts/{draft.pk}/adopt/").status_code == 403


def test_an_act_written_in_the_back_office_starts_as_a_draft(client, db, agency, people):
    client.force_login(people["admin"])
    answer = client.post(
        "/admin/business/act/add/",
        {
            "code": "НОВЫЙ",
            "title": "Новые правила",
            "developer": agency.pk,
            "effective_from": "",
            "scope_rule": "",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert Act.objects.get(code="НОВЫЙ").stage == "draft"
