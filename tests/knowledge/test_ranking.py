from clientcentric.engines.text.kb_ranking import Document, KbIndex, document, stored_lemmas
from clientcentric.engines.text.lemmas import lemmas

DOCS = [
    ("Как подключить монетизацию?", "Подайте заявку в Студии."),
    ("Почему видео не загружается?", "Проверьте формат файла."),
    ("Как удалить канал?", "Откройте настройки канала."),
    ("Что такое Shorts?", "Короткие вертикальные видео."),
]


def index():
    return KbIndex.build(document(n, stored_lemmas(q, a)) for n, (q, a) in enumerate(DOCS))


def top(query, n=3):
    return [hit.key for hit in index().search(lemmas(query), n)]


def test_word_forms_match_through_lemmas():
    assert top("не загружаются мои видеоролики и видео")[0] == 1


def test_a_typo_still_finds_the_article():
    assert top("монетезация")[0] == 0


def test_a_name_written_in_the_other_alphabet_is_found():
    # The base writes «Shorts», people write «шортс»; the base writes «андроид», a client types «android».
    assert top("шортс")[0] == 3
    built = KbIndex.build(
        [
            document(0, stored_lemmas("Студия на андроиде", "Скачайте приложение.")),
            *[document(n, stored_lemmas(q, a)) for n, (q, a) in enumerate(DOCS, start=1)],
        ]
    )
    assert built.search(lemmas("android"), 1)[0].key == 0


def test_a_word_unlike_any_in_either_alphabet_stays_unknown():
    assert top("ютьюбер") == []


def test_a_match_in_the_question_outranks_one_in_the_answer():
    built = KbIndex.build(
        [Document("body", ("вопрос",), ("канал",)), Document("title", ("канал",), ("ответ",))]
    )
    assert [h.key for h in built.search(["канал"], 2)] == ["title", "body"]


def test_rare_words_weigh_more_than_common_ones():
    # «канал» sits in two articles, «удалить» in one: the article with the rare word wins.
    assert top("удалить канал")[0] == 2


def test_coverage_tells_how_much_of_the_question_is_matched():
    hits = index().search(lemmas("как удалить канал"), 3)
    assert hits[0].coverage == 1.0
    assert all(0 <= h.coverage <= 1 for h in hits)
    assert index().search(lemmas("удалить погоду"), 1)[0].coverage < 1.0


def test_nothing_for_unknown_words_and_an_empty_query():
    assert top("погода завтра") == []
    assert index().search([], 3) == []


def test_top_limits_the_answer_and_scores_descend():
    hits = index().search(lemmas("видео канал подключить"), 2)
    assert len(hits) == 2
    assert hits[0].score >= hits[1].score


def test_the_ranking_is_deterministic():
    assert top("видео") == top("видео")


def test_politeness_and_pronouns_are_not_searched_for():
    from clientcentric.engines.text.kb_ranking import query_terms

    assert query_terms("Добрый день! Подскажите, пожалуйста, как мне удалить мой канал?") == [
        "удалить",
        "канал",
    ]
