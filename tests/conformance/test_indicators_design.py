"""Launches after a beta test on the target segment, and needs by status at the quarter's end."""

from datetime import date

import pytest

from clientcentric.conformance.indicators import Quarter, compute
from clientcentric.design import services as design_services
from clientcentric.design.models import DesignProject, Stage
from clientcentric.registry import services as registry_services
from clientcentric.registry.models import NeedStatus
from tests.design.conftest import CRITERIA, prepare, run_test

from .conftest import QUARTER, moment


@pytest.fixture
def small_cells(settings):
    settings.CLIENTCENTRIC_MIN_CELL = 1  # the fixtures below are a handful of rows


def _project(registry, name):
    return design_services.save_project(
        DesignProject(
            name=name,
            kind="reengineering",
            service=registry["service"],
            segment=registry["segment"],
            criteria=CRITERIA,
        )
    )


def test_a_launch_counts_when_a_beta_test_on_its_segment_came_first(
    registry, panel, clock, small_cells, agency
):
    project = prepare(_project(registry, "Пенсия без заявления"))
    design_services.advance(project, Stage.BETA)
    run_test(project, panel)
    for stage in (Stage.BETA_TEST, Stage.REFINEMENT, Stage.PILOT, Stage.PRODUCTION):
        design_services.advance(project, stage)
    # A project recorded as launched without any test (carried over from before the platform).
    untested = _project(registry, "Справка о пенсии")
    DesignProject.objects.filter(pk=untested.pk).update(launched_on=date(2026, 5, 1))
    value = compute("beta_tested_launches", agency=agency, quarter=QUARTER)
    assert (value.numerator, value.denominator) == (1, 2)
    assert compute("beta_tested_launches", agency=agency, quarter=Quarter(2026, 1)).suppressed


def test_needs_by_the_status_they_had_at_the_quarters_end(clock, registry, small_cells, agency):
    # The registry fixture was built at the clock's 20 May: met, being worked on, cannot be met with a reason.
    clock.at(moment(7, 10))  # after the quarter: a need is met — the quarter's figure must not move
    need = registry["in_progress"]
    need.status = NeedStatus.MET
    registry_services.save_need(need, life_situations=[registry["pension"]], services=[registry["service"]])
    met = compute("needs_met", agency=None, quarter=QUARTER)
    assert (met.numerator, met.denominator) == (1, 3)
    assert compute("needs_in_work", agency=None, quarter=QUARTER).numerator == 1
    assert compute("needs_cannot_with_reason", agency=None, quarter=QUARTER).numerator == 1
    assert compute("needs_met", agency=None, quarter=Quarter(2026, 3)).numerator == 2
    # The agency's needs are those its services answer today: «Получать пенсии вовремя» and, since July, the
    # certificate — counted with the status it had on 30 June.
    mine = compute("needs_met", agency=agency, quarter=QUARTER)
    assert (mine.numerator, mine.denominator) == (1, 2)
