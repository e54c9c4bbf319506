"""Personal data in Russian free text: find it, and mask it before a text is published.

People's names (pymorphy3's Name/Surn/Patr readings in context, initials), phone numbers, e-mail addresses,
SNILS, INN, passport and bank numbers, flat numbers and exact house numbers. A span is replaced by ``XXXX``,
as the St Petersburg «Наш город» portal publishes its appeals; a greeting that names the reader loses the
name («Здравствуйте, Иван!» → «Здравствуйте!»).

The rules lean towards masking what looks like a person and leave alone what the context says is a place or an
organisation: «улица Ленина», «пр. Просвещения», «Невский район», «ООО «Петров и партнёры»».
"""

import re
from dataclasses import dataclass
from functools import lru_cache

import pymorphy3

MASK = "XXXX"

KINDS = ("name", "phone", "email", "snils", "inn", "passport", "bank", "flat", "house")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    kind: str


# --- numbers -------------------------------------------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-zА-Яа-я]{2,}(?![\w-])")

_SEP = r"[ \u00a0\-]?"
# +7/8 and ten digits, the code in brackets or not, groups split by spaces or dashes.
_PHONE_FULL = re.compile(
    r"(?<![\w+])(?:\+\s?7|8|7)[ \u00a0\-]?\(?\d{3}\)?[ \u00a0\-]?\d{3}[ \u00a0\-]?\d{2}[ \u00a0\-]?\d{2}(?!\d)"
)
# A mobile number without the country code: 9XX and seven digits.
_PHONE_MOBILE = re.compile(
    r"(?<![\d+])\(?9\d{2}\)?" + _SEP + r"\d{3}" + _SEP + r"\d{2}" + _SEP + r"\d{2}(?!\d)"
)
# A city number: (812) 123-45-67, or 123-45-67 with its dashes (bare seven digits are appeal numbers).
_PHONE_CITY = re.compile(r"(?<![\d\-])(?:\(\d{3,5}\)\s?)?\d{3}-\d{2}-\d{2}(?![\d\-])")

_SNILS_SHAPED = re.compile(r"(?<![\d\-])\d{3}-\d{3}-\d{3}[ \-]\d{2}(?![\d\-])")
_DIGIT_RUN = re.compile(r"(?<![\d\-])\d(?:[ \-]?\d)*(?![\d\-])")
_SNILS_WORD = re.compile(r"снилс|страхов\w* номер", re.IGNORECASE)
_INN_WORD = re.compile(r"\bинн\b", re.IGNORECASE)

_PASSPORT = re.compile(
    r"(?:(?:паспорт\w*|серия|серии|серию)[^\d\n]{0,25}?)"
    r"(?P<span>\d{2}[ \u00a0]?\d{2}(?:[ \u00a0]*,?[ \u00a0]*(?:номер|№|N|н\.)?[ \u00a0]*)\d{6})(?!\d)",
    re.IGNORECASE,
)
_CARD = re.compile(r"(?<![\d\-])\d{4}[ \-]?\d{4}[ \-]?\d{4}[ \-]?\d{4}(?:[ \-]?\d{2,3})?(?![\d\-])")
_ACCOUNT = re.compile(r"(?<![\d.])\d{5}[ .]?\d{3}[ .]?\d[ .]?\d{4}[ .]?\d{7}(?!\d)")

_FLAT = re.compile(
    r"(?<![А-Яа-яЁё])(?:кв\.?|квартир[аыеуо]\w*)[ \u00a0]*(?:№[ \u00a0]*)?"
    r"(?P<span>\d{1,4}[А-Яа-я]?(?:[ \u00a0]?[-–][ \u00a0]?\d{1,4})?)(?![\d])",
    re.IGNORECASE,
)
_HOUSE = re.compile(
    r"(?<![А-Яа-яЁё])(?:д\.|дом|дома|дому|домом|доме)[ \u00a0]*(?:№[ \u00a0]*)?"
    r"(?P<span>\d{1,4}(?:[/\-]\d{1,4})?[А-Яа-я]?"
    r"(?:(?:,?[ \u00a0]*(?:корпус|корп\.|к\.?|литера|лит\.?|строение|стр\.?)[ \u00a0]*|к|/)\d{1,3}[А-Яа-я]?)?)"
    r"(?![\d])",
    re.IGNORECASE,
)


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def snils_valid(number: str) -> bool:
    digits = _digits(number)
    if len(digits) != 11:
        return False
    total = sum(int(d) * (9 - i) for i, d in enumerate(digits[:9]))
    check = total % 101 if total > 101 else total
    return (0 if check in (100, 101) else check) == int(digits[9:])


_INN10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _inn_check(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def inn_valid(number: str) -> bool:
    digits = _digits(number)
    if len(digits) == 10:
        return _inn_check(digits, _INN10) == int(digits[9])
    if len(digits) == 12:
        return _inn_check(digits, _INN12_1) == int(digits[10]) and _inn_check(digits, _INN12_2) == int(
            digits[11]
        )
    return False


def _context_before(text: str, start: int, pattern: re.Pattern[str], width: int = 30) -> bool:
    return bool(pattern.search(text[max(0, start - width) : start]))


def _number_spans(text: str) -> list[Span]:
    found: list[Span] = [Span(m.start(), m.end(), "email") for m in _EMAIL.finditer(text)]
    found += [Span(m.start("span"), m.end("span"), "passport") for m in _PASSPORT.finditer(text)]
    found += [Span(m.start(), m.end(), "snils") for m in _SNILS_SHAPED.finditer(text)]
    for m in _DIGIT_RUN.finditer(text):
        digits = _digits(m.group())
        if len(digits) == 11 and (_context_before(text, m.start(), _SNILS_WORD) or snils_valid(digits)):
            if (
                digits[0] in "78"
                and not _context_before(text, m.start(), _SNILS_WORD)
                and " " not in m.group()
            ):
                continue  # 8 921 … or 89211234567 is a phone, which the phone patterns take
            found.append(Span(m.start(), m.end(), "snils"))
        elif len(digits) in (10, 12) and (_context_before(text, m.start(), _INN_WORD) or inn_valid(digits)):
            if len(digits) == 10 and digits[0] == "9" and not _context_before(text, m.start(), _INN_WORD):
                continue  # a mobile number without +7
            found.append(Span(m.start(), m.end(), "inn"))
    found += [Span(m.start(), m.end(), "bank") for m in _ACCOUNT.finditer(text)]
    found += [Span(m.start(), m.end(), "bank") for m in _CARD.finditer(text)]
    for pattern in (_PHONE_FULL, _PHONE_MOBILE, _PHONE_CITY):
        found += [Span(m.start(), m.end(), "phone") for m in pattern.finditer(text)]
    found += [Span(m.start("span"), m.end("span"), "flat") for m in _FLAT.finditer(text)]
    found += [Span(m.start("span"), m.end("span"), "house") for m in _HOUSE.finditer(text)]
    return found


# --- names ---------------------------------------------------------------------------------------------------

_WORD = re.compile(r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё][а-яё]+)?")
_INITIALS_BEFORE = re.compile(r"(?<![А-Яа-яЁё])(?:[А-ЯЁ]\.[ \u00a0]?){1,2}[ \u00a0]?(?=[А-ЯЁ][а-яё])")
_INITIALS_AFTER = re.compile(r"[ \u00a0]+[А-ЯЁ]\.(?:[ \u00a0]?[А-ЯЁ]\.)?(?![А-Яа-яЁё])")

# Words after which a capitalised word names a place, a street or an institution, not a person.
_PLACE_BEFORE = frozenset(
    """ул улица улицы улице улицу улицей пр пр-т пр-кт просп проспект проспекта проспекте проспекту пер переулок
    переулка переулке пл площадь площади наб набережная набережной б-р бул бульвар бульвара бульваре ш шоссе
    мост моста мосту сад сада саду сквер сквера сквере парк парка парке аллея аллеи линия линии дорога дороги
    дороге проезд проезда тупик остров острова им имени ст станция станции метро м пос поселок посёлок п г гор
    город города района район р-н мо округ округа школа школы гимназия гимназии лицей лицея библиотека
    библиотеки больница больницы поликлиника поликлиники театр театра музей музея институт института
    университет университета улиц памятник памятника канал канала река реки реке маршала генерала адмирала
    академика героя героев профессора композитора архитектора космонавта летчика лётчика писателя поэта
    художника капитана полковника часовня часовни часовней храм храма собор собора церковь церкви""".split()
)
_PLACE_AFTER = frozenset(
    """ул улица улицы улице улицу улицей пр пр-т проспект проспекта проспекте проспекту пер переулок переулка
    переулке пл площадь площади наб набережная набережной бульвар бульвара бульваре шоссе мост моста сад
    сада сквер район района районе р-н округ округа канал канала пр-кт пр-кта пр-кте пр-кту пр-та пр-те пр-ту
    б-р бульвару двор двора дворе""".split()
)
_ORG_BEFORE = frozenset("ооо оао зао ао пао гуп гбу гку спб мкд тсж жск ук ип нко фгуп муп".split())
# Capitalised words that pymorphy3 reads as a name but that, in appeals, almost always are not.
_NOT_NAMES = frozenset(
    """мир слава любовь вера надежда роза лилия звезда жанна победа заря нева невы неве неву купчино
    прошу просим спасибо уважаемые здравствуйте добрый дом двор лифт мусор сегодня вчера
    ломоносове пушкине луначарского""".split()
)
_NAME_TAGS = ("Name", "Surn", "Patr")


@lru_cache(maxsize=1)
def _analyzer() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=100_000)
def _name_scores(word: str) -> tuple[float, float, float, float]:
    """(Name, Surn, Patr, place or organisation) reading weights of a word; the rest is a common word."""
    scores = [0.0, 0.0, 0.0, 0.0]
    for parse in _analyzer().parse(word.lower()):
        tag = parse.tag
        if not parse.is_known:
            # A guess from the word's ending («Хабарики», «Антена») is no evidence of a name.
            continue
        if "Name" in tag:
            scores[0] += parse.score
        elif "Surn" in tag:
            scores[1] += parse.score
        elif "Patr" in tag:
            scores[2] += parse.score
        elif "Geox" in tag or "Orgn" in tag:
            scores[3] += parse.score
    if "-" in word and not any(scores):
        # «Салтыкова-Щедрина», «Римского-Корсакова»: a double surname is a surname if its parts are.
        parts = [_name_scores(part.capitalize()) for part in word.split("-") if part]
        if parts and all(p[1] + p[0] >= 0.5 for p in parts):
            scores[1] = 1.0
    return scores[0], scores[1], scores[2], scores[3]


def _may_be_surname(word: str) -> bool:
    """After initials: a surname pymorphy3 knows, or a word it does not know at all («Витта», «Гасанбекова»),
    but not a common word that starts the next sentence («литера А. Замечание устранено»)."""
    name, surn, patr, place = _name_scores(word)
    if name + surn + patr > 0:
        return True
    return not any(parse.is_known for parse in _analyzer().parse(word.lower())) and place == 0


def _previous_word(text: str, start: int) -> str:
    """The word before, looking past initials: «пр. Ю.Гагарина» → «пр»."""
    m = re.search(
        r"([А-Яа-яЁёA-Za-z\-]+)\.?[\s«\"]*(?:[А-ЯЁ]\.[ \u00a0]?)*$", text[max(0, start - 30) : start]
    )
    return m.group(1).lower() if m else ""


def _next_word(text: str, end: int) -> str:
    m = re.match(r"[\s,.]*([А-Яа-яЁё\-]+)", text[end : end + 30])
    return m.group(1).lower() if m else ""


def _sentence_start(text: str, start: int) -> bool:
    before = text[max(0, start - 5) : start].rstrip(' \t\u00a0«"(')
    return not before or before[-1] in ".!?\n:;"


def _inside_quotes(text: str, start: int) -> bool:
    before = text[max(0, start - 80) : start]
    return before.count("«") > before.count("»") or before.count('"') % 2 == 1


def _in_place_context(text: str, start: int, end: int) -> bool:
    previous = _previous_word(text, start)
    return (
        previous in _PLACE_BEFORE
        or previous in _ORG_BEFORE
        or _next_word(text, end) in _PLACE_AFTER
        or _inside_quotes(text, start)
        # «Коллонтай 21 к1», «Верейская д. 40»: a word followed by a house number is a street.
        or bool(re.match(r"[ \u00a0,]*(?:д\.|дом\b|\d)", text[end : end + 8]))
        or bool(re.search(r"\d[\s\-]*(?:я|й|ая|ий|ой)?\s*$", text[max(0, start - 6) : start]))
    )


def _name_spans(text: str) -> list[Span]:
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    found: list[Span] = []
    # Runs of capitalised words next to each other: «Иванова Ивана Ивановича», «Пётр Сидоров».
    i = 0
    while i < len(words):
        run = [words[i]]
        while i + len(run) < len(words):
            nxt = words[i + len(run)]
            gap = text[run[-1][1] : nxt[0]]
            if gap not in (" ", "\u00a0") or len(run) == 4:
                break
            run.append(nxt)
        i += 1
        scores = [_name_scores(w) for _s, _e, w in run]
        # «Диспетчер Петров Борис Петрович»: a leading word with no reading as a name is not part of it.
        while len(run) > 1 and sum(scores[0][:3]) == 0:
            run, scores = run[1:], scores[1:]
        if run[0][2].lower() in _NOT_NAMES:
            continue
        if _in_place_context(text, run[0][0], run[-1][1]):
            i += len(run) - 1  # «площадь Александра Невского»: the whole run names the place
            continue
        if len(run) >= 2 and any(s[0] >= 0.3 or s[2] >= 0.5 for s in scores):
            # A given name or a patronymic vouches for its capitalised neighbours («Константином Мельник»),
            # unless a neighbour reads better as a place or is a word that is never a name.
            members = 0
            for (_s, _e, word), (name, surn, patr, place) in zip(run, scores, strict=True):
                if word.lower() in _NOT_NAMES or (place >= 0.5 and name + surn + patr < 0.5):
                    break
                members += 1
            if members >= 2:
                found.append(Span(run[0][0], run[members - 1][1], "name"))
                i += members - 1
                continue
        # Otherwise the longest prefix of the run whose words all may be names.
        kept = 0
        for name, surn, patr, place in scores:
            if name + surn + patr >= 0.3 and place < 0.5:
                kept += 1
            else:
                break
        if kept == 0:
            continue
        run, scores = run[:kept], scores[:kept]
        start, end = run[0][0], run[-1][1]
        if len(run) >= 2 and all(s[0] + s[1] + s[2] >= 0.5 for s in scores):
            found.append(Span(start, end, "name"))
            i += kept - 1
            continue
        start, end = run[0][0], run[0][1]
        name, surn, patr, _place = scores[0]
        word = run[0][2].lower()
        at_start = _sentence_start(text, start)
        if patr >= 0.5 or name >= 0.5 or (name >= 0.3 and not at_start) or (surn >= 0.5 and not at_start):
            found.append(Span(start, end, "name"))
        elif surn >= 0.5 and at_start and _next_word(text, end) in ("", ",") and len(word) > 3:
            found.append(Span(start, end, "name"))
    # Initials make any capitalised word a name: «И.И. Иванов», «Иванов И.И.», «Петровой А.».
    for initials in _INITIALS_BEFORE.finditer(text):
        surname = _WORD.match(text, initials.end())
        if (
            surname
            and _previous_word(text, initials.start()) not in _PLACE_BEFORE | {"литера", "лит"}
            and _next_word(text, surname.end()) not in _PLACE_AFTER
            and _may_be_surname(surname.group())
        ):
            found.append(Span(initials.start(), surname.end(), "name"))
    for start, end, word in words:
        after = _INITIALS_AFTER.match(text, end)
        if (
            after
            and _previous_word(text, start) not in _PLACE_BEFORE
            and not _inside_quotes(text, start)
            and word.lower() not in _NOT_NAMES
        ):
            name, surn, patr, place = _name_scores(word)
            if surn + name >= 0.2 or place < 0.3:
                found.append(Span(start, after.end(), "name"))
    return found


# --- putting it together -------------------------------------------------------------------------------------

_PRIORITY = {kind: i for i, kind in enumerate(("email", "passport", "snils", "inn", "bank", "phone", "name"))}


def find(text: str) -> list[Span]:
    """Non-overlapping spans of personal data in the text, in order."""
    if not text:
        return []
    candidates = _number_spans(text) + _name_spans(text)
    # Longer spans first, then the more specific kind; a span that overlaps a kept one is dropped.
    candidates.sort(key=lambda s: (-(s.end - s.start), _PRIORITY.get(s.kind, 99), s.start))
    kept: list[Span] = []
    taken: list[tuple[int, int]] = []
    for span in candidates:
        if any(span.start < e and s < span.end for s, e in taken):
            continue
        kept.append(span)
        taken.append((span.start, span.end))
    return sorted(kept, key=lambda s: s.start)


_GREETING = re.compile(
    r"(?P<greeting>Здравствуйте|Добрый день|Добрый вечер|Доброе утро|Привет(?:ствуем)?)"
    r"[ \u00a0]*,[ \u00a0]*(?:" + MASK + r"[ \u00a0]*)+(?P<end>[!.,]?)"
)
_DEAR = re.compile(r"(?P<dear>Уважаем(?:ый|ая|ые))[ \u00a0]+(?:" + MASK + r"[ \u00a0]*)+(?=[!.,])")


_DEAR_WORDS = {
    "Уважаемый": "Уважаемый заявитель",
    "Уважаемая": "Уважаемая заявительница",
    "Уважаемые": "Уважаемые заявители",
}


def mask(text: str) -> str:
    """The text with every span of personal data replaced by ``XXXX``, fit to publish."""
    spans = find(text)
    if not spans:
        return text
    pieces: list[str] = []
    position = 0
    for span in spans:
        pieces.append(text[position : span.start])
        pieces.append(MASK)
        position = span.end
    pieces.append(text[position:])
    masked = "".join(pieces)
    masked = _GREETING.sub(lambda m: m.group("greeting") + (m.group("end") or "!"), masked)
    return _DEAR.sub(lambda m: _DEAR_WORDS[m.group("dear")], masked)


def has_personal_data(text: str) -> bool:
    return bool(find(text))
