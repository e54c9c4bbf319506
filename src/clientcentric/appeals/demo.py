"""Live demo appeals for the demo region, taken from real messages to «Наш Санкт-Петербург».

Real texts (personal data already masked by the portal as XXXX) from the three demo districts, registered over
the last days, routed by district rules; about half already answered with the portal's real official answers.
"""

import csv
import gzip
import json
import re
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from clientcentric.accounts.models import Agency, User
from clientcentric.registry.models import Need

from . import services, training
from .models import Appeal, ClassifierModel, NeedTopic, RoutingRule, Status, TrainingExample

DISTRICT_EXECUTORS = {"Невский": "ja-nevsky", "Выборгский": "ja-vyborgsky", "Центральный": "ja-centralny"}
FREQUENT_TOPICS = "Частые темы сообщений"
DATA_FILE = Path("appeals") / "spb_gorod_2020-10_2021-02.csv.gz"


def find_data_file() -> Path | None:
    """The real appeals in the repository's data/, or the file CLIENTCENTRIC_DEMO_APPEALS names."""
    configured = getattr(settings, "CLIENTCENTRIC_DEMO_APPEALS", "")
    path = Path(configured) if configured else settings.DATA_DIR / DATA_FILE
    return path if path.is_file() else None


def ensure_routing_rules() -> None:
    for position, (district, code) in enumerate(DISTRICT_EXECUTORS.items(), start=1):
        agency = Agency.objects.filter(code=code).first()
        if agency and not RoutingRule.objects.filter(conditions={"district": district}).exists():
            services.save_routing_rule(
                RoutingRule(
                    position=position * 10,
                    name=f"{district} район — жилищное агентство",
                    conditions={"district": district},
                    executor=agency,
                )
            )


def ensure_need_topics() -> int:
    """Map the real appeal topics that the demo needs name as frequent («…») to those needs. Returns how many new."""
    created = 0
    for need in Need.objects.filter(description__contains=FREQUENT_TOPICS):
        for topic in re.findall(r"«([^»]+)»", need.description.split(FREQUENT_TOPICS, 1)[1]):
            if not NeedTopic.objects.filter(topic=" ".join(topic.split())).exists():
                services.save_need_topic(NeedTopic(topic=topic, need=need))
                created += 1
    return created


def _rows(path: Path, count: int) -> list[dict]:
    csv.field_size_limit(50 * 1024 * 1024)
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = [
            row
            for row in csv.DictReader(handle)
            if row["district"] in DISTRICT_EXECUTORS
            and row["created_at"] >= "2021-02-15"
            and row["text"].strip()
        ]
    step = max(1, len(rows) // count)
    return rows[::step][:count]


def load_demo_appeals(path: Path, *, count: int = 60, operator: User | None = None) -> int:
    """Create the demo appeals once (re-running finds them by their source id). Returns how many are new."""
    ensure_routing_rules()
    ensure_need_topics()
    now = timezone.now()
    created = 0
    for index, row in enumerate(_rows(path, count)):
        data = services.AppealInput(
            channel="portal",
            text=row["text"].strip()[: services.MAX_TEXT_LENGTH],
            district=row["district"],
            municipality=row.get("municipality", "")[:100],
            object_kind=row.get("city_object", "")[:100],
            address=row["address"][:300],
            topic=row["reason"][:300],
            external_id=f"demo:{row['id']}",
            contact_email=f"resident{index}@example.ru",
        )
        intake = services.receive_appeal(data, registered_at=now - timedelta(hours=5 * index + 1))
        if not intake.created:
            continue
        created += 1
        answers = [a for a in json.loads(row["answer_texts"] or "[]") if a.strip()]
        appeal = intake.appeal
        if operator is not None and answers and index % 2 == 0 and appeal.executor_id == operator.agency_id:
            services.take(appeal, operator=operator)
            # Real answers from the portal's archive, sent as they were: most fail the plain-Russian check.
            services.answer(
                appeal,
                operator=operator,
                text=answers[-1].strip(),
                override_reason="Ответ из архива портала «Наш Санкт-Петербург», отправлен без правки.",
            )
        elif operator is not None and index % 3 == 0 and appeal.executor_id == operator.agency_id:
            services.take(appeal, operator=operator)
    return created


def train_demo_classifier(path: Path) -> dict | None:
    """Teach the demo region's classifier the real topics and executors, once; None when a model is there.

    The real file names its columns `reason` (topic), `executor_org` and `city_object` (the kind of object);
    every labelled row is imported (rows the
    portal left unlabelled are skipped), then both models are trained and measured on a time-ordered hold-out.
    """
    if ClassifierModel.objects.filter(is_active=True).exists():
        return None
    if not TrainingExample.objects.filter(source=path.name[:40]).exists():
        training.import_examples(
            path,
            category_column="reason",
            executor_column="executor_org",
            object_column="city_object",
            skip_invalid=True,
        )
    return training.train_models()


def demo_counts() -> dict[str, int]:
    return {status: Appeal.objects.filter(status=status).count() for status in Status.values}
