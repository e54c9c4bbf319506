from clientcentric.engines.text.lemmas import lemmas, search_document


def test_word_forms_share_a_lemma():
    assert lemmas("пенсии")[0] == lemmas("пенсия")[0] == "пенсия"


def test_function_words_are_dropped():
    assert lemmas("о пенсии и льготах") == ["пенсия", "льгота"]


def test_search_document_is_padded_and_unique():
    document = search_document("Пенсия", "о пенсиях")
    assert document == " пенсия "


def test_yo_is_folded():
    assert lemmas("ёлка") == lemmas("елка")
