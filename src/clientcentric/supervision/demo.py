"""Demo supervision on top of the business demo: three types of control from the risk-model files, categories
for every demo business, a warning, a declaration, materials and algorithms, a control event with an act, an
order and a pre-trial appeal, an upcoming notified event, next year's plan, and an inspector of МЧС России;
good-faith incentives (one granted by the declaration, a public mark), two appeals on the portal about the demo
café (one linked, one suggested), next year's prevention programme (approved and published) and this year's
practice summary (published).

Safe to run again: every piece is looked up by a fixed marker before it is created.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import Agency, Representative, User
from clientcentric.accounts.roles import Role

from . import selectors
from .models import (
    AppealLink,
    ComplianceAlgorithm,
    ControlEvent,
    ControlType,
    FactCorrection,
    Incentive,
    IncentiveKind,
    Material,
    PracticeSummary,
    PreventionProgramme,
    PreventiveWarning,
)
from .services import (
    catalogue,
    complaints,
    events,
    incentives,
    pretrial_appeals,
    prevention,
    programmes,
    risk,
)

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
# The business ombudsman's office works its queue of businesses' requests (docs/supervision.md).
OMBUDSMAN = ("ombudsman", "Соколова", "Анна")
# The incentives each type's положение provides (248-ФЗ art. 48).
INCENTIVES = {
    "fire_safety": [
        IncentiveKind.LOWER_FOR_DECLARATION,
        IncentiveKind.LOWER_FOR_CLEAN_RECORD,
        IncentiveKind.GOOD_FAITH_MARK,
        IncentiveKind.PRIORITY_CONSULTATION,
    ],
    "labour": [IncentiveKind.LOWER_FOR_DECLARATION, IncentiveKind.GOOD_FAITH_MARK],
    "landscaping": [IncentiveKind.LOWER_FOR_DECLARATION, IncentiveKind.PRIORITY_CONSULTATION],
}
COMPLAINTS = (
    "В кафе-магазине на первом этаже эвакуационный выход третий день заставлен коробками с товаром.",
    "Кафе-магазин (ИНН {inn}) хранит баллоны с газом прямо в торговом зале, рядом с выходом.",
)
PRACTICE_TEXT = (
    "Чаще всего контролируемые лица не назначают ответственного за пожарную безопасность и загромождают "
    "эвакуационные пути. Орган дополнит памятку для малого бизнеса и проведёт публичное обсуждение "
    "типовых нарушений в первом квартале."
)
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
        ct = risk.sync_control_type(path, agency=_agency(code, name, short, level), act_control_type=act_type)
        if not ct.incentives:
            catalogue.set_incentives(ct, INCENTIVES.get(path.stem, []))
        out[path.stem] = ct
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
        catalogue.publish_material(
            fire,
            requirement=first,
            title="Кто отвечает за пожарную безопасность: памятка для малого бизнеса",
            body="Руководитель может возложить обязанности на себя или назначить работника приказом. "
            "Ответственный проходит обучение и проводит инструктажи для сотрудников.",
        )
        catalogue.publish_material(
            fire,
            title="Как пройти самообследование и получить декларацию соблюдения требований",
            body="Ответьте на вопросы по каждому своему требованию. При полном соответствии декларация "
            "регистрируется и действует один календарный год; по ней орган надзора реже планирует проверки.",
        )
    if not ComplianceAlgorithm.objects.filter(requirement=first).exists():
        prevention.save_algorithm(first, "\n".join(ALGORITHMS))


@transaction.atomic
def _ombudsman(password: str) -> User:
    username, last, first = OMBUDSMAN
    user = User.objects.filter(username=username).first()
    if user is None:
        user = accounts_services.create_person(
            username=username,
            password=password,
            role=Role.BUSINESS_OMBUDSMAN,
            last_name=last,
            first_name=first,
        )
    return user


def load(password: str = "demo-2026") -> str:
    types = _types()
    if "fire_safety" not in types:
        return "Supervision: no risk models found; nothing loaded."
    fire = types["fire_safety"]
    inspector = _inspector(password, fire.agency)
    _ombudsman(password)
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
    if mine and not PreventiveWarning.objects.filter(information=WARNING_INFO).exists():
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
        pretrial_appeals.file_appeal(
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
    _incentives(profile, types, inspector)
    _complaints(profile, inspector)
    _annual_documents(fire, labour, inspector)
    risk.assess_profile(profile, fire)
    return (
        "Supervision: types of control "
        + ", ".join(f"{code} ({n} businesses)" for code, n in counts.items())
        + f"; plan {today.year + 1}: {planned['events']} events, {planned['visits']} visits; "
        + f"inspector account {INSPECTOR[0]}, business ombudsman account {OMBUDSMAN[0]}"
    )


def _incentives(profile, types, inspector) -> None:
    """The public mark for the café under labour control (its record there is clean), and one for another
    demo business under fire safety; the labour declaration granted its own incentive by itself."""
    today = timezone.localdate()
    labour = types.get("labour")
    wanted = [(profile, labour)] if labour else []
    other = (
        profile.__class__.objects.exclude(pk=profile.pk)
        .filter(risk_profiles__control_type=types["fire_safety"])
        .order_by("pk")
        .first()
    )
    if other is not None:
        wanted.append((other, types["fire_safety"]))
    for who, ct in wanted:
        if Incentive.objects.filter(
            profile=who, control_type=ct, kind=IncentiveKind.GOOD_FAITH_MARK
        ).exists():
            continue
        incentives.grant(
            who,
            ct,
            IncentiveKind.GOOD_FAITH_MARK,
            reason="Три года без нарушений обязательных требований, предписания исполнены в срок",
            valid_to=today.replace(month=12, day=31, year=today.year + 1),
            actor=inspector,
        )


def _complaints(profile, inspector) -> None:
    """Two appeals on the portal about the café: the inspector linked the first; the second names the INN
    and waits on the desk as a suggestion."""
    from clientcentric.appeals import services as appeal_services
    from clientcentric.appeals.models import Appeal

    inn = profile.business.inn
    texts = [t.format(inn=inn) for t in COMPLAINTS]
    for text in texts:
        if not Appeal.objects.filter(text=text).exists():
            appeal_services.receive_appeal(
                appeal_services.AppealInput(
                    channel="portal", text=text, contact_email="sosed@example.ru", contact_name="Соседка"
                )
            )
    first = Appeal.objects.filter(text=texts[0]).first()
    if first is not None and not AppealLink.objects.filter(appeal=first, profile=profile).exists():
        complaints.link(
            first.number,
            inn,
            note="Описан кафе-магазин по адресу объекта; проверено по фотографии",
            actor=inspector,
        )


def _annual_documents(fire, labour, inspector) -> None:
    """Next year's programme of fire safety approved and published, labour's still a draft; this year's
    practice summary of fire safety published."""
    today = timezone.localdate()
    year = today.year + 1
    if not PreventionProgramme.objects.filter(control_type=fire, year=year).exists():
        programme = programmes.draft_programme(fire, year, actor=inspector)
        programmes.edit_programme(
            programme,
            text="Основные риски — загромождение эвакуационных путей и неисправные системы оповещения на "
            "объектах общественного питания и торговли. Цель — чтобы каждый контролируемый знал свои "
            "требования и мог пройти самообследование до плановой проверки.",
            targets=programme.targets,
            actor=inspector,
        )
        programmes.approve_programme(programme, actor=inspector)  # after 20 December it is flagged late
        programmes.publish_programme(programme, actor=inspector)
    if labour and not PreventionProgramme.objects.filter(control_type=labour, year=year).exists():
        programmes.draft_programme(labour, year)
    if not PracticeSummary.objects.filter(control_type=fire, year=today.year).exists():
        summary = programmes.generate_summary(fire, today.year, actor=inspector)
        programmes.edit_summary(summary, text=PRACTICE_TEXT, actor=inspector)
        programmes.publish_summary(summary, actor=inspector)
