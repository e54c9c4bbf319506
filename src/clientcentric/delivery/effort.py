"""The standard's delivery classes (DEL-4) and what "within the class" means for one request.

`ServiceRequest.seconds` is the time to submit (from the server's first render of the form to the submission)
and `fields_typed` the fields the client filled or changed by hand; the conformance indicator
`requests_within_class` reads the same two numbers, so the limits are declared once, here.
"""

from dataclasses import dataclass

ONE_CLICK = "one_click"
FIVE_MINUTES = "five_minutes"
TEN_MINUTES = "form_10_minutes"


@dataclass(frozen=True)
class Limit:
    seconds: float | None  # None: no time limit of its own
    fields_typed: int | None  # None: any number of fields


# One click: nothing typed at all (time is not the measure, the absence of a form is).
LIMITS = {
    ONE_CLICK: Limit(seconds=None, fields_typed=0),
    FIVE_MINUTES: Limit(seconds=300.0, fields_typed=None),
    TEN_MINUTES: Limit(seconds=600.0, fields_typed=None),
}


def within(effort_class: str, seconds: float, fields_typed: int) -> bool | None:
    """Whether one request met its service's declared class; None when the class declares no limit ("other")."""
    limit = LIMITS.get(effort_class)
    if limit is None:
        return None
    if limit.seconds is not None and seconds > limit.seconds:
        return False
    return not (limit.fields_typed is not None and fields_typed > limit.fields_typed)
