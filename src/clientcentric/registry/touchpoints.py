"""The interaction points of DEF-11 (glossary `Touchpoint`): fixed reference data, kept in step after every migrate."""

TOUCHPOINTS = [
    ("portal", "Портал госуслуг"),
    ("app", "Мобильное приложение"),
    ("call_centre", "Контакт-центр"),
    ("email", "Электронная почта и письма"),
    ("chatbot", "Чат-бот"),
    ("social", "Социальные сети"),
    ("in_person", "Личный приём"),
    ("one_stop_centre", "МФЦ «Мои документы»"),
    ("long_stay", "Места длительного пребывания"),
]


def ensure_touchpoints() -> None:
    from .models import Touchpoint

    for order, (code, name) in enumerate(TOUCHPOINTS, start=1):
        Touchpoint.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})
