"""The number a person quotes (core/references.py): the shape of an appeal's number, random digits instead of the
database id, one per row whatever saves it, and read back however the person types it."""

import pytest

from clientcentric.core import references
from clientcentric.supervision.models import ControlEvent


def test_what_a_person_types_is_read_as_the_stored_number():
    assert references.normalised(" № 2026-012345 ") == "2026-012345"
    assert references.normalised("No. 2026-0123456") == "2026-0123456"
    assert references.normalised("кнм-2026-000012") == "КНМ-2026-000012"
    for typed in ("12", "2026-12", "2026 012345", "", "drop table"):
        assert references.normalised(typed) == ""


@pytest.mark.django_db
def test_a_number_is_the_year_and_six_random_digits_not_a_count(monkeypatch):
    drawn = iter([42, 7])
    monkeypatch.setattr(references.secrets, "randbelow", lambda bound: next(drawn))
    assert references.new(ControlEvent, field="number", prefix="КНМ-", year=2026) == "КНМ-2026-000042"
    assert references.new(ControlEvent, field="number", year=2027) == "2027-000007"


def test_a_message_keeps_its_number_on_one_line_and_escapes_the_rest():
    told = references.sentence("Заявка %(number)s <принята> до %(due)s.", number="2026-012345", due="<1.1>")
    assert told == 'Заявка <span class="nowrap">2026-012345</span> &lt;принята&gt; до &lt;1.1&gt;.'
