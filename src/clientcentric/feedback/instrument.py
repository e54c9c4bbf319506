"""The one short instrument asked at every touchpoint (measurement.md §6.1), kept as versioned rows.

The texts are data in Russian, stored with every answer through the question row; a new wording is a new
version, never an edit, so figures of different versions are never pooled.
"""

from .models import Instrument, QuestionKind

# v2: «Что мешало?» lists what went wrong (BARRIERS) instead of repeating what went well; the other questions are
# worded as in v1.
# v3: loyalty — the NPS «recommend» item (0–10) and the three ACSI items (1–10: overall satisfaction, expectations,
# closeness to the ideal), asked only where a whole transaction ends (LOYALTY_END_POINTS); the v2 questions keep
# their wording, so their figures continue across v2 and v3 (conformance/indicators_feedback.py pools a question
# only across versions that word it the same).
VERSION = "v3-2026"

# Drivers cover the five «Ваш контроль» criteria (ПП № 1284): time to result (fast), queue wait (queue),
# courtesy and competence (polite, competent), comfort of premises (premises), information (information).
DRIVERS = [
    ("result", "Результат получен"),
    ("easy", "Легко"),
    ("fast", "Быстро"),
    ("queue", "Не пришлось долго ждать в очереди"),
    ("clear", "Понятно, что происходит"),
    ("polite", "Вежливость и уважение"),
    ("competent", "Компетентность сотрудника"),
    ("premises", "Удобство помещения"),
    ("information", "Доступность информации о порядке"),
    ("other", "Другое"),
]
DRIVER_CODES = [code for code, _label in DRIVERS]
# The same drivers as «Что мешало?» asks them: the failure of each, so a client never ticks «Быстро» to say
# that it was slow. Codes are shared, so a driver's praise and complaints are counted side by side.
BARRIERS = [
    ("result", "Результат не получен"),
    ("easy", "Сложно"),
    ("fast", "Долго"),
    ("queue", "Долгое ожидание в очереди"),
    ("clear", "Непонятно, что происходит"),
    ("polite", "Невежливость, неуважение"),
    ("competent", "Некомпетентность сотрудника"),
    ("premises", "Неудобное помещение"),
    ("information", "Не хватило информации о порядке"),
    ("other", "Другое"),
]
VASH_KONTROL_CRITERIA = {
    "time": "fast",
    "queue": "queue",
    "staff": ("polite", "competent"),
    "premises": "premises",
    "information": "information",
}

# v2-2026: the questions every version since v2 asks, worded as v1 asked them, «Что мешало?» with BARRIERS.
V2_QUESTIONS = [
    dict(
        code="satisfaction",
        kind=QuestionKind.SCALE,
        text="Насколько вы довольны тем, как вас обслужили?",
        scale_min=1,
        scale_max=5,
        positive_from=4,
        low_label="Совсем недоволен",
        high_label="Очень доволен",
        required=True,
    ),
    dict(
        code="effort",
        kind=QuestionKind.SCALE,
        text="Получить услугу было легко",
        scale_min=1,
        scale_max=7,
        positive_from=5,
        low_label="Совершенно не согласен",
        high_label="Полностью согласен",
    ),
    dict(
        code="trust",
        kind=QuestionKind.SCALE,
        text="После этого обращения я больше доверяю органу власти",
        scale_min=1,
        scale_max=5,
        positive_from=4,
        low_label="Совершенно не согласен",
        high_label="Полностью согласен",
    ),
    dict(code="need_met", kind=QuestionKind.YES_NO, text="Вы получили то, за чем обращались?"),
    dict(code="went_well", kind=QuestionKind.DRIVERS, text="Что было хорошо?", options=DRIVERS),
    dict(code="got_in_way", kind=QuestionKind.DRIVERS, text="Что мешало?", options=BARRIERS),
    dict(code="comment", kind=QuestionKind.TEXT, text="Что ещё вы хотите сказать?"),
]
# v3-2026 adds the loyalty items (asked only where a whole transaction ends, see LOYALTY_END_POINTS).
LOYALTY_QUESTIONS = [
    dict(
        code="recommend",
        kind=QuestionKind.SCALE,
        text="Насколько вероятно, что вы посоветуете знакомым получать эту услугу так же, как вы?",
        scale_min=0,
        scale_max=10,
        positive_from=9,
        low_label="Точно не посоветую",
        high_label="Обязательно посоветую",
    ),
    dict(
        code="acsi_satisfaction",
        kind=QuestionKind.SCALE,
        text="Насколько в целом вы удовлетворены этой услугой?",
        scale_min=1,
        scale_max=10,
        positive_from=8,
        low_label="Совсем не удовлетворён",
        high_label="Полностью удовлетворён",
    ),
    dict(
        code="acsi_expectations",
        kind=QuestionKind.SCALE,
        text="Насколько услуга оказалась хуже или лучше, чем вы ожидали?",
        scale_min=1,
        scale_max=10,
        positive_from=8,
        low_label="Намного хуже ожиданий",
        high_label="Намного лучше ожиданий",
    ),
    dict(
        code="acsi_ideal",
        kind=QuestionKind.SCALE,
        text="Насколько эта услуга близка к идеальной, какой вы её себе представляете?",
        scale_min=1,
        scale_max=10,
        positive_from=8,
        low_label="Очень далека от идеала",
        high_label="Совсем как идеальная",
    ),
]


def extended(base: list[dict], added: list[dict], *, after: str) -> list[dict]:
    """A new version's questions: `base` unchanged, with `added` in their order after the question `after`."""
    codes = [question["code"] for question in base]
    at = codes.index(after) + 1
    return [*base[:at], *added, *base[at:]]


# The loyalty items follow the three scales, before the yes/no and the lists (the order v3 has always had).
QUESTIONS_BY_VERSION = {
    "v2-2026": V2_QUESTIONS,
    "v3-2026": extended(V2_QUESTIONS, LOYALTY_QUESTIONS, after="trust"),
}
QUESTIONS = QUESTIONS_BY_VERSION[VERSION]

SCALE_CODES = ("satisfaction", "effort", "trust")
# Loyalty is about the whole service, so it is asked where a whole transaction ends — a service delivered or
# refused, an appeal answered, an office visit — and not after a page, a chat-bot dialogue or a call, which are
# steps on the way (asking there would also lengthen the 30-second questionnaire where it is answered most).
LOYALTY_CODES = tuple(question["code"] for question in LOYALTY_QUESTIONS)
LOYALTY_RANGES = {
    question["code"]: (question["scale_min"], question["scale_max"]) for question in LOYALTY_QUESTIONS
}
LOYALTY_END_POINTS = frozenset({"service_completed", "service_refused", "appeal_answered", "office_visit"})
ACSI_CODES = ("acsi_satisfaction", "acsi_expectations", "acsi_ideal")


def asks_loyalty(end_point: str) -> bool:
    return end_point in LOYALTY_END_POINTS


def current_instrument() -> Instrument:
    instrument = Instrument.objects.filter(is_current=True).first()
    if instrument is not None:
        return instrument
    from .services import ensure_current_instrument  # services import this module

    return ensure_current_instrument()
