import math

import pytest

from clientcentric.engines import usability as u


def test_sus_standard_scoring():
    assert u.sus_score([5, 1] * 5) == 100
    assert u.sus_score([1, 5] * 5) == 0
    assert u.sus_score([3] * 10) == 50
    # Brooke's worked example: odd items score − 1, even items 5 − score, × 2.5.
    assert u.sus_score([4, 2, 4, 1, 5, 2, 4, 2, 4, 2]) == 80


@pytest.mark.parametrize("answers", [[3] * 9, [3] * 11, [0] + [3] * 9, [6] + [3] * 9, [True] + [3] * 9])
def test_sus_refuses_bad_answers(answers):
    with pytest.raises(u.UsabilityError):
        u.sus_score(answers)


def test_wilson_matches_published_values():
    # 8 of 10 at 95 %: 0.4902 … 0.9433 (Wilson 1927; as tabulated by Newcombe 1998).
    interval = u.wilson(8, 10)
    assert interval.low == pytest.approx(0.4902, abs=1e-4)
    assert interval.high == pytest.approx(0.9433, abs=1e-4)
    assert u.wilson(0, 5).low == 0 and u.wilson(5, 5).high == 1


def test_t_interval():
    interval = u.t_interval([10, 12, 14])
    # mean 12, s = 2, t(0.975, 2) = 4.3027: half-width 4.3027 · 2 / √3 = 4.968
    assert interval.estimate == 12
    assert interval.high - interval.estimate == pytest.approx(4.968, abs=1e-3)
    single = u.t_interval([5])
    assert math.isinf(single.low) and math.isinf(single.high)


def _participant(success=True, seconds=30.0, sus=(5, 1) * 5, effort=2):
    return u.ParticipantResult(list(sus), effort, [u.TaskAttempt("найти форму", success, seconds, 0)])


def test_criteria_are_judged_on_the_lower_bound_of_success():
    results = [_participant() for _ in range(3)]
    summary = u.summarize(results, u.Criteria(min_success_rate=0.5, min_sus=70))
    # 3 of 3 succeed, but the Wilson lower bound (0.44) is below 0.5: three people are not enough proof.
    assert summary.success.low < 0.5
    assert not summary.criteria_met
    summary = u.summarize([_participant() for _ in range(8)], u.Criteria(min_success_rate=0.5, min_sus=70))
    assert summary.criteria_met


def test_missing_measure_does_not_meet_its_criterion():
    results = [u.ParticipantResult(None, None, [u.TaskAttempt("t", True, 10, 0)]) for _ in range(20)]
    summary = u.summarize(results, u.Criteria(min_sus=60))
    assert not summary.criteria_met


def test_no_participants_and_no_criteria_are_errors():
    with pytest.raises(u.UsabilityError) as error:
        u.summarize([], u.Criteria(min_sus=60))
    assert error.value.code == "no_participants"
    with pytest.raises(u.UsabilityError) as error:
        u.summarize([_participant()], u.Criteria())
    assert error.value.code == "no_criteria"


def test_difference_of_proportions_newcombe():
    # Newcombe 1998, table II example: 56/70 vs 48/80 → difference 0.2, interval 0.0524 … 0.3339.
    interval = u.proportion_difference(48, 80, 56, 70)
    assert interval.estimate == pytest.approx(0.2)
    assert interval.low == pytest.approx(0.0524, abs=1e-3)
    assert interval.high == pytest.approx(0.3339, abs=1e-3)


def test_intervals_stay_on_their_scale_and_unrecorded_people_do_not_count():
    results = [_participant(sus=(5, 1) * 5), _participant(sus=(3,) * 10), u.ParticipantResult(None, None, [])]
    summary = u.summarize(results, u.Criteria(min_sus=60))
    assert summary.sus.high <= 100 and summary.participants == 2
