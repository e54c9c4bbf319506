from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BusinessConfig(AppConfig):
    name = "clientcentric.business"
    label = "business"
    verbose_name = _("State for Business: mandatory requirements")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import workflow  # noqa: F401  (registers the expert's accreditation table)
