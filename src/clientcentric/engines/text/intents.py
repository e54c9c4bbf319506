"""What a client wants from the chat-bot, told from their message by explicit lemma rules.

A handful of intents, each with the lemmas (and lemma pairs) that signal it; the first rule that fires
wins, in the order of INTENT_ORDER, so «позовите оператора, статус не меняется» goes to a person. A problem
report («на дороге яма», «не горит фонарь») is told from the words of trouble and the objects people report
on. Whatever matches no rule is a question for the knowledge base. Every rule can be read and tested; nothing is learnt.
"""

import re
from dataclasses import dataclass

from razdel import tokenize

from .lemmas import parse

HANDOVER = "handover"
APPEAL_STATUS = "appeal_status"
START_APPEAL = "start_appeal"
PROBLEM_REPORT = "problem_report"
GOODBYE = "goodbye"
GREETING = "greeting"
QUESTION = "question"

APPEAL_NUMBER = re.compile(r"\b(\d{4}-\d{6})\b")

# Single lemmas that are enough on their own.
_WORDS = {
    HANDOVER: {"оператор", "сотрудник", "специалист", "консультант"},
    GOODBYE: {"спасибо", "благодарить", "пока", "свидание", "хватит"},
    GREETING: {"здравствуйте", "привет", "добрый", "здравствовать"},
}
# Pairs of lemmas that must both be present.
_PAIRS = {
    # «человек» alone is common in questions («сколько человек…»): it asks for a person only when called for.
    HANDOVER: [
        ({"позвать", "соединить", "переключить", "связаться", "живой", "хотеть", "нужный"}, {"человек"})
    ],
    APPEAL_STATUS: [
        ({"статус", "состояние", "ход"}, {"обращение", "заявление", "жалоба", "заявка", "запрос"}),
        ({"где", "что"}, {"обращение", "заявление", "жалоба", "заявка"}),
        ({"мой"}, {"обращение", "заявление", "жалоба", "заявка"}),
    ],
    START_APPEAL: [
        (
            {"подать", "написать", "отправить", "оставить", "создать", "направить"},
            {"обращение", "жалоба", "заявление"},
        ),
        ({"пожаловаться"}, set()),
    ],
}
# A problem report: the things people write about in real appeals (data/appeals: «яма», «не горит фонарь»,
# «течёт крыша», «не убирают мусор»), when something is wrong with them. An object alone («лифт») may be a
# question («как заменить лифт?»), so it needs a sign of trouble; a word of trouble alone («протечка»,
# «засор», «яма») is enough.
_TROUBLE = {
    "яма", "выбоина", "протечка", "протекать", "течь", "засор", "затопить", "топить", "прорыв", "авария",
    "сломать", "сломаться", "сломанный", "разбить", "разбитый", "поврежденный", "повредить", "неисправный",
    "грязный", "грязь", "вонь", "вонять", "наледь", "гололед", "сосулька", "лужа", "мусор", "свалка",
    "граффити", "таракан", "клоп", "крыса", "неубранный", "провалиться", "обрушиться", "отвалиться",
}  # fmt: skip
_OBJECTS = {
    "лифт", "домофон", "фонарь", "освещение", "свет", "лампочка", "крыша", "кровля", "батарея", "радиатор",
    "отопление", "вода", "канализация", "подъезд", "парадная", "двор", "дорога", "тротуар", "асфальт", "люк",
    "снег", "урна", "контейнер", "площадка", "скамейка", "светофор", "знак", "дверь", "доводчик", "подвал",
    "труба", "стена", "фасад",
}  # fmt: skip
_BROKEN = {"не", "нет", "перестать", "опять", "снова", "второй", "который", "холодный", "горячий", "темно"}
INTENT_ORDER = (HANDOVER, APPEAL_STATUS, START_APPEAL, PROBLEM_REPORT, GOODBYE, GREETING)
# Greetings and thanks only count when the message says little else: «Здравствуйте, как загрузить видео?» is a question.
_SHORT = 4


@dataclass(frozen=True)
class Intent:
    name: str
    appeal_number: str = ""


def _words(text: str) -> list[str]:
    # Unlike search, intents need the interjections and particles: «спасибо», «здравствуйте», «пока».
    words = []
    for token in tokenize(text or ""):
        if any(ch.isalpha() for ch in token.text):
            word = token.text.lower()
            parses = parse(word)
            words.append((parses[0].normal_form if parses else word).replace("ё", "е"))
    return words


def _fires(name: str, found: set[str], size: int) -> bool:
    if name in (GOODBYE, GREETING) and size > _SHORT:
        return False
    if name == PROBLEM_REPORT:
        return bool(found & _TROUBLE) or bool(found & _OBJECTS and found & _BROKEN)
    if name == HANDOVER and size <= 2 and "человек" in found:
        return True
    if found & _WORDS.get(name, set()):
        return True
    return any(found & first and (not second or found & second) for first, second in _PAIRS.get(name, []))


def detect(text: str) -> Intent:
    number = APPEAL_NUMBER.search(text or "")
    if number:
        return Intent(APPEAL_STATUS, number.group(1))
    words = _words(text)
    found = set(words)
    for name in INTENT_ORDER:
        if _fires(name, found, len(words)):
            return Intent(name)
    return Intent(QUESTION)
