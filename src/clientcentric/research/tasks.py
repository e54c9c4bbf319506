from celery import shared_task

from . import proposals


@shared_task(name="clientcentric.research.tasks.propose_need_statuses")
def propose_need_statuses() -> dict:
    run = proposals.propose_need_statuses()
    return {"created": run.created, "refreshed": run.refreshed, "withdrawn": run.withdrawn}
