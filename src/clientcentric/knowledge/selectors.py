"""Knowledge-base reads: search (PostgreSQL full text or the BM25 engine), templates for an appeal.

Search has two back ends with one contract — a ranked list of published articles for a Russian query:
- on PostgreSQL, the `russian` text-search configuration over the GIN-indexed `search_vector` (question
  weighted A, answer B), ranked by ts_rank; the query words are first corrected for typos against the
  knowledge base's own lemma vocabulary, so «манетизация» still finds «монетизация»;
- everywhere else (SQLite), the engine `engines.text.kb_ranking` (BM25F over stored lemmas) does both.
The in-memory index is rebuilt when an article changes (the newest `updated_at` and the count tell).
"""

import threading
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Max, Q, QuerySet, Value

from clientcentric.engines.text.kb_ranking import KbIndex, document, query_terms

from .models import AnswerTemplate, AnswerTemplateVersion, Article, ArticleStatus

MAX_QUERY = 1000
MAX_TOP = 20


@dataclass(frozen=True)
class SearchHit:
    article: Article
    score: float
    coverage: float


_cache: dict = {}
_lock = threading.Lock()


def _stamp() -> tuple:
    found = Article.objects.filter(status=ArticleStatus.PUBLISHED).aggregate(
        n=Count("id"), last=Max("updated_at")
    )
    return (connection.alias, connection.settings_dict.get("NAME"), found["n"], found["last"])


def published_index() -> KbIndex:
    stamp = _stamp()
    with _lock:
        if _cache.get("stamp") != stamp:
            rows = Article.objects.filter(status=ArticleStatus.PUBLISHED).values_list("pk", "search_document")
            _cache["index"] = KbIndex.build(document(pk, stored) for pk, stored in rows)
            _cache["stamp"] = stamp
        return _cache["index"]


def published_articles() -> QuerySet[Article]:
    return Article.objects.filter(status=ArticleStatus.PUBLISHED)


def search(query: str, top: int = 3) -> list[SearchHit]:
    query = (query or "")[:MAX_QUERY]
    top = max(1, min(int(top), MAX_TOP))
    terms = query_terms(query)
    if not terms:
        return []
    index = published_index()
    if connection.vendor == "postgresql":
        return _search_postgres(index, terms, top)
    hits = index.search(terms, top)
    articles = Article.objects.in_bulk([hit.key for hit in hits])
    return [SearchHit(articles[h.key], h.score, h.coverage) for h in hits if h.key in articles]


def _search_postgres(index: KbIndex, terms: list[str], top: int) -> list[SearchHit]:
    from django.contrib.postgres.search import SearchQuery, SearchRank

    # The query's own lemmas (PostgreSQL's stemmer may match what the lemma index does not) and, for typos,
    # their closest known lemmas.
    words = dict.fromkeys([*terms, *index.expand(terms)])
    tsquery = None
    for word in words:
        part = SearchQuery(word, config="russian", search_type="plain")
        tsquery = part if tsquery is None else tsquery | part
    # ts_rank with length normalisation 1 (rank / (1 + log length)): on the real questions it beats
    # ts_rank_cd and the other normalisations (docs/knowledge-base.md has the figures).
    rank = SearchRank("search_vector", tsquery, weights=[0.1, 0.2, 0.4, 1.0], normalization=Value(1))
    found = list(
        published_articles().filter(search_vector=tsquery).annotate(rank=rank).order_by("-rank", "pk")[:top]
    )
    # Coverage comes from the same lemma index the SQLite path uses, so the chat-bot's threshold means one thing.
    return [SearchHit(a, float(a.rank), index.coverage(terms, a.pk)) for a in found]


def templates_for(appeal) -> QuerySet[AnswerTemplate]:
    """Active templates for the appeal's topic and status; the specific ones first, then the general."""
    return (
        AnswerTemplate.objects.filter(is_active=True, current_version__isnull=False)
        .filter(Q(topic="") | Q(topic=appeal.topic))
        .filter(Q(appeal_status="") | Q(appeal_status=appeal.status))
        .select_related("current_version")
        .order_by("-topic", "-appeal_status", "name")
    )


def overdue_articles() -> QuerySet[Article]:
    from django.utils import timezone

    return Article.objects.filter(review_by__lt=timezone.localdate()).order_by("review_by")


def template_version(value: str) -> AnswerTemplateVersion | None:
    """The answer template version a form names by its id, if it is a real one."""
    return AnswerTemplateVersion.objects.filter(pk=value).first() if value.isdigit() else None
