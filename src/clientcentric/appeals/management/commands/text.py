import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from clientcentric.accounts.models import Agency
from clientcentric.core import plain_russian
from clientcentric.engines.text import readability
from clientcentric.engines.text.plain_russian import is_over_limit


class Command(BaseCommand):
    help = "Text tools: the plain-Russian check of a file."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser(
            "readability", help="Readability indices, long sentences and bureaucratese of a UTF-8 text file."
        )
        check.add_argument("file", help="a UTF-8 text file, or - for standard input")
        check.add_argument("--json", action="store_true", help="print the result as JSON")
        check.add_argument("--agency", help="use this agency's limits (its code)")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(options)

    def _readability(self, options):
        text = self._read(options["file"])
        agency = None
        if options["agency"]:
            agency = Agency.objects.filter(code=options["agency"]).first()
            if agency is None:
                raise CommandError(_("No agency with code %(code)s.") % {"code": options["agency"]})
        try:
            result = readability.analyse(text, plain_russian.limits_for(agency))
        except readability.EmptyTextError:
            raise CommandError(_("%(file)s holds no words to check.") % {"file": options["file"]}) from None
        except readability.TextTooLongError:
            raise CommandError(
                _("%(file)s is longer than %(limit)s characters.")
                % {"file": options["file"], "limit": readability.MAX_TEXT_CHARS}
            ) from None
        if options["json"]:
            data = result.as_dict()
            for found in data["stop_phrases"]:
                found["text"] = text[found["start"] : found["end"]]
            data["over_limit"] = is_over_limit(result)
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self._print(text, result)

    def _read(self, name):
        try:
            if name == "-":
                return sys.stdin.read()
            return Path(name).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(_("No such file: %(file)s") % {"file": name}) from None
        except UnicodeDecodeError as error:
            raise CommandError(
                _("%(file)s is not UTF-8 text (byte %(at)s).") % {"file": name, "at": error.start}
            ) from None

    def _print(self, text, result):
        def place(offset):
            line = text.count("\n", 0, offset) + 1
            return f"{line}:{offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"

        out = self.stdout.write
        out(
            f"{pgettext('plain check', 'Words')}: {result.words}  {pgettext('plain check', 'Sentences')}: {result.sentences}  {pgettext('plain check', 'Syllables')}: {result.syllables}"
        )
        out(f"{_('Flesch reading ease')}: {result.flesch_reading_ease:.1f}")
        out(f"{_('Flesch–Kincaid grade')}: {result.fk_grade:.1f}")
        out(
            f"{_('Addresses the person')}: {pgettext('plain check', 'yes') if result.personal_address else pgettext('plain check', 'no')}"
        )
        out(
            f"{_('Clear next step')}: {pgettext('plain check', 'yes') if result.next_step else pgettext('plain check', 'no')}"
        )
        out(f"{pgettext('plain check', 'Verdict')}: {result.verdict}")
        for message in plain_russian.problem_messages(result):
            out(f"  - {message}")
        if result.long_sentences:
            out(f"{_('Long sentences')}:")
            for sentence in result.long_sentences:
                out(f"  {place(sentence.start)}  {sentence.words} {pgettext('plain check', 'words')}")
        if result.stop_phrases:
            out(f"{_('Bureaucratese')}:")
            for found in result.stop_phrases:
                out(f"  {place(found.start)}  «{text[found.start : found.end]}» → {found.suggestion}")
