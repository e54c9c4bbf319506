from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResearchConfig(AppConfig):
    name = "clientcentric.research"
    label = "research"
    verbose_name = _("Needs research")

    def ready(self):
        from . import workflow  # noqa: F401  registers the status table in core.workflow.REGISTRY
