from clientcentric.registry import selectors


def test_search_finds_other_word_forms(registry):
    results = selectors.search("пенсии")
    assert registry["pension"] in results["life_situations"]
    assert registry["service"] in results["services"]
    assert registry["faq"] in results["faq"]


def test_search_requires_every_word(registry):
    assert selectors.search("пенсия переезд")["life_situations"] == []


def test_search_by_agency_name_finds_services(registry):
    assert registry["service"] in selectors.search("социального фонда")["services"]


def test_search_of_only_function_words_finds_nothing(registry):
    assert all(not v for v in selectors.search("и в на").values())
