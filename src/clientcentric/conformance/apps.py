from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConformanceConfig(AppConfig):
    name = "clientcentric.conformance"
    label = "conformance"
    verbose_name = _("Conformance to the standard")

    def ready(self):
        # Each module registers its indicators into indicators.INDICATORS when imported.
        from . import (  # noqa: F401
            indicators_appeals,
            indicators_delivery,
            indicators_design,
            indicators_feedback,
        )
        from . import deviations, workflow  # noqa: F401 — the workflow registers itself

        deviations.register()
