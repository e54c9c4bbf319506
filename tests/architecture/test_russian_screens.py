"""No English reaches a Russian screen.

Every page the access matrix knows (public pages, the cabinet, staff desks, the back office's lists, add and change
forms and histories, the API's HTML docs) is opened in Russian as every role, and its visible text is checked for:

- a string of the project's catalogue left in English: a msgid of `django.po`, or a string the code marks for
  translation (`gettext`, `gettext_lazy`… in Python, `{% translate %}` / `{% blocktranslate %}` in templates) —
  whether it never got a translation or was shown without going through one;
- a string of an installed library's catalogue (Django's admin, django-simple-history…) that has no Russian;
- a raw enum code (a model field's choice value shown instead of its label), `None`, an identifier in
  snake_case, an English unit after a number («30 d»).

Text inside `<code>`, `<pre>`, `<kbd>` and `<samp>` is technical by intent and is not read; neither are scripts.
"""

import ast
import re
from collections import defaultdict
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.utils import translation
from django.utils.translation.template import templatize

from clientcentric.accounts.roles import Role
from tests import test_access_matrix as matrix

CASES, ROLES = matrix.CASES, matrix.ROLES
ROLE_CODES = frozenset(Role.values)
# The access matrix's rows ({number}, {article}, {map}, {act}…), shared as fixtures.
appeal, article = matrix.appeal, matrix.article
research_objects, business_objects = matrix.research_objects, matrix.business_objects

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "clientcentric"
PROJECT_PO = PACKAGE / "locale" / "ru" / "LC_MESSAGES" / "django.po"

TRANSLATION_FUNCTIONS = {
    "gettext": 0,
    "gettext_lazy": 0,
    "gettext_noop": 0,
    "ngettext": 0,
    "ngettext_lazy": 0,
    "pgettext": 1,
    "pgettext_lazy": 1,
    "npgettext": 1,
    "npgettext_lazy": 1,
}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{[\w.]*\}")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
ENGLISH_UNIT = re.compile(r"\b\d+\s?(?:d|h|min|sec|days|hours)\b")
TECHNICAL_TAGS = {"code", "pre", "kbd", "samp"}
SKIPPED_TAGS = {"script", "style", "template", "noscript"}
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}

# Text that looks like a leak and is not one, each with its reason. Keep this short: a real leak is fixed, not listed.
NOT_LEAKS = {
    # The access matrix's own rows are named so (test data, not labels): a routing rule and a design variant.
    "all": "the access matrix's routing rule is named «all»",
    "SMS": "the access matrix's design variant is named «SMS»",
    # Django's password widget names the hashing algorithm: a technical identifier, as in any documentation.
    "pbkdf2_sha256": "the password hash's algorithm",
}
# Role groups are named by the role's code, which the services look them up by; the group list shows the role's
# name, the group's own page its code.
GROUP_PAGES = "/admin/auth/group/"


# ---- the catalogue -------------------------------------------------------------------------------------------------


def _po_entries(path: Path) -> list[tuple[str, str, str]]:
    """(msgid, msgid_plural, first msgstr) of every entry of a .po file; fuzzy entries count as untranslated."""
    entries: list[tuple[str, str, str]] = []
    fields: dict[str, str] = {}
    current = None
    fuzzy = marked_fuzzy = False

    def flush():
        if fields.get("msgid"):
            entries.append(
                (fields["msgid"], fields.get("msgid_plural", ""), "" if fuzzy else fields.get("msgstr", ""))
            )

    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line:
            flush()
            fields, current, fuzzy, marked_fuzzy = {}, None, False, False
        elif line.startswith("#,") and "fuzzy" in line:
            marked_fuzzy = True  # of the entry that follows
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if current:
                fields[current] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            if key == "msgid":  # a new entry, even where no blank line separates it from the last
                flush()
                fields, fuzzy, marked_fuzzy = {}, marked_fuzzy, False
            current = "msgstr" if key == "msgstr[0]" else key
            if current.startswith("msgstr["):
                current = None  # later plural forms: the first one tells whether there is a translation
                continue
            fields[current] = ast.literal_eval(value)
    return entries


def _python_msgids(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {name: name for name in TRANSLATION_FUNCTIONS}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for alias in node.names:
                if alias.name in TRANSLATION_FUNCTIONS:
                    names[alias.asname or alias.name] = alias.name
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name not in names:
            continue
        first = TRANSLATION_FUNCTIONS[names[name]]
        plural = names[name].startswith(("ngettext", "npgettext"))
        for argument in node.args[first : first + (2 if plural else 1)]:
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                found.add(argument.value)
    return found


TEMPLATIZED_CALL = re.compile(r"\b(n?p?gettext)\(((?:u(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")(?:,\s*)?)+)")
TEMPLATIZED_STRING = re.compile(r"u('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")")


def _template_msgids(path: Path) -> set[str]:
    found = set()
    for call in TEMPLATIZED_CALL.finditer(templatize(path.read_text(encoding="utf-8"), origin=str(path))):
        strings = [ast.literal_eval(s) for s in TEMPLATIZED_STRING.findall(call.group(2))]
        if call.group(1).startswith(("pgettext", "npgettext")):
            strings = strings[1:]
        found.update(strings)
    return found


def code_msgids() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if "migrations" not in path.parts and "engines" not in path.parts:
            found |= _python_msgids(path)
    for path in PACKAGE.rglob("templates/**/*"):
        if path.suffix in (".html", ".txt") and path.is_file():
            found |= _template_msgids(path)
    return found


def _library_pos() -> list[Path]:
    """One catalogue of Django and of each installed app that is not the project's: what they may show."""
    paths = [Path(translation.__file__).parents[2] / "conf" / "locale" / "ru" / "LC_MESSAGES" / "django.po"]
    for config in apps.get_app_configs():
        if config.name.startswith("clientcentric"):
            continue
        found = sorted((Path(config.path) / "locale").glob("*/LC_MESSAGES/django.po"))
        # Prefer Russian; a library without a Russian catalogue Django can load still names its strings.
        russian = [path for path in found if path.parts[-3] == "ru"]
        paths += russian[:1] or found[:1]
    return [path for path in paths if path.exists()]


def _russian_for(msgid: str, plural: str) -> str:
    with translation.override("ru"):
        return translation.ngettext(msgid, plural, 5) if plural else translation.gettext(msgid)


def _has_letters(text: str) -> bool:
    return len(WORD.findall(text)) > 0 and len(text.strip()) > 1


@cache
def catalogue() -> tuple[dict[str, str], dict[tuple[str, ...], set[str]]]:
    """(English strings that must not be seen as a whole text, their fragments of three words or more indexed by
    their first three words). Each string maps to where it comes from, for the failure message."""
    project = _po_entries(PROJECT_PO)
    same_in_russian = {msgid for msgid, _plural, msgstr in project if msgstr == msgid}
    english: dict[str, str] = {}
    for msgid, plural, _msgstr in project:
        english[msgid] = "django.po"
        if plural:
            english[plural] = "django.po"
    for msgid in code_msgids():
        english.setdefault(msgid, "code, not in django.po")
    for path in _library_pos():
        library = f"no Russian in {path.parents[3].name}"
        for msgid, plural, _msgstr in _po_entries(path):
            # What Django itself answers in Russian decides: a catalogue under ru_RU is never loaded for ru.
            if _russian_for(msgid, plural) in (msgid, plural):
                english.setdefault(msgid, library)
                if plural:
                    english.setdefault(plural, library)
    english = {
        text.strip(): source
        for text, source in english.items()
        if text not in same_in_russian and _has_letters(PLACEHOLDER.sub("", text))
    }
    fragments: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for text, source in english.items():
        if source.startswith("no Russian in"):
            continue  # a library's strings are matched whole only: its short phrases are too common
        for fragment in PLACEHOLDER.split(text):
            fragment = fragment.strip(" .,:;")
            words = WORD.findall(fragment)
            if len(words) >= 3 and len(fragment.split()) >= 3:
                fragments[tuple(words[:3])].add(fragment)
    return english, dict(fragments)


@cache
def raw_codes() -> dict[str, str]:
    """Choice values of the project's models that are shown with a label of their own: value → model.field."""
    codes = {}
    for model in apps.get_models():
        if not model.__module__.startswith("clientcentric"):
            continue
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or ():
                if (
                    isinstance(value, str)
                    and re.fullmatch(r"[a-z][a-z0-9_-]*", value)
                    and str(label) != value
                ):
                    codes.setdefault(value, f"{model._meta.label}.{field.name}")
    return codes


# ---- the page's visible text ----------------------------------------------------------------------------------------


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[tuple[str, bool]] = []  # (text, inside a technical element)
        self._skipped = 0
        self._technical = 0
        self._depth = 0
        self._code_field_depth: int | None = None  # depth of the open element of a «code» field

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in SKIPPED_TAGS:
            self._skipped += 1
        if tag in TECHNICAL_TAGS:
            self._technical += 1
        if tag not in VOID_TAGS:
            self._depth += 1
            # A back-office «code» column or field shows codes by design.
            if self._code_field_depth is None and "field-code" in (attributes.get("class") or "").split():
                self._code_field_depth = self._depth
        if self._skipped:
            return
        if tag == "img" and "/admin/img/icon-" in (attributes.get("src") or ""):
            return  # Django's yes/no/unknown icon: its alt is always English ("True", "None"), the icon says it
        for name in READ_ATTRIBUTES:
            if attributes.get(name):
                self.chunks.append((attributes[name], self._technical > 0))
        if (
            tag == "input"
            and attributes.get("type") in ("submit", "button", "reset")
            and attributes.get("value")
        ):
            self.chunks.append((attributes["value"], False))

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self._skipped:
            self._skipped -= 1
        if tag in TECHNICAL_TAGS and self._technical:
            self._technical -= 1
        if tag not in VOID_TAGS:
            if self._code_field_depth == self._depth:
                self._code_field_depth = None
            self._depth -= 1

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._skipped:
            self.chunks.append((text, self._technical > 0 or self._code_field_depth is not None))


def leaks(html: str, *, path: str = "") -> list[str]:
    english, fragments = catalogue()
    codes = raw_codes()
    parser = VisibleText()
    parser.feed(html)
    found = []
    for text, technical in parser.chunks:
        if technical:
            continue
        bare = text.strip(" :*")
        if bare in NOT_LEAKS or (path.startswith(GROUP_PAGES) and bare in ROLE_CODES):
            continue
        if bare in english:
            found.append(f"«{bare}» ({english[bare]})")
            continue
        words = WORD.findall(text)
        for i in range(len(words) - 2):
            for fragment in fragments.get(tuple(words[i : i + 3]), ()):
                if fragment in text:
                    found.append(
                        f"«{fragment}» in «{text[:120]}» ({english.get(fragment, 'part of a msgid')})"
                    )
        if bare == "None":
            found.append("«None»")
        elif bare in codes:
            found.append(f"raw code «{bare}» ({codes[bare]})")
        if SNAKE_CASE.fullmatch(bare):
            # A whole text that is an identifier is a code shown for a label; identifiers inside a sentence
            # (a file's column names, a template's variables) are what a user has to type.
            found.append(f"identifier «{bare}»")
        for unit in ENGLISH_UNIT.findall(text):
            found.append(f"English unit «{unit}» in «{text[:120]}»")
    return found


# ---- the detector itself -------------------------------------------------------------------------------------------


def _page(body: str) -> str:
    return f'<!doctype html><html lang="ru"><body><main>{body}</main></body></html>'


def test_a_russian_page_has_no_leaks():
    assert leaks(_page("<h1>Выход на пенсию</h1><p title='Подсказка'>Срок — 30 дней</p>")) == []


def test_a_msgid_of_the_catalogue_shown_in_english_is_found():
    assert leaks(_page("<h1>Go to the home page</h1>")) == ["«Go to the home page» (django.po)"]


def test_a_string_marked_in_the_code_but_never_translated_is_found(tmp_path, monkeypatch):
    module = tmp_path / "forms.py"
    module.write_text(
        "from django.utils.translation import gettext as _t\n"
        "def clean():\n"
        "    raise ValueError(_t('Marked in the code and not in the catalogue.'))\n"
    )
    template = tmp_path / "page.html"
    template.write_text(
        "{% load i18n %}<p>{% blocktranslate %}Marked in a {{ template }} only.{% endblocktranslate %}</p>"
    )
    assert _python_msgids(module) == {"Marked in the code and not in the catalogue."}
    assert _template_msgids(template) == {"Marked in a %(template)s only."}
    monkeypatch.setattr("tests.architecture.test_russian_screens.code_msgids", lambda: _python_msgids(module))
    catalogue.cache_clear()
    try:
        assert leaks(_page("<p>Marked in the code and not in the catalogue.</p>")) == [
            "«Marked in the code and not in the catalogue.» (code, not in django.po)"
        ]
    finally:
        catalogue.cache_clear()


def test_a_part_of_a_msgid_with_placeholders_is_found_inside_longer_text():
    found = leaks(_page("<p>Ошибка: Too many requests from your address. Please try again in 5 minutes.</p>"))
    assert found and "Too many requests from your address" in found[0]


def test_raw_codes_none_identifiers_and_english_units_are_found():
    code = sorted(c for c in raw_codes() if c not in catalogue()[0] and "_" not in c)[0]
    found = leaks(_page(f"<td>None</td><td>{code}</td><td>n_eff</td><td>30 d</td>"))
    assert found[0] == "«None»"
    assert found[1].startswith(f"raw code «{code}»")
    assert found[2] == "identifier «n_eff»"
    assert "English unit «30 d»" in found[3]


def test_technical_text_and_scripts_are_not_read():
    assert leaks(_page("<code>has_account</code><script>var x = 'Go to the home page';</script>")) == []
    assert (
        leaks(_page('<table><tr><td class="field-code">call_centre</td><td>Колл-центр</td></tr></table>'))
        == []
    )
    assert leaks(_page("<p>Столбцы файла: act, item_no, text.</p>")) == []


# ---- every page, every role ------------------------------------------------------------------------------------------


def _paths(appeal, article, research_objects, business_objects) -> list[str]:
    paths = []
    for template, method, _expected in CASES:
        if method != "get":
            continue
        path = template.replace("{number}", appeal.number).replace("{article}", str(article.pk))
        for key, value in {**research_objects, **business_objects}.items():
            path = path.replace("{" + key + "}", str(value))
        paths.append(path)
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        paths.append(f"{base}add/")
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            paths += [f"{base}{first.pk}/change/", f"{base}{first.pk}/history/"]
    # An unknown address: the 404 page is a page too.
    paths.append("/no-such-page/")
    return list(dict.fromkeys(paths))


@pytest.mark.parametrize("role", [role for role in ROLES])
def test_every_page_reads_russian_to_every_role(
    client, registry, appeal, article, research_objects, business_objects, people, role
):
    if role != "anonymous":
        client.force_login(people[role])
    problems: dict[str, list[str]] = {}
    read = 0
    with translation.override(settings.LANGUAGE_CODE):
        for path in _paths(appeal, article, research_objects, business_objects):
            response = client.get(path, HTTP_ACCEPT_LANGUAGE="ru")
            if response.status_code in (301, 302) or not response["Content-Type"].startswith("text/html"):
                continue
            read += 1
            found = leaks(response.content.decode(), path=path)
            if found:
                problems[f"{path} ({response.status_code})"] = sorted(set(found))
    assert read > 20  # the crawl reached pages, not only redirects
    assert not problems, "\n".join(f"{path}: {'; '.join(found)}" for path, found in problems.items())
