"""The plain-Russian check of every answer the platform sends: the agency's limits around the text engine.

Appeals, delivery (refusals) and any other app that sends a text to a person share it; the verdict and the
highlighting are pure and live in ``clientcentric.engines.text.plain_russian``.
"""

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clientcentric.engines.text import readability
from clientcentric.engines.text.plain_russian import is_over_limit
from clientcentric.engines.text.readability import Limits, Readability

PROBLEM_LABELS = {
    "hard_to_read": gettext_lazy("The text is hard to read: shorter sentences and shorter words help."),
    "grade_too_high": gettext_lazy("The text needs too many years of schooling to read."),
    "long_sentences": gettext_lazy("Some sentences are long: split them."),
    "stop_phrases": gettext_lazy("Bureaucratese found: use the plain words suggested."),
    "no_personal_address": gettext_lazy("The answer does not speak to the person: address them as «вы»."),
    "no_next_step": gettext_lazy(
        "No clear next step: say what the person should do or what happens next and when."
    ),
}


def limits_for(agency) -> Limits:
    if agency is None:
        return Limits()
    return Limits(
        min_reading_ease=agency.plain_min_reading_ease,
        max_grade=agency.plain_max_grade,
        long_sentence_words=agency.plain_long_sentence_words,
    )


def check(text: str, agency=None) -> Readability:
    """The engine's result under the agency's limits; a text with no words or over 1 MB is a form error."""
    try:
        return readability.analyse(text or "", limits_for(agency))
    except readability.EmptyTextError:
        raise ValidationError({"text": _("The text is empty: there is no word to check.")}) from None
    except readability.TextTooLongError:
        raise ValidationError(
            {
                "text": _("The text is longer than %(limit)s characters.")
                % {"limit": readability.MAX_TEXT_CHARS}
            }
        ) from None


def require_plain(text: str, agency, override_reason: str = "") -> Readability:
    """Check an answer before it goes out: past the agency's limits it needs the operator's reason."""
    result = check(text, agency)
    if is_over_limit(result) and not override_reason.strip():
        limits = limits_for(agency)
        raise ValidationError(
            {
                "override_reason": _(
                    "The answer is harder to read than your agency allows (reading ease %(ease)s, "
                    "at least %(min_ease)s; grade %(grade)s, at most %(max_grade)s). Make it simpler "
                    "or say why it cannot be."
                )
                % {
                    "ease": number_format(result.flesch_reading_ease, 0),
                    "min_ease": number_format(limits.min_reading_ease, 0),
                    "grade": number_format(result.fk_grade, 1),
                    "max_grade": number_format(limits.max_grade, 0),
                }
            }
        )
    return result


def problem_messages(result: Readability) -> list[str]:
    return [str(PROBLEM_LABELS[code]) for code in result.problems if code in PROBLEM_LABELS]
