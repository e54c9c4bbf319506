from celery import shared_task

from . import notifications


@shared_task(bind=True)
def deliver_notification(self, notification_id: int) -> bool:
    if notifications.deliver(notification_id):
        return True
    from .models import Notification

    row = Notification.objects.filter(pk=notification_id, state=Notification.State.PENDING).first()
    # With a broker the retry is scheduled for when it is due; the periodic scan is the safety net, and
    # eager mode (no Redis) leaves the row to that scan rather than retrying in the caller's request.
    if row is not None and row.next_attempt_at is not None and not self.request.is_eager:
        deliver_notification.apply_async((notification_id,), eta=row.next_attempt_at)
    return False


@shared_task
def send_due_notifications() -> dict:
    return notifications.send_due()
