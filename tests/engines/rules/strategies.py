"""Hypothesis strategies: well-typed random rule texts and random facts/populations with nulls."""

import datetime as dt

from hypothesis import strategies as st

from clientcentric.engines.rules import FactType

FACTS = {
    "i": FactType.INT,
    "j": FactType.INT,
    "d": FactType.DECIMAL,
    "e": FactType.DECIMAL,
    "s": FactType.STR,
    "b": FactType.BOOL,
    "c": FactType.BOOL,
    "day": FactType.DATE,
    "codes": FactType.STR_SET,
}
PARAM_NAMES = ("low", "high")
WORDS = ("tenant", "owner", "homeless", "free_lodger")
CODES = ("56.10", "47.11", "47.19", "01.1", "10.71")
DAYS = st.dates(dt.date(1920, 1, 1), dt.date(2030, 12, 31))
MONEY = st.integers(-5000, 500000).map(lambda k: k / 100)


def numeric(draw, depth, ints, decimals):
    choice = draw(st.integers(0, 6 if depth > 0 else 3))
    if choice == 0:
        return draw(st.sampled_from(ints))
    if choice == 1:
        return draw(st.sampled_from(decimals))
    if choice == 2:
        return str(draw(st.integers(-3, 30)))
    if choice == 3:
        return draw(st.sampled_from(["P.low", "P.high", repr(draw(MONEY))]))
    op = draw(st.sampled_from(["+", "-", "*", "/"]))
    return f"({numeric(draw, depth - 1, ints, decimals)} {op} {numeric(draw, depth - 1, ints, decimals)})"


def condition(draw, depth, ints, decimals, strs, bools, dates, sets):
    choice = draw(st.integers(0, 11 if depth > 0 else 8))
    if choice == 0 and bools:
        return draw(st.sampled_from(bools))
    if choice == 1 and strs:
        words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3))
        neg = draw(st.sampled_from(["in", "not in"]))
        return f"{draw(st.sampled_from(strs))} {neg} ({', '.join(repr(w) for w in words)},)"
    if choice == 2 and dates:
        day = draw(DAYS)
        op = draw(st.sampled_from(["<", ">=", "=="]))
        fn = draw(st.sampled_from(["date", "age", "months", "days"]))
        fact = draw(st.sampled_from(dates))
        if fn == "date":
            return f"{fact} {op} date('{day.isoformat()}')"
        if fn == "age":
            return f"age_at({fact}) {op} {draw(st.integers(0, 90))}"
        if fn == "months":
            return f"months_between({fact}, date('{day.isoformat()}')) {op} {draw(st.integers(-50, 50))}"
        return f"days_since({fact}) {op} {draw(st.integers(-400, 40000))}"
    if choice == 3 and sets:
        if draw(st.booleans()):
            return f"{draw(st.sampled_from(CODES))!r} in {sets[0]}"
        prefixes = draw(st.lists(st.sampled_from(("56", "47.1", "01", "9")), min_size=1, max_size=2))
        return f"any_prefix({sets[0]}, ({', '.join(repr(p) for p in prefixes)},))"
    if choice == 4:
        return f"is_known({draw(st.sampled_from(ints + decimals + strs + bools))})"
    if choice == 5:
        values = draw(st.lists(st.integers(0, 5), min_size=1, max_size=3))
        return f"{draw(st.sampled_from(ints))} in ({', '.join(map(str, values))},)"
    if choice <= 8:
        op = draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
        return f"{numeric(draw, 2, ints, decimals)} {op} {numeric(draw, 2, ints, decimals)}"
    args = (ints, decimals, strs, bools, dates, sets)
    if choice == 9:
        return f"not ({condition(draw, depth - 1, *args)})"
    word = draw(st.sampled_from(["and", "or"]))
    parts = [condition(draw, depth - 1, *args) for _ in range(draw(st.integers(2, 3)))]
    return "(" + f" {word} ".join(parts) + ")"


@st.composite
def rule_texts(draw, schema=FACTS):
    by_type = {t: [n for n, ft in schema.items() if ft == t] for t in FactType}
    return condition(
        draw,
        3,
        by_type[FactType.INT],
        by_type[FactType.DECIMAL],
        by_type[FactType.STR],
        by_type[FactType.BOOL],
        by_type[FactType.DATE],
        by_type[FactType.STR_SET],
    )


def maybe(strategy):
    return st.one_of(st.none(), strategy)


fact_rows = st.fixed_dictionaries(
    {
        "i": maybe(st.integers(-3, 30)),
        "j": maybe(st.integers(0, 5)),
        "d": maybe(MONEY),
        "e": maybe(st.sampled_from([0.0, 0.1, 0.2, 0.3, 1.5, 800.0, 1600.0])),
        "s": maybe(st.sampled_from(WORDS)),
        "b": maybe(st.booleans()),
        "c": maybe(st.booleans()),
        "day": maybe(DAYS),
        "codes": maybe(st.lists(st.sampled_from(CODES), max_size=3, unique=True)),
    }
)


@st.composite
def populations(draw):
    """(persons, households) rows in the extract's shape, with nulls everywhere a registry may leave a gap."""
    n_households = draw(st.integers(1, 6))
    households, persons = [], []
    person_id = 0
    for household_id in range(1, n_households + 1):
        households.append(
            {
                "household_id": household_id,
                "rent": draw(maybe(MONEY)),
                "accommodation_size": draw(maybe(st.floats(5, 200).map(lambda x: round(x, 1)))),
                "housing_occupancy_status": draw(maybe(st.sampled_from(WORDS))),
                "postal_code": draw(maybe(st.sampled_from(["101000", "190000"]))),
                "region": draw(maybe(st.sampled_from(["77", "78", "50"]))),
                "months_since_move": draw(maybe(st.integers(0, 240))),
            }
        )
        for _ in range(draw(st.integers(1, 5))):
            person_id += 1
            persons.append(
                {
                    "person_id": person_id,
                    "household_id": household_id,
                    "role": draw(maybe(st.sampled_from(["adult", "child"]))),
                    "birth": draw(maybe(DAYS)),
                    "salary": draw(maybe(MONEY)),
                    "capital_returns": draw(maybe(st.sampled_from([0.0, 0.1, 0.2, 12.34]))),
                    "disability": draw(maybe(st.booleans())),
                    "unemployed": draw(maybe(st.booleans())),
                    "student": draw(maybe(st.booleans())),
                }
            )
    # Some households exist only in the persons file (their household columns are unknown).
    if len(households) > 1 and draw(st.booleans()):
        households.pop()
    return persons, households
