from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "clientcentric.appeals"
    label = "appeals"
    verbose_name = _("Appeals")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import (
            acknowledgement,  # noqa: F401  registers its notification event
            workflow,  # noqa: F401  registers the status table in core.workflow.REGISTRY
        )

        post_migrate.connect(_ensure_default_policies, sender=self)


def _ensure_default_policies(sender, **kwargs):
    from .services import ensure_default_policies

    ensure_default_policies()
