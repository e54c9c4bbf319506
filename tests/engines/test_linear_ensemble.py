import numpy as np
import pytest
from scipy.special import log_softmax
from sklearn.naive_bayes import ComplementNB, MultinomialNB
from sklearn.svm import LinearSVC

from clientcentric.engines.text.classifier import TrainedClassifier, train_classifier
from clientcentric.engines.text.linear_ensemble import fold_ensemble

from .test_classifier import synthetic

ENSEMBLE = {"svm": 2.0, "multinomial_nb": 0.05, "complement_nb": 0.2}


@pytest.fixture(scope="module")
def data():
    texts, topics = synthetic(20, seed=11)
    extra = [{"district": ["Невский", "Выборгский", "Центральный"][i % 3]} for i in range(len(texts))]
    return texts, topics, extra


def test_the_ensemble_is_the_weighted_sum_of_its_members_log_probabilities(data):
    texts, topics, extra = data
    plain = train_classifier(texts, topics, extra, balance=0)
    ensemble = train_classifier(texts, topics, extra, balance=0, ensemble=ENSEMBLE)
    X, X_train = plain.features.transform(texts[:7], extra[:7]), plain.features.transform(texts, extra)
    expected = (
        log_softmax(plain.model.decision_function(X), axis=1)
        + 2.0 * LinearSVC(C=0.3).fit(X_train, topics).decision_function(X)
        + 0.05 * MultinomialNB(alpha=0.003).fit(X_train, topics).predict_log_proba(X)
        + 0.2 * ComplementNB(alpha=0.01).fit(X_train, topics).predict_log_proba(X)
    )
    softmax = np.exp(log_softmax(expected, axis=1))
    assert ensemble.predict_proba(texts[:7], extra[:7]) == pytest.approx(softmax, abs=1e-4)


def test_the_ensemble_predicts_through_the_single_text_path_and_survives_a_round_trip(data):
    texts, topics, extra = data
    model = train_classifier(texts, topics, extra, ensemble=ENSEMBLE, temperature=1.5, prior_shift=0.2)
    loaded = TrainedClassifier.from_bytes(model.to_bytes())
    for text in [*synthetic(2, seed=12)[0], "Совсем новые слова", ""]:
        place = {"district": "Невский"}
        expected = model.predict_proba([text], [place])[0]
        assert expected.sum() == pytest.approx(1.0)
        assert model.single_text.proba(text, place) == pytest.approx(expected, abs=1e-5)
        assert loaded.predict_proba([text], [place])[0] == pytest.approx(expected, abs=1e-6)


def test_temperature_softens_the_probabilities_without_changing_the_ranking(data):
    texts, topics, extra = data
    sharp = train_classifier(texts, topics, extra, ensemble=ENSEMBLE)
    soft = train_classifier(texts, topics, extra, ensemble=ENSEMBLE, temperature=2.0)
    probe = synthetic(3, seed=13)[0]
    assert [[label for label, _ in top] for top in soft.predict_top(probe, extra[: len(probe)], k=4)] == [
        [label for label, _ in top] for top in sharp.predict_top(probe, extra[: len(probe)], k=4)
    ]
    soft_best = soft.predict_proba(probe, extra[: len(probe)]).max(axis=1)
    assert (soft_best < sharp.predict_proba(probe, extra[: len(probe)]).max(axis=1)).all()


def test_an_unknown_member_or_a_temperature_of_zero_is_refused(data):
    texts, topics, extra = data
    with pytest.raises(ValueError, match="unknown ensemble member"):
        train_classifier(texts, topics, extra, ensemble={"forest": 1.0})
    with pytest.raises(ValueError, match="temperature"):
        train_classifier(texts, topics, extra, temperature=0)


def test_naive_bayes_members_refuse_negative_features(data):
    texts, topics, extra = data
    plain = train_classifier(texts, topics, extra)
    X = plain.features.transform(texts, extra)
    X.data[0] = -1.0
    with pytest.raises(ValueError, match="non-negative"):
        fold_ensemble(plain.model, X, topics, {"complement_nb": 0.2})


def test_a_two_label_model_ignores_the_ensemble():
    texts, _ = synthetic(10, seed=7)
    labels = ["А" if i % 2 else "Б" for i in range(len(texts))]
    model = train_classifier(texts, labels, ensemble=ENSEMBLE, temperature=2.0)
    assert model.predict_proba([texts[0]])[0].sum() == pytest.approx(1.0)


def test_the_ensemble_keeps_the_models_memory_layout(data):
    # Prediction multiplies by coef_.T; another layout would copy the whole matrix on every call.
    texts, topics, extra = data
    plain = train_classifier(texts, topics, extra)
    ensemble = train_classifier(texts, topics, extra, ensemble=ENSEMBLE, temperature=1.5, prior_shift=0.2)
    assert ensemble.model.coef_.flags["F_CONTIGUOUS"] == plain.model.coef_.flags["F_CONTIGUOUS"]
    assert ensemble.model.coef_.dtype == plain.model.coef_.dtype
