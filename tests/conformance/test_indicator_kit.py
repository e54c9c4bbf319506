"""The one helper behind every counted share: (hits, total) per breakdown key in one grouped query."""

import pytest
from django.db.models import Q

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import Agency
from clientcentric.conformance.indicator_kit import tally, tally_by


@pytest.fixture
def agencies(db):
    for code, level, kind in [
        ("a", "federal", "executive"),
        ("b", "federal", "supervisory"),
        ("c", "regional", "executive"),
        ("d", "municipal", "executive"),
    ]:
        accounts_services.save_agency(Agency(code=code, name=code, level=level, kind=kind))
    return Agency.objects.all()


def test_tally_counts_hits_and_total_in_one_query(agencies, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert tally(agencies, Q(kind="executive")) == (3, 4)
    assert tally(agencies.none(), Q(kind="executive")) == (0, 0)


def test_tally_by_groups_and_adds_up_rows_given_the_same_key(agencies, django_assert_num_queries):
    executive = Q(kind="executive")
    with django_assert_num_queries(1):
        by_level = tally_by(agencies, ("level",), executive)
    assert by_level == {"federal": (1, 2), "regional": (1, 1), "municipal": (1, 1)}
    local = tally_by(
        agencies, ("level",), executive, key=lambda level: "federal" if level == "federal" else "local"
    )
    assert local == {"federal": (1, 2), "local": (2, 2)}
    assert tally_by(agencies, ("level", "kind"), executive, key=lambda level, kind: kind) == {
        "executive": (3, 3),
        "supervisory": (0, 1),
    }
