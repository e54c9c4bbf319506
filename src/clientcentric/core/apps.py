from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "clientcentric.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import notification_workflow  # noqa: F401  registers the status table in core.workflow.REGISTRY
