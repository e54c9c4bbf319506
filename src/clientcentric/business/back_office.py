"""Back-office import of acts and items: upload, a dry-run preview with the row-level report, then confirm.

The page runs the same importer as ``clientcentric business import-requirements`` (``importer.import_requirements``):
the preview is its dry run, the confirmation its real run over the very same files, checked again in full, so
nothing is written when any row fails — even if the registry changed between preview and confirmation.
The files wait between the two steps in the media storage (business-imports/<key>/, shared by the web nodes), named in the
person's session only; a confirmation or a new upload removes them, and uploads left for a day are removed too.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
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


def _remove(directory: str) -> None:
    _dirs, files = default_storage.listdir(directory)
    for name in files:
        default_storage.delete(f"{directory}/{name}")
    # A file system keeps the empty directory; object storage has none to remove.
    if isinstance(default_storage, FileSystemStorage):
        with contextlib.suppress(OSError):
            Path(default_storage.path(directory)).rmdir()


def _stage(files: list[tuple[bytes, str]]) -> str:
    """Through the storage API, not the file system: the confirmation may reach another web node."""
    try:
        directories, _files = default_storage.listdir(STAGING)
    except FileNotFoundError:
        directories = []
    for old in directories:
        names = f"{STAGING}/{old}/names.json"
        if (
            default_storage.exists(names)
            and (timezone.now() - default_storage.get_modified_time(names)).total_seconds() > STALE_SECONDS
        ):
            _remove(f"{STAGING}/{old}")
    key = uuid.uuid4().hex
    for number, (content, _name) in enumerate(files):
        default_storage.save(f"{STAGING}/{key}/{number:03d}.bin", ContentFile(content))
    # Written last: a staged upload counts only once every file is there.
    names = json.dumps([name for _c, name in files]).encode("utf-8")
    default_storage.save(f"{STAGING}/{key}/names.json", ContentFile(names))
    return key


def _staged(key: str) -> list[tuple[bytes, str]] | None:
    if not key or not key.isalnum():
        return None
    directory = f"{STAGING}/{key}"
    if not default_storage.exists(f"{directory}/names.json"):
        return None
    with default_storage.open(f"{directory}/names.json", "rb") as stored:
        names = json.loads(stored.read().decode("utf-8"))
    files = []
    for number, name in enumerate(names):
        with default_storage.open(f"{directory}/{number:03d}.bin", "rb") as stored:
            files.append((stored.read(), name))
    return files


def _unstage(request) -> None:
    key = request.session.pop(SESSION_KEY, "")
    if key and key.isalnum() and default_storage.exists(f"{STAGING}/{key}/names.json"):
        _remove(f"{STAGING}/{key}")


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
