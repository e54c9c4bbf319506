"""Demo data for «Государство для бизнеса»: the five real acts, applicability rules and cost estimates for a
meaningful subset of items, the demo business of the `business` account and a dozen more, drafts under
consultation.

The item rules and cost figures are the demo methodologist's: derived from each item's own wording by the
patterns below (an item on warehouses applies to businesses with a warehouse; «не реже одного раза в год» is a
frequency of 1). They show the mechanics; a real registry has them written and reviewed by people.
"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import Agency, BusinessClient, Representative, User
from clientcentric.registry.demo import DEMO_PASSWORD

from . import selectors, services
from .importer import import_requirements
from .models import Assessment, BusinessProfile, ControlObject, Draft, Requirement

ACTS_FILE = Path(__file__).with_name("demo") / "acts.csv"
AGENCIES = (
    (
        "mchs",
        "Министерство Российской Федерации по делам гражданской обороны, чрезвычайным ситуациям",
        "МЧС России",
    ),
    ("mintrud-rf", "Министерство труда и социальной защиты Российской Федерации", "Минтруд России"),
    ("minenergo", "Министерство энергетики Российской Федерации", "Минэнерго России"),
    (
        "rostekhnadzor",
        "Федеральная служба по экологическому, технологическому и атомному надзору",
        "Ростехнадзор",
    ),
)

FREQUENCIES = (
    (r"ежедневно|кажд\w+ смен|ежесменно", Decimal("247")),
    (r"ежемесячно|раз(а)? в месяц", Decimal("12")),
    (r"ежеквартально|раз(а)? в квартал", Decimal("4")),
    (r"раз(а)? в (полгода|6 месяцев)", Decimal("2")),
    (r"ежегодно|(одного|1) раза? в год|раз в год", Decimal("1")),
    (r"раз(а)? в (2|два) года", Decimal("0.5")),
    (r"раз(а)? в (3|три) года", Decimal("0.33")),
    (r"раз(а)? в (5|пять) лет", Decimal("0.2")),
)
OUT_OF_POCKET = ((r"испытани|измерени", Decimal("6000")), (r"обучени|проверк\w+ знаний", Decimal("3500")))


def _first_sentence(text: str) -> str:
    body = re.sub(r"^\s*[\dа-я.)]+\s", "", text.strip())
    return (re.split(r"(?<=[.;:])\s", body)[0])[:300]


def _annotate(requirement: Requirement) -> bool:
    """Demo cost figures from the item's wording; a recommendation is never costed."""
    changed = False
    text = requirement.text
    if requirement.is_recommendation:
        requirement.cost_frequency = requirement.cost_hours = requirement.cost_out_of_pocket = Decimal("0")
        requirement.cost_activity = ""
        return True
    for pattern, frequency in FREQUENCIES:
        if re.search(pattern, text, re.IGNORECASE):
            requirement.cost_frequency, requirement.cost_hours = frequency, Decimal("2")
            requirement.cost_activity = _first_sentence(text)
            requirement.cost_out_of_pocket = next(
                (money for p, money in OUT_OF_POCKET if re.search(p, text, re.IGNORECASE)), Decimal("0")
            )
            changed = True
            break
    return changed


def _ensure_agencies() -> None:
    for code, name, short in AGENCIES:
        if not Agency.objects.filter(code=code).exists():
            accounts_services.save_agency(
                Agency(code=code, name=name, short_name=short, level="federal", kind="supervisory")
            )


def requirements_dir() -> Path | None:
    """The five acts in the repository's data/requirements, or the folder CLIENTCENTRIC_REQUIREMENTS_DIR names."""
    configured = getattr(settings, "CLIENTCENTRIC_REQUIREMENTS_DIR", "")
    directory = Path(configured) if configured else settings.DATA_DIR / "requirements"
    return directory if directory.is_dir() and any(directory.glob("*_items.csv")) else None


def load_requirements(directory: Path, pattern: str = "*_items.csv") -> dict:
    _ensure_agencies()
    files = [(ACTS_FILE.read_bytes(), ACTS_FILE.name)] + [
        (path.read_bytes(), path.name) for path in sorted(directory.glob(pattern))
    ]
    report = import_requirements(files)
    if not report.ok:
        raise ValueError("; ".join(str(p) for p in report.problems[:5]))
    governed = services.apply_applicability_table()
    with transaction.atomic():
        annotated = [r for r in Requirement.objects.select_related("act") if _annotate(r)]
        Requirement.objects.bulk_update(
            annotated,
            [
                "cost_activity",
                "cost_hours",
                "cost_out_of_pocket",
                "cost_frequency",
            ],
            batch_size=500,
        )
    selectors.rule_index.clear()
    counts = services.refresh_candidates()
    return {
        "items": report.created["items"] + report.updated["items"],
        "annotated": len(annotated),
        "governed": governed,
        **counts,
    }


def _ogrn(body12: str) -> str:
    return body12 + str(int(body12) % 11 % 10)


def _inn10(body9: str) -> str:
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    return body9 + str(sum(int(d) * w for d, w in zip(body9, weights, strict=True)) % 11 % 10)


MAIN_BUSINESS = {
    "ogrn": _ogrn("102773943819"),
    "okved": ["10.71", "56.10", "47.24"],
    "size": "small",
    "region": "78",
    "employees": 24,
    "works_at_height": None,
    "objects_complete": True,
}
MAIN_OBJECTS = (
    ("premises", "Цех выпечки, ул. Седова, 12", {"area": Decimal("420"), "purpose": "production"}),
    ("premises", "Кафе-магазин при пекарне", {"area": Decimal("60"), "purpose": "catering"}),
    ("electrical", "Электроустановка цеха (печи, 0,4 кВ)", {"voltage_kv": Decimal("0.4")}),
)
# (name, OKVED, purpose of the main premises, highest voltage in kV or None, staff work at height) — each
# business's facts fit its name, so its personal list reads true to a visitor.
OTHER_BUSINESSES = (
    ("ООО «Невская логистика»", ["49.41", "52.10"], "warehouse", Decimal("0.4"), True),
    ("ООО «Кофейня на Литейном»", ["56.10"], "catering", Decimal("0.4"), False),
    ("ИП Сидоров А. В.", ["47.11"], "retail", Decimal("0.4"), False),
    ("ООО «Балтийский холод»", ["52.10", "46.39"], "warehouse", Decimal("10"), True),
    ("ООО «Стройвысота»", ["43.91"], "office", Decimal("0.4"), True),
    ("ООО «Магазин у дома»", ["47.11"], "retail", Decimal("0.4"), False),
    ("АО «Охтинский химзавод»", ["20.14"], "production", Decimal("6"), True),
    ("ООО «Печатный двор»", ["18.12"], "production", Decimal("0.4"), False),
    ("ООО «Энергосервис-Север»", ["33.14", "43.21"], "production", Decimal("10"), True),
    ("ИП Кравцова Е. Н.", ["10.71", "47.24"], "production", None, False),
    ("ООО «Автосервис Пулково»", ["45.20"], "production", Decimal("0.4"), False),
    ("ООО «Мебельная фабрика Ладога»", ["31.09"], "production", Decimal("0.4"), False),
)
OTHER_NAMES = tuple(name for name, *_facts in OTHER_BUSINESSES)


@transaction.atomic
def load_businesses(seed: int = 2026) -> int:
    """The demo business (account `business`) and a dozen more, each with objects and assessments."""
    rng = random.Random(seed)
    user = User.objects.get(username="business")
    rep = (
        Representative.objects.filter(person=user, business__isnull=False).select_related("business").first()
    )
    main = rep.business
    if not hasattr(main, "profile"):
        services.save_profile(BusinessProfile(business=main, **MAIN_BUSINESS))
        for kind, name, attrs in MAIN_OBJECTS:
            services.save_object(ControlObject(profile=main.profile, kind=kind, name=name, **attrs))
    profiles = [main.profile]
    for number, (name, okved, purpose, voltage, at_height) in enumerate(OTHER_BUSINESSES):
        entrepreneur = name.startswith("ИП")
        inn = (
            _inn12(f"78{number:02d}{rng.randrange(10**6):06d}")
            if entrepreneur
            else _inn10(f"78{number:02d}{rng.randrange(10**5):05d}")
        )
        business = BusinessClient.objects.filter(name=name).first()
        if business is None:
            business = accounts_services.save_business(
                BusinessClient(name=name, inn=inn, kind="entrepreneur" if entrepreneur else "legal_entity")
            )
        if hasattr(business, "profile"):
            profiles.append(business.profile)
            continue
        ogrn = (
            _ogrnip(f"3047800{number:02d}{rng.randrange(10**5):05d}")
            if entrepreneur
            else _ogrn(f"10278{number:02d}{rng.randrange(10**5):05d}")
        )
        profile = services.save_profile(
            BusinessProfile(
                business=business,
                ogrn=ogrn,
                okved=okved,
                size=("micro", "small", "small", "medium", "large")[number % 5],
                region="78",
                # Registration dates from 2014 on: the last few are young businesses (support measures read it).
                registered_on=date(2014 + number, 1 + number % 12, 10),
                employees=rng.choice((3, 8, 15, 40, 120, 260)),
                works_at_height=at_height,
                objects_complete=True,
            )
        )
        services.save_object(
            ControlObject(
                profile=profile,
                kind="premises",
                name="Основное помещение",
                area=Decimal(rng.randrange(40, 3000)),
                purpose=purpose,
            )
        )
        if voltage is not None:
            services.save_object(
                ControlObject(profile=profile, kind="electrical", name="Электроустановка", voltage_kv=voltage)
            )
        if name.startswith("АО «Охтинский"):
            services.save_object(
                ControlObject(
                    profile=profile,
                    kind="hazardous",
                    name="Склад химических веществ",
                    hazard_class=rng.choice((2, 3, 4)),
                )
            )
        profiles.append(profile)
    _assess(profiles, rng)
    return len(profiles)


def _inn12(body10: str) -> str:
    w1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
    d11 = sum(int(d) * w for d, w in zip(body10, w1, strict=True)) % 11 % 10
    w2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
    d12 = sum(int(d) * w for d, w in zip(body10 + str(d11), w2, strict=True)) % 11 % 10
    return f"{body10}{d11}{d12}"


def _ogrnip(body14: str) -> str:
    return body14 + str(int(body14) % 13 % 10)


ITEM_COMMENTS = (
    "Непонятно, кто должен проводить проверку — мы сами или подрядчик.",
    "Требование разумное, но срок слишком короткий для малого бизнеса.",
    "Формулировка длинная: пришлось читать три раза.",
    "Выполняем без труда.",
)
DRAFT_COMMENTS = (
    (2, "Журнал хранения — лишняя бумага: те же сведения уже есть в складском учёте."),
    (4, "Поддерживаем, если журнал можно вести в электронном виде."),
    (1, "Ежеквартальная проверка для маленького склада обойдётся дороже, чем сам склад."),
    (3, "Нужен образец журнала, иначе каждый инспектор потребует своё."),
    (5, "Давно пора: порядок хранения станет понятнее."),
)
# A methodologist of the agency that develops the fire-safety rules: reads what businesses say about its acts.
DEVELOPER_ACCOUNT = ("mchs", "Орлова", "Светлана", "mchs")


def ensure_developer_account(password: str) -> User:
    username, last, first, agency = DEVELOPER_ACCOUNT
    user = User.objects.filter(username=username).first()
    if user is None:
        user = accounts_services.create_person(
            username=username,
            password=password,
            role="methodologist",
            agency=Agency.objects.get(code=agency),
            last_name=last,
            first_name=first,
        )
    return user


def _assess(profiles, rng) -> None:
    """Every demo business except the main one rates the same ten frequent items, so summaries have cells ≥ 10."""
    common = list(
        Requirement.objects.filter(
            act__code__in=("ПП_1479_ППР", "ПТЭЭП_811"), applicability_rule=""
        ).order_by("act__code", "position")[:10]
    )
    for profile in profiles[1:]:
        for requirement in common:
            if Assessment.objects.filter(profile=profile, requirement=requirement).exists():
                continue
            services.save_assessment(
                profile,
                requirement,
                applies=rng.choice(("confirmed", "confirmed", "confirmed", "disputed", "")),
                clarity=rng.choice((2, 3, 3, 4, 4, 5)),
                feasibility=rng.choice((2, 3, 4, 4, 5)),
                comment=rng.choice(ITEM_COMMENTS) if rng.random() < 0.2 else "",
            )


@transaction.atomic
def load_drafts() -> int:
    today = timezone.localdate()
    drafts = (
        Draft(
            title="Проект изменений в Правила противопожарного режима: хранение пожароопасных веществ на складах",
            developer=Agency.objects.get(code="mchs"),
            procedure=Draft.Procedure.RIA,
            degree=Draft.Degree.HIGH,
            summary="Вводится обязанность вести журнал хранения пожароопасных веществ и ежеквартально проверять его.",
            scope_rule="has_premises and ('warehouse' in premises_purposes or 'production' in premises_purposes)",
            scope_explanation="Организации со складскими или производственными помещениями.",
            opens_on=today - timedelta(days=5),
            closes_on=today + timedelta(days=20),
        ),
        Draft(
            title="Проект требований к вентиляции помещений предприятий общественного питания",
            developer=Agency.objects.get(code="mchs"),
            procedure=Draft.Procedure.RIA,
            degree=Draft.Degree.MEDIUM,
            summary="Меняется периодичность очистки вытяжной вентиляции над жарочным оборудованием: с раза в год на раз в полгода.",
            scope_rule="any_prefix(okved, ('56',))",
            scope_explanation="Кафе, рестораны, столовые (ОКВЭД 56).",
            opens_on=today - timedelta(days=2),
            closes_on=today + timedelta(days=13),
        ),
        Draft(
            title="Проект порядка допуска работников к работам на высоте",
            developer=Agency.objects.get(code="mintrud-rf"),
            procedure=Draft.Procedure.ANTI_CORRUPTION,
            summary="Независимая антикоррупционная экспертиза проекта: порядок выдачи нарядов-допусков.",
            scope_rule="works_at_height",
            scope_explanation="Работодатели, чьи работники работают на высоте.",
            opens_on=today - timedelta(days=1),
            closes_on=today + timedelta(days=10),
        ),
    )
    created = 0
    for draft in drafts:
        if not Draft.objects.filter(title=draft.title).exists():
            services.save_draft(draft)
            created += 1
    _comment_drafts()
    return created


def _comment_drafts() -> None:
    """The demo businesses with a warehouse or production comment on the warehouse draft (once each)."""
    draft = Draft.objects.filter(
        title__startswith="Проект изменений в Правила противопожарного режима"
    ).first()
    if draft is None:
        return
    profiles = BusinessProfile.objects.exclude(business__name="ООО «Северный пекарь»").order_by("pk")
    for number, profile in enumerate(profiles):
        if draft.comments.filter(profile=profile).exists():
            continue
        rating, text = DRAFT_COMMENTS[number % len(DRAFT_COMMENTS)]
        services.comment_on_draft(draft, profile, rating=rating, text=text)


def load() -> str:
    """Everything above; safe to run again. Returns a line for the demo command's output."""
    directory = requirements_dir()
    if directory is None:
        return "Real requirements data not found (data/requirements): no business demo."

    counts = load_requirements(directory)
    businesses = load_businesses()
    drafts = load_drafts()
    ensure_developer_account(DEMO_PASSWORD)
    from .procedures import demo as procedures_demo

    procedures_line = procedures_demo.load(DEMO_PASSWORD)
    return (
        f"Mandatory requirements: {counts['items']} items of 5 acts, {counts['annotated']} with demo rules or costs; "
        f"candidates: {counts['duplicate']} duplicates, {counts['contradiction']} contradictions; "
        f"{businesses} demo businesses; {drafts} new drafts; "
        f"developer account {DEVELOPER_ACCOUNT[0]} (methodologist of МЧС России, password {DEMO_PASSWORD}); "
        f"{procedures_line}"
    )
