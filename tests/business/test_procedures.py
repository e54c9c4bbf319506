"""ОРВ summary report with the developer's answers, independent anti-corruption experts and their conclusions."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import BusinessClient
from clientcentric.business import services
from clientcentric.business.models import BusinessProfile, Draft, Expert
from clientcentric.business.procedures import selectors
from clientcentric.business.procedures import services as procedures
from clientcentric.core.models import AuditEvent
from tests.pdf_layout import layout_problems, pdf_text

from .conftest import VALID_INN, VALID_OGRN


@pytest.fixture
def draft(agency):
    today = timezone.localdate()
    return services.save_draft(
        Draft(
            title="Проект журнала хранения пожароопасных веществ",
            developer=agency,
            procedure=Draft.Procedure.RIA,
            degree=Draft.Degree.HIGH,
            summary="Вводится журнал хранения пожароопасных веществ.",
            scope_explanation="Организации со складами.",
            opens_on=today - timedelta(days=5),
            closes_on=today + timedelta(days=20),
        )
    )


def _business(n: int) -> BusinessProfile:
    inns = ["7707083893", "7736050003"]
    ogrns = ["1027700132195", "1027700070518"]
    business = accounts_services.save_business(
        BusinessClient(name=f"ООО «Склад {n}»", kind="legal_entity", inn=inns[n])
    )
    return services.save_profile(
        BusinessProfile(business=business, ogrn=ogrns[n], okved=["10.71"], size="small", region="78")
    )


@pytest.fixture
def comments(draft):
    first = services.comment_on_draft(
        draft, _business(0), rating=2, text="Журнал раз в квартал — слишком часто."
    )
    second = services.comment_on_draft(draft, _business(1), rating=4, text="Поддерживаем, нужен образец.")
    return first, second


@pytest.fixture
def expert(people):
    today = timezone.localdate()
    registered = procedures.register_expert(
        people["client"],
        full_name="Иванова Мария Петровна",
        accreditation_number="1234-р",
        accredited_on=today - timedelta(days=400),
        valid_until=today + timedelta(days=1000),
    )
    return procedures.decide_expert(registered, verified=True, actor=people["methodologist"])


def test_the_summary_report_counts_the_developers_positions_and_waits_for_every_answer(
    draft, comments, people
):
    today = timezone.localdate()
    report = selectors.summary_report(draft, today)
    assert (report["count"], report["unanswered"], report["final"]) == (2, 2, False)
    procedures.answer_comment(
        comments[0],
        position="partly",
        text="Периодичность снижена до полугода.",
        actor=people["methodologist"],
    )
    procedures.answer_comment(comments[1], position="accepted", text="Образец добавлен.", actor=None)
    after = selectors.summary_report(draft, draft.closes_on + timedelta(days=1))
    assert after["unanswered"] == 0 and after["final"] is True
    assert [n for _label, n in after["positions"]] == [1, 1, 0]  # accepted, partly, rejected
    assert (after["days"], after["min_days"], after["max_days"]) == (25, 20, 45)


def test_an_answer_needs_a_position_and_a_reason(comments):
    with pytest.raises(ValidationError) as error:
        procedures.answer_comment(comments[0], position="maybe", text=" ")
    assert set(error.value.message_dict) == {"position", "text"}


def test_the_developer_reads_and_answers_the_report_and_prints_it(client, people, draft, comments):
    client.force_login(people["methodologist"])
    page = client.get(f"/business/consultations/{draft.pk}/report/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Сводный отчёт" in text and "Журнал раз в квартал" in text
    response = client.post(
        f"/business/consultations/{draft.pk}/comments/{comments[0].pk}/answer/",
        {"position": "rejected", "text": "Квартальная периодичность нужна для контроля остатков."},
    )
    assert response.status_code == 302
    assert comments[0].__class__.objects.get(pk=comments[0].pk).answer.position == "rejected"
    pdf = client.get(f"/business/consultations/{draft.pk}/report.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    words = pdf_text(pdf.content)
    assert "Квартальная периодичность" in words and "не учтено" in words.lower()
    assert AuditEvent.objects.filter(action="business.summary_report_printed").count() == 1


def test_the_printed_report_keeps_every_line_on_the_page(draft, comments):
    from django.template.loader import render_to_string

    procedures.answer_comment(comments[0], position="partly", text="Периодичность " * 40, actor=None)
    today = timezone.localdate()
    html = render_to_string(
        "business/procedures/report_pdf.html",
        {"draft": draft, "today": today, **selectors.summary_report(draft, today)},
    )
    assert layout_problems(html) == []


def test_an_analyst_reads_the_report_but_does_not_answer(client, people, draft, comments):
    client.force_login(people["analyst"])
    assert client.get(f"/business/consultations/{draft.pk}/report/").status_code == 200
    url = f"/business/consultations/{draft.pk}/comments/{comments[0].pk}/answer/"
    assert client.post(url, {"position": "accepted", "text": "Да"}).status_code == 403


# ---- independent experts ---------------------------------------------------------------------------------


def test_staff_cannot_register_as_experts(people):
    with pytest.raises(ValidationError):
        procedures.register_expert(
            people["methodologist"],
            full_name="Орлова",
            accreditation_number="1",
            accredited_on=date(2024, 1, 1),
            valid_until=date(2029, 1, 1),
        )


def test_an_expired_accreditation_is_refused_in_russian_naming_the_field(client, people):
    client.force_login(people["client"])
    response = client.post(
        "/business/expertise/",
        {
            "full_name": "Иванова",
            "accreditation_number": "77-р",
            "accredited_on": "2015-01-10",
            "valid_until": "2020-01-10",
        },
    )
    assert response.status_code == 422
    assert "Срок аккредитации истёк" in response.content.decode()
    assert not Expert.objects.exists()


def test_a_rejection_needs_a_reason_and_an_unverified_expert_files_nothing(people, draft):
    today = timezone.localdate()
    pending = procedures.register_expert(
        people["client"],
        full_name="Иванова",
        accreditation_number="99-р",
        accredited_on=today - timedelta(days=10),
        valid_until=today + timedelta(days=100),
    )
    with pytest.raises(ValidationError):
        procedures.file_conclusion(draft, pending, factors=[], text="Факторов нет.")
    with pytest.raises(ValidationError) as error:
        procedures.decide_expert(pending, verified=False, reason="")
    assert "reason" in error.value.message_dict
    rejected = procedures.decide_expert(pending, verified=False, reason="Нет в реестре Минюста.")
    assert rejected.status == Expert.Status.REJECTED


def test_a_verified_expert_files_a_conclusion_the_developer_answers_and_businesses_read(
    client, people, draft, expert, business_profile
):
    with pytest.raises(ValidationError) as error:
        procedures.file_conclusion(draft, expert, factors=["discretion"], text="Есть фактор.", proposals="")
    assert "proposals" in error.value.message_dict
    conclusion = procedures.file_conclusion(
        draft,
        expert,
        factors=["discretion", "linguistic"],
        text="Срок рассмотрения журнала не установлен.",
        proposals="Установить срок 10 рабочих дней.",
    )
    assert conclusion.factor_labels[0] == "широта дискреционных полномочий"
    procedures.answer_conclusion(
        conclusion, position="accepted", text="Срок добавлен.", actor=people["methodologist"]
    )
    with pytest.raises(ValidationError):
        procedures.file_conclusion(draft, expert, factors=[], text="Передумала.")
    report = selectors.summary_report(draft, timezone.localdate())
    assert report["factors"][0] == ("широта дискреционных полномочий", 1)
    client.force_login(people["business_representative"])
    page = client.get(f"/business/consultations/{draft.pk}/").content.decode()
    assert "Иванова Мария Петровна" in page and "Срок добавлен." in page


def test_conclusions_are_accepted_only_while_the_window_is_open(draft, expert):
    with pytest.raises(ValidationError):
        procedures.file_conclusion(
            draft, expert, factors=[], text="Факторов нет.", today=draft.closes_on + timedelta(days=1)
        )


def test_the_expert_registers_staff_verify_and_the_expert_files_through_the_pages(client, people, draft):
    today = timezone.localdate()
    client.force_login(people["client"])
    response = client.post(
        "/business/expertise/",
        {
            "full_name": "АНО «Центр правовой экспертизы»",
            "accreditation_number": "2345-р",
            "accredited_on": (today - timedelta(days=30)).isoformat(),
            "valid_until": (today + timedelta(days=1800)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert client.get(f"/business/expertise/{draft.pk}/").status_code == 302  # not verified yet
    expert = Expert.objects.get()
    client.force_login(people["methodologist"])
    assert "2345-р" in client.get("/business/experts/").content.decode()
    client.post(f"/business/experts/{expert.pk}/decide/", {"verified": "1", "reason": ""})
    expert.refresh_from_db()
    assert expert.status == Expert.Status.VERIFIED and expert.decided_by == people["methodologist"]
    client.force_login(people["client"])
    assert draft.title in client.get("/business/expertise/").content.decode()
    response = client.post(
        f"/business/expertise/{draft.pk}/",
        {"factors": ["no_procedures"], "text": "Нет порядка.", "proposals": ""},
    )
    assert response.status_code == 422 and "как устранить" in response.content.decode().lower()
    response = client.post(
        f"/business/expertise/{draft.pk}/",
        {"factors": ["no_procedures"], "text": "Нет порядка.", "proposals": "Описать порядок."},
    )
    assert response.status_code == 302
    assert expert.conclusions.get().factors == ["no_procedures"]


def test_a_business_profile_is_not_needed_to_be_an_expert(people):
    """Today a comment needs a business profile; an expert's conclusion does not."""
    assert not BusinessProfile.objects.filter(business__inn=VALID_INN, ogrn=VALID_OGRN).exists()
    today = timezone.localdate()
    expert = procedures.register_expert(
        people["business_representative"],
        full_name="Петров",
        accreditation_number="5-р",
        accredited_on=today - timedelta(days=1),
        valid_until=today + timedelta(days=10),
    )
    assert expert.status == Expert.Status.PENDING


def test_both_answers_of_the_developer_keep_who_answered_and_when(people, draft, comments, expert):
    from clientcentric.business.models_procedures import CommentAnswer, DeveloperAnswer, ExpertConclusion

    assert issubclass(CommentAnswer, DeveloperAnswer) and issubclass(ExpertConclusion, DeveloperAnswer)
    # A comment's answer exists only once given; a conclusion waits for its answer.
    assert not CommentAnswer._meta.get_field("answered_at").null
    assert ExpertConclusion._meta.get_field("answered_at").null
    answer = procedures.answer_comment(
        comments[0], position="accepted", text="Учтено.", actor=people["methodologist"]
    )
    conclusion = procedures.file_conclusion(
        draft, expert, factors=["discretion"], text="Нет срока.", proposals="Установить срок."
    )
    assert conclusion.answered_at is None and conclusion.answered_by is None
    procedures.answer_conclusion(conclusion, position="partly", text="Срок установлен.", actor=None)
    conclusion.refresh_from_db()
    assert answer.answered_by == people["methodologist"] and answer.answered_at is not None
    assert conclusion.answered_by is None and conclusion.answered_at is not None
    assert conclusion.answer_position == "partly"
