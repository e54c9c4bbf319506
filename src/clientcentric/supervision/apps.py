from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "clientcentric.supervision"
    verbose_name = _("Supervision (248-FZ)")
    default_auto_field = "django.db.models.BigAutoField"
