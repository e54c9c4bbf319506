from celery import shared_task


@shared_task(name="clientcentric.research.tasks.propose_need_statuses")
def propose_need_statuses() -> dict:
    from . import services

    run = services.propose_need_statuses()
    return {"created": run.created, "refreshed": run.refreshed, "withdrawn": run.withdrawn}
