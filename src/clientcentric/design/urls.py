from django.urls import path

from . import views

app_name = "design"

urlpatterns = [
    path("design/", views.projects, name="projects"),
    path("design/projects/<int:pk>/", views.project, name="project"),
    path("design/tests/<int:pk>/", views.test, name="test"),
    path("research-panel/", views.panel, name="panel"),
]
