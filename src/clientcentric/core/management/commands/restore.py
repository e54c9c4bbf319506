from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from clientcentric.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup archive into the configured database and media folder, then check every table's row "
        "count and checksum against the archive's manifest. Stop the server and workers first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The archive written by `clientcentric backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that holds tables and a media folder that holds files.",
        )

    def handle(self, *args, path, force, **options):
        try:
            summary = restore(path, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _(
                "Restored the backup of %(created_at)s: %(tables)s tables, %(rows)s rows, %(files)s media files; "
                "every table's row count and checksum match the manifest."
            )
            % {
                "created_at": summary.created_at,
                "tables": summary.tables,
                "rows": summary.rows,
                "files": summary.media_files,
            }
        )
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            self.stdout.write(
                _("The backup predates %(count)s migrations of this version: run `clientcentric migrate`.")
                % {"count": len(pending)}
            )
