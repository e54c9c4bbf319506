from django.urls import path

from . import views

app_name = "design"

urlpatterns = [
    path("design/", views.projects, name="projects"),
    path("design/projects/new/", views.project_edit, name="project_new"),
    path("design/projects/<int:pk>/", views.project, name="project"),
    path("design/projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("design/projects/<int:project_pk>/variants/new/", views.variant_edit, name="variant_new"),
    path("design/projects/<int:project_pk>/variants/<int:pk>/", views.variant_edit, name="variant_edit"),
    path("design/projects/<int:project_pk>/tests/new/", views.test_edit, name="test_new"),
    path("design/projects/<int:project_pk>/tests/<int:pk>/edit/", views.test_edit, name="test_edit"),
    path("design/tests/<int:pk>/", views.test, name="test"),
    path("research-panel/", views.panel, name="panel"),
]
