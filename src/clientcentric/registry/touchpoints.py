"""The interaction points of DEF-11 (glossary `Touchpoint`): fixed reference data, kept in step after every migrate
(`services.ensure_touchpoints`)."""

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
