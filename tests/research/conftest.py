from datetime import UTC, datetime, timedelta

import pytest

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import Agency
from clientcentric.accounts.roles import Role
from clientcentric.appeals import services as appeals
from clientcentric.appeals.models import NeedTopic, RoutingRule
from clientcentric.registry import services as registry
from clientcentric.registry.models import LifeSituation, Need, NeedStatus, Segment
from clientcentric.research import services
from clientcentric.research.models import EvidenceSignal, JourneyMap

STAGES = [
    ("Заметил проблему", -1, ""),
    ("Искал, куда сообщить", -1, ""),
    ("Сообщил", 0, EvidenceSignal.TOPICS),
    ("Ждал ответа", -2, EvidenceSignal.OVERDUE),
    ("Получил ответ", 1, EvidenceSignal.REPEATED),
    ("Проблема решена или нет", 1, EvidenceSignal.SATISFACTION),
]


@pytest.fixture(autouse=True)
def _fresh_evidence(settings):
    """Ids repeat between rolled-back tests: evidence cached by one test must not answer the next."""
    settings.CLIENTCENTRIC_EVIDENCE_CACHE_SECONDS = 0


@pytest.fixture
def yard(db):
    """A house-and-yard life situation with appeals: frequent lift complaints, overdue ones, a reopened one."""
    agency = accounts_services.save_agency(
        Agency(
            code="ja-nevsky", name="Жилищное агентство Невского района", level="municipal", kind="institution"
        )
    )
    operator = accounts_services.create_person(
        username="yard-operator", password="x" * 12, role=Role.OPERATOR, agency=agency
    )
    author = accounts_services.create_person(username="resident", password="x" * 12, role=Role.CLIENT)
    situation = registry.save_life_situation(
        LifeSituation(code="home-and-yard", name="Проблема в доме или во дворе")
    )
    segment = registry.save_segment(
        Segment(code="seg-1-1", name="Долго решали проблему"), life_situations=[situation]
    )
    need = registry.save_need(
        Need(
            code="hy-lift",
            name="Исправный лифт",
            status=NeedStatus.IN_PROGRESS,
            status_reason="Ремонт лифтов идёт",
        ),
        life_situations=[situation],
    )
    appeals.save_need_topic(NeedTopic(topic="Неисправный лифт", need=need))
    appeals.save_need_topic(NeedTopic(topic="Мусор во дворе", need=need))
    appeals.save_routing_rule(
        RoutingRule(position=1, name="Невский", conditions={"district": "Невский"}, executor=agency)
    )
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    created = []
    for index in range(6):
        data = appeals.AppealInput(
            channel="portal" if index % 2 else "phone",
            text=f"Не работает лифт в подъезде {index + 1} дома 5 по Невскому проспекту",
            district="Невский",
            topic="Неисправный лифт",
            contact_email=f"r{index}@example.ru",
        )
        created.append(appeals.receive_appeal(data, registered_at=start + timedelta(days=index)).appeal)
    guest = appeals.receive_appeal(
        appeals.AppealInput(
            channel="portal",
            text="Мусор во дворе дома 7 не вывозят неделю",
            topic="Мусор во дворе",
            contact_phone="+79990001122",
        ),
        registered_at=start,
    ).appeal
    mine = appeals.receive_appeal(
        appeals.AppealInput(
            channel="portal",
            text="Во дворе дома 9 мусор не вывозят",
            topic="Мусор во дворе",
            district="Невский",
        ),
        author=author,
        registered_at=start,
    ).appeal
    appeals.receive_appeal(
        appeals.AppealInput(
            channel="portal", text="Снова мусор во дворе дома 9", topic="Мусор во дворе", district="Невский"
        ),
        author=author,
        registered_at=start + timedelta(days=1),
    )
    appeals.take(mine, operator=operator)
    appeals.answer(mine, operator=operator, text="Мусор вывезен, проверьте, пожалуйста.")
    appeals.reopen(mine, person=author, reason="Мусор снова не вывезли")
    return {
        "agency": agency,
        "operator": operator,
        "author": author,
        "situation": situation,
        "segment": segment,
        "need": need,
        "appeals": created,
        "guest": guest,
        "mine": mine,
    }


@pytest.fixture
def yard_map(yard):
    return services.save_journey_map(
        JourneyMap(title="Проблема во дворе", segment=yard["segment"], life_situation=yard["situation"]),
        stages=[
            {
                "name": name,
                "emotion": emotion,
                "evidence_signal": signal,
                "problems": f"Проблема этапа {name}",
            }
            for name, emotion, signal in STAGES
        ],
    )
