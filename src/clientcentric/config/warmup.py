"""Warm a freshly started worker process: load the appeal classifiers before the first appeal needs them.

Loading them (unpickling, the lemma table, pymorphy3's dictionaries, the single-text path) takes 1–3 s, which the
first appeal each worker registered would otherwise wait for. gunicorn calls this after a worker has loaded the
application (`config/gunicorn.py`), Celery when a worker process starts (`config/celery.py`).
"""

import logging
import time

from django.db import connections

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
