"""Demo knowledge base: the real support knowledge base (data/faq) and answer templates in Russian."""

from pathlib import Path

from django.conf import settings

from . import services
from .models import AnswerTemplate
from .tabular import import_articles

DATA_FILE = Path("faq") / "knowledge_base.csv"
COLUMNS = {"question_column": "Вопрос из БЗ", "answer_column": "Ответ из БЗ", "topic_column": "Тема"}

SNOW = (
    "Неубранный снег на автомобильных дорогах и прилегающих к ним тротуарах, спусках к воде, "
    "подземных и надземных пешеходных переходах"
)
STAIRWELL = "Неудовлетворительное состояние парадной"

TEMPLATES = [
    {
        "name": "Снег убран",
        "topic": SNOW,
        "appeal_status": "in_progress",
        "body": (
            "Здравствуйте, {{ author_name }}!\n\n"
            "По вашему обращению № {{ appeal_number }} от {{ appeal_date }} снег убрали, тротуар посыпали "
            "пескосоляной смесью. Если снег снова лежит, ответьте на это письмо: мы пришлём бригаду.\n\n"
            "{{ operator_name }}, {{ agency_name }}"
        ),
    },
    {
        "name": "Ремонт парадной запланирован",
        "topic": STAIRWELL,
        "appeal_status": "in_progress",
        "body": (
            "Здравствуйте, {{ author_name }}!\n\n"
            "Мы осмотрели парадную по обращению № {{ appeal_number }}. Ремонт включён в план текущего ремонта. "
            "Мы сообщим вам, когда работы закончатся.\n\n"
            "{{ operator_name }}, {{ agency_name }}"
        ),
    },
    {
        "name": "Нужны подробности",
        "topic": "",
        "appeal_status": "in_progress",
        "body": (
            "Здравствуйте, {{ author_name }}!\n\n"
            "Чтобы решить вопрос по обращению № {{ appeal_number }}, нам нужен точный адрес: дом, корпус и "
            "номер подъезда. Ответьте на это письмо, и мы продолжим работу."
        ),
    },
    {
        "name": "Общий ответ",
        "topic": "",
        "appeal_status": "",
        "body": (
            "Здравствуйте, {{ author_name }}!\n\n"
            "Спасибо за обращение № {{ appeal_number }}. Мы ответим не позднее {{ answer_due }}.\n\n"
            "{{ operator_name }}, {{ agency_name }}"
        ),
    },
]


def find_data_file() -> Path | None:
    """The real knowledge base in the repository's data/, or the file CLIENTCENTRIC_DEMO_KNOWLEDGE_BASE names."""
    configured = getattr(settings, "CLIENTCENTRIC_DEMO_KNOWLEDGE_BASE", "")
    path = Path(configured) if configured else settings.DATA_DIR / DATA_FILE
    return path if path.is_file() else None


def load_templates() -> int:
    """The demo templates, once: a template already there (by name) is left as the methodologist left it."""
    created = 0
    for spec in TEMPLATES:
        if AnswerTemplate.objects.filter(name=spec["name"]).exists():
            continue
        services.save_template(**spec)
        created += 1
    return created


def load_knowledge_base(path: Path | None = None):
    """Import the real knowledge base (a re-run writes nothing) and bring in the registry's FAQ."""
    path = path or find_data_file()
    report = import_articles(path.read_bytes(), path.name, **COLUMNS) if path is not None else None
    services.sync_registry_faq()
    return report
