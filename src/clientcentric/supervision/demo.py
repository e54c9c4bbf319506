"""Demo supervision on top of the business demo: three types of control from the risk-model files, categories
for every demo business, a warning, a declaration, materials and algorithms, a control event with an act, an
order and a pre-trial appeal, an upcoming notified event, next year's plan, and an inspector of МЧС России.

Safe to run again: every piece is looked up by a fixed marker before it is created.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import Agency, Representative, User
from clientcentric.accounts.roles import Role

from . import events, prevention, risk, selectors
from .models import ComplianceAlgorithm, ControlEvent, ControlType, FactCorrection, Material, Warning

# risk-model file stem -> (agency code, name, short name, level, the acts' «type of control»)
TYPES = {
    "fire_safety": (
        "mchs",
        "Министерство Российской Федерации по делам гражданской обороны, чрезвычайным ситуациям",
        "МЧС России",
        "federal",
        "федеральный государственный пожарный надзор",
    ),
    "labour": (
        "rostrud",
        "Федеральная служба по труду и занятости",
        "Роструд",
        "federal",
        "федеральный государственный контроль (надзор) за соблюдением трудового законодательства",
    ),
    "landscaping": (
        "blago-spb",
        "Комитет по благоустройству Санкт-Петербурга",
        "Комитет по благоустройству",
        "regional",
        "муниципальный контроль в сфере благоустройства",
    ),
}
INSPECTOR = ("inspector-mchs", "Орлов", "Павел")
EVENT_BASIS = "Плановая документарная проверка (демонстрация)"
UPCOMING_BASIS = "Плановая выездная проверка (демонстрация)"
WARNING_INFO = "Обращение посетителя кафе: эвакуационный выход загромождён тарой (демонстрация)."

ALGORITHMS = (
    "Назначьте приказом ответственного за пожарную безопасность.",
    "Проведите для него обучение по программе пожарно-технического минимума.",
    "Разработайте инструкцию о мерах пожарной безопасности и ознакомьте с ней работников под подпись.",
    "Раз в полгода проводите практическую тренировку по эвакуации и записывайте её в журнал.",
)


def _agency(code, name, short, level) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        agency = accounts_services.save_agency(
            Agency(code=code, name=name, short_name=short, level=level, kind=Agency.Kind.SUPERVISORY)
        )
    return agency


def _types() -> dict[str, ControlType]:
    out = {}
    for path in risk.model_files():
        if path.stem not in TYPES:
            continue
        code, name, short, level, act_type = TYPES[path.stem]
        out[path.stem] = risk.sync_control_type(
            path, agency=_agency(code, name, short, level), act_control_type=act_type
        )
    return out


def _inspector(password: str, agency: Agency) -> User:
    username, last, first = INSPECTOR
    user = User.objects.filter(username=username).first()
    if user is None:
        user = accounts_services.create_person(
            username=username,
            password=password,
            role=Role.INSPECTOR,
            agency=agency,
            last_name=last,
            first_name=first,
        )
    return user


def _main_profile():
    rep = (
        Representative.objects.filter(person__username="business", business__isnull=False)
        .select_related("business__profile")
        .first()
    )
    return getattr(rep.business, "profile", None) if rep else None


def _materials_and_algorithms(fire: ControlType, profile) -> None:
    mine = selectors.my_requirements(profile, fire)
    if not mine:
        return
    first = mine[0]
    if not Material.objects.filter(control_type=fire).exists():
        Material.objects.create(
            control_type=fire,
            requirement=first,
            title="Кто отвечает за пожарную безопасность: памятка для малого бизнеса",
            body="Руководитель может возложить обязанности на себя или назначить работника приказом. "
            "Ответственный проходит обучение и проводит инструктажи для сотрудников.",
        )
        Material.objects.create(
            control_type=fire,
            title="Как пройти самообследование и получить декларацию соблюдения требований",
            body="Ответьте на вопросы по каждому своему требованию. При полном соответствии декларация "
            "регистрируется и действует один календарный год; по ней орган надзора реже планирует проверки.",
        )
    if not ComplianceAlgorithm.objects.filter(requirement=first).exists():
        prevention.save_algorithm(first, "\n".join(ALGORITHMS))


@transaction.atomic
def load(password: str = "demo-2026") -> str:
    types = _types()
    if "fire_safety" not in types:
        return "Supervision: no risk models found; nothing loaded."
    fire = types["fire_safety"]
    inspector = _inspector(password, fire.agency)
    counts = {}
    for ct in types.values():
        counts[ct.code] = risk.assess_all(ct)["assessed"]
    profile = _main_profile()
    if profile is None:
        return "Supervision: types of control loaded; the demo business has no profile yet."
    _materials_and_algorithms(fire, profile)

    # The business told the body what its café is; the inspector accepted it and the category went up.
    if not FactCorrection.objects.filter(profile=profile, control_type=fire).exists():
        for fact, value in (("hazard_class", "Ф3.2"), ("people_capacity", "120")):
            correction = risk.submit_correction(
                profile,
                fire,
                fact=fact,
                value=value,
                explanation="Паспорт объекта защиты кафе-магазина",
                actor=None,
            )
            risk.decide_correction(correction, accept=True, note="Сведения подтверждены", actor=inspector)
        risk.submit_correction(
            profile, fire, fact="fires_3y", value="0", explanation="Пожаров на объекте не было", actor=None
        )

    mine = selectors.my_requirements(profile, fire)
    if mine and not Warning.objects.filter(information=WARNING_INFO).exists():
        prevention.issue_warning(
            profile,
            fire,
            mine[min(1, len(mine) - 1)],
            information=WARNING_INFO,
            information_received_on=timezone.localdate() - timedelta(days=3),
            risky_actions="Складирование тары и коробок на пути эвакуации из зала кафе.",
            proposal="Освободить путь эвакуации и назначить работника, который ежедневно проверяет его состояние.",
            actor=inspector,
        )

    labour = types.get("labour")
    if labour and not profile.declarations.filter(control_type=labour).exists():
        answers = {r.pk: "yes" for r in selectors.my_requirements(profile, labour)}
        if answers:
            prevention.self_examine(profile, labour, answers, actor=None)

    today = timezone.localdate()
    if mine and not ControlEvent.objects.filter(profile=profile, basis=EVENT_BASIS).exists():
        past = events.create_event(
            fire,
            profile,
            kind="documentary",
            starts_on=today - timedelta(days=40),
            ends_on=today - timedelta(days=30),
            basis=EVENT_BASIS,
            planned=True,
            risk_category=profile.risk_profiles.get(control_type=fire).category_title,
            inspector=inspector,
            actor=inspector,
        )
        events.notify(past, actor=inspector)
        events.start(past, actor=inspector)
        outcomes = {c.requirement_id: ("complies", "") for c in past.checks.all()}
        outcomes[mine[0].pk] = ("violated", "Приказ о назначении ответственного не издан")
        events.record_checks(past, outcomes, actor=inspector)
        events.issue_act(
            past,
            text="По результатам документарной проверки выявлено нарушение: не назначен ответственный за "
            "пожарную безопасность. Остальные проверенные требования соблюдаются.",
            actor=inspector,
        )
        events.issue_order(
            past,
            text="Назначить ответственного за пожарную безопасность.",
            due_on=today + timedelta(days=30),
            actor=inspector,
        )
        events.file_appeal(
            past,
            subject="order",
            text="Ответственный назначен приказом № 12 до начала проверки; приказ не был запрошен. Просим отменить предписание.",
            learned_on=today - timedelta(days=3),
            actor=None,
        )
    if mine and not ControlEvent.objects.filter(profile=profile, basis=UPCOMING_BASIS).exists():
        upcoming = events.create_event(
            fire,
            profile,
            kind="on_site",
            starts_on=today + timedelta(days=21),
            ends_on=today + timedelta(days=30),
            basis=UPCOMING_BASIS,
            planned=True,
            inspector=inspector,
            actor=inspector,
        )
        events.notify(upcoming, actor=inspector)
    planned = events.plan_year(fire, today.year + 1)
    risk.assess_profile(profile, fire)
    return (
        "Supervision: types of control "
        + ", ".join(f"{code} ({n} businesses)" for code, n in counts.items())
        + f"; plan {today.year + 1}: {planned['events']} events, {planned['visits']} visits; "
        + f"inspector account {INSPECTOR[0]}"
    )
