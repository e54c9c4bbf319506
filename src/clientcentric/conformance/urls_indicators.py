"""The indicators' staff pages (issue 21), apart from the self-assessment's URLs in urls.py."""

from django.urls import path, re_path

from . import indicator_views

app_name = "indicators"

urlpatterns = [
    path("staff/conformance/indicators/", indicator_views.table, name="table"),
    re_path(
        r"^staff/conformance/indicators/vash-kontrol\.(?P<fmt>csv|json)$",
        indicator_views.vash_kontrol_export,
        name="vash_kontrol_export",
    ),
    path("staff/conformance/indicators/<slug:code>/", indicator_views.detail, name="detail"),
]
