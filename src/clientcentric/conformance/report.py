"""The self-assessment's figures for one agency and quarter, as frozen in a snapshot and published.

The payload holds only what may be public: indicator values (suppressed cells stay empty), each requirement's
result with the gap in words, and the plan to close it with a position (never a person) and a date. The trend
compares a snapshot with the agency's previous one, per requirement and per chapter.
"""

import hashlib
import json

from clientcentric.core import formats

from .indicators import INDICATORS, Quarter, compute
from .models import Assessment, Requirement, Result

RANK = {Result.CONFORMS: 2, Result.PARTLY: 1, Result.DOES_NOT: 0}

# The open data's columns: name → (type, meaning), published beside the CSV and JSON.
INDICATOR_COLUMNS = {
    "agency": ("string", "Код органа власти"),
    "quarter": ("string", "Квартал, ГГГГ-QN"),
    "indicator": ("string", "Код показателя"),
    "title": ("string", "Название показателя"),
    "unit": ("string", "Единица: share — доля 0…1, score — балл, seconds — секунды, count — число"),
    "value": ("number|null", "Значение; пусто, если ячейка скрыта (меньше 10 наблюдений) или данных нет"),
    "ci_low": ("number|null", "Нижняя граница 95-процентного доверительного интервала (Уилсон)"),
    "ci_high": ("number|null", "Верхняя граница 95-процентного доверительного интервала (Уилсон)"),
    "numerator": ("number|null", "Числитель; пусто, если ячейка скрыта"),
    "denominator": ("number|null", "Знаменатель; пусто, если ячейка скрыта"),
    "suppressed": ("boolean", "Скрыто по правилу малых групп"),
}
REQUIREMENT_COLUMNS = {
    "agency": ("string", "Код органа власти"),
    "quarter": ("string", "Квартал, ГГГГ-QN"),
    "requirement": ("string", "Код требования стандарта (например, DEL-4)"),
    "chapter": ("string", "Раздел стандарта"),
    "result": (
        "string",
        "conforms — соответствует, partly — частично, does_not — не соответствует, "
        "not_applicable — неприменимо, not_assessed — не оценено",
    ),
    "method": ("string", "indicator — по показателю, attestation — заключение методолога"),
    "indicator": ("string", "Код показателя, если оценка по показателю"),
    "measured_value": ("number|null", "Значение показателя за квартал"),
    "gap": ("string", "Несоответствие словами"),
    "owner_role": ("string", "Ответственный — должность"),
    "due_date": ("date|null", "Срок устранения несоответствия, ГГГГ-ММ-ДД"),
    "reviewed": ("boolean", "Заключение проверено вторым сотрудником"),
}


def canonical_json(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def integrity_hash(payload: dict) -> str:
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def quarter_label(quarter) -> str:
    """«2026-Q3» (or a Quarter) as «III квартал 2026»."""
    return formats.quarter(str(quarter).replace("-", ""))


def _rounded(value):
    return None if value is None else round(float(value), 4)


def indicator_rows(agency, quarter: Quarter) -> list[dict]:
    rows = []
    for code, definition in sorted(INDICATORS.items()):
        value = compute(code, agency=agency, quarter=quarter)
        hidden = value.suppressed
        rows.append(
            {
                "code": code,
                "title": str(definition.title),
                "unit": definition.unit,
                "higher_is_better": definition.higher_is_better,
                "value": None if hidden else _rounded(value.value),
                "ci_low": None if hidden else _rounded(value.ci_low),
                "ci_high": None if hidden else _rounded(value.ci_high),
                "numerator": None if hidden else _rounded(value.numerator),
                "denominator": None if hidden else _rounded(value.denominator),
                "suppressed": hidden,
            }
        )
    return rows


def chapter_summary(requirements: list[dict]) -> list[dict]:
    """Per chapter: counts by result and a score = (conforms + ½·partly) / assessed applicable requirements."""
    chapters: dict[str, dict] = {}
    for row in requirements:
        chapter = chapters.setdefault(
            row["chapter"],
            {"chapter": row["chapter"], "title": row["chapter_title"], "standard": row["standard"]}
            | {result: 0 for result in Result.values},
        )
        chapter[row["result"]] += 1
    for chapter in chapters.values():
        assessed = chapter[Result.CONFORMS] + chapter[Result.PARTLY] + chapter[Result.DOES_NOT]
        chapter["score"] = (
            round((chapter[Result.CONFORMS] + 0.5 * chapter[Result.PARTLY]) / assessed, 4)
            if assessed
            else None
        )
    return list(chapters.values())


def requirement_rows(agency) -> list[dict]:
    assessments = {
        a.requirement_id: a for a in Assessment.objects.filter(agency=agency).select_related("requirement")
    }
    rows = []
    for requirement in Requirement.objects.all():
        a = assessments.get(requirement.pk)
        rows.append(
            {
                "code": requirement.code,
                "standard": requirement.standard,
                "chapter": requirement.chapter,
                "chapter_title": requirement.chapter_title,
                "text": requirement.text,
                "result": a.result if a else Result.NOT_ASSESSED,
                "method": a.method if a else "",
                "indicator": a.indicator if a else "",
                "measured_value": _rounded(a.measured_value) if a else None,
                "gap": a.gap if a else "",
                "owner_role": a.owner_role if a else "",
                "due_date": a.due_date.isoformat() if a and a.due_date else None,
                "reviewed": bool(a and a.reviewed_at),
            }
        )
    return rows


def build(agency, quarter: Quarter) -> dict:
    requirements = requirement_rows(agency)
    return {
        "agency": {"code": agency.code, "name": agency.name},
        "quarter": str(quarter),
        "indicators": indicator_rows(agency, quarter),
        "requirements": requirements,
        "chapters": chapter_summary(requirements),
    }


def trend(current: dict, previous: dict | None) -> dict:
    """What improved and what did not since the previous snapshot: per requirement and per chapter."""
    if not previous:
        return {"improved": [], "worsened": [], "unchanged_gaps": [], "chapters": {}}
    before = {row["code"]: row["result"] for row in previous["requirements"]}
    improved, worsened, unchanged = [], [], []
    for row in current["requirements"]:
        old, new = before.get(row["code"]), row["result"]
        if old in RANK and new in RANK:
            if RANK[new] > RANK[old]:
                improved.append((row, old))
            elif RANK[new] < RANK[old]:
                worsened.append((row, old))
            elif new != Result.CONFORMS:
                unchanged.append(row)
        elif new == Result.DOES_NOT or new == Result.PARTLY:
            unchanged.append(row)
    old_scores = {row["chapter"]: row["score"] for row in previous["chapters"]}
    chapters = {}
    for row in current["chapters"]:
        old = old_scores.get(row["chapter"])
        chapters[row["chapter"]] = (
            None if old is None or row["score"] is None else round(row["score"] - old, 4)
        )
    return {"improved": improved, "worsened": worsened, "unchanged_gaps": unchanged, "chapters": chapters}


def plan(payload: dict) -> list[dict]:
    """What the agency will do: its open gaps with the responsible position and the date, soonest first."""
    gaps = [row for row in payload["requirements"] if row["result"] in (Result.PARTLY, Result.DOES_NOT)]
    return sorted(gaps, key=lambda row: (row["due_date"] or "9999", row["code"]))
