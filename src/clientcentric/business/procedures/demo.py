"""Demo of the assessment procedures: an accredited expert and a conclusion on the anti-corruption draft, the
developer's answers to part of the warehouse draft's comments, and the fire rules' six-year term."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import User

from ..models import Act, Draft, DraftComment
from ..models_procedures import Expert, ExpertConclusion
from . import services

# A person accredited by the Ministry of Justice as an independent expert (demo data, not a real person).
EXPERT_ACCOUNT = ("expert", "Назарова", "Ирина")

ANSWERS = (
    ("partly", "Периодичность проверки журнала снижена с ежеквартальной до раза в полгода."),
    ("rejected", "Журнал нужен для расследования пожаров: без него нельзя восстановить, что хранилось."),
    ("accepted", "В проект добавлен образец журнала и разрешено вести его в электронном виде."),
)


@transaction.atomic
def load(password: str) -> str:
    today = timezone.localdate()
    user = User.objects.filter(username=EXPERT_ACCOUNT[0]).first() or accounts_services.create_person(
        username=EXPERT_ACCOUNT[0],
        password=password,
        role="client",
        last_name=EXPERT_ACCOUNT[1],
        first_name=EXPERT_ACCOUNT[2],
    )
    expert = Expert.objects.filter(user=user).first()
    if expert is None:
        expert = services.register_expert(
            user,
            full_name="Назарова Ирина Сергеевна",
            accreditation_number="1287-р",
            accredited_on=today - timedelta(days=700),
            valid_until=today + timedelta(days=1100),
        )
        expert = services.decide_expert(expert, verified=True)
    draft = Draft.objects.filter(procedure=Draft.Procedure.ANTI_CORRUPTION).order_by("pk").first()
    if draft and not ExpertConclusion.objects.filter(draft=draft, expert=expert).exists():
        if draft.opens_on <= today <= draft.closes_on:
            services.file_conclusion(
                draft,
                expert,
                factors=["discretion", "no_procedures"],
                text=(
                    "Пункт 7 проекта позволяет работодателю «при необходимости» требовать дополнительные "
                    "документы, не называя их; срок выдачи наряда-допуска не установлен."
                ),
                proposals="Привести исчерпывающий перечень документов и установить срок выдачи — 1 рабочий день.",
            )
    warehouse = Draft.objects.filter(
        title__startswith="Проект изменений в Правила противопожарного режима"
    ).first()
    answered = 0
    if warehouse:
        comments = DraftComment.objects.filter(draft=warehouse, answer__isnull=True).order_by("pk")[:6]
        for number, comment in enumerate(comments):
            position, text = ANSWERS[number % len(ANSWERS)]
            services.answer_comment(comment, position=position, text=text)
            answered += 1
    # ПП РФ № 1479, item 4: in force from 1 January 2021 until 31 December 2026 — the desk shows it ending.
    fire = Act.objects.filter(code="ПП_1479_ППР", effective_to__isnull=True).first()
    if fire:
        fire.effective_to = date(2026, 12, 31)
        from .. import services as business_services

        business_services.save_act(fire)
    return f"independent expert {EXPERT_ACCOUNT[0]} (verified); {answered} answers of the developer"
