"""The site search's documents: situations, needs, services, FAQ and knowledge-base articles in one ranking.

What a record contributes — its title (name or question) and its body (description, reason, answer) — is
decided here, from plain rows, so the application (rows from the database) and bench/search.py (rows from the
demo registry file) index exactly the same text. Ranking is `kb_ranking`'s, the engine every search uses.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .kb_ranking import Document, KbIndex, SynonymTable, document, query_terms, question_kinds
from .lemmas import lemmas

if TYPE_CHECKING:
    from .kb_learned import LearnedIndex

SITUATION = "life_situation"
NEED = "need"
SERVICE = "service"
FAQ = "faq"
ARTICLE = "article"
KINDS = (SITUATION, NEED, SERVICE, FAQ, ARTICLE)

# A need that cannot be met is an honest answer but a poor first hit: what can be done should come first.
CANNOT_MEET_PRIOR = 0.6
CANNOT_MEET = "cannot_meet"


@dataclass(frozen=True)
class SiteKey:
    kind: str
    id: object


def _texts(row: Mapping, *fields: str) -> list[str]:
    return [str(row.get(name) or "") for name in fields]


def _doc(
    kind: str, row: Mapping, title: str, body: Iterable[str], prior: float = 1.0, topic: str = ""
) -> Document:
    title_lemmas = tuple(lemmas(title))
    body_lemmas = tuple(lem for text in body for lem in lemmas(text))
    return Document(
        SiteKey(kind, row["id"]),
        title_lemmas,
        body_lemmas,
        prior,
        tuple(lemmas(topic)),
        question_kinds(title),
    )


def site_documents(
    *,
    situations: Iterable[Mapping] = (),
    needs: Iterable[Mapping] = (),
    services: Iterable[Mapping] = (),
    faq: Iterable[Mapping] = (),
    articles: Iterable[tuple[object, str, str, str]] = (),
) -> list[Document]:
    """Documents in a fixed order (situations, needs, services, FAQ, articles; each in the order given).

    Rows are mappings with an "id" and the record's fields; articles come as (id, stored lemmas, topic,
    question), the «question | answer» lemmas the knowledge base already keeps for each article and its question
    as typed (for the kinds of question it answers; a name or a question alike tells its kinds). FAQ entries and
    articles carry their topic, which the learned re-ranker compares with the query as a section of the base.
    """
    documents = [_doc(SITUATION, row, row["name"], _texts(row, "description")) for row in situations]
    documents += [
        _doc(
            NEED,
            row,
            row["name"],
            _texts(row, "description", "status_reason"),
            CANNOT_MEET_PRIOR if row.get("status") == CANNOT_MEET else 1.0,
        )
        for row in needs
    ]
    documents += [
        _doc(SERVICE, row, row["name"], _texts(row, "description", "agency_name")) for row in services
    ]
    documents += [
        _doc(FAQ, row, row["question"], _texts(row, "answer", "topic"), topic=str(row.get("topic") or ""))
        for row in faq
    ]
    documents += [
        document(SiteKey(ARTICLE, pk), stored, topic, question) for pk, stored, topic, question in articles
    ]
    return documents


def search(
    index: "KbIndex | LearnedIndex", query: str, synonyms: SynonymTable, top: int = 20, min_share: float = 0.0
) -> list:
    """The best `top` hits for a query, best first; with `min_share`, hits under that share of the best go.

    The site keeps every hit (min_share 0): in a small registry a common word («пенсия») weighs little
    next to a rare one («переезд»), and a query of two topics should show both.
    """
    terms = query_terms(query)
    if not terms:
        return []
    hits = index.search(terms, top, synonyms, kinds=question_kinds(query))
    if not hits:
        return []
    floor = hits[0].score * min_share
    return [hit for hit in hits if hit.score >= floor]
