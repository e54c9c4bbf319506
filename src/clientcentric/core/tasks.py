from celery import shared_task

from . import notifications


@shared_task(bind=True, max_retries=notifications.MAX_ATTEMPTS - 1)
def deliver_notification(self, notification_id: int) -> bool:
    if notifications.deliver(notification_id):
        return True
    from .models import Notification

    if Notification.objects.filter(pk=notification_id, state=Notification.State.PENDING).exists():
        # Back off 30 s, 60 s, 120 s, …; eager mode (no Redis) records the attempt and leaves it pending.
        if not self.request.is_eager:
            raise self.retry(countdown=30 * 2**self.request.retries)
    return False
