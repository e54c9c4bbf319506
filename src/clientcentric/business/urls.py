from django.urls import path

from . import views

app_name = "business"

urlpatterns = [
    path("business/", views.home, name="home"),
    path("business/profile/", views.profile, name="profile"),
    path("business/objects/", views.object_add, name="object_add"),
    path("business/objects/<int:pk>/delete/", views.object_delete, name="object_delete"),
    path("business/requirements/<int:pk>/", views.requirement, name="requirement"),
    path("business/cost/", views.cost, name="cost"),
    path("business/consultations/", views.consultations, name="consultations"),
    path("business/consultations/<int:pk>/", views.draft, name="draft"),
    path("business/consultations/<int:pk>/summary/", views.draft_summary, name="draft_summary"),
    path("business/summary/", views.summary, name="summary"),
]
