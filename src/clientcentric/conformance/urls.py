"""The agency's self-assessment against the standard (issue 21): staff pages and the public report."""

from django.urls import path, register_converter

from . import public_views, views


class QuarterConverter:
    regex = r"\d{4}-Q[1-4]"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


register_converter(QuarterConverter, "quarter")

app_name = "conformance"

urlpatterns = [
    path("staff/conformance/", views.overview, name="overview"),
    path("staff/conformance/requirements/<str:code>/", views.requirement, name="requirement"),
    path("staff/conformance/snapshots/", views.snapshots, name="snapshots"),
    path("staff/conformance/needs/", views.needs, name="needs"),
    path("staff/deviations/", views.deviations, name="deviations"),
    path("staff/deviations/new/", views.deviation_new, name="deviation_new"),
    path("staff/deviations/<int:pk>/", views.deviation, name="deviation"),
    path("conformance/", public_views.reports, name="reports"),
    path("conformance/dictionary.json", public_views.dictionary, name="dictionary"),
    path("conformance/<slug:agency>/<quarter:quarter>/", public_views.report_page, name="report"),
    path(
        "conformance/<slug:agency>/<quarter:quarter>/report.pdf", public_views.report_pdf, name="report_pdf"
    ),
    path(
        "conformance/<slug:agency>/<quarter:quarter>/data.json", public_views.report_json, name="report_json"
    ),
    path(
        "conformance/<slug:agency>/<quarter:quarter>/<str:table>.csv",
        public_views.report_csv,
        name="report_csv",
    ),
]
