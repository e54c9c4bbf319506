from django.urls import path

from .views import business, desk, ombudsman, registries

app_name = "supervision"

urlpatterns = [
    path("supervision/", business.home, name="home"),
    path("supervision/types/<slug:code>/", business.risk_profile, name="risk"),
    path("supervision/types/<slug:code>/correct/", business.correct, name="correct"),
    path("supervision/types/<slug:code>/consult/", business.consult, name="consult"),
    path(
        "supervision/types/<slug:code>/self-examination/", business.self_examination, name="self_examination"
    ),
    path("supervision/warnings/<int:pk>/", business.warning, name="warning"),
    path("supervision/events/<int:pk>/", business.event, name="event"),
    path("supervision/events/<int:pk>/<slug:action>/", business.event_action, name="event_action"),
    path("supervision/documents/<int:pk>/", business.document, name="document"),
    path("supervision/declarations/", registries.declarations_registry, name="declarations"),
    path("supervision/warnings/", registries.warnings_registry, name="warnings"),
    path("supervision/good-faith/", registries.good_faith_registry, name="good_faith"),
    path("supervision/programmes/", registries.programmes, name="programmes"),
    path("supervision/programmes/<int:pk>/", registries.programme, name="programme"),
    path("supervision/practice/<int:pk>/", registries.practice, name="practice"),
    path("supervision/desk/", desk.desk, name="desk"),
    path("supervision/desk/incentives/", desk.desk_incentives, name="desk_incentives"),
    path("supervision/desk/programmes/", desk.desk_programmes, name="desk_programmes"),
    path("supervision/desk/programmes/<int:pk>/", desk.desk_programme, name="desk_programme"),
    path("supervision/desk/practice/<int:pk>/", desk.desk_practice, name="desk_practice"),
    path("supervision/desk/appeal-links/", desk.desk_appeal_links, name="desk_appeal_links"),
    path("supervision/desk/events/<int:pk>/", desk.desk_event, name="desk_event"),
    path("supervision/desk/<slug:kind>/<int:pk>/decide/", desk.desk_decide, name="desk_decide"),
    path("supervision/desk/warnings/new/", desk.desk_warning, name="desk_warning"),
    path("supervision/ombudsman/", ombudsman.queue, name="ombudsman_queue"),
    path("supervision/ombudsman/<int:pk>/<slug:action>/", ombudsman.act, name="ombudsman_act"),
    path("supervision/plan/", desk.plan, name="plan"),
    path("supervision/dashboard/", desk.dashboard, name="dashboard"),
]
