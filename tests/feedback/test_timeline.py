"""A client's ratings join their personal timeline (/me/scenario/), and only their own."""

from clientcentric.delivery.selectors import scenario
from clientcentric.feedback import services
from clientcentric.feedback.services import Rating


def test_a_clients_rating_is_in_their_timeline_and_no_one_elses(people):
    services.answer_unprompted(Rating(satisfaction=5), page="/kb/", user=people["client"])
    (entry,) = [e for e in scenario.timeline(people["client"]) if e.kind == "rating"]
    assert entry.title.startswith("Оценка") and entry.detail == "5/5"
    assert not [e for e in scenario.timeline(people["business_representative"]) if e.kind == "rating"]
