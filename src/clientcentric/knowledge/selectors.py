"""Knowledge-base reads: search (the one ranking engine), the site search, templates for an appeal.

Every search ranks with `engines.text.kb_ranking` (BM25F over stored lemmas, typo- and synonym-tolerant),
re-ranked by `engines.text.kb_learned` when a model has been trained (`clientcentric kb train`, the file
`CLIENTCENTRIC_KB_MODEL`), built in this process from the rows, so SQLite and PostgreSQL give the same order on
the same data:
- the knowledge-base search and the chat-bot rank the published articles;
- the site search ranks life situations, needs, services, FAQ entries and articles together
  (`engines.text.site_search` decides what text each record contributes).
The synonyms are the methodologist's table (registry.SearchSynonym). The indexes are process caches
reloaded when a record they hold is saved or deleted. PostgreSQL still keeps the GIN-indexed
`search_vector` for the back office's own full-text filters; the ranking does not use it.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Q, QuerySet

from clientcentric.accounts.roles import Role
from clientcentric.core.process_cache import ProcessCache
from clientcentric.engines.text import site_search as site_engine
from clientcentric.engines.text.kb_learned import LearnedIndex, RankerModel
from clientcentric.engines.text.kb_ranking import (
    Document,
    SynonymTable,
    document,
    query_terms,
    question_kinds,
)
from clientcentric.registry.models import FaqEntry, LifeSituation, Need, SearchSynonym, Service

from .models import AnswerTemplate, AnswerTemplateVersion, Article, ArticleStatus, Conversation

logger = logging.getLogger(__name__)

MAX_QUERY = 1000
MAX_TOP = 20
SITE_TOP = 30


@dataclass(frozen=True)
class SearchHit:
    article: Article
    score: float
    coverage: float


def _synonyms() -> SynonymTable:
    return SynonymTable.from_pairs(SearchSynonym.objects.order_by("pk").values_list("phrase", "means"))


synonym_table = ProcessCache(_synonyms, ttl=60).invalidate_on(SearchSynonym)


def ranker_model() -> RankerModel | None:
    """The learned re-ranker trained by `clientcentric kb train`, or None (BM25F alone).

    A model file an older engine wrote (other features) ranks by BM25F with a warning until `kb train` runs again:
    an upgrade must not take the knowledge base, the chat-bot and the site search down with it."""
    try:
        return RankerModel.load(settings.CLIENTCENTRIC_KB_MODEL)
    except (ValueError, KeyError) as error:
        logger.warning(
            "knowledge-base ranking model not used (%s): ranking by BM25F; run `clientcentric kb train`",
            error,
        )
        return None


def published_documents() -> list[Document]:
    """The ranking engine's documents of the published articles, in a fixed order (the search and `kb train`
    must see the same ones)."""
    rows = published_articles().order_by("pk").values_list("pk", "search_document", "topic", "question")
    return [document(pk, stored, topic, question) for pk, stored, topic, question in rows]


def _published_index() -> LearnedIndex:
    return LearnedIndex(published_documents(), ranker_model())


_kb_index = ProcessCache(_published_index, ttl=60).invalidate_on(Article)


def published_index() -> LearnedIndex:
    return _kb_index.get()


def published_articles() -> QuerySet[Article]:
    return Article.objects.filter(status=ArticleStatus.PUBLISHED)


def search(query: str, top: int = 3) -> list[SearchHit]:
    """Published articles for a Russian question, best first."""
    query = (query or "")[:MAX_QUERY]
    top = max(1, min(int(top), MAX_TOP))
    terms = query_terms(query)
    if not terms:
        return []
    hits = published_index().search(terms, top, synonym_table.get(), kinds=question_kinds(query))
    articles = published_articles().in_bulk([hit.key for hit in hits])
    return [SearchHit(articles[h.key], h.score, h.coverage) for h in hits if h.key in articles]


# The site search: everything a citizen may be looking for, in one ranking.


@dataclass(frozen=True)
class SiteHit:
    kind: str
    item: object
    score: float


def _site_index() -> LearnedIndex:
    fields = ("id", "name", "description")
    return LearnedIndex(
        site_engine.site_documents(
            situations=LifeSituation.objects.order_by("sort_order", "code").values(*fields),
            needs=Need.objects.order_by("code").values(*fields, "status", "status_reason"),
            services=Service.objects.order_by("code").values(*fields, agency_name=F("agency__name")),
            faq=FaqEntry.objects.order_by("code").values("id", "question", "answer", "topic"),
            # An FAQ entry imported into the knowledge base is found once, as the FAQ entry.
            articles=published_articles()
            .filter(faq_entry__isnull=True)
            .order_by("pk")
            .values_list("pk", "search_document", "topic", "question"),
        ),
        ranker_model(),
    )


_site = ProcessCache(_site_index, ttl=60).invalidate_on(LifeSituation, Need, Service, FaqEntry, Article)

_SITE_QUERYSETS = {
    site_engine.SITUATION: lambda: LifeSituation.objects.all(),
    site_engine.NEED: lambda: Need.objects.all(),
    site_engine.SERVICE: lambda: Service.objects.select_related("agency"),
    site_engine.FAQ: lambda: FaqEntry.objects.all(),
    site_engine.ARTICLE: lambda: published_articles(),
}


def site_search(query: str, top: int = SITE_TOP) -> list[SiteHit]:
    """Situations, needs, services, FAQ and articles for a query, best first (no word is required)."""
    hits = site_engine.search(_site.get(), (query or "")[:MAX_QUERY], synonym_table.get(), top=top)
    wanted: dict[str, list] = {}
    for hit in hits:
        wanted.setdefault(hit.key.kind, []).append(hit.key.id)
    found = {kind: _SITE_QUERYSETS[kind]().in_bulk(ids) for kind, ids in wanted.items()}
    return [
        SiteHit(hit.key.kind, found[hit.key.kind][hit.key.id], hit.score)
        for hit in hits
        if hit.key.id in found[hit.key.kind]
    ]


def coordinates_chats(user) -> bool:
    """The region's coordinators (administrators) answer for every hand-over, those routed to no agency too."""
    return bool(user.is_superuser or user.role == Role.ADMIN)


def may_handle_chat(user, conversation: Conversation) -> bool:
    """An operator sees and answers the hand-overs routed to their own agency only."""
    if coordinates_chats(user):
        return True
    return conversation.agency_id is not None and conversation.agency_id == user.agency_id


def chats_handed_over(user=None) -> QuerySet[Conversation]:
    """Conversations handed over to a person: all of them, or those `user` may see and answer."""
    chats = Conversation.objects.filter(handover_requested_at__isnull=False).select_related(
        "operator", "agency"
    )
    if user is None or coordinates_chats(user):
        return chats
    if user.agency_id is None:
        return chats.none()
    return chats.filter(agency_id=user.agency_id)


def chats_waiting(user=None) -> QuerySet[Conversation]:
    """Conversations with a person asked for and not finished, the most urgent first."""
    return chats_handed_over(user).filter(handover_closed_at__isnull=True).order_by("handover_due_at", "pk")


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
