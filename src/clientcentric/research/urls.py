from django.urls import path

from . import views

app_name = "research"

urlpatterns = [
    path("research/", views.home, name="home"),
    path("research/evidence/appeals/", views.evidence_appeals, name="evidence_appeals"),
    path("research/evidence/import/", views.import_upload, name="import_upload"),
    path("research/evidence/import/<int:pk>/", views.import_map, name="import_map"),
    path("research/segments/", views.segments, name="segments"),
    path("research/maps/<int:pk>/", views.journey_map, name="journey_map"),
    path("research/maps/<int:pk>.<str:fmt>", views.journey_map_image, name="journey_map_image"),
    path("research/needs/<slug:code>/", views.need, name="need"),
    path("research/need-proposals/", views.need_proposals, name="need_proposals"),
    path("research/need-proposals/<int:pk>/", views.need_proposal_decide, name="need_proposal_decide"),
    path("studies/", views.studies, name="studies"),
    path("studies/<slug:slug>/", views.study, name="study"),
]
