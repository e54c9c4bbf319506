from celery import shared_task

from . import social


@shared_task
def send_social_message(message_id: int) -> str:
    return social.send(message_id)
