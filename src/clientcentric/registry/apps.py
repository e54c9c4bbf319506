from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "clientcentric.registry"
    label = "registry"
    verbose_name = _("Registry of life situations, needs and services")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import workflow  # noqa: F401  registers the status table in core.workflow.REGISTRY

        post_migrate.connect(_ensure_reference_data, sender=self)


def _ensure_reference_data(sender, **kwargs):
    from .services import ensure_touchpoints

    ensure_touchpoints()
