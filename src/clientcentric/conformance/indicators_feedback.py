"""Indicators from the one feedback instrument: CSAT, CES, NPS, the equal-weight ACSI and the «Ваш контроль»
criteria. Definitions: docs/indicators.md.

Only solicited answers count (an invitation, the QR code at an office, the voice menu): the page widget is a
self-selected sample and is never pooled with them (measurement.md §6.1). A question is pooled across instrument
versions only where they word it exactly as the current version does; a reworded question starts a new series.
"""

from collections import defaultdict

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clientcentric.core import formats
from clientcentric.engines import metrics
from clientcentric.feedback.instrument import ACSI_CODES, VASH_KONTROL_CRITERIA, current_instrument
from clientcentric.feedback.models import SOLICITED_SOURCES, Answer, Response
from clientcentric.registry.models import Touchpoint

from .indicator_kit import Column, Score, bounded, indicator, mean_score, score_value, share_value
from .indicators import Quarter


def _responses(agency, quarter: Quarter):
    start, end = quarter.bounds()
    responses = Response.objects.filter(
        submitted_at__gte=start, submitted_at__lt=end, source__in=SOLICITED_SOURCES
    )
    return responses if agency is None else responses.filter(agency=agency)


def _wordings(codes) -> dict[str, str]:
    questions = current_instrument().questions.filter(code__in=codes)
    return {question.code: question.text for question in questions}


def _answers(agency, quarter: Quarter, code: str):
    """Answers to one question, from every version that words it as the current one does."""
    text = _wordings([code]).get(code)
    if text is None:
        return Answer.objects.none()
    start, end = quarter.bounds()
    answers = Answer.objects.filter(
        question__code=code,
        question__text=text,
        value__isnull=False,
        response__submitted_at__gte=start,
        response__submitted_at__lt=end,
        response__source__in=SOLICITED_SOURCES,
    )
    return answers if agency is None else answers.filter(response__agency=agency)


def _levels(agency, quarter: Quarter, code: str) -> dict[str, dict[int, int]]:
    """{touchpoint: {level: count}} in one grouped query."""
    rows = (
        _answers(agency, quarter, code)
        .values("response__touchpoint", "value")
        .annotate(n=Count("pk"))
        .order_by()
    )
    levels: dict[str, dict[int, int]] = defaultdict(dict)
    for row in rows:
        levels[row["response__touchpoint"]][row["value"]] = row["n"]
    return levels


def _pooled(levels: dict[str, dict[int, int]]) -> dict[int, int]:
    total: dict[int, int] = defaultdict(int)
    for counts in levels.values():
        for level, n in counts.items():
            total[level] += n
    return dict(total)


def _touchpoint_labels() -> dict:
    return dict(Touchpoint.objects.values_list("code", "name"))


def response_records(code: str):
    def records(agency, quarter: Quarter, key: str | None = None):
        responses = _responses(agency, quarter).filter(answers__question__code=code).distinct()
        if key:
            responses = responses.filter(touchpoint=key)
        return responses.select_related("agency", "service").prefetch_related("answers__question")

    return records


def _answer_to(response, code: str) -> str:
    for answer in response.answers.all():
        if answer.question.code == code:
            return str(answer.value) if answer.value is not None else ", ".join(answer.choices)
    return "—"


def _columns(*codes) -> tuple:
    # No comment and no person: a drill-down shows what was rated, never who rated it or in what words.
    return (
        Column(
            _("response"),
            lambda r: f"№ {r.pk}",
            lambda r: reverse("admin:feedback_response_change", args=[r.pk]),
        ),
        Column(_("touchpoint"), lambda r: r.touchpoint),
        Column(_("service"), lambda r: r.service.name if r.service else "—"),
        Column(_("submitted at"), lambda r: formats.datetime(r.submitted_at, year=True)),
        *(Column(_("answer"), lambda r, code=code: _answer_to(r, code)) for code in codes),
    )


FEEDBACK = dict(breakdown_title=_("touchpoint"), labels=_touchpoint_labels, sample=True)


@indicator(
    "csat",
    _("Satisfaction (CSAT)"),
    unit="share",
    records=response_records("satisfaction"),
    columns=_columns("satisfaction"),
    definition=_("Solicited answers of 4 or 5 to «How satisfied are you» (1–5), of all such answers."),
    **FEEDBACK,
)
def csat(*, agency=None, quarter: Quarter):
    levels = _levels(agency, quarter, "satisfaction")
    counts = {
        touchpoint: (metrics.positive(by_level, metrics.CSAT), metrics.total(by_level))
        for touchpoint, by_level in levels.items()
    }
    return share_value("csat", quarter, agency, counts, interval=True)


@indicator(
    "ces",
    _("Effort (CES), mean on 1–7"),
    unit="score",
    records=response_records("effort"),
    columns=_columns("effort"),
    definition=_("The mean agreement, from 1 to 7, with «It was easy to get the service»."),
    **FEEDBACK,
)
def ces(*, agency=None, quarter: Quarter):
    levels = _levels(agency, quarter, "effort")

    def score(counts):
        # metrics.ces checks the levels against the 1–7 scale and gives the mean; the interval is the mean's.
        value = metrics.ces(counts)
        return bounded(Score(value, metrics.total(counts), *_interval_of(counts)), 1, 7)

    parts = {touchpoint: score(by_level) for touchpoint, by_level in levels.items()}
    return score_value("ces", quarter, agency, score(_pooled(levels)), parts)


def _interval_of(counts: dict[int, int]) -> tuple:
    found = mean_score(counts.items())
    return found.low, found.high


def nps_score(counts: dict[int, int]) -> Score:
    """NPS with its normal interval: the score is 100·mean of +1 (9–10), 0 (7–8), −1 (0–6)."""
    value = metrics.nps(counts)
    if value is None:
        return Score(None, 0)
    promoters = sum(n for level, n in counts.items() if level >= 9)
    detractors = sum(n for level, n in counts.items() if level <= 6)
    passives = metrics.total(counts) - promoters - detractors
    spread = mean_score([(1, promoters), (0, passives), (-1, detractors)])
    return bounded(Score(value, spread.n, _hundred(spread.low), _hundred(spread.high)), -100, 100)


def _hundred(value):
    return None if value is None else 100 * value


@indicator(
    "nps",
    _("Loyalty (NPS)"),
    unit="score",
    records=response_records("recommend"),
    columns=_columns("recommend"),
    definition=_(
        "Per cent answering 9–10 minus per cent answering 0–6 to «Would you advise this service» (0–10)."
    ),
    **FEEDBACK,
)
def nps(*, agency=None, quarter: Quarter):
    levels = _levels(agency, quarter, "recommend")
    parts = {touchpoint: nps_score(by_level) for touchpoint, by_level in levels.items()}
    return score_value("nps", quarter, agency, nps_score(_pooled(levels)), parts)


def acsi_score(triples: list[tuple[int, int, int]]) -> Score:
    """The equal-weight ACSI of the means of the three items (engines/metrics acsi_equal_weight), with the
    interval of the mean of each response's own index (the same value: the index is linear in the items)."""
    if not triples:
        return Score(None, 0)
    n = len(triples)
    means = [sum(triple[i] for triple in triples) / n for i in range(3)]
    value = metrics.acsi_equal_weight(*means)
    per_response = defaultdict(int)
    for triple in triples:
        per_response[(sum(triple) - 3) / 27 * 100] += 1
    spread = mean_score(per_response.items())
    return bounded(Score(value, n, spread.low, spread.high), 0, 100)


@indicator(
    "acsi",
    _("Loyalty index (ACSI, equal weights)"),
    unit="score",
    records=response_records("acsi_satisfaction"),
    columns=_columns(*ACSI_CODES),
    definition=_(
        "(S + E + I − 3) / 27 × 100 from the means of overall satisfaction, expectations and closeness to the "
        "ideal (1–10), over responses that answered all three."
    ),
    **FEEDBACK,
)
def acsi(*, agency=None, quarter: Quarter):
    wordings = _wordings(ACSI_CODES)
    answers: dict[int, dict[str, int]] = defaultdict(dict)
    touchpoints: dict[int, str] = {}
    for code in ACSI_CODES:
        if code not in wordings:
            continue
        rows = _answers(agency, quarter, code).values_list("response_id", "response__touchpoint", "value")
        for response_id, touchpoint, value in rows:
            answers[response_id][code] = value
            touchpoints[response_id] = touchpoint
    by_touchpoint: dict[str, list] = defaultdict(list)
    everything = []
    for response_id, items in answers.items():
        if len(items) == len(ACSI_CODES):
            triple = tuple(items[code] for code in ACSI_CODES)
            by_touchpoint[touchpoints[response_id]].append(triple)
            everything.append(triple)
    parts = {touchpoint: acsi_score(triples) for touchpoint, triples in by_touchpoint.items()}
    return score_value("acsi", quarter, agency, acsi_score(everything), parts)


# «Ваш контроль» (ПП РФ № 1284): five criteria, each rated positive or negative by the client. The instrument
# asks them through its driver lists: ticking a criterion's driver under «Что было хорошо?» rates it positive,
# under «Что мешало?» negative (a complaint outweighs praise of the same criterion in one response).

CRITERIA_NUMBERS = {"time": 1, "queue": 2, "staff": 3, "premises": 4, "information": 5}


def criterion_labels() -> dict:
    return {
        "time": str(_("time to get the service")),
        "queue": str(_("waiting time in the queue")),
        "staff": str(_("courtesy and competence of the staff")),
        "premises": str(_("comfort of the premises")),
        "information": str(_("availability of information about the procedure")),
    }


def _drivers_of(criterion: str) -> set:
    drivers = VASH_KONTROL_CRITERIA[criterion]
    return {drivers} if isinstance(drivers, str) else set(drivers)


def criterion_ratings(agency, quarter: Quarter, *, by=("criterion",)) -> dict[tuple, list[int]]:
    """{(criterion, *by fields): [positive, rated]} from the driver lists, one query for all of them.

    A response rates a criterion when it ticks one of its drivers in either list; the driver lists are JSON, so
    the ticks are read here rather than in SQL, as feedback/aggregation.py reads them."""
    start, end = quarter.bounds()
    answers = Answer.objects.filter(
        question__code__in=("went_well", "got_in_way"),
        response__submitted_at__gte=start,
        response__submitted_at__lt=end,
        response__source__in=SOLICITED_SOURCES,
    )
    if agency is not None:
        answers = answers.filter(response__agency=agency)
    extra = [field for field in by if field != "criterion"]
    ticks: dict[int, dict] = defaultdict(lambda: {"went_well": set(), "got_in_way": set()})
    keys: dict[int, tuple] = {}
    for row in answers.values("response_id", "question__code", "choices", *extra).iterator(chunk_size=5000):
        ticks[row["response_id"]][row["question__code"]].update(row["choices"])
        keys[row["response_id"]] = tuple(row[field] for field in extra)
    ratings: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for response_id, ticked in ticks.items():
        for criterion in VASH_KONTROL_CRITERIA:
            drivers = _drivers_of(criterion)
            negative = bool(drivers & ticked["got_in_way"])
            if not negative and not drivers & ticked["went_well"]:
                continue
            cell = ratings[(criterion, *keys[response_id])]
            cell[0] += 0 if negative else 1
            cell[1] += 1
    return ratings


def criterion_records(agency, quarter: Quarter, key: str | None = None):
    responses = _responses(agency, quarter).filter(answers__question__code__in=("went_well", "got_in_way"))
    return responses.distinct().select_related("agency", "service").prefetch_related("answers__question")


@indicator(
    "vash_kontrol",
    _("«Ваш контроль» criteria rated positive"),
    unit="share",
    breakdown_title=_("criterion"),
    labels=criterion_labels,
    records=criterion_records,
    columns=_columns("went_well", "got_in_way"),
    sample=True,
    definition=_(
        "Per criterion of «Ваш контроль», the responses that praised it and complained of nothing in it, of all "
        "responses that rated it; the total pools every criterion's ratings."
    ),
)
def vash_kontrol(*, agency=None, quarter: Quarter):
    ratings = criterion_ratings(agency, quarter)
    counts = {
        criterion: tuple(ratings[(criterion,)])
        for criterion in VASH_KONTROL_CRITERIA
        if (criterion,) in ratings
    }
    return share_value("vash_kontrol", quarter, agency, counts, interval=True)
