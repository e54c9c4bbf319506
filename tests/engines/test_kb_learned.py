"""The learned re-ranker: paraphrases learned from real questions, JSON model, fallback, cross-validation folds."""

import json

import pytest

from clientcentric.engines.text import kb_learned
from clientcentric.engines.text.kb_learned import LearnedIndex, RankerModel, folds, train
from clientcentric.engines.text.kb_ranking import (
    KbIndex,
    document,
    query_terms,
    question_kinds,
    stored_lemmas,
)

ARTICLES = [
    ("Что нельзя публиковать на платформе?", "Чужой контент, рекламу казино, насилие и оскорбления."),
    ("Почему удаляются комментарии под видео?", "Комментарии удаляет автор канала или модератор."),
    ("Как подключить монетизацию?", "Подайте заявку в Студии и дождитесь проверки."),
    ("Как изменить обложку канала?", "Загрузите новое изображение в настройках канала."),
    ("Почему видео не загружается?", "Проверьте формат файла и подключение к сети."),
    ("Как удалить канал?", "Откройте настройки и выберите удаление канала."),
]
# How people asked, each mapped by an operator to the article that answered them.
TRAINING = [
    ("за что удалили мой ролик", 0),
    ("ролик удалили без объяснения", 0),
    ("почему удаляют ролики с канала", 0),
    ("ролик заблокировали, что я нарушил", 0),
    ("какие ролики запрещены", 0),
    ("кто удаляет комментарии у меня под роликом", 1),
    ("пропадают комментарии", 1),
    ("хочу зарабатывать на канале", 2),
    ("как начать получать деньги за просмотры", 2),
    ("деньги за просмотры когда начислят", 2),
    ("поменять картинку канала", 3),
    ("сменить шапку канала", 3),
    ("ролик не грузится", 4),
    ("видос не загружается уже час", 4),
    ("стереть канал навсегда", 5),
    ("закрыть канал совсем", 5),
]


def documents():
    return [document(n, stored_lemmas(q, a)) for n, (q, a) in enumerate(ARTICLES)]


def pairs():
    return [(query_terms(text), key) for text, key in TRAINING]


def test_the_ranker_puts_a_paraphrase_above_a_lexical_decoy():
    question = query_terms("почему удалили ролики")  # never seen; «удалить» is the decoys' word
    assert KbIndex.build(documents()).search(question, 1)[0].key in {1, 5}  # deleting comments or a channel
    model = train(documents(), pairs())
    assert LearnedIndex(documents(), model).search(question, 1)[0].key == 0


def test_without_a_model_the_order_is_bm25f():
    plain, learned = KbIndex.build(documents()), LearnedIndex(documents())
    for text, _key in TRAINING:
        terms = query_terms(text)
        assert learned.search(terms, 3) == plain.search(terms, 3)


def test_the_model_survives_its_json_file(tmp_path):
    model = train(documents(), pairs())
    model.save(tmp_path / "model.json")
    again = RankerModel.load(tmp_path / "model.json")
    assert again == model
    terms = query_terms("ролик заблокировали")
    assert LearnedIndex(documents(), again).search(terms, 3) == LearnedIndex(documents(), model).search(
        terms, 3
    )


def test_no_file_means_no_model_and_a_foreign_file_is_refused(tmp_path):
    assert RankerModel.load(tmp_path / "absent.json") is None
    (tmp_path / "old.json").write_text('{"version": 0}', encoding="utf-8")
    with pytest.raises(ValueError, match="train it again"):
        RankerModel.load(tmp_path / "old.json")
    # A model of this version with one feature fewer (written before the last feature was added) is refused too.
    data = json.loads(train(documents(), pairs()).to_json())
    data["features"], data["weights"] = data["features"][:-1], data["weights"][:-1]
    (tmp_path / "older.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="train it again"):
        RankerModel.load(tmp_path / "older.json")


def test_training_features_never_see_their_own_question(monkeypatch):
    # Every inner fold's index is built from the other folds' questions only; a question asked twice (here of
    # two articles) is held out in one fold, both times.
    built = []
    original = kb_learned.asked_lemmas

    def spy(docs, seen):
        seen = list(seen)
        built.append({tuple(terms) for terms, _key in seen})
        return original(docs, seen)

    monkeypatch.setattr(kb_learned, "asked_lemmas", spy)
    training = [*pairs(), (query_terms("ролик не грузится"), 0)]
    train(documents(), training, inner_folds=4)
    inner = built[:4]
    for terms, _key in training:
        assert sum(tuple(terms) not in seen for seen in inner) == 1


def test_the_regularisation_is_chosen_from_the_grid_and_recorded(tmp_path):
    model = train(documents(), pairs())
    assert model.regularisation in kb_learned.REGULARISATION_GRID
    model.save(tmp_path / "model.json")
    assert RankerModel.load(tmp_path / "model.json").regularisation == model.regularisation
    assert train(documents(), pairs(), regularisation=0.5).regularisation == 0.5


def test_cross_validation_folds_never_share_a_question():
    questions = ["а", "б", "а", "в", "г", "б", "д", "е", "ж", "з", "а"]
    fold_of = folds(questions, 5)
    for question in set(questions):
        assert len({f for q, f in zip(questions, fold_of, strict=True) if q == question}) == 1
    assert set(fold_of) == set(range(5))


def _column(index, query, name):
    positions, features, _coverage = index.candidate_features(query_terms(query), kinds=question_kinds(query))
    column = features[:, kb_learned.FEATURES.index(name)]
    return {index.documents[p].key: float(v) for p, v in zip(positions, column, strict=True)}


def test_the_topic_score_is_the_questions_fit_with_the_articles_section():
    topics = ["Модерация", "Модерация", "Монетизация", "Оформление канала", "Загрузка видео", ""]
    docs = [
        document(n, stored_lemmas(q, a), t)
        for n, ((q, a), t) in enumerate(zip(ARTICLES, topics, strict=True))
    ]
    index = LearnedIndex(docs, asked={}, times_asked={})
    topic = _column(index, "модерация: публиковать видео, удалить канал", "topic")
    assert topic[0] == topic[1] > 0  # one section, one score, whichever article of it
    assert (
        topic[0] > topic[4] > 0
    )  # «видео» is in «Загрузка видео», but «модерация» is rarer and a title word
    assert topic[5] == 0.0  # an article filed under no topic has no section to fit


def test_a_word_questions_use_but_their_articles_do_not_weighs_less():
    articles = [
        ("Хочу стать автором", "Заполните анкету автора."),
        ("Как удалить канал?", "Откройте настройки и выберите удаление."),
        ("Как подключить монетизацию?", "Подайте заявку в Студии."),
        ("Почему видео не загружается?", "Проверьте формат файла."),
    ]
    docs = [document(n, stored_lemmas(q, a)) for n, (q, a) in enumerate(articles)]
    # «хотеть» came with four questions and never with their article; «канал» twice, both times in it.
    asked = [
        ("хочу удалить канал", 1),
        ("хочу закрыть канал", 1),
        ("хочу денег", 2),
        ("хочу загрузить видео", 3),
    ]
    index = LearnedIndex(
        docs, asked=kb_learned.asked_lemmas(docs, [(query_terms(q), k) for q, k in asked])[0]
    )
    coverage = _column(index, "хочу канал", "coverage")
    need = _column(index, "хочу канал", "necessity_coverage")
    assert coverage[0] == pytest.approx(coverage[1])  # plain coverage: one equally rare word each
    assert need[1] > need[0]


def test_query_likelihood_prefers_the_article_made_of_the_querys_words():
    articles = [
        ("Как удалить канал?", "Откройте настройки канала и удалите канал."),
        (
            "Как изменить обложку?",
            "Загрузите новое изображение в настройках, выберите рамку, сохраните, дождитесь проверки "
            "модератором; обложка канала сменится в течение часа, старую удалите из галереи.",
        ),
        ("Почему видео не загружается?", "Проверьте формат файла."),
    ]
    docs = [document(n, stored_lemmas(q, a)) for n, (q, a) in enumerate(articles)]
    index = LearnedIndex(docs, asked={}, times_asked={})
    likelihood = _column(index, "удалить канал", "query_likelihood")
    # Both words, in the title, in a short article; against each once in a long one.
    assert likelihood[0] > likelihood[1]
    # A word the base does not know is no evidence either way.
    assert _column(index, "удалить канал абырвалг", "query_likelihood") == likelihood


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Что такое Smart TV?", {"definition"}),
        ("Мой канал, это что такое?", {"definition"}),
        ("что за переход в общественное достояние", {"definition"}),
        ("Как удалить канал?", {"how"}),
        ("Как долго идёт модерация?", {"how", "when"}),
        ("Сколь ждать модерации видео?", {"how_many"}),
        ("Сколько стоит подключение?", {"how_many"}),
        ("Какие сроки модерации?", {"when"}),
        ("Где найти историю просмотра?", {"where"}),
        ("Почему удаляются комментарии?", {"why"}),
        ("Можно ли загружать Shorts?", {"possible"}),
        ("Кому принадлежат права?", {"who"}),
        ("Что делать, если модерация не пройдена?", {"what_to_do"}),
        ("монетизация", set()),
        # Not questions: a hyphenated word, conjunctions, a complaint.
        ("где-то зависла загрузка", set()),
        ("так как видео не грузится, пишу сюда", set()),
        ("потому что за нарушение удалили", set()),
        ("не могу войти в студию", set()),
    ],
)
def test_the_kind_of_question_is_read_from_the_words_the_lemmas_drop(text, kinds):
    assert question_kinds(text) == kinds
    assert not {"что", "такой", "как"} & set(query_terms(text))  # invisible to the word features


KINDS_ARTICLES = [
    ("Что такое Smart TV?", "Smart TV — телевизор с доступом в интернет и приложениями.", "Smart TV"),
    ("Как установить приложение на Smart TV?", "Откройте магазин приложений телевизора.", "Smart TV"),
]


def test_the_kind_features_compare_the_querys_kind_with_the_articles_question():
    docs = [document(n, stored_lemmas(q, a), t, q) for n, (q, a, t) in enumerate(KINDS_ARTICLES)]
    index = LearnedIndex(docs, asked={}, times_asked={})
    definition = _column(index, "что за smart tv такой", "definition_match")
    assert definition == {0: 1.0, 1: 0.0}
    overlap = _column(index, "как поставить smart tv", "question_kind_overlap")
    assert overlap[1] == 1.0 and overlap[0] == 0.0
    assert _column(index, "smart tv", "question_kind_overlap") == {0: 0.0, 1: 0.0}  # no kind: no evidence


def test_a_trained_ranker_tells_a_definition_from_a_how_to_by_the_kind_of_question():
    articles = [
        *KINDS_ARTICLES,
        ("Что такое Shorts?", "Shorts — короткие вертикальные видео.", "Shorts"),
        ("Как загрузить Shorts?", "Нажмите «Добавить» и выберите вертикальное видео.", "Shorts"),
        ("Что такое трансляция?", "Трансляция — видео в прямом эфире.", "Трансляции"),
        ("Как создать трансляцию?", "В Студии нажмите «Создать трансляцию».", "Трансляции"),
    ]
    docs = [document(n, stored_lemmas(q, a), t, q) for n, (q, a, t) in enumerate(articles)]
    asked = [
        ("что за shorts", 2),
        ("шортс это что", 2),
        ("как выложить shorts", 3),
        ("как добавить шортс", 3),
        ("что за трансляции", 4),
        ("трансляция это что", 4),
        ("как начать трансляцию", 5),
        ("как запустить трансляцию", 5),
    ]
    model = train(docs, [(query_terms(q), key, question_kinds(q)) for q, key in asked], inner_folds=2)
    index = LearnedIndex(docs, model)
    # BM25F puts the how-to first for both («приложение», «установить» are in its title); the kind tells them apart.
    for query, wanted in [("что за приложение smart tv", 0), ("как поставить smart tv", 1)]:
        assert index.search(query_terms(query), 1, kinds=question_kinds(query))[0].key == wanted
