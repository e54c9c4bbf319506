from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from clientcentric.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump on PostgreSQL, the online backup on SQLite) and the media files into one "
        "archive, with a manifest of every table's row count and checksum. The server may keep running."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help="The archive to write (.tar, or .tar.gz to compress), or a folder for a dated name."
        )

    def handle(self, *args, path, **options):
        try:
            manifest = backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        tables = manifest["tables"]
        self.stdout.write(
            _("Backed up %(tables)s tables, %(rows)s rows and %(files)s media files into %(path)s.")
            % {
                "tables": len(tables),
                "rows": sum(table["rows"] for table in tables.values()),
                "files": len(manifest["media"]["files"]),
                "path": manifest["path"],
            }
        )
