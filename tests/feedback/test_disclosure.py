"""Published satisfaction figures cannot be solved back into the counts they hide.

The attacker here is written apart from the publication code: it reads only the published quarter (the JSON the
open data and the CSV are made from), writes every shown figure as a linear equation over the hidden counts —
each row's total, its share of positive answers and its mean (both within their rounding), the agency's row as
the sum of its services' rows — and asks an integer solver for the least and the greatest value of each hidden
count. A count with one possible value is recovered.
"""

from datetime import UTC, datetime

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from clientcentric.engines.metrics.disclosure import Equation, recoverable
from clientcentric.feedback import publication, services
from clientcentric.registry import services as registry_services
from clientcentric.registry.models import Service, Touchpoint

from .conftest import office_answers

Q2 = datetime(2026, 5, 10, 9, tzinfo=UTC)
LEVELS = range(1, 6)


def solve_hidden_counts(payload: dict, agency_code: str) -> dict:
    """(row, level) -> (least, greatest) integer count the published figures allow, for every hidden count."""
    rows = [row for row in payload["services"] if row["agency"] == agency_code]
    rows += [row for row in payload["agencies"] if row["code"] == agency_code]
    cells = [(i, level) for i, row in enumerate(rows) for level in LEVELS]
    column = {cell: position for position, cell in enumerate(cells)}
    lines, low, high = [], [], []

    def add(weights: dict, lo: float, hi: float):
        line = np.zeros(len(cells))
        for cell, weight in weights.items():
            line[column[cell]] = weight
        lines.append(line)
        low.append(lo)
        high.append(hi)

    for i, row in enumerate(rows):
        item = row.get("satisfaction")
        if item is None:
            continue
        n = item["answered"]
        add({(i, level): 1 for level in LEVELS}, n, n)
        for level, count in item["distribution"].items():
            if count is not None:
                add({(i, int(level)): 1}, count, count)
        if "positive" in item:
            add({(i, 4): 1, (i, 5): 1}, (item["positive"] - 5e-5) * n, (item["positive"] + 5e-5) * n)
        if "mean" in item:
            add({(i, level): level for level in LEVELS}, (item["mean"] - 5e-4) * n, (item["mean"] + 5e-4) * n)
    agency = len(rows) - 1
    for level in LEVELS:  # this agency answers only through its services: its row is exactly their sum
        add({(agency, level): 1, **{(i, level): -1 for i in range(agency)}}, 0, 0)

    constraints = LinearConstraint(np.array(lines), np.array(low) - 1e-9, np.array(high) + 1e-9)
    integrality = np.ones(len(cells))
    bounds = Bounds(0, 10_000)
    hidden = {}
    for i, row in enumerate(rows):
        item = row.get("satisfaction")
        for level in LEVELS:
            if item is not None and item["distribution"][str(level)] is not None:
                continue
            objective = np.zeros(len(cells))
            objective[column[(i, level)]] = 1
            least = milp(objective, constraints=constraints, integrality=integrality, bounds=bounds)
            most = milp(-objective, constraints=constraints, integrality=integrality, bounds=bounds)
            assert least.success and most.success
            hidden[(row["code"], level)] = (round(least.fun), round(-most.fun))
    return hidden


@pytest.fixture
def quarter(agency, registry):
    load_quarter(agency, registry)
    return publication.build("2026Q2")


def load_quarter(agency, registry):
    def make(code):
        return registry_services.save_service(
            Service(code=code, name=f"Услуга {code}", agency=agency), touchpoints=Touchpoint.objects.all()[:1]
        )

    office_answers(agency, [5] * 40 + [4] * 20 + [1] * 3 + [2] * 12, service=registry["service"], when=Q2)
    office_answers(agency, [5] * 30 + [4] * 25 + [3] * 4 + [1] * 11, service=make("passport"), when=Q2)
    office_answers(agency, [5] * 4, service=make("small"), when=Q2)
    office_answers(agency, [5] * 10 + [1] * 10, service=make("medium"), when=Q2)
    office_answers(agency, [5] * 50 + [4] * 12 + [3] * 15 + [2] * 2, service=make("benefit"), when=Q2)
    services.aggregate_full()


def test_a_solver_over_the_published_quarter_recovers_no_hidden_count(quarter, agency):
    hidden = solve_hidden_counts(quarter, agency.code)
    assert hidden, "the quarter hides something"
    recovered = {cell: bounds for cell, bounds in hidden.items() if bounds[0] == bounds[1]}
    assert recovered == {}


def test_without_the_audit_the_same_solver_recovers_hidden_counts(agency, registry, monkeypatch):
    """The attack is real: with only small-cell suppression, as before, the mean and totals give counts back."""
    monkeypatch.setattr(publication, "_protect", lambda *args: None)
    load_quarter(agency, registry)
    hidden = solve_hidden_counts(publication.build("2026Q2"), agency.code)
    recovered = {cell for cell, bounds in hidden.items() if bounds[0] == bounds[1]}
    assert ("pension-assign", 1) in recovered and ("pension-assign", 2) in recovered


def test_the_headline_share_and_the_visible_levels_stay_published(quarter):
    rows = {row["code"]: row for row in quarter["services"]}
    assert rows["pension-assign"]["status"] == "published"
    assert rows["pension-assign"]["satisfaction"]["positive"] == pytest.approx(60 / 75, abs=1e-4)
    assert rows["pension-assign"]["satisfaction"]["distribution"]["5"] == 40
    # Its mean with its visible levels would give back the two hidden ones: it is not shown.
    assert "mean" not in rows["pension-assign"]["satisfaction"]
    assert rows["small"]["status"] == "suppressed"


def test_the_audit_finds_counts_a_mean_gives_back_and_not_those_it_cannot():
    visible = {3: 0, 4: 20, 5: 40}
    total = Equation.exact([(level, 1) for level in LEVELS], 75)
    mean = Equation.rounded([(level, level) for level in LEVELS], round(307 / 75, 3) * 75, 0.0005 * 75)
    assert recoverable([total], visible, [1, 2]) == set()
    assert recoverable([total, mean], visible, [1, 2]) == {1, 2}
