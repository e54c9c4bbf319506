"""Back-office pages of the registry beyond Django admin's own: import with its row-level report."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from .importer import import_registry
from .schema import SHEETS


class RegistryImportForm(forms.Form):
    file = forms.FileField(
        label=_("Registry file"),
        help_text=_("CSV (one sheet, named by the file), ZIP of CSV files, XLSX or JSON, as exported."),
    )
    # Set by the button pressed (admin/registry/import.html): «Check only» sends it, «Check and import» does not,
    # so what the button says is what happens.
    dry_run = forms.BooleanField(required=False, widget=forms.HiddenInput)


def registry_import(request):
    """Wrapped by admin_site.admin_view (staff only); writing the registry also needs the methodologist's rights."""
    if not request.user.has_perm("registry.change_need"):
        raise PermissionDenied
    report = None
    form = RegistryImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = import_registry(
            upload.read(), upload.name, actor=request.user, dry_run=form.cleaned_data["dry_run"]
        )
    return render(
        request,
        "admin/registry/import.html",
        {
            **admin.site.each_context(request),
            "form": form,
            "report": report,
            "title": _("Import and export of the registry"),
            "sheets_touched": report.kinds() if report else [],
            "allowed_values": [
                (sheet.name, column.name, column.allowed)
                for sheet in SHEETS
                for column in sheet.columns
                if column.kind == "choice"
            ],
        },
    )
