from celery import shared_task

from . import services


@shared_task(name="clientcentric.feedback.tasks.aggregate")
def aggregate(full: bool = False) -> int:
    result = services.aggregate_full() if full else services.aggregate_incremental()
    return result.rows_written
