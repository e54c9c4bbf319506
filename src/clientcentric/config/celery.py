"""Celery app: tasks go through Redis when REDIS_URL is set, and run in-process otherwise."""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientcentric.config.settings")

app = Celery("clientcentric")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _warm_models(**_kwargs):
    """Each worker process loads the classifiers once when it starts, not with the first appeal it classifies."""
    from clientcentric.config.warmup import warm_models

    warm_models()
