"""Load (or refresh) the standard's requirements from data/standard/requirements.csv."""

from pathlib import Path

from django.core.management.base import BaseCommand

from clientcentric.conformance import services


class Command(BaseCommand):
    help = "Load the client-centricity standard's requirements from data/standard/requirements.csv"

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, help="another CSV of the same shape")

    def handle(self, *args, file=None, **options):
        count = services.load_requirements(file)
        self.stdout.write(f"Requirements of the standard: {count} loaded")
