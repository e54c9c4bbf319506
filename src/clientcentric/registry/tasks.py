from celery import shared_task

from . import services


@shared_task
def rebuild_search_documents() -> int:
    return services.rebuild_search_documents()
