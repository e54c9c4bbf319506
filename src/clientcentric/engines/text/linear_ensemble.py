"""An ensemble of linear text classifiers folded into one linear model.

Pure Python (scikit-learn), no Django. The topic model adds, to the multinomial logistic regression's
log-probabilities, the margins of a linear SVM and the log-probabilities of two naive Bayes models (multinomial
and complement) fitted on the same features. Each member's score is linear in the features (a naive Bayes
model's log-probability is ``X · log θ + log prior`` minus a per-text constant, and a per-text constant does not
change a softmax), so the weighted sum is one coefficient matrix and one intercept vector. The ensemble therefore
predicts exactly as fast as the logistic regression alone, through the same batch and single-text paths, and
its model file is no larger.

The sum of several models' log-probabilities is over-confident; dividing it by a ``temperature`` (chosen on a
validation split by log-loss) makes the probabilities honest again. It does not change which labels rank first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.naive_bayes import ComplementNB, MultinomialNB
from sklearn.svm import LinearSVC

__all__ = ["MEMBERS", "fold_ensemble"]

# The members that can join the logistic regression, by name.
MEMBERS = ("svm", "multinomial_nb", "complement_nb")


def _member(name: str, options: Mapping[str, Any], class_weight: Mapping[str, float] | None) -> Any:
    if name == "svm":
        return LinearSVC(
            C=options.get("svm_C", 0.3), class_weight=dict(class_weight) if class_weight else None
        )
    if name == "multinomial_nb":
        return MultinomialNB(alpha=options.get("multinomial_nb_alpha", 0.003))
    if name == "complement_nb":
        return ComplementNB(alpha=options.get("complement_nb_alpha", 0.01))
    raise ValueError(f"unknown ensemble member {name!r}; known: {', '.join(MEMBERS)}")


def _linear_parts(name: str, model: Any) -> tuple[np.ndarray, np.ndarray]:
    """The member's score as ``X @ coef.T + intercept`` (up to a per-text constant)."""
    if name == "svm":
        return model.coef_, model.intercept_
    if name == "multinomial_nb":
        return model.feature_log_prob_, model.class_log_prior_
    # ComplementNB's joint log-likelihood is X @ feature_log_prob_.T (no prior with more than one class).
    return model.feature_log_prob_, np.zeros(model.feature_log_prob_.shape[0])


def fold_ensemble(
    base: Any,
    X: sparse.csr_matrix,
    labels: Sequence[str],
    weights: Mapping[str, float],
    *,
    class_weight: Mapping[str, float] | None = None,
    options: Mapping[str, Any] | None = None,
) -> dict[str, float]:
    """Fit the members named in ``weights`` on ``X`` and fold them into ``base`` (a fitted multinomial
    logistic regression): its ``coef_`` and ``intercept_`` become the weighted sum. Returns the weights used.

    The naive Bayes members need non-negative features (TF-IDF and one-hot are); ``class_weight`` goes to the SVM.
    """
    options = options or {}
    classes = np.asarray(base.classes_)
    if base.coef_.shape[0] != len(classes):
        raise ValueError("an ensemble needs a multinomial model (three labels or more)")
    # The same memory layout as the model's own (column-major from SAGA): prediction multiplies the features by
    # ``coef_.T``, and a layout scikit-learn does not expect costs a copy of the whole matrix on every call.
    coef = np.array(base.coef_, dtype=np.float64, order="K")
    intercept = np.asarray(base.intercept_, dtype=np.float64).copy()
    used: dict[str, float] = {}
    for name, weight in weights.items():
        if not weight:
            continue
        if name.endswith("_nb") and X.nnz and X.data.min() < 0:
            raise ValueError(f"{name} needs non-negative features")
        member = _member(name, options, class_weight).fit(X, labels)
        if not np.array_equal(np.asarray(member.classes_), classes):
            raise ValueError(f"{name} learnt other labels than the logistic regression")
        member_coef, member_intercept = _linear_parts(name, member)
        coef += weight * np.asarray(member_coef, dtype=np.float64)
        intercept += weight * np.asarray(member_intercept, dtype=np.float64)
        used[name] = float(weight)
    base.coef_ = coef.astype(base.coef_.dtype)
    base.intercept_ = intercept.astype(base.intercept_.dtype)
    return used
