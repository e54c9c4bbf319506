"""The demo region's first self-assessment (safe to run again): the standard's requirements, each agency's
assessment of them from its own data (indicators where the platform computes one, attestations with links to the
demo's registry, studies and open data elsewhere), reviewed by the administrator, frozen for the two ended
quarters so that the public report shows a trend, and a few deviation requests with their decisions.

Runs after the other demos (ratings, appeals, research), whose data the indicators read.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from clientcentric.accounts.models import Agency, User
from clientcentric.registry.models import Need

from . import services
from .indicators import INDICATORS
from .models import Assessment, DeviationRequest, NeedCost, Requirement, Result, Snapshot

# The agencies assessed: the demo methodologist's own ministry (its staff pages) and the regional office of the
# Social Fund, which has most of the demo's services and ratings (a rich public report).
AGENCIES = ("mineco", "osfr")

# Requirement → (result, statement, evidence [(kind, title, url)], gap, owner position, months to close).
# The first quarter's snapshot holds those marked ``early``; the rest are attested before the second one.
ATTESTATIONS = {
    "NEED-1": (
        Result.CONFORMS,
        "Клиенты сегментированы по жизненным ситуациям; сегменты и их потребности ведутся в реестре.",
        [("registry", "Реестр клиентских сегментов", "/segments/")],
        "",
        "",
        0,
        True,
    ),
    "NEED-4": (
        Result.CONFORMS,
        "Каждая потребность в реестре имеет статус; для неудовлетворяемых указана причина в базе ответов.",
        [("registry", "Открытые данные реестра", "/open-data/"), ("registry", "Частые вопросы", "/faq/")],
        "",
        "",
        0,
        True,
    ),
    "NEED-3": (
        Result.PARTLY,
        "Карты клиентского пути построены для двух жизненных ситуаций из пяти.",
        [("study", "Исследования органа", "/studies/")],
        "Нет карт пути для ситуаций «Переезд», «Открытие бизнеса» и «Утрата кормильца».",
        "Начальник отдела клиентского опыта",
        6,
        True,
    ),
    "DES-4": (
        Result.PARTLY,
        "Бета-тестирование на целевой аудитории проводится для новых услуг, но не для доработок действующих.",
        [("policy", "Порядок проектирования услуг", "/design-system/")],
        "Доработки действующих услуг запускаются без теста на аудитории.",
        "Заместитель министра по цифровому развитию",
        3,
        False,
    ),
    "DEL-6": (
        Result.CONFORMS,
        "Инструкции по получению услуг опубликованы в каталоге и базе знаний.",
        [("document", "Каталог услуг", "/")],
        "",
        "",
        0,
        False,
    ),
    "TP-1": (
        Result.DOES_NOT,
        "Колл-центр работает с 9 до 18 по рабочим дням.",
        [],
        "Нет круглосуточной линии и голосового робота с тональным набором.",
        "Директор центра обработки вызовов",
        9,
        True,
    ),
    "TP-5": (
        Result.PARTLY,
        "Приёмная доступна для маломобильных посетителей, навигация дублирована шрифтом Брайля.",
        [("document", "Паспорт доступности приёмной", "/faq/")],
        "Нет персонального менеджера и разъяснений на языках народов региона.",
        "Начальник управления по работе с заявителями",
        6,
        False,
    ),
    "TP-7": (Result.NOT_APPLICABLE, "У органа нет мест длительного пребывания.", [], "", "", 0, True),
    "BIZ-3": (
        Result.CONFORMS,
        "Проекты требований проходят публичное обсуждение на платформе.",
        [("document", "Что говорит бизнес", "/business/consultations/")],
        "",
        "",
        0,
        False,
    ),
}

DEVIATIONS = [
    (
        "Предприниматель не может прийти на приём: объект в отдалённом районе, дороги закрыты паводком.",
        "Получить консультацию по соблюдению требований без выезда в министерство.",
        "Пункт 15 регламента: консультация проводится при личном приёме.",
        "Консультация по видеосвязи даёт тот же результат, личность подтверждена через Госуслуги.",
        True,
        "Консультация проведена по видеосвязи, предприниматель подал заявку вовремя.",
        True,
    ),
    (
        "Заявитель просит принять отчёт в формате, отличном от утверждённой формы.",
        "Сдать отчёт без переделки в другой программе.",
        "Приложение 2 к приказу: отчёт принимается только по утверждённой форме.",
        "Данные совпадают по составу, переделка займёт у заявителя неделю.",
        False,
        "",
        False,
    ),
]


def _staff():
    return (
        User.objects.filter(username="methodologist").first(),
        User.objects.filter(username="admin").first(),
        User.objects.filter(username="analyst").first(),
    )


def _attest(agency, code, spec, author, reviewer) -> None:
    requirement = Requirement.objects.filter(code=code).first()
    if requirement is None:
        return
    result, statement, evidence, gap, owner, months, _early = spec
    services.attest(
        agency,
        requirement,
        result=result,
        statement=statement,
        gap=gap,
        owner_role=owner,
        due_date=(timezone.localdate() + timedelta(days=30 * months)) if gap else None,
        evidence=[{"kind": k, "title": t, "url": u} for k, t, u in evidence],
        actor=author,
    )
    assessment = Assessment.objects.get(agency=agency, requirement=requirement)
    if reviewer is not None:
        services.review(assessment, approve=True, actor=reviewer)


def _measure(agency, author) -> None:
    """Every requirement with a suggested indicator the platform computes (the others are skipped until it does)."""
    for requirement in Requirement.objects.exclude(indicator=""):
        if requirement.indicator not in INDICATORS:
            continue
        services.measure_by_indicator(
            agency,
            requirement,
            indicator=requirement.indicator,
            conforms_at=requirement.conforms_at,
            partly_at=requirement.partly_at,
            actor=author,
        )


def _deviations(agency, analyst, methodologist) -> int:
    if DeviationRequest.objects.filter(agency=agency).exists():
        return 0
    for case, need, rule, why, approve, outcome, becomes_rule in DEVIATIONS:
        deviation = services.propose_deviation(
            agency=agency, case=case, client_need=need, rule=rule, justification=why, actor=analyst
        )
        deviation = services.decide_deviation(
            deviation,
            approve=approve,
            note="Риск для результата мал, потребность клиента важнее формы."
            if approve
            else "Форма отчёта обязательна по закону, отступление невозможно.",
            actor=methodologist,
        )
        if approve:
            services.complete_deviation(
                deviation, outcome=outcome, should_become_rule=becomes_rule, actor=analyst
            )
    return len(DEVIATIONS)


def _need_costs(agency, methodologist) -> None:
    for code, cost in (
        ("business-start-money", 24_000_000),
        ("business-premises", 9_500_000),
        ("business-advice", 1_200_000),
    ):
        need = Need.objects.filter(code=code).first()
        if need is not None and not NeedCost.objects.filter(agency=agency, need=need).exists():
            services.set_need_cost(
                agency, need, cost=cost, note="Оценка отдела планирования", actor=methodologist
            )


@transaction.atomic
def load() -> str:
    services.load_requirements()
    methodologist, admin, analyst = _staff()
    if methodologist is None:
        return "Conformance demo: no demo accounts, skipped"
    last = services.last_complete_quarter()
    frozen = 0
    for code in AGENCIES:
        agency = Agency.objects.filter(code=code).first()
        if agency is None or Snapshot.objects.filter(agency=agency).exists():
            continue
        _measure(agency, methodologist)
        for requirement, spec in ATTESTATIONS.items():
            if spec[-1]:
                _attest(agency, requirement, spec, methodologist, admin)
        services.freeze_snapshot(agency, last.previous, actor=methodologist)
        for requirement, spec in ATTESTATIONS.items():
            if not spec[-1]:
                _attest(agency, requirement, spec, methodologist, admin)
        # A gap closed in the second quarter: the call centre got a round-the-clock line.
        _attest(
            agency,
            "TP-1",
            (
                Result.PARTLY,
                "Запущена круглосуточная линия; голосового робота с тональным набором пока нет.",
                [("document", "Приказ о круглосуточном режиме колл-центра", "/faq/")],
                "Нет голосового робота с тональным набором для людей с нарушениями речи.",
                "Директор центра обработки вызовов",
                4,
                True,
            ),
            methodologist,
            admin,
        )
        services.freeze_snapshot(agency, last, actor=methodologist)
        frozen += 2
    mineco = Agency.objects.filter(code="mineco").first()
    deviations = _deviations(mineco, analyst, methodologist) if mineco and analyst else 0
    if mineco:
        _need_costs(mineco, methodologist)
    return f"Conformance demo: {frozen} quarterly snapshots frozen, {deviations} deviation requests"
