from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("", views.home, name="home"),
    path("situations/<slug:code>/", views.life_situation, name="life_situation"),
    path("needs/<slug:code>/", views.need, name="need"),
    path("services/<slug:code>/", views.service, name="service"),
    path("segments/", views.segments, name="segments"),
    path("faq/", views.faq, name="faq"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/registry.<str:file_format>", views.open_data_file, name="open_data_file"),
    path("open-data/<str:sheet>.csv", views.open_data_sheet, name="open_data_sheet"),
]
