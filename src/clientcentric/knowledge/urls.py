from django.urls import path

from . import views

app_name = "kb"

urlpatterns = [
    path("search/", views.site_search, name="site_search"),
    path("kb/", views.search, name="search"),
    path("kb/<int:pk>/", views.article, name="article"),
    path("chat/", views.chat, name="chat"),
    path("chat/log/", views.chat_log, name="chat_log"),
    path("chat/send/", views.chat_send, name="chat_send"),
    path("chat/handover/", views.chat_handover, name="chat_handover"),
    path("chat/rate/", views.chat_rate, name="chat_rate"),
    path("chat/end/", views.chat_end, name="chat_end"),
    path("chat/new/", views.chat_new, name="chat_new"),
    path("operator/chats/", views.chat_queue, name="chat_queue"),
    path("operator/chats/<uuid:pk>/", views.chat_operator, name="chat_operator"),
    path("operator/appeals/<str:number>/kb/", views.operator_panel, name="operator_panel"),
    path("operator/appeals/<str:number>/kb/insert/", views.operator_insert, name="operator_insert"),
]
