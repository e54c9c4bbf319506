from django.urls import path

from . import views

app_name = "appeals"

urlpatterns = [
    path("appeals/", views.public_list, name="public_list"),
    path("appeals/new/", views.new, name="new"),
    path("appeals/similar/", views.similar, name="similar"),
    path("appeals/mine/", views.mine, name="mine"),
    path("appeals/status/", views.status, name="status"),
    path("appeals/<str:number>/sent/", views.confirmation, name="confirmation"),
    path("appeals/<str:number>/", views.public_detail, name="public_detail"),
    path("appeals/<str:number>/support/", views.support, name="support"),
    path("appeals/<str:number>/reopen/", views.reopen, name="reopen"),
    path("operator/", views.queue, name="queue"),
    path("operator/new/", views.record, name="record"),
    path("operator/routing/", views.routing_desk, name="routing"),
    path("operator/plain-check/", views.plain_check, name="plain_check"),
    path("operator/appeals/<str:number>/", views.work, name="work"),
    path("operator/appeals/<str:number>/files/<int:pk>/", views.attachment, name="attachment"),
]
