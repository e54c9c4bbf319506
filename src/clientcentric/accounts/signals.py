from django.db.models.signals import post_migrate
from django.dispatch import receiver

from .services import sync_role_groups


@receiver(post_migrate)
def create_role_groups(sender, **kwargs):
    # Permissions of each app appear in its own post_migrate, so the groups are brought up to date after every one.
    sync_role_groups()
