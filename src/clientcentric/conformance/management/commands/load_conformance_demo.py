"""The demo region's first self-assessment; run after load_demo, the feedback demo and the research demo."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from clientcentric.conformance import demo


class Command(BaseCommand):
    help = "Load the demo self-assessment against the standard (safe to run again)"

    def handle(self, *args, **options):
        # Indicator titles are frozen into the snapshots: the demo region is Russian whatever the thread's language.
        with translation.override(settings.LANGUAGE_CODE):
            self.stdout.write(demo.load())
