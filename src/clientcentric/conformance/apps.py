from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConformanceConfig(AppConfig):
    name = "clientcentric.conformance"
    label = "conformance"
    verbose_name = _("Conformance to the standard")

    def ready(self):
        # Importing a module registers what it holds: the indicators into indicators.INDICATORS, the deviation
        # workflow into the status registry.
        from . import (  # noqa: F401
            deviations,
            indicators_appeals,
            indicators_delivery,
            indicators_design,
            indicators_feedback,
            workflow,
        )

        deviations.register()
