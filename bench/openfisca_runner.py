"""The OpenFisca-core side of bench/eligibility.py; runs inside bench/.venv-openfisca (not a project dependency).

It builds a tax-benefit system with the same facts layer as engines/rules/facts.py (age, household counts,
incomes…) written the OpenFisca way, and one variable per rule whose formula bench/eligibility.py translated
from the rule's typed tree into numpy. OpenFisca has no "unknown": the extract's nulls are replaced by its
defaults before the run (birth 1970-01-01, money 0, flags False), as OpenFisca itself would.

    python bench/openfisca_runner.py population --inputs X.npz --rules R.json --on 2024-03-01
    python bench/openfisca_runner.py end-to-end --persons P.parquet --households H.parquet --rules R.json \
        --on 2024-03-01 --output OUT.parquet
    python bench/openfisca_runner.py client --rules R.json --on 2024-03-01 --repeat 200
Prints one JSON line with the figures.

`population` is the engine alone, as the anchor of the rule language (docs/rules.md) measures it: the arrays are loaded
before the clock starts, which then covers building the simulation and calculating the 50 rules. `end-to-end`
is the same task as `clientcentric eligibility evaluate`: read the Parquet extract (pyarrow, as an OpenFisca
user would), turn it into the simulation's inputs, build, calculate, and write person_id + the 50 results to
Parquet with the same writer options as ours (uncompressed, no statistics).
"""

import argparse
import json
import re
import resource
import statistics
import time

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import ETERNITY, MONTH
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

Household = build_entity(
    key="household",
    plural="households",
    label="Household",
    roles=[
        {"key": "adult", "plural": "adults", "label": "Adult"},
        {"key": "child", "plural": "children", "label": "Child"},
    ],
)
Person = build_entity(key="person", plural="persons", label="Person", is_person=True)


class HousingOccupancyStatus(Enum):
    tenant = "Tenant"
    owner = "Owner"
    free_lodger = "Free lodger"
    homeless = "Homeless"


class birth(Variable):
    value_type = __import__("datetime").date
    entity = Person
    definition_period = ETERNITY
    label = "Birth date"


class age(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Age in whole years"

    def formula(person, period, parameters):
        born = person("birth", period)
        year = born.astype("datetime64[Y]").astype(int) + 1970
        month = born.astype("datetime64[M]").astype(int) % 12 + 1
        day = (born - born.astype("datetime64[M]") + 1).astype(int)
        start = period.start
        past = (month < start.month) + (month == start.month) * (day <= start.day)
        return (start.year - year) - np.where(past, 0, 1)


def _simple(name, entity, value_type, formula=None, **extra):
    attrs = {"value_type": value_type, "entity": entity, "definition_period": MONTH, "label": name, **extra}
    if formula is not None:
        attrs["formula"] = formula
    return type(name, (Variable,), attrs)


def _count(test):
    def formula(household, period, parameters):
        return household.sum(test(household, period))

    return formula


def _under(limit):
    return _count(lambda h, p: h.members("age", p) < limit)


VARIABLES = [
    birth,
    age,
    # Decimal inputs in integer hundredths (kopecks): OpenFisca keeps `float` in float32, which cannot hold
    # money exactly; the rules' translation (bench/eligibility.py) reads them back in float64.
    _simple("salary", Person, int),
    _simple("capital_returns", Person, int),
    _simple("disability", Person, bool),
    _simple("unemployed", Person, bool),
    _simple("student", Person, bool),
    _simple("rent", Household, int),
    _simple("accommodation_size", Household, int),
    _simple(
        "occupancy",
        Household,
        Enum,
        possible_values=HousingOccupancyStatus,
        default_value=HousingOccupancyStatus.tenant,
    ),
    _simple("postal_code", Household, str, max_length=6),
    _simple("region", Household, str, max_length=3),
    _simple("months_since_move", Household, int),
    _simple("is_adult", Person, bool, lambda p, per, par: p.has_role(Household.ADULT)),
    _simple("income", Person, int, lambda p, per, par: p("salary", per) + p("capital_returns", per)),
    _simple(
        "household_income",
        Household,
        int,
        # The country template's definition: the members' salaries; capital returns stay each person's own.
        lambda h, per, par: h.sum(h.members("salary", per)),
    ),
    _simple("n_persons", Household, int, lambda h, per, par: h.nb_persons()),
    _simple("n_adults", Household, int, lambda h, per, par: h.nb_persons(Household.ADULT)),
    _simple("n_children", Household, int, lambda h, per, par: h.nb_persons(Household.CHILD)),
    _simple("n_under_1", Household, int, _under(1)),
    _simple("n_under_3", Household, int, _under(3)),
    _simple("n_under_6", Household, int, _under(6)),
    _simple("n_under_18", Household, int, _under(18)),
    _simple("n_over_65", Household, int, _count(lambda h, p: h.members("age", p) >= 65)),
    _simple("n_disabled", Household, int, _count(lambda h, p: h.members("disability", p))),
    # income_pc = household_income / n_persons is computed by the rules' translation in float64 (a float
    # variable would round it to float32).
]
KNOWN_ALL = (
    "birth",
    "salary",
    "capital_returns",
    "disability",
    "unemployed",
    "student",
    "rent",
    "accommodation_size",
    "postal_code",
    "region",
    "months_since_move",
)
PERSON_INPUTS = {"birth", "salary", "capital_returns", "disability", "unemployed", "student"}
PERSON_LEVEL = {
    *(f"known_{name}" for name in PERSON_INPUTS),
    "age",
    "is_adult",
    "salary",
    "capital_returns",
    "income",
    "disability",
    "unemployed",
    "student",
}


def _rule_variable(rule_id, code):
    compiled = compile(code, f"<{rule_id}>", "eval")

    def formula(person, period, parameters):
        def v(name):
            if name in PERSON_LEVEL:
                return person(name, period)
            return person.household(name, period)

        return eval(compiled, {"np": np, "v": v, "E": HousingOccupancyStatus})  # noqa: S307 — our own translation

    return _simple(rule_id, Person, bool, formula)


def known_inputs(rules):
    """The extract columns whose "filled in" flag the rules read (is_known), as `known_<column>` inputs."""
    return sorted({name for rule in rules for name in re.findall(r"v\('known_(\w+)'\)", rule["numpy"])})


def system(rules):
    tbs = TaxBenefitSystem([Person, Household])
    for variable in VARIABLES:
        tbs.add_variable(variable)
    for name in known_inputs(rules):
        tbs.add_variable(_simple(f"known_{name}", Person if name in PERSON_INPUTS else Household, bool))
    for rule in rules:
        tbs.add_variable(_rule_variable(rule["id"], rule["numpy"]))
    return tbs


def simulate(tbs, data, rules, period):
    builder = SimulationBuilder()
    builder.create_entities(tbs)
    n_persons = len(data["household_index"])
    n_households = len(data["rent"])
    builder.declare_person_entity("person", np.arange(n_persons))
    households = builder.declare_entity("household", np.arange(n_households))
    builder.join_with_persons(households, data["household_index"], data["role"])
    sim = builder.build(tbs)
    sim.set_input("birth", "ETERNITY", data["birth"])
    for name in ("salary", "capital_returns", "disability", "unemployed", "student"):
        sim.set_input(name, period, data[name])
    for name in ("rent", "accommodation_size", "postal_code", "region", "months_since_move"):
        sim.set_input(name, period, data[name])
    sim.set_input("occupancy", period, data["occupancy"])
    for name in known_inputs(rules):
        sim.set_input(f"known_{name}", period, data[f"known_{name}"])
    return {rule["id"]: sim.calculate(rule["id"], period) for rule in rules}


def one_household():
    return {
        "household_index": np.array([0, 0, 0]),
        "role": np.array(["adult", "adult", "child"]),
        "birth": np.array(["1985-04-02", "1987-11-30", "2022-06-15"], dtype="datetime64[D]"),
        "salary": np.array([90000, 40000, 0]),
        "capital_returns": np.array([0, 1250, 0]),
        "disability": np.array([False, False, True]),
        "unemployed": np.array([False, True, False]),
        "student": np.array([False, False, False]),
        "rent": np.array([35000]),
        "accommodation_size": np.array([4200]),
        "occupancy": np.array(["tenant"]),
        "postal_code": np.array(["101000"]),
        "region": np.array(["77"]),
        "months_since_move": np.array([14]),
        **{f"known_{name}": np.array([True] * (3 if name in PERSON_INPUTS else 1)) for name in KNOWN_ALL},
    }


def read_extract(persons_path, households_path, known=()):
    """The Parquet extract as OpenFisca's arrays: nulls replaced by the defaults OpenFisca would use."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    persons = pq.read_table(persons_path)
    households = pq.read_table(households_path)
    household_ids = households.column("household_id").to_numpy()
    order = np.argsort(household_ids, kind="stable")
    household_ids = household_ids[order]

    def filled(table, name, default, dtype=None):
        values = pc.fill_null(table.column(name), default).to_numpy(zero_copy_only=False)
        return values.astype(dtype) if dtype is not None else values

    def household(name, default, dtype=None):
        return filled(households, name, default, dtype)[order]

    return persons.column("person_id").to_numpy(), {
        "household_index": np.searchsorted(household_ids, persons.column("household_id").to_numpy()),
        "role": filled(persons, "role", "adult", "U5"),
        "birth": filled(persons, "birth", __import__("datetime").date(1970, 1, 1), "datetime64[D]"),
        "salary": hundredths(persons.column("salary")),
        "capital_returns": hundredths(persons.column("capital_returns")),
        "disability": filled(persons, "disability", False, bool),
        "unemployed": filled(persons, "unemployed", False, bool),
        "student": filled(persons, "student", False, bool),
        "rent": hundredths(households.column("rent"))[order],
        "accommodation_size": hundredths(households.column("accommodation_size"))[order],
        "occupancy": HousingOccupancyStatus.encode(household("housing_occupancy_status", "tenant", "U11")),
        "postal_code": household("postal_code", "", "U6"),
        "region": _region_codes(pc.cast(households.column("region"), "string"))[order],
        "months_since_move": household("months_since_move", 0),
        **{
            f"known_{name}": pc.is_valid(persons.column(name)).to_numpy(zero_copy_only=False)
            for name in known
            if name in PERSON_INPUTS
        },
        **{
            f"known_{name}": pc.is_valid(households.column(name)).to_numpy(zero_copy_only=False)[order]
            for name in known
            if name not in PERSON_INPUTS
        },
    }


def hundredths(column):
    """A decimal column in integer hundredths (kopecks) as the facts layer rounds them; null as OpenFisca's 0."""
    values = column.to_numpy(zero_copy_only=False).astype(np.float64)
    return np.nan_to_num(np.floor(values * 100 + 0.5), nan=0.0).astype(np.int32)


def _region_codes(column):
    """Region codes, text or integer in the extract, in the one form the project's facts use
    (engines/rules/types.canonical_code): 7 is '07'; unknown is '' as OpenFisca's default."""
    values = column.to_pylist()
    return np.array(
        ["" if v is None else v.strip().zfill(2) if v.strip().isdigit() else v.strip() for v in values],
        dtype="U3",
    )


def write_results(person_id, results, output):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"person_id": person_id, **{rule_id: values for rule_id, values in results.items()}})
    pq.write_table(table, output, compression="none", write_statistics=False)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["population", "end-to-end", "client"])
    parser.add_argument("--inputs")
    parser.add_argument("--persons")
    parser.add_argument("--households")
    parser.add_argument("--output")
    parser.add_argument("--rules", required=True)
    parser.add_argument("--on", required=True)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    rules = json.loads(open(args.rules, encoding="utf-8").read())
    period = args.on[:7]
    tbs = system(rules)
    if args.mode == "client":
        data = one_household()
        data["occupancy"] = HousingOccupancyStatus.encode(data["occupancy"])
        simulate(tbs, data, rules, period)
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            simulate(tbs, data, rules, period)
            times.append(time.perf_counter() - started)
        print(json.dumps({"client_us": statistics.median(times) * 1e6}))
        return
    if args.mode == "end-to-end":
        started, cpu_started = time.perf_counter(), time.process_time()
        person_id, data = read_extract(args.persons, args.households, known_inputs(rules))
        results = simulate(tbs, data, rules, period)
        write_results(person_id, results, args.output)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        eligible = {rule_id: int(values.sum()) for rule_id, values in results.items()}
        print(json.dumps({"seconds": elapsed, "cpu_seconds": cpu, "eligible": eligible}))
        return
    loaded = np.load(args.inputs)
    data = {name: loaded[name] for name in loaded.files}
    data["occupancy"] = HousingOccupancyStatus.encode(data["occupancy"])
    started, cpu_started = time.perf_counter(), time.process_time()
    results = simulate(tbs, data, rules, period)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    eligible = {rule_id: int(values.sum()) for rule_id, values in results.items()}
    print(json.dumps({"seconds": elapsed, "cpu_seconds": cpu, "peak_bytes": peak, "eligible": eligible}))


if __name__ == "__main__":
    main()
