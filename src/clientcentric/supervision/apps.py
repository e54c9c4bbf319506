from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "clientcentric.supervision"
    verbose_name = _("Supervision (248-FZ)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The workflows register their tables on import; the walk over every table must find them.
        from . import workflow  # noqa: F401
