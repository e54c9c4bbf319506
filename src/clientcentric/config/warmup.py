"""Warm a freshly started worker process: load the appeal classifiers before the first appeal needs them, and the
pages' own start-up costs before the first page needs them.

Loading them (unpickling, the lemma table, pymorphy3's dictionaries, the single-text path) takes 1–3 s, which the
first appeal each worker registered would otherwise wait for. gunicorn calls this after a worker has loaded the
application (`config/gunicorn.py`), Celery when a worker process starts (`config/celery.py`).
"""

import logging
import time

from django.conf import settings
from django.db import connections
from django.utils import translation

logger = logging.getLogger(__name__)


def warm_models() -> None:
    """Never fails the process: a worker that could not warm loads the models with its first appeal instead."""
    started = time.perf_counter()
    try:
        from clientcentric.appeals.classification import warm

        warmed = warm()
    except Exception:
        logger.exception("warming the appeal classifiers failed; the first appeal will load them")
        return
    finally:
        # gunicorn and Celery fork after this may run: a connection opened here must not be shared by children.
        connections.close_all()
    logger.info(
        "appeal classifiers %s in %.2f s", "warmed" if warmed else "absent", time.perf_counter() - started
    )


def warm_pages() -> None:
    """What the first page of each web worker paid for (issue: /business/summary/ took ~5 s on its first load):
    importing every app's URLs and views (about 1.5 s; the charts' Altair among them) and starting the chart
    renderer's JavaScript engine (about 1 s on its first chart). Never fails the worker: the first page then pays."""
    started = time.perf_counter()
    try:
        from django.urls import get_resolver

        from clientcentric.core import charts

        resolver = get_resolver()
        resolver.url_patterns  # noqa: B018 - the property imports every urls module and its views
        for code, _name in settings.LANGUAGES:
            # The reverse table is built per language on the first reverse(); every page's links call it.
            with translation.override(code):
                resolver.reverse_dict  # noqa: B018
        charts.warm()
    except Exception:
        logger.exception("warming the pages failed; the first page will load what it needs")
        return
    logger.info("pages warmed in %.2f s", time.perf_counter() - started)
