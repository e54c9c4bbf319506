"""Generate the labelled set for the personal-data mask: real appeal texts with planted personal data.

Each record is a real appeal (or official answer) of «Наш Санкт-Петербург», Oct 2020 – Feb 2021, with one to
three sentences planted in it that carry personal data of a known kind — names in several cases and with
initials, phones in +7/8 formats, e-mails, SNILS and INN with valid checksums, passports, bank cards and
accounts, flats and exact house numbers — and the character spans of what must be masked. Deterministic: the
same seed and data give the same file.

    .venv/bin/python bench/personal_data_set.py [--data PATH] [--seed 16] [--size 400] [--out FILE]

The committed output is tests/engines/data/personal_data_set.jsonl; tests/engines/test_personal_data.py scores
the mask against it.
"""

import argparse
import csv
import gzip
import json
import random
import re
from pathlib import Path

import pymorphy3

ROOT = Path(__file__).resolve().parents[1]
DATA_CANDIDATES = (
    ROOT / "data/appeals/spb_gorod_2020-10_2021-02.csv.gz",
    ROOT.parent / "shared/data/appeals/spb_gorod_2020-10_2021-02.csv.gz",
)
OUT = ROOT / "tests/engines/data/personal_data_set.jsonl"
KINDS = ("name", "phone", "email", "snils", "inn", "passport", "bank", "flat", "house")

MALE = "Иван Пётр Сергей Алексей Дмитрий Андрей Михаил Николай Владимир Юрий Олег Евгений Константин Артём Григорий Виктор Павел Роман Максим Борис".split()
FEMALE = "Анна Мария Елена Ольга Татьяна Наталья Ирина Светлана Екатерина Людмила Галина Марина Юлия Ксения Дарья Валентина Нина Алла Зоя Полина".split()
PATR_MALE = "Иванович Петрович Сергеевич Алексеевич Дмитриевич Андреевич Михайлович Николаевич Владимирович Юрьевич Олегович Викторович".split()
PATR_FEMALE = "Ивановна Петровна Сергеевна Алексеевна Дмитриевна Андреевна Михайловна Николаевна Владимировна Юрьевна Олеговна Викторовна".split()
SURNAMES = "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кудрявцев Белов Тарасов Беляев Комаров Медведев Антонов Жуков Киселёв Титов Баранов Ефимов Щербаков Калинин Голубев Шестаков Сидоренко Ткаченко Бондаренко Кравченко Шевчук Коваль Мельник".split()
STREETS = "Мебельная улица|улица Ленина|пр. Просвещения|Невский проспект|улица Марата|Гражданский пр.|ул. Гагарина|Дачный проспект|бульвар Новаторов|ул. Крупской".split(
    "|"
)
DOMAINS = "mail.ru yandex.ru gmail.com bk.ru list.ru inbox.ru rambler.ru yahoo.com spb.ru".split()
LATIN = "ivan petrov anna olga sergey smirnova kuznetsov elena dima maria natasha kot1985 spb_resident nevsky pavel".split()

_morph = pymorphy3.MorphAnalyzer()


def inflect(word: str, case: str, tag: str, gender: str) -> str:
    for parse in _morph.parse(word):
        if tag in parse.tag and (gender in parse.tag or tag != "Surn"):
            form = parse.inflect({case})
            if form is not None:
                text = form.word
                return "-".join(p.capitalize() for p in text.split("-"))
    return word


def person(rng: random.Random) -> dict:
    female = rng.random() < 0.5
    first = rng.choice(FEMALE if female else MALE)
    patr = rng.choice(PATR_FEMALE if female else PATR_MALE)
    surname = rng.choice(SURNAMES)
    gender = "femn" if female else "masc"
    if female and surname.endswith(("ов", "ев", "ёв", "ин")):
        surname += "а"
    return {"first": first, "patr": patr, "surname": surname, "gender": gender}


def name_phrase(rng: random.Random, case: str) -> str:
    p = person(rng)
    first = inflect(p["first"], case, "Name", p["gender"])
    patr = inflect(p["patr"], case, "Patr", p["gender"])
    surname = inflect(p["surname"], case, "Surn", p["gender"])
    initials = f"{p['first'][0]}.{rng.choice(['', ' '])}{p['patr'][0]}."
    return rng.choice(
        [
            f"{surname} {first} {patr}",
            f"{first} {patr} {surname}",
            f"{first} {surname}",
            f"{surname} {initials}",
            f"{initials} {surname}",
            f"{first} {patr}",
        ]
    )


def phone(rng: random.Random) -> str:
    code = rng.choice(["921", "911", "905", "981", "952", "999", "812", "904"])
    a, b, c = f"{rng.randrange(1000):03d}", f"{rng.randrange(100):02d}", f"{rng.randrange(100):02d}"
    return rng.choice(
        [
            f"+7 ({code}) {a}-{b}-{c}",
            f"8 ({code}) {a}-{b}-{c}",
            f"8{code}{a}{b}{c}",
            f"+7{code}{a}{b}{c}",
            f"8 {code} {a} {b} {c}",
            f"+7-{code}-{a}-{b}-{c}",
            f"8-{code}-{a}-{b}{c}",
            f"+7 {code} {a}{b}{c}",
            f"8({code}){a}-{b}-{c}",
            f"{a}-{b}-{c}",
        ]
    )


def email(rng: random.Random) -> str:
    name = rng.choice(LATIN) + rng.choice(["", ".", "_"]) + rng.choice(["", str(rng.randrange(1, 2000))])
    return f"{name.strip('._')}@{rng.choice(DOMAINS)}"


def snils(rng: random.Random) -> str:
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        total = sum(d * (9 - i) for i, d in enumerate(digits))
        if total > 1001 or total < 10:
            continue
        check = total % 101 if total > 101 else total
        check = 0 if check in (100, 101) else check
        body = "".join(map(str, digits))
        return rng.choice(
            [
                f"{body[:3]}-{body[3:6]}-{body[6:]} {check:02d}",
                f"{body[:3]}-{body[3:6]}-{body[6:]}-{check:02d}",
                f"{body}{check:02d}",
            ]
        )


def inn(rng: random.Random) -> str:
    def check(digits: list[int], weights: tuple[int, ...]) -> int:
        return sum(d * w for d, w in zip(digits, weights, strict=False)) % 11 % 10

    region = [7, 8] if rng.random() < 0.6 else [rng.randrange(1, 10), rng.randrange(10)]
    if rng.random() < 0.6:
        digits = region + [rng.randrange(10) for _ in range(8)]
        digits.append(check(digits, (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)))
        digits.append(check(digits, (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)))
    else:
        digits = region + [rng.randrange(10) for _ in range(7)]
        digits.append(check(digits, (2, 4, 10, 3, 5, 9, 4, 6, 8)))
    return "".join(map(str, digits))


def card(rng: random.Random) -> str:
    digits = [rng.choice([2, 4, 5])] + [rng.randrange(10) for _ in range(14)]
    total = 0
    for i, d in enumerate(reversed(digits)):
        d = d * 2 if i % 2 == 0 else d
        total += d - 9 if d > 9 else d
    digits.append((10 - total % 10) % 10)
    text = "".join(map(str, digits))
    return rng.choice([" ".join(text[i : i + 4] for i in range(0, 16, 4)), text])


def account(rng: random.Random) -> str:
    return rng.choice(["40817810", "40702810", "40802810"]) + "".join(
        str(rng.randrange(10)) for _ in range(12)
    )


# Each template: text with {slots}; a slot holds (kind, value). Literal parts stay unmasked.
def planted(kind: str, rng: random.Random) -> list[tuple[str, str | None]]:
    """A sentence as pieces: (text, kind of personal data or None)."""
    if kind == "name":
        case, before, after = rng.choice(
            [
                ("nomn", "Заявитель: ", "."),
                ("gent", "Прошу принять меры в отношении соседа ", ", который оставляет мусор у парадной."),
                ("nomn", "С уважением, ", "."),
                ("nomn", "Мастер участка ", " обещал всё исправить, но так и не пришёл."),
                ("datv", "Ответ прошу направить ", " по адресу регистрации."),
                ("ablt", "Вопрос согласован с ", " из управляющей компании."),
                ("accs", "Прошу наказать дворника ", " за халатность."),
                ("nomn", "Диспетчер ", " отказалась принимать заявку."),
                ("loct", "Жалобу на работу службы прошу рассмотреть и сообщить о ", " руководству."),
                ("gent", "Обращаюсь по просьбе пожилой соседки ", "."),
            ]
        )
        return [(before, None), (name_phrase(rng, case), "name"), (after, None)]
    if kind == "phone":
        before = rng.choice(
            [
                "Мой телефон для связи: ",
                "Звоните по номеру ",
                "Тел. ",
                "Контактный телефон ",
                "Прошу перезвонить на ",
            ]
        )
        return [(before, None), (phone(rng), "phone"), (rng.choice([".", "", " (после 18:00)."]), None)]
    if kind == "email":
        before = rng.choice(["Ответ прошу направить на почту ", "E-mail: ", "Мой адрес ", "Пишите на "])
        return [
            (before, None),
            (email(rng), "email"),
            (rng.choice([".", "", " — отвечу в тот же день."]), None),
        ]
    if kind == "snils":
        return [
            (rng.choice(["СНИЛС ", "Мой СНИЛС: ", "Страховой номер (СНИЛС) "]), None),
            (snils(rng), "snils"),
            (".", None),
        ]
    if kind == "inn":
        return [
            (rng.choice(["ИНН ", "Мой ИНН: ", "ИНН управляющей организации "]), None),
            (inn(rng), "inn"),
            (".", None),
        ]
    if kind == "passport":
        series, number = f"{rng.randrange(1, 99):02d}{rng.randrange(100):02d}", f"{rng.randrange(10**6):06d}"
        body = rng.choice(
            [
                f"{series[:2]} {series[2:]} номер {number}",
                f"{series} {number}",
                f"{series} № {number}",
                f"{series[:2]} {series[2:]} {number}",
            ]
        )
        return [
            (rng.choice(["Паспорт серия ", "паспорт ", "Мои данные: паспорт серии ", "Паспорт РФ "]), None),
            (body, "passport"),
            (rng.choice([", выдан ТП № 35 отдела УФМС.", "."]), None),
        ]
    if kind == "bank":
        if rng.random() < 0.5:
            return [
                (
                    rng.choice(
                        [
                            "Деньги прошу вернуть на карту ",
                            "Номер карты ",
                            "Перечислите компенсацию на карту ",
                        ]
                    ),
                    None,
                ),
                (card(rng), "bank"),
                (".", None),
            ]
        return [
            (rng.choice(["Реквизиты: р/с ", "Расчётный счёт ", "Счёт получателя "]), None),
            (account(rng), "bank"),
            (rng.choice([" в ПАО Сбербанк.", "."]), None),
        ]
    if kind == "flat":
        number = str(rng.randrange(1, 400))
        label = rng.choice(["кв. ", "кв.", "квартира ", "квартиры № ", "квартире ", "Кв. "])
        before, after = rng.choice(
            [
                ("Из ", " постоянно шумят по ночам."),
                ("Протечка с потолка в ", " продолжается."),
                ("Я проживаю: ", ", третий этаж."),
                ("Жильцы ", " складируют вещи на лестнице."),
            ]
        )
        return [(before + label, None), (number, "flat"), (after, None)]
    # house
    number = str(rng.randrange(1, 200)) + rng.choice(["", "", "к2", "/3", " корп. 1", "А", "к1"])
    street = rng.choice(STREETS)
    before, after = rng.choice(
        [
            (
                f"Во дворе {rng.choice(['д. ', 'дома ', 'дома № ', 'д.'])}",
                f" по {street} опять не вывезен мусор.",
            ),
            (f"Я живу в {rng.choice(['доме ', 'д. '])}", f" на {street}."),
            (f"У {rng.choice(['дома ', 'д. '])}", " не горит фонарь."),
        ]
    )
    return [(before, None), (number, "house"), (after, None)]


# Flats and house numbers the real text already has are personal data too (the issue masks exact house numbers
# in free text); they are labelled by these plain patterns, independent of the mask's own rules.
_BASE_HOUSE = re.compile(
    r"(?<![А-Яа-яЁё])(?:д\.|дом|дома|доме|дому|домом)\s*(?:№\s?)?(\d+[А-Яа-я]?(?:[/-]\d+)?(?:,?\s?(?:к\.?|корп\.?|корпус)\s?\d+)?)",
    re.IGNORECASE,
)
_BASE_FLAT = re.compile(r"(?<![А-Яа-яЁё])(?:кв\.?|квартир\w*)\s?(?:№\s?)?(\d+)", re.IGNORECASE)


def base_labels(text: str) -> list[dict]:
    return [
        {"start": m.start(1), "end": m.end(1), "kind": kind, "planted": False}
        for kind, pattern in (("house", _BASE_HOUSE), ("flat", _BASE_FLAT))
        for m in pattern.finditer(text)
    ]


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def build(base: str, kinds: list[str], rng: random.Random) -> dict:
    parts = sentences(base) or [base]
    for kind in kinds:
        position = rng.randrange(len(parts) + 1)
        parts.insert(position, planted(kind, rng))
    text, spans = "", []
    for part in parts:
        if text:
            text += " "
        if isinstance(part, str):
            text += part
            continue
        for piece, kind in part:
            if kind is not None:
                spans.append(
                    {"start": len(text), "end": len(text) + len(piece), "kind": kind, "planted": True}
                )
            text += piece
    planted_spans = [(s["start"], s["end"]) for s in spans]
    spans += [
        label
        for label in base_labels(text)
        if not any(label["start"] < e and s < label["end"] for s, e in planted_spans)
    ]
    return {"text": text, "spans": sorted(spans, key=lambda s: s["start"])}


def read_texts(path: Path) -> tuple[list[str], list[str]]:
    appeals, answers = [], []
    with gzip.open(path, "rt", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            text = row["text"].strip()
            if 30 <= len(text) <= 700:
                appeals.append(text)
            for answer in json.loads(row["answer_texts"] or "[]"):
                answer = (answer or "").replace("\r\n", "\n").strip()
                if 40 <= len(answer) <= 700:
                    answers.append(answer)
    return appeals, answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=next((p for p in DATA_CANDIDATES if p.exists()), None))
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--size", type=int, default=400)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if args.data is None:
        parser.error("no appeals data: pass --data")
    rng = random.Random(args.seed)
    appeals, answers = read_texts(args.data)
    appeals.sort()
    answers.sort()
    records = []
    for i in range(args.size):
        source = "answer" if i % 5 == 4 else "appeal"
        base = rng.choice(answers if source == "answer" else appeals)
        kinds = [KINDS[i % len(KINDS)]] + rng.sample(KINDS, rng.choice([0, 0, 1, 2]))
        record = build(base, kinds, rng)
        records.append({"id": i, "source": source, **record})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as file:
        for record in records:
            file.write(json.dumps(record, ensure_ascii=False) + "\n")
    counts = {
        kind: sum(s["kind"] == kind and s["planted"] for r in records for s in r["spans"]) for kind in KINDS
    }
    print(f"{len(records)} texts written to {args.out}; planted spans: {counts}")


if __name__ == "__main__":
    main()
