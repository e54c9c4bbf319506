"""What this app does when other apps publish a fact (see ``clientcentric.core.events``)."""

from clientcentric.core.events import subscriber

from . import services


# On commit: a failed invitation is logged and never turns the answer into an error.
@subscriber("appeal.answered")
def invite_to_rate_the_answer(*, appeal_id: int) -> None:
    services.invite_for_answered_appeal(appeal_id)
