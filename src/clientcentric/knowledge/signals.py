"""Registry FAQ entries of needs that cannot be met follow the registry into the knowledge base."""

from django.db import connection, transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from clientcentric.registry.models import FaqEntry, Need

from . import services


def _sync() -> None:
    services.sync_registry_faq()


@receiver(post_save, sender=FaqEntry)
@receiver(post_save, sender=Need)
def _registry_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    # Once per transaction, after the commit: a registry import saves hundreds of needs, and a need's FAQ
    # link and status are final only when its service has finished.
    if any(pending[1] is _sync for pending in connection.run_on_commit):
        return
    transaction.on_commit(_sync)
