"""Knowledge-base search on real data: does the client's question find the right article, and how fast.

Data (data/faq): the 326-row knowledge base of a real support desk (318 distinct articles after
the 8 repeated rows) and 193 real user questions, each mapped by the desk to the knowledge-base question
that answers it. Quality: the share of real questions whose mapped question is the first hit and is among
the top 3. Speed: p95 of one search over 10,000 articles — the real ones plus synthetic articles made
deterministically from them (sentences of real answers recombined under real questions), so the vocabulary
and the lengths stay realistic. Measured through the same engine the SQLite deployment uses, with query
lemmatisation and typo correction included (the stored lemmas are computed once, as the application does).

Learning from the real questions (engines/text/kb_learned.py: paraphrase expansion + a pairwise logistic
ranker over lexical features) is measured by 5-fold cross-validation: the questions are split into 5 folds (the
same question text always in one fold), the model is trained on 4 and scored on the 5th, and the figures are
pooled over the 5 held-out folds — never a figure on a question the model saw. Beside it, on the same folds:
BM25F alone (the engine without a model) and a TF-IDF cosine baseline (scikit-learn, lemmas, question + answer).

    .venv/bin/python bench/kb.py            # quality and speed
    .venv/bin/python bench/kb.py --quality  # the quality figures only (while iterating on the ranker)
    .venv/bin/python bench/kb.py --quality --splits 10  # and the learned ranker's on 10 draws of the folds, mean
                                                        # (`make bench` runs it with --splits 10)
"""

import csv
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from clientcentric.engines.text.kb_learned import LearnedIndex, folds, train  # noqa: E402
from clientcentric.engines.text.kb_ranking import (  # noqa: E402
    KbIndex,
    document,
    query_terms,
    question_kinds,
    stored_lemmas,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "faq"
ARTICLES = 10_000
P95_TARGET_MS = 50
CHATBOT_CONFIDENCE = 0.6  # the default of CLIENTCENTRIC_CHATBOT_CONFIDENCE
FOLDS = 5
SEED = 2026  # the folds the figures are reported on; --splits N adds N - 1 other draws (seeds 1 … N - 1)
FIRST_TARGET = 0.55
TOP3_TARGET = 0.75


def read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def line(name: str, value: str, target: str, ok: bool | None) -> bool:
    verdict = "" if ok is None else ("OK" if ok else "MISSED")
    print(f"{name:<46} {value:<14} {target:<16} {verdict}")
    return ok is not False


def real_articles() -> list[tuple[str, str]]:
    return [(question, answer) for question, answer, _topic in real_articles_with_topics()]


def real_articles_with_topics() -> list[tuple[str, str, str]]:
    seen = {}
    for row in read("knowledge_base.csv"):
        key = (row["Тема"].strip(), row["Вопрос из БЗ"].strip())
        seen.setdefault(key, row["Ответ из БЗ"].strip())
    return [(question, answer, topic) for (topic, question), answer in seen.items()]


def synthetic(articles: list[tuple[str, str]], count: int) -> list[tuple[str, str]]:
    rng = random.Random(2026)
    sentences = [s.strip() + "." for _q, a in articles for s in a.split(".") if len(s.strip()) > 20]
    made = []
    for n in range(count):
        question, _answer = articles[n % len(articles)]
        words = question.rstrip("?").split()
        rng.shuffle(words)
        made.append((" ".join(words) + f" (вариант {n})?", " ".join(rng.sample(sentences, 4))))
    return made


def cross_validated(articles, stored, questions, seed: int = SEED) -> dict[str, tuple[float, float, float]]:
    """(first, top 3, MRR@10) pooled over the held-out folds, for each ranker; `seed` draws the folds."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    topics = [topic for _q, _a, topic in real_articles_with_topics()]
    docs = [document(i, s, topics[i], articles[i][0]) for i, s in enumerate(stored)]
    position = {}
    for i, (question, _answer) in enumerate(articles):
        position.setdefault(question, i)
    terms = [query_terms(row["Вопрос пользователя"]) for row in questions]
    kinds = [question_kinds(row["Вопрос пользователя"]) for row in questions]
    targets = [row["Вопрос из БЗ"].strip() for row in questions]
    fold_of = folds([" ".join(t) for t in terms], FOLDS, seed)
    tfidf = TfidfVectorizer(token_pattern=r"\S+", sublinear_tf=True)
    matrix = tfidf.fit_transform(s.replace(" | ", " ") for s in stored)
    rankers = ("BM25F (no model)", "TF-IDF cosine", "learned ranker")
    found = {name: [0, 0, 0.0] for name in rankers}
    for fold in range(FOLDS):
        seen = [n for n in range(len(questions)) if fold_of[n] != fold]
        assert not {" ".join(terms[n]) for n in seen} & {
            " ".join(terms[n]) for n in range(len(questions)) if fold_of[n] == fold
        }, "a question in two folds"
        model = train(docs, [(terms[n], position[targets[n]], kinds[n]) for n in seen if terms[n]])
        learned = LearnedIndex(docs, model)
        for n in range(len(questions)):
            if fold_of[n] != fold:
                continue
            cosine = (matrix @ tfidf.transform([" ".join(terms[n])]).T).toarray().ravel()
            orders = {
                rankers[0]: [h.key for h in learned.base.search(terms[n], 10)],
                rankers[1]: [int(i) for i in (-cosine).argsort(kind="stable")[:10] if cosine[i] > 0],
                rankers[2]: [h.key for h in learned.search(terms[n], 10, kinds=kinds[n])],
            }
            for name, order in orders.items():
                hits = [articles[key][0] for key in order]
                tally = found[name]
                tally[0] += bool(hits) and hits[0] == targets[n]
                tally[1] += targets[n] in hits[:3]
                tally[2] += 1 / (hits.index(targets[n]) + 1) if targets[n] in hits else 0.0
    return {
        name: (a / len(questions), b / len(questions), c / len(questions))
        for name, (a, b, c) in found.items()
    }


def splits(articles, stored, questions, count: int, first_draw: tuple[float, float, float]) -> bool:
    """The learned ranker's figures on `count` draws of the folds and their mean, against the targets: with 193
    questions one draw of the folds moves first-hit by a few points, so a change is judged by the mean."""
    rows = []
    for seed in (SEED, *range(1, count)):
        if seed == SEED:
            first, top3, mrr = first_draw  # already measured
        else:
            first, top3, mrr = cross_validated(articles, stored, questions, seed)["learned ranker"]
        rows.append((first, top3, mrr))
        print(f"  folds drawn with seed {seed:<6} learned ranker: {first:.1%} / {top3:.1%} / MRR {mrr:.3f}")
    first, top3, mrr = (statistics.mean(column) for column in zip(*rows, strict=True))
    print(f"  mean of {count} draws of the folds  learned ranker: {first:.1%} / {top3:.1%} / MRR {mrr:.3f}")
    ok = line(
        f"  mean of {count} draws: mapped article is hit 1",
        f"{first:.1%}",
        f">= {FIRST_TARGET:.0%}",
        first >= FIRST_TARGET,
    )
    return (
        line(
            f"  mean of {count} draws: mapped article in top 3",
            f"{top3:.1%}",
            f">= {TOP3_TARGET:.0%}",
            top3 >= TOP3_TARGET,
        )
        and ok
    )


def main() -> int:
    articles = real_articles()
    stored = [stored_lemmas(q, a) for q, a in articles]
    index = KbIndex.build(document(i, s) for i, s in enumerate(stored))
    questions = read("real_questions_dev.csv")
    first = top3 = alone = alone_right = 0
    for row in questions:
        found = index.search(query_terms(row["Вопрос пользователя"]), 3)
        hits = [articles[h.key][0] for h in found]
        target = row["Вопрос из БЗ"].strip()
        first += bool(hits) and hits[0] == target
        top3 += target in hits
        if found and found[0].coverage >= CHATBOT_CONFIDENCE:
            alone += 1
            alone_right += hits[0] == target
    ok = True
    print(f"{'measure':<46} {'value':<14} {'target':<16}")
    ok &= line(
        f"real questions: mapped article is hit 1 (n={len(questions)})",
        f"{first / len(questions):.1%}",
        "for information",
        None,
    )
    ok &= line(
        "real questions: mapped article in top 3", f"{top3 / len(questions):.1%}", "for information", None
    )
    line(
        f"chat-bot answers alone (coverage >= {CHATBOT_CONFIDENCE})",
        f"{alone / len(questions):.1%}",
        "",
        None,
    )
    line("  ... and that answer is the mapped one", f"{alone_right / max(alone, 1):.1%}", "", None)

    started = time.perf_counter()
    figures = cross_validated(articles, stored, questions)
    print(f"{FOLDS}-fold cross-validated, held-out questions only ({time.perf_counter() - started:.0f} s):")
    for name, (first_cv, top3_cv, mrr) in figures.items():
        target = name == "learned ranker"
        ok &= line(
            f"  {name}: mapped article is hit 1",
            f"{first_cv:.1%}",
            f">= {FIRST_TARGET:.0%}" if target else "baseline",
            first_cv >= FIRST_TARGET if target else None,
        )
        ok &= line(
            f"  {name}: mapped article in top 3",
            f"{top3_cv:.1%}",
            f">= {TOP3_TARGET:.0%}" if target else "baseline",
            top3_cv >= TOP3_TARGET if target else None,
        )
        line(f"  {name}: MRR@10", f"{mrr:.3f}", "for information", None)
    if "--splits" in sys.argv[1:]:
        count = int(sys.argv[sys.argv.index("--splits") + 1])
        ok &= splits(articles, stored, questions, count, figures["learned ranker"])
    if "--quality" in sys.argv[1:]:
        return 0 if ok else 1

    extra = synthetic(articles, ARTICLES - len(articles))
    started = time.perf_counter()
    stored_extra = [stored_lemmas(q, a) for q, a in extra]
    big = KbIndex.build(document(i, s) for i, s in enumerate(stored + stored_extra))
    build_s = time.perf_counter() - started
    ok &= line(
        f"index of {len(big):,} articles: lemmatise + build", f"{build_s:.1f} s", "for information", None
    )
    queries = [row["Вопрос пользователя"] for row in questions]
    queries += ["как подключить монетезацию", "не загружаеться видео на канал", "верефикация канала"]
    timings = []
    for _round in range(3):
        for text in queries:
            started = time.perf_counter()
            big.search(query_terms(text), 3)
            timings.append((time.perf_counter() - started) * 1000)
    p95 = statistics.quantiles(timings, n=20)[18]
    ok &= line(
        f"search p95 over {len(big):,} articles ({len(timings)} queries)",
        f"{p95:.1f} ms",
        f"< {P95_TARGET_MS} ms",
        p95 < P95_TARGET_MS,
    )
    line("search median", f"{statistics.median(timings):.1f} ms", "for information", None)

    # The product's path with a model (trained on every real question, as `kb train` does).
    # A synthetic article is filed under the topic of the real one it was made from, as `synthetic` made it.
    topics = [topic for _q, _a, topic in real_articles_with_topics()]
    topics += [topics[n % len(articles)] for n in range(len(stored_extra))]
    titles = [question for question, _answer in articles + extra]
    documents = [document(i, s, topics[i], titles[i]) for i, s in enumerate(stored + stored_extra)]
    position = {}
    for i, (question, _answer) in enumerate(articles):
        position.setdefault(question, i)
    model = train(
        documents[: len(articles)],
        [
            (
                query_terms(r["Вопрос пользователя"]),
                position[r["Вопрос из БЗ"].strip()],
                question_kinds(r["Вопрос пользователя"]),
            )
            for r in questions
        ],
    )
    started = time.perf_counter()
    learned = LearnedIndex(documents, model)
    line("learned index: build", f"{time.perf_counter() - started:.1f} s", "for information", None)
    timings = []
    for text in queries:
        started = time.perf_counter()
        learned.search(query_terms(text), 3, kinds=question_kinds(text))
        timings.append((time.perf_counter() - started) * 1000)
    p95 = statistics.quantiles(timings, n=20)[18]
    ok &= line(
        f"learned search p95 over {len(learned):,} articles",
        f"{p95:.1f} ms",
        f"< {P95_TARGET_MS} ms",
        p95 < P95_TARGET_MS,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
