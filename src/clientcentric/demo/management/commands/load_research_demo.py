from django.core.management.base import BaseCommand

from clientcentric.appeals import demo as appeals_demo
from clientcentric.demo import research as demo


class Command(BaseCommand):
    help = "Load the demo research and design data for the house-and-yard life situation (safe to run again)."

    def handle(self, *args, **options):
        path = appeals_demo.find_data_file()
        if path is None:
            self.stdout.write("Real appeals data not found (data/appeals): journey map and study skipped.")
        created = demo.load(path)
        self.stdout.write(
            "Research demo: " + (", ".join(f"{k} {v}" for k, v in created.items()) or "already loaded")
        )
