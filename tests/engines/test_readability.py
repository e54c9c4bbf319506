import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clientcentric.engines.text.readability import (
    DATA_FILE,
    MAX_TEXT_CHARS,
    EmptyTextError,
    Limits,
    TextTooLongError,
    analyse,
    default_dictionary,
    fk_grade,
    flesch_reading_ease,
    load_dictionary,
)

RUTS = Path(__file__).with_name("data") / "ruts_readability.json"


def phrases(text):
    return [(p.phrase, text[p.start : p.end]) for p in analyse(text).stop_phrases]


# --- formulas on hand-computed examples ---------------------------------------------------------------


def test_counts_of_a_hand_counted_text():
    # «Мама мыла раму.» 3 words, 6 vowels; «Папа спит.» 2 words, 3 vowels.
    result = analyse("Мама мыла раму. Папа спит.")
    assert (result.words, result.sentences, result.syllables) == (5, 2, 9)


def test_reading_ease_follows_oborneva():
    # ASL = 5/2 = 2.5, ASW = 9/5 = 1.8: 206.835 − 1.3·2.5 − 60.1·1.8 = 95.405
    assert analyse("Мама мыла раму. Папа спит.").flesch_reading_ease == pytest.approx(95.405)
    assert flesch_reading_ease(5, 2, 9) == pytest.approx(95.405)


def test_grade_follows_the_russian_flesch_kincaid():
    # 0.318·2.5 + 14.2·1.8 − 30.5 = −4.145
    assert analyse("Мама мыла раму. Папа спит.").fk_grade == pytest.approx(-4.145)
    assert fk_grade(20, 1, 60) == pytest.approx(0.318 * 20 + 14.2 * 3 - 30.5)


def test_numbers_are_words_without_syllables():
    result = analyse("Фонарь заменён 12 ноября.")
    assert (result.words, result.syllables) == (4, 8)


def test_hyphenated_words_and_dates_are_one_word():
    assert analyse("Кто-то пришёл 22.10.2020 в 1-м часу.").words == 6


def test_a_blank_line_ends_a_sentence():
    assert analyse("Уважаемый пользователь\r\n\r\nСообщаем о ремонте").sentences == 2
    assert analyse("Нарушение устранено силами \r\nбригады.").sentences == 1


# --- long sentences ------------------------------------------------------------------------------------


def test_long_sentences_with_positions():
    long = "Слово " + " ".join(["слово"] * 24) + "."
    text = "Коротко. " + long + " Ещё коротко."
    result = analyse(text)
    assert [(s.start, s.end, s.words) for s in result.long_sentences] == [(9, 9 + len(long), 25)]


def test_long_sentence_limit_is_configurable():
    text = " ".join(["дом"] * 12) + "."
    assert analyse(text).long_sentences == []
    assert analyse(text, Limits(long_sentence_words=10)).long_sentences[0].words == 12


# --- stop phrases across inflections ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase", "found"),
    [
        ("В соответствии со статьёй 12 вам положена выплата.", "в соответствии с", "В соответствии со"),
        ("Выплата осуществлялась ежемесячно.", "осуществляться", "осуществлялась"),
        ("Ремонт осуществляется подрядчиком.", "осуществляться", "осуществляется"),
        ("Сообщаем о данном случае.", "данный", "данном"),
        ("Работы ведутся в рамках программы.", "в рамках", "в рамках"),
        ("Просим произвести оплату до пятницы.", "произвести оплату", "произвести оплату"),
        ("Вышеуказанных нарушений нет.", "вышеуказанный", "Вышеуказанных"),
        ("Письмо направлено в адрес управляющей компании.", "в адрес", "в адрес"),
        ("В случае, если вы не согласны, напишите нам.", "в случае если", "В случае, если"),
        ("Он является нашим сотрудником.", "являться", "является"),
        ("В целях безопасности двери закрыты.", "в целях", "В целях"),
    ],
)
def test_stop_phrase_found_in_any_form(text, phrase, found):
    assert (phrase, found) in phrases(text)


def test_stop_phrase_spans_point_into_the_text():
    text = "Добрый день! Работы проведены в соответствии с планом."
    [match] = [p for p in analyse(text).stop_phrases if p.phrase == "в соответствии с"]
    assert text[match.start : match.end] == "в соответствии с"
    assert match.suggestion


def test_the_longest_phrase_wins():
    assert phrases("Прошу произвести оплату.") == [("произвести оплату", "произвести оплату")]


def test_a_chain_of_verbal_nouns_is_flagged():
    text = "Проведение проверки соблюдения требований завершено."
    [match] = analyse(text).stop_phrases
    assert text[match.start : match.end] == "Проведение проверки соблюдения требований"
    assert "глагол" in match.suggestion


def test_plain_text_has_no_stop_phrases():
    assert analyse("Мы заменили лампу в вашем подъезде. Позвоните нам, если снова темно.").stop_phrases == []


def test_the_dictionary_is_data_with_enough_entries():
    dictionary = default_dictionary()
    assert dictionary.size >= 60


def test_a_dictionary_entry_without_a_suggestion_is_refused(tmp_path):
    data = json.loads(DATA_FILE.read_text("utf-8"))
    data["stop_phrases"] = [{"phrase": "в целях", "suggestion": ""}]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match="suggestion"):
        load_dictionary(path)


# --- personal address and next step -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Уважаемая Анна Петровна, лампу заменили.", "Вам назначена выплата.", "Приходите в среду."],
)
def test_personal_address_found(text):
    assert analyse(text).personal_address


def test_impersonal_text_has_no_personal_address():
    result = analyse("Факты, указанные в обращении, не подтвердились.")
    assert not result.personal_address
    assert "no_personal_address" in result.problems


@pytest.mark.parametrize(
    "text",
    [
        "Если лампа снова погаснет, позвоните по телефону 8 (812) 123-45-67.",
        "Обратитесь в МФЦ с паспортом.",
        "Вам нужно принести справку.",
        "Работы закончим до 15 марта.",
        "Подробности на сайте https://gu.spb.ru/.",
    ],
)
def test_next_step_found(text):
    assert analyse(text).next_step


def test_a_past_date_is_not_a_next_step():
    result = analyse("При проверке 22.10.2020 нарушений не выявлено.")
    assert not result.next_step
    assert "no_next_step" in result.problems


def test_a_preposition_that_looks_like_an_imperative_is_not_one():
    # «при» is also the imperative of «переть».
    assert not analyse("При проверке нарушений не выявлено.").next_step


def test_units_and_acronyms_are_not_imperatives():
    result = analyse("Напор ХВС 4 кгс/см.кв. соответствует норме, работы выполнило КРТИ.")
    assert not result.next_step and not result.personal_address


# --- verdict -------------------------------------------------------------------------------------------


def test_a_plain_answer_is_plain():
    text = "Анна Петровна, мы заменили лампу в вашем подъезде. Если снова будет темно, позвоните нам: 8 812 123-45-67."
    result = analyse(text)
    assert result.verdict == "plain", result.problems


def test_a_bureaucratic_answer_is_hard():
    text = (
        "Настоящим сообщаем, что в соответствии с действующим законодательством Российской Федерации "
        "осуществление мероприятий по обеспечению надлежащего функционирования вышеуказанного "
        "оборудования производится в рамках утверждённого плана-графика проведения работ."
    )
    result = analyse(text)
    assert result.verdict == "hard"
    assert {"hard_to_read", "grade_too_high", "long_sentences", "stop_phrases"} <= set(result.problems)


def test_a_very_short_answer_is_not_judged_by_the_formulas():
    # One three-syllable word scores like a dense legal text; the indices mean nothing at this length.
    result = analyse("Сделано.")
    assert result.fk_grade > 12
    assert "grade_too_high" not in result.problems


# --- bad input -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\t", "!!! ... ?", "— «» …"])
def test_text_without_words_is_a_clear_error(text):
    with pytest.raises(EmptyTextError, match="no words"):
        analyse(text)


def test_a_megabyte_of_text_is_checked():
    sentence = "В соответствии с графиком уборка лестничных клеток производится еженедельно. "
    text = (sentence * (MAX_TEXT_CHARS // len(sentence)))[:MAX_TEXT_CHARS]
    result = analyse(text)
    assert result.sentences > 10_000
    assert len(result.stop_phrases) > 20_000


def test_more_than_the_limit_is_refused():
    with pytest.raises(TextTooLongError):
        analyse("а" * (MAX_TEXT_CHARS + 1))


# --- properties ----------------------------------------------------------------------------------------

russian_text = st.text(
    alphabet=st.sampled_from(list("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВЕОУ .,!?-—\n0123456789«»")),
    min_size=1,
    max_size=400,
)


@settings(max_examples=150, deadline=None)
@given(russian_text)
def test_scores_are_finite_and_words_outnumber_sentences(text):
    try:
        result = analyse(text)
    except EmptyTextError:
        return
    assert math.isfinite(result.flesch_reading_ease) and math.isfinite(result.fk_grade)
    assert result.words >= result.sentences >= 1
    previous_end = 0
    for phrase in result.stop_phrases:
        assert previous_end <= phrase.start < phrase.end <= len(text)
        previous_end = phrase.end
    for sentence in result.long_sentences:
        assert 0 <= sentence.start < sentence.end <= len(text)


# --- ruTS as the oracle --------------------------------------------------------------------------------


def test_grades_equal_ruts_on_real_official_answers():
    """ruTS 'plainrussian' figures for a sample of real answers; see tests/engines/ruts_oracle.py."""
    oracle = json.loads(RUTS.read_text(encoding="utf-8"))
    assert len(oracle["answers"]) >= 300
    off = []
    for row in oracle["answers"]:
        result = analyse(row["text"])
        counts = (result.words, result.sentences, result.syllables)
        if (
            abs(result.fk_grade - row["fk_grade"]) > 0.1
            or abs(result.flesch_reading_ease - row["flesch_reading_ease"]) > 0.1
            or counts != (row["words"], row["sentences"], row["syllables"])
        ):
            off.append((row["text"][:60], counts, row["fk_grade"], result.fk_grade))
    assert not off, off[:5]
