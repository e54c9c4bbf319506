"""Public knowledge-base API: /api/v1/kb/…"""

from ninja import Field, Query, Router, Schema

from . import selectors
from .models import ArticleStatus

router = Router(tags=["knowledge base"], auth=None)


class SearchParams(Schema):
    q: str = Field(min_length=1, max_length=selectors.MAX_QUERY, description="the question, in Russian")
    top: int = Field(3, ge=1, le=selectors.MAX_TOP, description="how many articles to return")


class ArticleOut(Schema):
    id: int
    question: str
    answer: str
    topic: str
    version: int | None = None
    url: str

    @staticmethod
    def resolve_version(obj):
        return obj.current_version.number if obj.current_version_id else None

    @staticmethod
    def resolve_url(obj):
        from django.urls import reverse

        return reverse("kb:article", args=[obj.pk])


class HitOut(Schema):
    article: ArticleOut
    score: float = Field(description="ranking score; comparable within one answer only")
    coverage: float = Field(description="share of the question's weight the article matches, 0…1")


@router.get("/search", response=list[HitOut], summary="Search published articles (lemmatised, typo-tolerant)")
def search(request, params: Query[SearchParams]):
    return [
        {"article": hit.article, "score": round(hit.score, 4), "coverage": round(hit.coverage, 3)}
        for hit in selectors.search(params.q, params.top)
    ]


@router.get("/articles/{article_id}", response=ArticleOut, summary="A published article")
def article(request, article_id: int):
    return (
        selectors.published_articles()
        .select_related("current_version")
        .get(pk=article_id, status=ArticleStatus.PUBLISHED)
    )
