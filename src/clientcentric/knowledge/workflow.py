"""The workflow of a knowledge-base article: a draft is published, a published one is taken back to draft.

Its append-only history is ``ArticleVersion`` (every version carries its status), so no second history is kept.
"""

from clientcentric.core.workflow import Workflow, register, table

from .models import ArticleStatus

ARTICLE = register(
    Workflow(
        "knowledge.article",
        table(
            {
                ArticleStatus.DRAFT: [ArticleStatus.PUBLISHED],
                # The registry's FAQ sync takes an article back to draft when its need is met again.
                ArticleStatus.PUBLISHED: [ArticleStatus.DRAFT],
            }
        ),
    )
)
