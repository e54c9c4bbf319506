"""assess_population gives, row by row, the answers of assess — for every demo model and for random models."""

import datetime as dt

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clientcentric.engines.risk import assess, assess_population, load_risk_model
from clientcentric.engines.rules import FactType
from clientcentric.engines.rules.polars_backend import DTYPES

from ..rules.strategies import CODES, DAYS, FACTS, WORDS, rule_texts
from .conftest import DEMO_FILES

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ON_DAYS = st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31))


def literals(model) -> dict[FactType, list]:
    """The values the model's conditions compare with, so random objects land on both sides of every bound."""
    found: dict[FactType, set] = {t: set() for t in FactType}
    for entry in (*model.criteria, *model.indicators):
        for node in entry.compiled.tree.walk():
            if node.kind == "lit" and node.type in (FactType.INT, FactType.DECIMAL, FactType.STR):
                found[node.type].add(node.value)
            elif node.kind == "in_list":
                found[node.args[0].type].update(node.value)
            elif node.kind == "any_prefix":
                found[FactType.STR_SET].update(p + "0" for p in node.value)
    return {t: sorted(v, key=repr) for t, v in found.items()}


def value_strategy(kind: FactType, seen: dict[FactType, list]):
    numbers = [v for v in seen[FactType.INT] + seen[FactType.DECIMAL]]
    if kind == FactType.INT:
        near = [int(v) + d for v in numbers for d in (-1, 0, 1)]
        return st.one_of(st.integers(0, 20), st.sampled_from(near or [0]), st.integers(-5, 100_000))
    if kind == FactType.DECIMAL:
        near = [float(v) + d for v in numbers for d in (-0.01, 0.0, 0.01)]
        return st.one_of(
            st.sampled_from(near or [0.0]), st.floats(-10, 20_000, allow_nan=False).map(lambda x: round(x, 2))
        )
    if kind == FactType.STR:
        return st.sampled_from([*seen[FactType.STR], "прочее"])
    if kind == FactType.BOOL:
        return st.booleans()
    if kind == FactType.DATE:
        return st.dates(dt.date(2000, 1, 1), dt.date(2031, 1, 1))
    codes = [*seen[FactType.STR_SET], "41.20", "01.11", "56.10", "47.11"]
    return st.lists(st.sampled_from(codes), max_size=3, unique=True)


def objects(model):
    seen = literals(model)
    fields = {name: st.one_of(st.none(), value_strategy(kind, seen)) for name, kind in model.facts.items()}
    return st.lists(st.fixed_dictionaries(fields), min_size=1, max_size=25)


def frame_of(model, rows) -> pl.DataFrame:
    data = {"object_id": list(range(1, len(rows) + 1))}
    data.update({name: [row.get(name) for row in rows] for name in model.facts})
    schema = {"object_id": pl.Int64, **{name: DTYPES[kind] for name, kind in model.facts.items()}}
    return pl.DataFrame(data, schema=schema)


def same_answers(model, rows, on):
    out = assess_population(model, frame_of(model, rows), on=on)
    assert out.columns[:4] == ["object_id", "category", "criteria_met", "indicators_fired"]
    for row, got in zip(rows, out.iter_rows(named=True), strict=True):
        one = assess(model, row, on=on)
        expected = {
            "category": one.category.code,
            "criteria_met": [r.criterion.code for r in one.criteria_met],
            "indicators_fired": [r.indicator.code for r in one.indicators_fired],
            "needs_data": [n.criterion.code for n in one.needs_data],
        }
        assert {key: got[key] for key in expected} == expected, (row, on)


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda p: p.stem)
def test_population_equals_per_object_for_every_demo_model(path, demo_models):
    model = demo_models[path.stem]

    @SETTINGS
    @given(rows=objects(model), on=ON_DAYS)
    def check(rows, on):
        same_answers(model, rows, on)

    check()


CATEGORY_CODES = ("extreme", "high", "significant", "medium", "moderate")


@st.composite
def random_models(draw):
    """A model over the rule tests' fact schema, with random conditions and 3–6 categories."""
    n_upper = draw(st.integers(2, 5))
    upper = CATEGORY_CODES[:n_upper]
    facts = "\n".join(f"  {name}: {kind.value}" for name, kind in FACTS.items())
    categories = "\n".join(
        f"  - {{code: {code}, title: {code}, planned_events_per_years: [1, {i + 1}]}}"
        for i, code in enumerate(upper)
    )
    # The rule tests' conditions use parameters; risk models have none, so put the values in.
    texts = draw(st.lists(rule_texts(), min_size=1, max_size=6))
    texts = [t.replace("P.low", "800.0").replace("P.high", "1601.0") for t in texts]
    criteria = "\n".join(
        f"  - code: c{i}\n    title: c{i}\n    category: {draw(st.sampled_from(upper))}\n"
        f"    condition: |-\n      {text}\n    source: test\n    how_to_lower: test"
        for i, text in enumerate(texts)
    )
    indicator = draw(rule_texts()).replace("P.low", "800.0").replace("P.high", "1601.0")
    text = (
        f"code: random\ntitle: random\nfacts:\n{facts}\ncategories:\n{categories}\n"
        f"  - {{code: low, title: low}}\ncriteria:\n{criteria}\nindicators:\n"
        f"  - code: i0\n    title: i0\n    condition: |-\n      {indicator}\n    source: test\n    action: test\n"
    )
    return load_risk_model(text)


ROW = st.fixed_dictionaries(
    {
        "i": st.one_of(st.none(), st.integers(-3, 30)),
        "j": st.one_of(st.none(), st.integers(0, 5)),
        "d": st.one_of(st.none(), st.integers(-5000, 500000).map(lambda k: k / 100)),
        "e": st.one_of(st.none(), st.sampled_from([0.0, 0.1, 0.2, 0.3, 1.5, 800.0, 1600.0])),
        "s": st.one_of(st.none(), st.sampled_from(WORDS)),
        "b": st.one_of(st.none(), st.booleans()),
        "c": st.one_of(st.none(), st.booleans()),
        "day": st.one_of(st.none(), DAYS),
        "codes": st.one_of(st.none(), st.lists(st.sampled_from(CODES), max_size=3, unique=True)),
    }
)


@SETTINGS
@given(model=random_models(), rows=st.lists(ROW, min_size=1, max_size=15), on=DAYS)
def test_population_equals_per_object_for_random_models(model, rows, on):
    same_answers(model, rows, on)
