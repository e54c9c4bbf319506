"""How an item of an act is worded: a mandatory requirement or a recommendation, and «what to do» in plain words.

A recommendation («рекомендуется», «может», «допускается», «вправе», a «рекомендуемый образец») leaves the
business a choice: it is kept in the list and marked, but never costed and never counted as an obligation.
An item is a recommendation only when it states no obligation or prohibition of its own: «допускается …, при
этом должны …» still obliges.
"""

from __future__ import annotations

import re

from .candidates import modality

__all__ = ["is_recommendation", "is_repealed", "what_to_do"]

# The item's first clause grants a choice: «Допускается …», «Рекомендуется …», «Руководитель … вправе …».
_PERMISSIVE = re.compile(
    r"^(?:[^.;:]{0,120}?\b)?(рекомендуется|рекомендуем\w*|допускается|разрешается|вправе|может|могут)\b"
)
# Present-tense duties of the act's style («руководитель организации обеспечивает …») oblige as «должен» does.
# So do passive presents («проемы закрываются») and restrictions («разрешается только …», «допускаются к работе»).
_DUTY = re.compile(
    r"\b(обеспечива\w+|организу\w+|подлеж\w+|обязательн\w*|только|(?!явля)\w+(?:ает|яет|ают|яют|ует|уют|ит|ят)ся)\b"
    r"|допуска\w+ к (?:работ|выполнени|эксплуатаци|самостоятельн)"
)
_PERMISSIVE_WORDS = re.compile(r"\b(допуска(?:ет|ют)ся|разреша(?:ет|ют)ся|рекоменду(?:ет|ют)ся)\b")
_NUMBER = re.compile(r"^\s*(?:\d+(?:\.\d+)*(?:\(\d+\))?\.?|[а-я]\))\s+")
# «Руководитель организации обеспечивает X» → «Обеспечьте X»: the verb the act puts on the head, as an imperative.
_ACTOR = r"(?:руководител\w+ организаци\w+|работодател\w+|потребител\w+|эксплуатирующ\w+ организаци\w+|организаци\w+)"
_IMPERATIVES = (
    (re.compile(rf"^{_ACTOR}(?: [^,]{{0,80}}?)? обеспечива\w+ ", re.I), "Обеспечьте "),
    (re.compile(rf"^{_ACTOR}(?: [^,]{{0,80}}?)? организу\w+ ", re.I), "Организуйте "),
    (re.compile(rf"^{_ACTOR}(?: [^,]{{0,80}}?)? определя\w+ ", re.I), "Определите "),
    (re.compile(rf"^{_ACTOR}(?: [^,]{{0,80}}?)? устанавлива\w+ ", re.I), "Установите "),
    (re.compile(rf"^{_ACTOR}(?: [^,]{{0,80}}?)? назнача\w+ ", re.I), "Назначьте "),
    (re.compile(rf"^{_ACTOR}(?: [^,]{{0,80}}?)? (?:обязан\w*|долж\w+) ", re.I), "Необходимо "),
    (re.compile(r"^(?:запрещается|не допускается)[:\s]+", re.I), "Не допускайте: "),
)
_LIMIT = 280
# A repealed item keeps its number in the act with only the amendment note: «24. Утратил силу с 1 марта 2023
# года. - Постановление …», «ж) утратил силу …», «Абзац утратил силу …», «Исключен. - …».
_REPEALED_LINE = re.compile(
    r"^\s*(?:(?:\d+(?:\.\d+)*(?:\(\d+\))?\.?|[а-я]\)|абзац|пункт|подпункт|статья\s+[\d.]+\.?)\s*)?"
    r"(?:утратил[аио]?|утратили|исключен[аоы]?)(?:\s+силу\b|\s*[.;\-—]|\s+с\s|\s*$)",
    re.IGNORECASE,
)


def is_recommendation(text: str, chapter: str = "") -> bool:
    """True when the item only recommends or permits: permissive wording and no obligation or prohibition.

    Every item of an appendix headed «рекомендуемый образец» is a recommendation: the form is a sample.
    """
    if "рекомендуемый образец" in (chapter or "").lower():
        return True
    low = (text or "").lower().replace("ё", "е")
    if not _PERMISSIVE.search(_first_sentence(low)):
        return False
    if modality(low) or re.search(r"допуска\w+ к (?:работ|выполнени|эксплуатаци|самостоятельн)", low):
        return False
    return not _DUTY.search(_PERMISSIVE_WORDS.sub(" ", low))


def is_repealed(text: str) -> bool:
    """True when every line of the item is a repeal note: a void item, not a requirement (its number stays in
    the act's text, so the import keeps it, marked). An item with one repealed sub-item still obliges."""
    lines = [line for line in (text or "").replace("ё", "е").splitlines() if line.strip()]
    return bool(lines) and all(_REPEALED_LINE.match(line) for line in lines)


def _first_sentence(text: str) -> str:
    body = _NUMBER.sub("", (text or "").strip().split("\n")[0])
    sentence = re.split(r"(?<=[.;])\s", body)[0].strip()
    return sentence if len(sentence) <= _LIMIT else sentence[: _LIMIT - 1].rsplit(" ", 1)[0] + "…"


def what_to_do(text: str) -> str:
    """The item's first sentence, turned to the reader where the act speaks of «the head of the organisation»."""
    sentence = _first_sentence(text)
    if is_recommendation(text):
        return "Можно, но не обязательно: " + sentence[:1].lower() + sentence[1:]
    for pattern, imperative in _IMPERATIVES:
        if pattern.search(sentence):
            rest = pattern.sub("", sentence, count=1)
            return imperative + rest
    return sentence[:1].upper() + sentence[1:]
