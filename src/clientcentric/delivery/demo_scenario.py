"""The demo of the personal scenario (issue 20): segments with rules, a parent acting for a child, and the dates
the agency expects to meet needs it cannot meet yet. Loaded after `delivery.demo` through the services."""

from datetime import date, timedelta

from django.utils import timezone

from clientcentric.accounts import selectors as representation
from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import Power, User
from clientcentric.accounts.roles import Role
from clientcentric.registry import services as registry_services
from clientcentric.registry.models import LifeSituation, Need, Segment

from .models import SegmentRule
from .services import consents as consent_services
from .services import life_events as life_event_services
from .services import profiles as profile_services
from .services import segments as segment_services

# code, name, description, life situations, rule, why (shown to the client)
SEGMENTS = [
    (
        "families-with-children",
        "Семьи с детьми",
        "В семье есть дети до 18 лет.",
        ["birth", "large-family", "relocation"],
        "n_under_18 >= 1",
        "В вашей семье есть дети до 18 лет",
    ),
    (
        "families-with-infants",
        "Семьи с детьми до трёх лет",
        "Детский сад, пособия по уходу за ребёнком, прививки.",
        ["birth"],
        "n_under_3 >= 1",
        "В вашей семье есть ребёнок младше трёх лет",
    ),
    (
        "seniors",
        "Люди старшего возраста",
        "Пенсия, льготы, помощь на дому.",
        ["retirement", "disability"],
        "age >= 60",
        "Вам 60 лет или больше",
    ),
    (
        "foreign-citizens",
        "Иностранные граждане и лица без гражданства",
        "Регистрация, документы, переводчик на приёме.",
        ["relocation", "lost-documents"],
        "citizenship in ('foreign', 'stateless')",
        "Вы не гражданин России",
    ),
    (
        "low-income-families",
        "Семьи с невысоким доходом",
        "Доход на человека ниже регионального прожиточного минимума.",
        ["birth", "large-family", "job-loss"],
        "n_adults >= 1 and income_pc < 17000",
        "Доход вашей семьи на человека — меньше 17 000 ₽ в месяц",
    ),
    (
        "frequent-clients",
        "Часто обращаются к государству",
        "Те, у кого несколько открытых ситуаций, заявлений или обращений.",
        [],
        "n_situations + n_requests + n_appeals >= 3",
        "У вас несколько открытых ситуаций, заявлений или обращений",
    ),
]

# Needs the agency is working on, with the date it expects to meet them ("why not now, and when").
EXPECTED = {
    "birth-kindergarten": date(2027, 9, 1),
    "pension-veteran": date(2027, 3, 1),
    "move-school": date(2027, 6, 1),
    "job-loss-remote-contact": date(2027, 1, 15),
    "disability-home-help": date(2027, 4, 1),
}


def load(password: str) -> str:
    for code, name, description, situations, rule, why in SEGMENTS:
        segment = Segment.objects.filter(code=code).first() or Segment(code=code)
        segment.name, segment.description = name, description
        registry_services.save_segment(
            segment, life_situations=LifeSituation.objects.filter(code__in=situations)
        )
        existing = SegmentRule.objects.filter(segment=segment).first() or SegmentRule(segment=segment)
        existing.text, existing.explanation, existing.active = rule, why, True
        segment_services.save_segment_rule(existing)
    for code, expected in EXPECTED.items():
        need = (
            Need.objects.filter(code=code).prefetch_related("life_situations", "segments", "services").first()
        )
        if need is None or need.expected_on == expected:
            continue
        need.expected_on = expected
        registry_services.save_need(
            need,
            life_situations=list(need.life_situations.all()),
            segments=list(need.segments.all()),
            services=list(need.services.all()),
        )
    mother = User.objects.get(username="client")
    child = User.objects.filter(username="sofia").first()
    if child is None:
        child = accounts_services.create_person(
            username="sofia",
            password=password,
            role=Role.CLIENT,
            last_name="Иванова",
            first_name="Софья",
            patronymic="Петровна",
        )
        profile = profile_services.profile_of(child)
        profile.birth_date = date(2019, 6, 20)
        profile_services.save_profile(profile, actor=mother)
    if not representation.acts_for(mother, client=child):
        accounts_services.appoint_representative(
            person=mother,
            client=child,
            basis="Свидетельство о рождении V-АК № 512034 (мать)",
            valid_from=date(2019, 6, 20),
            valid_to=date(2037, 6, 20),
        )
    # The mother opens her daughter's situation and consents for her: the daughter's history names the mother.
    lost = LifeSituation.objects.filter(code="lost-documents").first()
    if lost is not None:
        life_event_services.open_life_situation(child, lost, actor=mother)
        consent_services.give_consent(child, life_situation=lost, actor=mother)
    for user in User.objects.filter(username__in=["client", "pensioner", "newcomer", "sofia"]):
        segment_services.assign_segments(user, on=timezone.localdate())
    # The pensioner says the low-income segment is not about him (he has savings): later runs respect it.
    pensioner = User.objects.filter(username="pensioner").first()
    low = Segment.objects.get(code="low-income-families")
    if pensioner is not None:
        segment_services.correct_segment(pensioner, low, belongs=False, actor=pensioner)
        # A power of attorney that lists its powers (DEL-2): the pensioner lets Мария file his appeals and book
        # his appointments, not apply for services or see his data.
        if not representation.acts_for(mother, client=pensioner):
            today = timezone.localdate()
            accounts_services.appoint_representative(
                person=mother,
                client=pensioner,
                kind="attorney",
                basis="Доверенность 78 АБ 1234567, удостоверена нотариусом",
                valid_from=today.replace(day=1),
                valid_to=today.replace(day=1) + timedelta(days=365),
                powers=[Power.APPEALS, Power.APPOINTMENTS],
            )
    return (
        f"Personal scenario: {len(SEGMENTS)} segment rules, {len(EXPECTED)} needs with an expected date, "
        "client (Иванова М. С.) acts for her daughter sofia and, by a power of attorney for appeals and "
        "appointments, for pensioner"
    )
