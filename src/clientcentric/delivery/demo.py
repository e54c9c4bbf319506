"""Demo data in Russian: clients with families, consents, rules for the demo registry, offices, and life events
that produced offers. Safe to run again."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import Agency, User
from clientcentric.accounts.roles import Role
from clientcentric.registry.models import LifeSituation, Service

from .models import ConsentText, HouseholdMember, Office, RefusalReason, Slot
from .services import consents as consent_services
from .services import life_events as life_event_services
from .services import profiles as profile_services
from .services import rulebook
from .validators import snils_checksum

CONSENT_TEXT = (
    "Я разрешаю органам власти Демонстрационной области использовать сведения обо мне и моей семье, "
    "которые уже есть в государственных информационных системах, чтобы заранее проверять моё право на услуги "
    "выбранной жизненной ситуации и предлагать мне их на удобном канале связи. Согласие можно отозвать в любой "
    "момент в личном кабинете; после отзыва все неотправленные предложения останавливаются."
)

PARAMETERS = """
parameters:
  subsistence_minimum: [{from: 2025-01-01, value: 17733.0}, {from: 2026-01-01, value: 18939.0}]
  pensioner_minimum: [{from: 2025-01-01, value: 15250.0}, {from: 2026-01-01, value: 16288.0}]
  pension_age: [{from: 2024-01-01, value: 63}]
"""

RULES = [
    # id, service, text, inform without consent, yes, no, example facts → expect
    (
        "unified-benefit",
        "unified-child-benefit",
        "n_under_18 >= 1 and income_pc < P.subsistence_minimum and citizenship in ('rf', 'dual')",
        False,
        "В семье есть дети до 18 лет, а доход на человека ниже прожиточного минимума.",
        "Доход семьи на человека выше прожиточного минимума.",
        [
            ({"n_under_18": 2, "income_pc": 12000, "citizenship": "rf"}, "eligible"),
            ({"n_under_18": 2, "income_pc": 30000, "citizenship": "rf"}, "not_eligible"),
            ({"n_under_18": 2, "citizenship": "rf"}, "unknown"),
        ],
    ),
    (
        "birth-lump-sum",
        "birth-lump-sum",
        "n_under_1 >= 1",
        False,
        "В семье родился ребёнок: единовременное пособие положено всем родителям.",
        "В семье нет ребёнка до года.",
        [({"n_under_1": 1}, "eligible"), ({"n_under_1": 0}, "not_eligible")],
    ),
    (
        "childcare-allowance",
        "childcare-allowance",
        "n_under_1 >= 1 and not unemployed",
        False,
        "Вы ухаживаете за ребёнком до полутора лет и работали до отпуска.",
        "Пособие по уходу платят работавшим родителям.",
        [
            ({"n_under_1": 1, "unemployed": False}, "eligible"),
            ({"n_under_1": 1, "unemployed": True}, "not_eligible"),
        ],
    ),
    (
        "maternity-capital",
        "maternity-capital",
        "n_children >= 1 and citizenship in ('rf', 'dual')",
        True,
        "В семье есть ребёнок, рождённый после 2007 года: сертификат выдаётся без заявления.",
        "Материнский капитал положен семьям с детьми-гражданами России.",
        [
            ({"n_children": 1, "citizenship": "rf"}, "eligible"),
            ({"n_children": 0, "citizenship": "rf"}, "not_eligible"),
        ],
    ),
    (
        "snils-newborn",
        "snils-newborn",
        "n_under_1 >= 1",
        False,
        "Ребёнку присвоят СНИЛС без заявления.",
        "В семье нет новорождённого.",
        [({"n_under_1": 1}, "eligible")],
    ),
    (
        "kindergarten",
        "kindergarten-queue",
        "n_under_6 >= 1",
        True,
        "В семье есть ребёнок дошкольного возраста: можно встать в очередь в детский сад.",
        "В семье нет детей до 6 лет.",
        [({"n_under_6": 1}, "eligible"), ({"n_under_6": 0}, "not_eligible")],
    ),
    (
        "old-age-pension",
        "old-age-pension",
        "age >= P.pension_age and citizenship in ('rf', 'dual')",
        False,
        "Вы достигли пенсионного возраста: пенсия назначается без заявления.",
        "Пенсионный возраст ещё не наступил.",
        [({"age": 64, "citizenship": "rf"}, "eligible"), ({"age": 50, "citizenship": "rf"}, "not_eligible")],
    ),
    (
        "social-supplement",
        "federal-social-supplement",
        "age >= P.pension_age and salary < P.pensioner_minimum",
        False,
        "Ваш доход меньше минимума для пенсионера. Вам положена доплата до этой суммы.",
        "Ваш доход не ниже прожиточного минимума пенсионера.",
        [
            ({"age": 65, "salary": 12000}, "eligible"),
            ({"age": 65, "salary": 25000}, "not_eligible"),
            ({"age": 65}, "unknown"),
        ],
    ),
    (
        "unemployment",
        "unemployment-registration",
        "unemployed and age >= 16",
        True,
        "Вы потеряли работу: можно встать на учёт и получать пособие.",
        "Пособие платят безработным с 16 лет.",
        [({"unemployed": True, "age": 30}, "eligible"), ({"unemployed": False, "age": 30}, "not_eligible")],
    ),
    (
        "job-search",
        "job-search",
        "unemployed",
        False,
        "Центр занятости подберёт вам работу.",
        "Вы не ищете работу.",
        [({"unemployed": True}, "eligible")],
    ),
    (
        "disability-payment",
        "disability-monthly-payment",
        "disability",
        False,
        "Вам установлена инвалидность: ежемесячная выплата назначается без заявления.",
        "Инвалидность не установлена.",
        [({"disability": True}, "eligible"), ({"disability": False}, "not_eligible")],
    ),
    (
        "large-family-certificate",
        "large-family-certificate",
        "n_children >= 3",
        True,
        "В семье трое или больше детей: можно получить удостоверение многодетной семьи.",
        "Удостоверение выдают семьям с тремя и более детьми.",
        [({"n_children": 3}, "eligible"), ({"n_children": 2}, "not_eligible")],
    ),
    (
        "residence-registration",
        "residence-registration",
        "age >= 14",
        False,
        "Вы сменили адрес: зарегистрируйтесь по новому месту жительства онлайн.",
        "Регистрация нужна с 14 лет.",
        [({"age": 30}, "eligible")],
    ),
    (
        "funeral-allowance",
        "funeral-allowance",
        "is_adult",
        False,
        "Вы взяли на себя похороны близкого. Вам положено пособие на погребение.",
        "Пособие получает взрослый.",
        [({"is_adult": True}, "eligible")],
    ),
]

REASONS = [
    (
        "income-above-threshold",
        "Доход выше порога",
        "Доход семьи на человека выше прожиточного минимума в регионе.",
        "Если доход семьи снизился, подайте заявление снова — мы пересчитаем его по новым сведениям.",
        False,
    ),
    (
        "documents-contradict",
        "Сведения расходятся",
        "Сведения в заявлении расходятся с данными реестров.",
        "Проверьте данные в профиле или запишитесь на приём в МФЦ с документами.",
        False,
    ),
    (
        "no-such-service",
        "Такой услуги пока нет",
        "Ваша потребность понятна, но услуги, которая её закрывает, пока нет.",
        "Мы учли ваш случай как свидетельство для доработки услуг. Пока можно получить консультацию в МФЦ.",
        True,
    ),
]

CLIENTS = [
    # username, last, first, patronymic, birth, snils body, citizenship, income, household, consent situations
    (
        "client",
        "Иванова",
        "Мария",
        "Сергеевна",
        date(1993, 4, 12),
        112233445,
        "rf",
        Decimal("38000"),
        [
            ("Иванов Пётр Андреевич", "spouse", date(1990, 9, 3), Decimal("52000")),
            ("Иванова Софья Петровна", "child", date(2019, 6, 20), None),
        ],
        ["birth", "large-family"],
    ),
    (
        "pensioner",
        "Сидоров",
        "Николай",
        "Иванович",
        date(1962, 11, 2),
        123123123,
        "rf",
        Decimal("14800"),
        [],
        ["retirement"],
    ),
    (
        "newcomer",
        "Каримов",
        "Алишер",
        "",
        date(1988, 1, 15),
        135792468,
        "foreign",
        Decimal("45000"),
        [
            ("Каримова Дилноза", "spouse", date(1991, 5, 5), Decimal("0")),
            ("Каримов Тимур", "child", date(2022, 8, 1), None),
        ],
        [],
    ),
]


def demo_snils(body: int) -> str:
    digits = f"{body:09d}"
    return digits + f"{snils_checksum(digits + '00'):02d}"


# How the demo services are delivered to a client who asks first (services.applications): those the registry
# calls «без заявления» say what happens instead of offering a button; the rest name their days to a decision.
TERMS = [
    (
        "maternity-capital",
        "automatic",
        5,
        "Сертификат на материнский капитал оформят по сведениям ЗАГС в течение 5 рабочих дней после регистрации "
        "рождения и пришлют в личный кабинет.",
    ),
    (
        "snils-newborn",
        "automatic",
        5,
        "СНИЛС ребёнка присвоят по сведениям ЗАГС и пришлют в личный кабинет родителя в течение 5 рабочих дней.",
    ),
    (
        "disability-pension",
        "automatic",
        10,
        "Пенсию назначат по данным бюро медико-социальной экспертизы за 10 рабочих дней. О решении напишем "
        "в личный кабинет.",
    ),
    ("unified-child-benefit", "application", 10, ""),
    ("birth-lump-sum", "application", 10, ""),
    ("kindergarten-queue", "application", 7, ""),
    ("federal-social-supplement", "application", 10, ""),
    ("large-family-certificate", "application", 15, ""),
]

# What a client reads when the rule approves their application at once (ServiceTerms.approval_text): what is
# granted, from which date, how much and what next — in plain Russian within the demo agencies' limits
# (tests/delivery/test_applications.py checks each one filled in).
APPROVALS = {
    "federal-social-supplement": (
        "Доплата назначена с {start}. Вы будете получать {P.pensioner_minimum - salary}\u00a0₽ в месяц. Это разница "
        "между вашим доходом и минимумом для пенсионера. Деньги придут вместе с пенсией. Больше ничего делать "
        "не нужно. Если ваш доход вырастет, сообщите нам в личном кабинете."
    ),
    "unified-child-benefit": (
        "Единое пособие назначено с {start}. Сумму на каждого ребёнка мы посчитаем по доходу семьи и пришлём в "
        "личный кабинет до {due}. Деньги будут приходить на вашу карту каждый месяц. Через год подайте "
        "заявление снова."
    ),
    "birth-lump-sum": (
        "Пособие при рождении ребёнка назначено. Мы переведём деньги на вашу карту до {due}. Больше ничего "
        "делать не нужно."
    ),
    "kindergarten-queue": (
        "Ребёнок стоит в очереди в детский сад. Когда место освободится, мы напишем вам в личный кабинет. До "
        "этого ничего делать не нужно."
    ),
    "large-family-certificate": (
        "Удостоверение многодетной семьи будет готово к {due}. Заберите его в МФЦ, возьмите с собой паспорт."
    ),
}


def _terms() -> None:
    from .models import ServiceTerms
    from .services import applications

    services = {s.code: s for s in Service.objects.filter(code__in=[code for code, *_rest in TERMS])}
    for code, mode, days, what in TERMS:
        if code not in services:
            continue
        terms = ServiceTerms.objects.filter(service=services[code]).first() or ServiceTerms(
            service=services[code]
        )
        terms.mode, terms.decision_days, terms.what_happens = mode, days, what
        terms.approval_text = APPROVALS.get(code, "")
        applications.save_terms(terms)


@transaction.atomic
def load_delivery_demo(password: str) -> dict:
    if not ConsentText.objects.exists():
        ConsentText.objects.create(version=1, text=CONSENT_TEXT, valid_from=date(2025, 1, 1))
    rulebook_text = PARAMETERS + "rules:\n" + "".join(_rule_yaml(*rule) for rule in RULES)
    from . import event_situations

    event_situations.seed()  # life event → life situations, back-office data (idempotent)
    report = rulebook.import_rulebook(rulebook_text)
    if not report.ok:
        raise ValueError("; ".join(map(str, report.problems)))
    for code, title, explanation, next_steps, unmet in REASONS:
        RefusalReason.objects.update_or_create(
            code=code,
            defaults={
                "title": title,
                "explanation": explanation,
                "next_steps": next_steps,
                "need_cannot_be_met": unmet,
            },
        )
    _offices()
    _terms()
    operator = User.objects.filter(username="operator").first()
    people = {}
    for (
        username,
        last,
        first,
        patronymic,
        birth,
        snils,
        citizenship,
        income,
        household,
        situations,
    ) in CLIENTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = accounts_services.create_person(
                username=username,
                password=password,
                role=Role.CLIENT,
                last_name=last,
                first_name=first,
                patronymic=patronymic,
            )
        user.email = user.email or f"{username}@demo.clientcentric.local"
        user.save(update_fields=["email"])
        profile = profile_services.profile_of(user)
        profile.birth_date, profile.snils, profile.citizenship = birth, demo_snils(snils), citizenship
        profile.income_monthly, profile.languages = (
            income,
            ["русский"] if citizenship == "rf" else ["узбекский", "русский"],
        )
        if username == "pensioner":
            profile.personal_manager = operator
            profile.accessibility_needs = ["wheelchair"]
        if username == "newcomer":
            profile.interpreter_language = "узбекский"
        profile_services.save_profile(profile)
        for name, relation, born, member_income in household:
            HouseholdMember.objects.get_or_create(
                profile=profile,
                name=name,
                defaults={"relation": relation, "birth_date": born, "income_monthly": member_income},
            )
        for code in situations:
            situation = LifeSituation.objects.filter(code=code).first()
            if situation is not None:
                consent_services.give_consent(user, life_situation=situation)
        people[username] = profile
    now = timezone.now()
    results = {}
    results["birth"] = _event(
        "demo-birth-ivanova",
        "birth_registered",
        people["client"],
        now - timedelta(days=3),
        {
            "child": {
                "name": "Иванов Артём Петрович",
                "birth_date": (now - timedelta(days=5)).date().isoformat(),
            }
        },
    )
    results["pension"] = _event(
        "demo-pension-sidorov", "pension_age_reached", people["pensioner"], now - timedelta(days=1), {}
    )
    results["newcomer"] = _event(
        "demo-move-karimov",
        "address_changed",
        people["newcomer"],
        now - timedelta(days=2),
        {"postal_code": "191025"},
    )
    return results


def _event(event_id, kind, profile, when, data):
    event, _created = life_event_services.receive_life_event(
        life_event_services.EventInput(
            event_id=event_id, kind=kind, snils=profile.snils, occurred_at=when, data=data
        )
    )
    return event.result


def _offices() -> None:
    agency = Agency.objects.filter(code="mfc").first() or Agency.objects.order_by("pk").first()
    if agency is None:
        return
    specs = [
        (
            "МФЦ Центрального района",
            "Санкт-Петербург, Невский пр., 48",
            ["wheelchair", "hearing", "vision"],
            ["узбекский", "таджикский"],
        ),
        ("МФЦ Невского района", "Санкт-Петербург, ул. Народная, 12", ["hearing"], []),
    ]
    start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=1)
    for name, address, accessibility, languages in specs:
        office, _created = Office.objects.get_or_create(
            name=name,
            defaults={
                "agency": agency,
                "address": address,
                "accessibility": accessibility,
                "interpreter_languages": languages,
            },
        )
        for day in range(10):
            for slot in range(0, 6):
                Slot.objects.get_or_create(
                    office=office, starts_at=start + timedelta(days=day, minutes=40 * slot)
                )


def _rule_yaml(rule_id, service, text, inform, yes, no, examples) -> str:
    if not Service.objects.filter(code=service).exists():
        return ""
    lines = [
        f"  - id: {rule_id}",
        f"    service: {service}",
        f'    text: "{text}"',
        "    valid_from: 2025-01-01",
        f"    inform_without_consent: {'true' if inform else 'false'}",
        f'    explain_yes: "{yes}"',
        f'    explain_no: "{no}"',
        "    examples:",
    ]
    for facts, expect in examples:
        inner = ", ".join(f"{k}: {_yaml_value(v)}" for k, v in facts.items())
        lines.append(f"      - {{on: 2026-01-15, facts: {{{inner}}}, expect: {expect}}}")
    return "\n".join(lines) + "\n"


def _yaml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}'"
    return value
