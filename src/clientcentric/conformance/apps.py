from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConformanceConfig(AppConfig):
    name = "clientcentric.conformance"
    label = "conformance"
    verbose_name = _("Conformance to the standard")

    def ready(self):
        from . import deviations, workflow  # noqa: F401 — the workflow registers itself

        deviations.register()
