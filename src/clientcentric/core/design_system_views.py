"""The design-system page: every pattern of docs/design-system.md shown live, for the people who build pages."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import design_system
from .access import public


@public
@require_GET
def design_system_page(request):
    return render(
        request,
        "core/design_system.html",
        {
            "example_form": design_system.example_form(),
            "summary_rows": design_system.example_summary_rows(),
            "table_rows": design_system.example_table_rows(),
        },
    )
