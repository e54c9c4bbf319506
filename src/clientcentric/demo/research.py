"""Demo research and design data for the house-and-yard life situation, built from the real appeals.

The open data in the repository (data/appeals, «Наш Санкт-Петербург») gives each appeal's topic, district, the
moment it got its first answer (`status_history`) and how it ended (`final_status`). Those rows become an
anonymised evidence data set (no text, no address), and the journey map's stages quote the real figures:
how long people waited, how often the answer was only interim, how many confirmed the problem was solved.
"""

from __future__ import annotations

import csv
import gzip
import json
import statistics
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.db import transaction

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import User
from clientcentric.accounts.roles import Role
from clientcentric.appeals.models import NeedTopic
from clientcentric.design import services as design
from clientcentric.design.models import AudienceTest, DesignProject, Stage, Variant
from clientcentric.registry.models import LifeSituation, Need, Segment, Service
from clientcentric.research import services
from clientcentric.research.models import (
    EvidenceDataset,
    EvidenceRecord,
    EvidenceSignal,
    JourneyMap,
    SegmentHypothesis,
    Study,
)

DATASET_TITLE = "Сообщения о проблемах в доме и во дворе, «Наш Санкт-Петербург», октябрь 2020 — февраль 2021"
HOUSE_AND_YARD_OBJECTS = {"Дом", "Двор"}
ANSWER_STATES = {"Получен ответ", "Промежуточный ответ"}
SOLVED = ("Завершено: Пользователь удовлетворен", "Завершено: Народный контролер подтвердил")
INTERIM = "Промежуточный ответ"


@dataclass
class Figures:
    rows: int
    median_first_answer_days: float
    share_over_8_days: float
    share_confirmed_solved: float
    share_left_interim: float
    share_auto_closed: float
    top_topics: list[tuple[str, int]]


def _first_answer_hours(created: str, history: str) -> float | None:
    start = datetime.fromisoformat(created)
    for moment, state in json.loads(history or "[]"):
        if state in ANSWER_STATES:
            return max(0.0, (datetime.fromisoformat(moment) - start).total_seconds() / 3600)
    return None


def _satisfied(final_status: str) -> bool | None:
    # The author confirming the fix is satisfaction; ending on an interim answer is a problem left unsolved;
    # an automatic closure says nothing either way.
    if final_status.startswith(SOLVED):
        return True
    if final_status == INTERIM:
        return False
    return None


def build_records(path: Path) -> tuple[list[EvidenceRecord], Figures]:
    needs = {
        " ".join(t.lower().replace("ё", "е").split()): n
        for t, n in NeedTopic.objects.values_list("topic", "need")
    }
    need_objects = {n.pk: n for n in Need.objects.filter(pk__in=set(needs.values()))}
    csv.field_size_limit(50 * 1024 * 1024)
    records, waits, solved, interim, auto, topics = [], [], 0, 0, 0, {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["city_object"] not in HOUSE_AND_YARD_OBJECTS:
                continue
            hours = _first_answer_hours(row["created_at"], row["status_history"])
            satisfied = _satisfied(row["final_status"])
            need_id = needs.get(" ".join(row["reason"].lower().replace("ё", "е").split()))
            records.append(
                EvidenceRecord(
                    occurred_on=datetime.fromisoformat(row["created_at"]).date(),
                    topic=row["reason"][:300],
                    district=row["district"][:100],
                    channel="portal",
                    need=need_objects.get(need_id),
                    response_hours=hours,
                    satisfied=satisfied,
                    extra={"final_status": row["final_status"]},
                )
            )
            if hours is not None:
                waits.append(hours)
            solved += satisfied is True
            interim += row["final_status"] == INTERIM
            auto += row["final_status"] == "Завершено: Автоматически"
            topics[row["reason"]] = topics.get(row["reason"], 0) + 1
    total = len(records) or 1
    figures = Figures(
        rows=len(records),
        median_first_answer_days=statistics.median(waits) / 24 if waits else 0.0,
        share_over_8_days=sum(1 for w in waits if w > 8 * 24) / (len(waits) or 1),
        share_confirmed_solved=solved / total,
        share_left_interim=interim / total,
        share_auto_closed=auto / total,
        top_topics=sorted(topics.items(), key=lambda kv: -kv[1])[:5],
    )
    return records, figures


def _pct(share: float) -> str:
    return f"{100 * share:.0f} %"


def _stages(f: Figures) -> list[dict]:
    top = "; ".join(f"«{t}» — {n}" for t, n in f.top_topics[:3])
    return [
        {
            "name": "Заметил проблему",
            "emotion": -1,
            "needs": "Чтобы дом и двор были в порядке без напоминаний",
            "actions": "Видит мусор, сломанный лифт, грязный подъезд; обсуждает с соседями",
            "touchpoints": "Двор, подъезд, домовой чат",
            "positives": "Соседи тоже замечают и готовы поддержать",
            "problems": f"Чаще всего: {top}",
            "opportunities": "Плановые осмотры по темам, о которых пишут чаще всего",
            "evidence_signal": "",
        },
        {
            "name": "Искал, куда сообщить",
            "emotion": -1,
            "needs": "Быстро понять, кто отвечает за проблему",
            "actions": "Ищет телефон управляющей компании, жилищного агентства, портал",
            "touchpoints": "Поисковик, доска объявлений, сайт района",
            "positives": "Портал находится по запросу «сообщить о проблеме во дворе»",
            "problems": "Непонятно, к кому идти; часть жителей звонит, а не пишет",
            "opportunities": "Один номер и одна ссылка на каждой двери подъезда",
            "evidence_signal": "",
        },
        {
            "name": "Сообщил",
            "emotion": 0,
            "needs": "Сообщить за пару минут, с фото и местом на карте",
            "actions": "Заполняет форму, выбирает тему, прикладывает фото",
            "touchpoints": "Портал, мобильное приложение, чат-бот",
            "positives": "Номер обращения приходит сразу",
            "problems": "Темы сформулированы языком ведомства",
            "opportunities": "Подсказка темы по тексту, «+1» к похожему сообщению соседа",
            "evidence_signal": EvidenceSignal.TOPICS,
        },
        {
            "name": "Ждал ответа",
            "emotion": -2,
            "needs": "Знать срок и видеть, что работа идёт",
            "actions": "Проверяет статус, пишет повторно",
            "touchpoints": "Трекер обращения, уведомления",
            "positives": "Статус виден на портале",
            "problems": (
                f"Первый ответ — в среднем через {f.median_first_answer_days:.1f} дн. (медиана); "
                f"{_pct(f.share_over_8_days)} ждали дольше 8 дней"
            ),
            "opportunities": "Обещанный срок по теме и уведомление при каждом шаге",
            "evidence_signal": EvidenceSignal.OVERDUE,
        },
        {
            "name": "Получил ответ",
            "emotion": 0,
            "needs": "Понятный ответ: что сделано и когда",
            "actions": "Читает ответ, сверяет с тем, что видит во дворе",
            "touchpoints": "Ответ на портале, письмо",
            "positives": "Ответ с фотографией выполненной работы",
            "problems": f"{_pct(f.share_left_interim)} сообщений так и остались с промежуточным ответом",
            "opportunities": "Срок окончательного решения в каждом промежуточном ответе",
            "evidence_signal": EvidenceSignal.REPEATED,
        },
        {
            "name": "Проблема решена или нет",
            "emotion": 1,
            "needs": "Чтобы проблема не вернулась",
            "actions": "Подтверждает решение или открывает сообщение снова",
            "touchpoints": "Трекер, оценка ответа",
            "positives": f"{_pct(f.share_confirmed_solved)} авторов подтвердили, что проблема решена",
            "problems": f"{_pct(f.share_auto_closed)} сообщений закрыты автоматически, без подтверждения автора",
            "opportunities": "Спросить оценку в день ответа; повторная проверка через неделю",
            "evidence_signal": EvidenceSignal.SATISFACTION,
        },
    ]


TO_BE_CHANGES = {
    "Искал, куда сообщить": ("Один номер и QR-код на двери подъезда ведут в одно место", 1),
    "Ждал ответа": ("Срок по теме известен сразу; уведомление при каждом шаге", 0),
    "Получил ответ": ("В ответе — что сделано, фото и срок окончательного решения", 1),
    "Проблема решена или нет": ("Оценка в один клик; через неделю — вопрос «не вернулась ли проблема?»", 2),
}


HYPOTHESES = [
    (
        "Долго ждали ответа о проблеме дома или двора",
        "seg-1-1",
        [
            {"field": "life_situation", "op": "in", "value": ["home-and-yard"]},
            {"field": "overdue", "op": "is", "value": True},
        ],
    ),
    ("Звонят, а не пишут", "seg-2-2", [{"field": "channel", "op": "in", "value": ["phone", "in_person"]}]),
    ("Дома вне охвата портала", "seg-2-3", [{"field": "in_scope", "op": "is", "value": False}]),
    (
        "Гости: без учётной записи и без района",
        "seg-2-4",
        [
            {"field": "has_account", "op": "is", "value": False},
            {"field": "district", "op": "in", "value": [""]},
        ],
    ),
]


@transaction.atomic
def load(path: Path | None) -> dict:
    """Create the demo once; later runs find it by its titles and change nothing."""
    created = {}
    situation = LifeSituation.objects.filter(code="home-and-yard").first()
    if situation is None:
        return created
    segments = {s.code: s for s in Segment.objects.all()}
    analyst = User.objects.filter(role=Role.ANALYST).first()
    figures = None
    if path is not None and not EvidenceDataset.objects.filter(title=DATASET_TITLE).exists():
        records, figures = build_records(path)
        services.import_evidence_records(
            DATASET_TITLE, "anonymised", records, source="data/appeals/" + path.name, actor=analyst
        )
        created["evidence_records"] = len(records)
    for name, code, conditions in HYPOTHESES:
        if code in segments and not SegmentHypothesis.objects.filter(name=name).exists():
            services.save_hypothesis(
                SegmentHypothesis(name=name, segment=segments[code], conditions=conditions), actor=analyst
            )
            created["hypotheses"] = created.get("hypotheses", 0) + 1
    if figures is not None and "seg-1-1" in segments:
        created.update(_journey_maps(situation, segments["seg-1-1"], figures, analyst))
        created.update(_study(situation, figures, analyst))
    if "seg-2-2" in segments:
        created.update(_design_project(situation, segments["seg-2-2"], analyst))
    return created


def _journey_maps(situation, segment, figures, actor) -> dict:
    title = "Проблема в доме или во дворе"
    if JourneyMap.objects.filter(title=title, version=JourneyMap.Version.AS_IS).exists():
        return {}
    as_is = services.save_journey_map(
        JourneyMap(title=title, segment=segment, life_situation=situation),
        stages=_stages(figures),
        actor=actor,
    )
    to_be = services.start_to_be(as_is, actor=actor)
    stages = []
    for stage in to_be.stages.all():
        data = {k: getattr(stage, k) for k in ("name", "emotion", "evidence_signal", *services.LANES)}
        if stage.name in TO_BE_CHANGES:
            data["opportunities"], data["emotion"] = TO_BE_CHANGES[stage.name]
            data["problems"] = ""
        stages.append(data)
    services.save_journey_map(to_be, stages=stages, actor=actor)
    return {"journey_maps": 2}


def _study(situation, figures, actor) -> dict:
    if Study.objects.filter(slug="home-and-yard-waiting").exists():
        return {}
    study = Study(
        slug="home-and-yard-waiting",
        title="Почему жители ждут решения проблем во дворе дольше, чем рассчитывали",
        method="analytics",
        hypothesis=(
            "Жители сегмента «Долго решали проблему» недовольны не столько сроком, сколько тем, что не знают срока "
            "и получают промежуточный ответ без даты окончательного решения."
        ),
        life_situation=situation,
        participants_count=0,
        participants_description=f"Анализ {figures.rows} сообщений о проблемах в домах и дворах за пять месяцев.",
        findings=(
            f"Первый ответ приходит в среднем через {figures.median_first_answer_days:.1f} дн. (медиана), "
            f"{_pct(figures.share_over_8_days)} ждут дольше 8 дней. {_pct(figures.share_left_interim)} сообщений "
            f"остаются с промежуточным ответом; подтверждают решение {_pct(figures.share_confirmed_solved)} авторов."
        ),
        verdict="confirmed",
        public_summary=(
            "Мы изучили, как проходят сообщения о проблемах в доме и во дворе. Главное, что мешает жителям, — "
            "неизвестность: когда ответят и когда проблему решат окончательно."
        ),
        what_changes=(
            "Каждое сообщение получит обещанный срок по своей теме, а промежуточный ответ — дату окончательного "
            "решения. Оценить результат можно будет в один клик."
        ),
        is_published=True,
    )
    needs = Need.objects.filter(code__in=["hy-seg-fast-resolution", "hy-seg-explain-refusal"])
    services.save_study(study, needs=needs, actor=actor)
    return {"studies": 1}


PANEL = [
    ("Ирина", "Соколова"),
    ("Павел", "Орлов"),
    ("Нина", "Лебедева"),
    ("Олег", "Ковалёв"),
    ("Вера", "Морозова"),
]


def _design_project(situation, segment, actor) -> dict:
    name = "Сообщить о проблеме по телефону — с номером обращения и трекером"
    if DesignProject.objects.filter(name=name).exists():
        return {}
    service = Service.objects.filter(code="hy-dispatch-call").first()
    if service is None:
        return {}
    project = design.save_project(
        DesignProject(
            name=name,
            kind="reengineering",
            service=service,
            segment=segment,
            life_situation=situation,
            as_is=(
                "Житель звонит в диспетчерскую, называет адрес и проблему. Номера заявки не получает, "
                "статус узнать не может, при повторном звонке рассказывает всё заново."
            ),
            practice_analysis=(
                "Звонки не попадают в общий трекер: их нельзя найти, поддержать «+1» или оценить. "
                "Повторные звонки по одной проблеме составляют заметную долю нагрузки диспетчеров."
            ),
            best_practices=(
                "Единые диспетчерские службы крупных городов регистрируют звонок как обращение в общей системе "
                "и присылают SMS со ссылкой на трекер."
            ),
            to_be=(
                "Диспетчер заводит обращение в платформе во время звонка; житель получает SMS с номером и "
                "ссылкой, видит статус и срок, может оценить ответ."
            ),
            criteria=[
                {"name": "Польза для жителей", "weight": 3},
                {"name": "Скорость внедрения", "weight": 2},
                {"name": "Стоимость", "weight": 1},
            ],
        ),
        needs=Need.objects.filter(code="hy-seg-phone"),
        actor=actor,
    )
    for variant_name, scores, chosen in (
        (
            "SMS со ссылкой на трекер",
            {"Польза для жителей": 5, "Скорость внедрения": 4, "Стоимость": 4},
            True,
        ),
        ("Голосовой помощник", {"Польза для жителей": 4, "Скорость внедрения": 2, "Стоимость": 2}, False),
        (
            "Обратный звонок после решения",
            {"Польза для жителей": 3, "Скорость внедрения": 4, "Стоимость": 3},
            False,
        ),
    ):
        design.save_variant(
            Variant(project=project, name=variant_name, scores=scores, is_chosen=chosen), actor=actor
        )
    design.advance(project, Stage.BETA, actor=actor, note="Вариант с SMS выбран по матрице оценки")
    design.advance(project, Stage.BETA_TEST, actor=actor, note="Бета-версия у двух диспетчеров")
    test = design.save_test(
        AudienceTest(
            project=project,
            phase=AudienceTest.Phase.BETA,
            segment=segment,
            title="Бета-тест: звонок в диспетчерскую и трекер по SMS",
            min_success_rate=0.6,
            min_sus=68,
            max_time_seconds=120,
        ),
        tasks=[
            "Сообщить по телефону о неработающем лифте",
            "Открыть ссылку из SMS и найти срок ответа",
            "Оценить полученный ответ",
        ],
        actor=actor,
    )
    tasks = list(test.tasks.all())
    sus_sets = [
        [4, 2, 5, 1, 4, 2, 5, 2, 4, 1],
        [5, 1, 4, 2, 4, 1, 5, 1, 5, 2],
        [4, 2, 4, 2, 3, 2, 4, 2, 4, 2],
    ]
    for index, (first, last) in enumerate(PANEL):
        username = f"panel-{index + 1}"
        person = User.objects.filter(username=username).first() or accounts_services.create_person(
            username=username, password=None, role=Role.CLIENT, first_name=first, last_name=last
        )
        member = design.join_panel(person, segments=[segment])
        participation = design.add_participant(test, member, actor=actor)
        if index < len(sus_sets):  # two participants are still to come: the test is in progress
            design.record_results(
                participation,
                results=[
                    (
                        task,
                        not (index == 2 and position == 1),
                        45.0 + 20 * position + 7 * index,
                        int(index == 2),
                    )
                    for position, task in enumerate(tasks)
                ],
                sus_answers=sus_sets[index],
                effort=2 + (index == 2),
                actor=actor,
            )
    recommendation_need = Need.objects.filter(code="hy-seg-phone").first()
    if recommendation_need is not None:
        services.add_recommendation(
            recommendation_need,
            "Регистрировать звонки в диспетчерскую как обращения и присылать SMS со ссылкой на трекер",
            design_project=project,
            actor=actor,
        )
    return {"design_projects": 1}
