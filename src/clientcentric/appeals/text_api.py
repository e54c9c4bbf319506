"""The plain-Russian check for other systems: POST /api/v1/text/readability."""

from ninja import Field, Router, Schema

from clientcentric.accounts.api_auth import ApiTokenAuth, session_auth
from clientcentric.accounts.models import ApiScope
from clientcentric.core import plain_russian
from clientcentric.engines.text.plain_russian import is_over_limit
from clientcentric.engines.text.readability import MAX_TEXT_CHARS

router = Router(tags=["text"])


class TextIn(Schema):
    text: str = Field(..., min_length=1, max_length=MAX_TEXT_CHARS, description="the answer to check")


class LongSentenceOut(Schema):
    start: int = Field(description="offset of the sentence's first character in `text`")
    end: int = Field(description="offset just past its last character")
    words: int


class StopPhraseOut(Schema):
    phrase: str = Field(description="the dictionary entry matched")
    suggestion: str = Field(description="the plain wording to use instead")
    start: int
    end: int
    text: str = Field(description="the words as written in `text`")


class LimitsOut(Schema):
    min_reading_ease: float
    max_grade: float
    long_sentence_words: int


class ReadabilityOut(Schema):
    words: int
    sentences: int
    syllables: int
    flesch_reading_ease: float = Field(description="Oborneva: 206.835 − 1.3·ASL − 60.1·ASW")
    fk_grade: float = Field(description="Flesch–Kincaid for Russian: 0.318·ASL + 14.2·ASW − 30.5")
    long_sentences: list[LongSentenceOut]
    stop_phrases: list[StopPhraseOut]
    personal_address: bool
    next_step: bool
    problems: list[str]
    verdict: str = Field(description="plain, needs_work or hard")
    over_limit: bool = Field(description="past the limits: an answer would need an override reason")
    limits: LimitsOut


@router.post(
    "/readability",
    response=ReadabilityOut,
    # Signed in or with an integration token: 1 MB of text costs about a second of CPU, too cheap to ask
    # for anonymously.
    auth=[ApiTokenAuth(ApiScope.TEXT_CHECK), session_auth],
    summary="Plain-Russian check of a text: readability indices, long sentences, bureaucratese",
)
def readability(request, payload: TextIn):
    client = getattr(request, "api_token", None)
    agency = client.agency if client else getattr(request.user, "agency", None)
    result = plain_russian.check(payload.text, agency)
    limits = plain_russian.limits_for(agency)
    data = result.as_dict()
    data["flesch_reading_ease"] = round(result.flesch_reading_ease, 2)
    data["fk_grade"] = round(result.fk_grade, 2)
    for found in data["stop_phrases"]:
        found["text"] = payload.text[found["start"] : found["end"]]
    data["over_limit"] = is_over_limit(result)
    data["limits"] = {
        "min_reading_ease": limits.min_reading_ease,
        "max_grade": limits.max_grade,
        "long_sentence_words": limits.long_sentence_words,
    }
    return data
