from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DesignConfig(AppConfig):
    name = "clientcentric.design"
    label = "design"
    verbose_name = _("Service design")

    def ready(self):
        from . import workflow  # noqa: F401  registers the status table in core.workflow.REGISTRY
