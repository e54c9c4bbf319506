from celery import shared_task

from . import aggregation


@shared_task(name="clientcentric.feedback.tasks.aggregate")
def aggregate(full: bool = False) -> int:
    result = aggregation.aggregate_full() if full else aggregation.aggregate_incremental()
    return result.rows_written
