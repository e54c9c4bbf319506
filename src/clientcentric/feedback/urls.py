from django.urls import path, re_path

from . import views

app_name = "feedback"

urlpatterns = [
    path("feedback/r/<str:token>/", views.rate, name="rate"),
    path("feedback/office/<slug:agency_code>/", views.office, name="office"),
    path("feedback/office/<slug:agency_code>/qr.svg", views.office_qr, name="office_qr"),
    path("feedback/widget/", views.widget, name="widget"),
    path("operator/feedback/", views.follow_ups, name="follow_ups"),
    path("satisfaction/", views.dashboard, name="dashboard"),
    path("satisfaction/open-data/dictionary.json", views.dictionary, name="dictionary"),
    re_path(
        r"^satisfaction/open-data/(?P<quarter>\d{4}Q[1-4])\.(?P<fmt>csv|json)$",
        views.open_data,
        name="open_data",
    ),
    re_path(r"^satisfaction/(?P<quarter>\d{4}Q[1-4])/chart\.svg$", views.chart, name="chart"),
    re_path(r"^satisfaction/(?P<quarter>\d{4}Q[1-4])/report\.pdf$", views.report_pdf, name="report_pdf"),
    path("analytics/satisfaction/", views.analyst, name="analyst"),
    path("analytics/satisfaction/publish/", views.publish, name="publish"),
]
