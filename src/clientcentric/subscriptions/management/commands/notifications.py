import json
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from clientcentric.core import mailboxes
from clientcentric.core.services import notifications

from ... import mail, services


class Command(BaseCommand):
    help = "The notification outbox: send what is due, send digests, publish news to subscribers."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        due = sub.add_parser("send-due", help="Send every message that is due (first tries and retries).")
        due.add_argument("--limit", type=int, default=500)
        sub.add_parser("stats", help="Messages per state and the oldest one still waiting (JSON).")
        digest = sub.add_parser("digest", help="Fold held messages into one digest per person and channel.")
        digest.add_argument("--frequency", choices=["daily", "weekly"], required=True)
        unsubscribes = sub.add_parser(
            "ingest-unsubscribes",
            help="Unsubscribe people who wrote to the List-Unsubscribe mailto (a Maildir folder or an IMAP mailbox).",
        )
        mailboxes.add_arguments(unsubscribes)
        publish = sub.add_parser("publish", help="Tell the followers of a topic, e.g. registry news.")
        publish.add_argument("event", help="Event code, e.g. registry.news")
        publish.add_argument("--topic", required=True, help="Topic code, e.g. registry.news or kb.updates")
        publish.add_argument("--key", default="", help="Sub-topic, e.g. a knowledge-base topic")
        publish.add_argument(
            "--var", action="append", default=[], metavar="NAME=VALUE", help="A template value; repeat."
        )

    def handle(self, *args, action, **options):
        if action == "send-due":
            counts = notifications.send_due(limit=options["limit"])
            self.stdout.write(json.dumps(counts))
        elif action == "stats":
            self.stdout.write(json.dumps(notifications.stats()))
        elif action == "ingest-unsubscribes":
            self._ingest_unsubscribes(options)
        elif action == "digest":
            made = services.send_digests(options["frequency"])
            self.stdout.write(json.dumps({"digests": made}))
        else:
            context = {}
            for pair in options["var"]:
                name, sep, value = pair.partition("=")
                if not sep or not name:
                    raise CommandError(f"--var expects NAME=VALUE, got {pair!r}")
                context[name] = value
            try:
                count = services.publish(options["event"], options["topic"], context, key=options["key"])
            except ValidationError as error:
                raise CommandError(
                    "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
                ) from None
            self.stdout.write(json.dumps({"messages": count}))

    def _ingest_unsubscribes(self, options):
        run = mail.read_from_options(options)
        for key, why in run.failed:
            self.stderr.write(f"{key}: {why}")
        self.stdout.write(
            json.dumps(
                {"unsubscribed": run.unsubscribed, "already": run.already, "left_unread": len(run.failed)}
            )
        )
        if run.failed:
            sys.exit(1)
