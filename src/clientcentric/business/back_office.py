"""Back-office import of acts and items: upload, a dry-run preview with the row-level report, then confirm.

The page runs the same importer as ``clientcentric business import-requirements`` (``importer.import_requirements``):
the preview is its dry run, the confirmation its real run over the very same files, checked again in full, so
nothing is written when any row fails — even if the registry changed between preview and confirmation.
The files wait between the two steps on the server (MEDIA_ROOT/business-imports/<key>/), named in the
person's session only; a confirmation or a new upload removes them, and uploads left for a day are removed too.
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import tasks
from .importer import COLUMN_LABELS, act_plans, import_requirements

SESSION_KEY = "business_requirements_import"
STAGING = "business-imports"
STALE_SECONDS = 24 * 3600


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".csv,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files:
            raise ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class RequirementsImportForm(forms.Form):
    files = MultipleFileField(
        label=gettext_lazy("Files of acts and items"),
        help_text=gettext_lazy(
            "CSV (UTF-8) or XLSX, one or several at once: an acts file (code, title, …) and items files "
            "(act, item_no, text, …), as the import command takes them."
        ),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        limit = settings.CLIENTCENTRIC_IMPORT_MAX_BYTES
        too_big = [f.name for f in files if f.size > limit]
        if too_big:
            raise ValidationError(
                _("Too large (over %(mb)s MB): %(names)s.")
                % {"mb": limit // (1024 * 1024), "names": ", ".join(too_big)}
            )
        names = [Path(f.name).name for f in files]
        if len(set(names)) != len(names):
            raise ValidationError(_("Two files have the same name; rename one of them."))
        return files


def _staging_root() -> Path:
    return Path(settings.MEDIA_ROOT) / STAGING


def _remove(directory: Path) -> None:
    for path in directory.glob("*"):
        path.unlink(missing_ok=True)
    directory.rmdir()


def _stage(files: list[tuple[bytes, str]]) -> str:
    root = _staging_root()
    root.mkdir(parents=True, exist_ok=True)
    for old in root.iterdir():
        if old.is_dir() and time.time() - old.stat().st_mtime > STALE_SECONDS:
            _remove(old)
    key = uuid.uuid4().hex
    directory = root / key
    directory.mkdir()
    for number, (content, _name) in enumerate(files):
        (directory / f"{number:03d}.bin").write_bytes(content)
    (directory / "names.json").write_text(json.dumps([name for _c, name in files]), encoding="utf-8")
    return key


def _staged(key: str) -> list[tuple[bytes, str]] | None:
    if not key or not key.isalnum():
        return None
    directory = _staging_root() / key
    if not (directory / "names.json").is_file():
        return None
    names = json.loads((directory / "names.json").read_text(encoding="utf-8"))
    return [((directory / f"{n:03d}.bin").read_bytes(), name) for n, name in enumerate(names)]


def _unstage(request) -> None:
    key = request.session.pop(SESSION_KEY, "")
    if key and key.isalnum() and (_staging_root() / key).is_dir():
        _remove(_staging_root() / key)


def requirements_import(request, model_admin):
    """Wrapped by the admin site (staff only); importing also needs the right to add requirements."""
    if not request.user.has_perm("business.add_requirement"):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Import of acts and mandatory requirements"),
        "column_labels": {k: str(v) for k, v in COLUMN_LABELS.items()},
    }
    if request.method == "POST" and "confirm" in request.POST:
        key = request.session.get(SESSION_KEY, "")
        files = _staged(key) if key == request.POST.get("key") else None
        if files is None:
            messages.error(request, _("The checked files are no longer here; upload them again."))
            return redirect("admin:business_act_import")
        report = import_requirements(files, actor=request.user)
        if report.ok:
            _unstage(request)
            # New or changed items change the duplicate/contradiction candidates businesses are offered.
            transaction.on_commit(tasks.refresh_candidates.delay)
            messages.success(
                request,
                _("Imported: acts %(ac)s new, %(au)s updated; items %(ic)s new, %(iu)s updated.")
                % {
                    "ac": report.created["acts"],
                    "au": report.updated["acts"],
                    "ic": report.created["items"],
                    "iu": report.updated["items"],
                },
            )
            messages.info(request, _("Duplicate and contradiction candidates are being recomputed."))
            return redirect("admin:business_act_changelist")
        # The registry changed since the preview (e.g. an agency was removed): nothing was written.
        _unstage(request)
        form = RequirementsImportForm()
        return render(
            request,
            "admin/business/requirements_import.html",
            {**context, "form": form, "report": report, "names": [n for _c, n in files]},
            status=422,
        )
    form = RequirementsImportForm(request.POST or None, request.FILES or None)
    report = names = key = None
    if request.method == "POST" and form.is_valid():
        _unstage(request)
        files = [(f.read(), Path(f.name).name) for f in form.cleaned_data["files"]]
        names = [name for _c, name in files]
        report = import_requirements(files, dry_run=True, actor=request.user)
        if report.ok:
            key = _stage(files)
            request.session[SESSION_KEY] = key
    return render(
        request,
        "admin/business/requirements_import.html",
        {
            **context,
            "form": form,
            "report": report,
            "plans": act_plans(report) if report else [],
            "names": names,
            "key": key,
        },
        status=422 if (form.errors or (report is not None and not report.ok)) else 200,
    )


def import_url(model_admin):
    from django.urls import path

    return path(
        "import/",
        model_admin.admin_site.admin_view(lambda request: requirements_import(request, model_admin)),
        name="business_act_import",
    )
