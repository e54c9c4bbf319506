from datetime import date

import pytest
from django.core.exceptions import ValidationError

from clientcentric.conformance import services
from clientcentric.conformance.indicators import Quarter
from clientcentric.conformance.models import AssessmentEntry, Requirement, Result, Review

from .conftest import EVIDENCE, FAKE

Q = Quarter(2026, 3)


def test_the_committed_csv_holds_every_requirement_of_both_standards(requirements):
    assert len(requirements) == 32
    assert requirements["DEL-4"].chapter == "3.3" and requirements["DEL-4"].standard == "people"
    assert requirements["DEL-4"].indicator == "requests_within_class"
    assert requirements["BIZ-6"].standard == "business"
    assert "KPI-1" not in requirements  # an observation of the seed, not a requirement
    assert all(r.text and r.chapter_title for r in requirements.values())


def test_loading_twice_updates_instead_of_duplicating(requirements):
    services.load_requirements()
    assert Requirement.objects.count() == 32


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.95, Result.CONFORMS),
        (0.9, Result.CONFORMS),
        (0.8, Result.PARTLY),
        (0.7, Result.PARTLY),
        (0.5, Result.DOES_NOT),
    ],
)
def test_an_indicator_against_the_agencys_thresholds(
    requirements, agency, people, fake_indicator, value, expected
):
    fake_indicator.value = value
    assessment = services.measure_by_indicator(
        agency,
        requirements["TP-4"],
        indicator=FAKE,
        conforms_at=0.9,
        partly_at=0.7,
        quarter=Q,
        actor=people["methodologist"],
    )
    assert assessment.result == expected
    assert assessment.measured_value == value and assessment.measured_quarter == "2026-Q3"


def test_a_lower_is_better_indicator_compares_the_other_way():
    assert services.result_from(30, 60, 120, higher_is_better=False) == Result.CONFORMS
    assert services.result_from(90, 60, 120, higher_is_better=False) == Result.PARTLY
    assert services.result_from(200, 60, 120, higher_is_better=False) == Result.DOES_NOT


def test_a_suppressed_indicator_leaves_the_requirement_not_assessed(
    requirements, agency, people, fake_indicator
):
    fake_indicator.suppressed = True
    assessment = services.measure_by_indicator(
        agency, requirements["TP-4"], indicator=FAKE, conforms_at=0.9, partly_at=0.7, quarter=Q, actor=None
    )
    assert assessment.result == Result.NOT_ASSESSED and assessment.measured_value is None


def test_thresholds_in_the_wrong_order_are_refused(requirements, agency, fake_indicator):
    with pytest.raises(ValidationError) as error:
        services.measure_by_indicator(
            agency, requirements["TP-4"], indicator=FAKE, conforms_at=0.5, partly_at=0.8, quarter=Q
        )
    assert "partly_at" in error.value.message_dict


def test_an_unknown_indicator_is_refused(requirements, agency):
    with pytest.raises(ValidationError) as error:
        services.measure_by_indicator(
            agency, requirements["TP-4"], indicator="no_such", conforms_at=0.9, partly_at=0.7, quarter=Q
        )
    assert "indicator" in error.value.message_dict


def test_an_attestation_that_conforms_needs_evidence(requirements, agency, people):
    with pytest.raises(ValidationError) as error:
        services.attest(
            agency,
            requirements["TP-5"],
            result=Result.CONFORMS,
            statement="Пандусы есть",
            actor=people["methodologist"],
        )
    assert "evidence" in error.value.message_dict


def test_a_gap_needs_its_words_an_owner_and_a_date(requirements, agency, people):
    with pytest.raises(ValidationError) as error:
        services.attest(
            agency,
            requirements["TP-5"],
            result=Result.DOES_NOT,
            statement="Нет пандуса",
            actor=people["methodologist"],
        )
    assert set(error.value.message_dict) == {"gap", "owner_role", "due_date"}


def test_an_attestation_waits_for_a_second_person(requirements, agency, people, second_methodologist):
    author = people["methodologist"]
    assessment = services.attest(
        agency,
        requirements["TP-4"],
        result=Result.PARTLY,
        statement="Отвечаем в соцсетях в рабочее время",
        gap="Нет дежурства по выходным",
        owner_role="Начальник отдела по работе с обращениями",
        due_date=date(2026, 12, 31),
        evidence=EVIDENCE,
        actor=author,
    )
    assert assessment.review == Review.AWAITING and assessment.evidence.count() == 1
    with pytest.raises(ValidationError):
        services.review(assessment, approve=True, actor=author)
    reviewed = services.review(assessment, approve=True, actor=second_methodologist)
    assert reviewed.review == Review.REVIEWED and reviewed.reviewed_by == second_methodologist
    assert reviewed.reviewed_at is not None


def test_a_returned_attestation_says_what_to_rework(requirements, agency, people, second_methodologist):
    assessment = services.attest(
        agency,
        requirements["TP-4"],
        result=Result.CONFORMS,
        statement="Да",
        evidence=EVIDENCE,
        actor=people["methodologist"],
    )
    with pytest.raises(ValidationError):
        services.review(assessment, approve=False, note="", actor=second_methodologist)
    assert (
        services.review(
            assessment, approve=False, note="Нет ссылки на приказ", actor=second_methodologist
        ).review
        == Review.RETURNED
    )


def test_every_change_appends_to_the_history(
    requirements, agency, people, second_methodologist, fake_indicator
):
    requirement = requirements["TP-4"]
    services.attest(
        agency,
        requirement,
        result=Result.CONFORMS,
        statement="Да",
        evidence=EVIDENCE,
        actor=people["methodologist"],
    )
    assessment = services.measure_by_indicator(
        agency,
        requirement,
        indicator=FAKE,
        conforms_at=0.9,
        partly_at=0.7,
        quarter=Q,
        actor=people["methodologist"],
    )
    entries = list(AssessmentEntry.objects.filter(assessment=assessment).order_by("id"))
    assert [e.action for e in entries] == ["attested", "measured"]
    assert entries[0].result == Result.CONFORMS and entries[0].data["statement"] == "Да"
    assert entries[1].data["indicator"] == FAKE


def test_evidence_must_be_a_link(requirements, agency, people):
    with pytest.raises(ValidationError) as error:
        services.attest(
            agency,
            requirements["TP-4"],
            result=Result.CONFORMS,
            statement="Да",
            evidence=[{"kind": "policy", "title": "Приказ", "url": "javascript:alert(1)"}],
            actor=people["methodologist"],
        )
    assert "url" in error.value.message_dict
