from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def create_role_groups(sender, **kwargs):
    if sender.label != "accounts":
        return
    from .services import sync_role_groups

    sync_role_groups()
