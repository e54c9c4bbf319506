"""Celery app: tasks go through Redis when REDIS_URL is set, and run in-process otherwise."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientcentric.config.settings")

app = Celery("clientcentric")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
