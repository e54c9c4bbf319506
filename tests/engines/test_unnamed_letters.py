"""Letters Unicode gives no name (Tangut, U+17000…) make pymorphy3 raise; our text engines read on."""

from clientcentric.engines.text import intents, lemmas

TANGUT = "\U00017000"


def test_a_word_with_an_unnamed_letter_is_its_own_lemma():
    assert lemmas.lemmas(f"пенсии a{TANGUT}") == ["пенсия", f"a{TANGUT}"]
    assert lemmas.word_analysis(f"a{TANGUT}")[1] == ""
    assert lemmas.dictionary_lemma(f"b{TANGUT}") == f"b{TANGUT}"


def test_intents_read_past_it():
    assert intents._words(f"спасибо a{TANGUT}") == ["спасибо", f"a{TANGUT}"]
