from celery import shared_task

from .services import notifications


@shared_task(bind=True)
def deliver_notification(self, notification_id: int) -> bool:
    outcome = notifications.attempt(notification_id)
    if outcome == "retry" and not self.request.is_eager:
        # With a broker the retry is scheduled for when it is due; the periodic scan is the safety net.
        # Eager mode (no Redis) leaves it to that scan rather than retrying inside the caller's request.
        from .models import Notification

        due = (
            Notification.objects.filter(pk=notification_id).values_list("next_attempt_at", flat=True).first()
        )
        if due is not None:
            try:
                deliver_notification.apply_async((notification_id,), eta=due)
            except Exception:  # the broker went away: the row stays pending and the periodic scan retries it
                notifications.log.warning("notification_retry_not_scheduled", notification=notification_id)
    return outcome == "sent"


@shared_task
def send_due_notifications() -> dict:
    return notifications.send_due()
