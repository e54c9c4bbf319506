from django.urls import path

from . import views

app_name = "subscriptions"

urlpatterns = [
    path("account/subscriptions/", views.manage, name="manage"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("account/messages/", views.inbox, name="inbox"),
]
