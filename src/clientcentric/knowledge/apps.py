from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "clientcentric.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge base and chat-bot")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import (
            signals,  # noqa: F401
            workflow,  # noqa: F401  registers the status table in core.workflow.REGISTRY
        )
