from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from clientcentric.core import confirmation, design_system_views, mailbox_views
from clientcentric.core import views as core_views
from clientcentric.registry import back_office as registry_back_office

from .api import api

admin.site.site_header = _("Clientcentric back office")
admin.site.site_title = _("Clientcentric")
admin.site.index_title = _("Registry, people and agencies")

handler400 = "clientcentric.core.views.bad_request"
handler403 = "clientcentric.core.views.permission_denied"
handler404 = "clientcentric.core.views.page_not_found"
handler500 = "clientcentric.core.views.server_error"

urlpatterns = [
    path(
        "admin/registry/import/",
        admin.site.admin_view(registry_back_office.registry_import),
        name="registry_import",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("", include("clientcentric.subscriptions.urls")),
    path("account/", include("clientcentric.accounts.urls")),
    path("health/live", core_views.live, name="health_live"),
    path("health/ready", core_views.ready, name="health_ready"),
    path("health/broker", core_views.broker, name="health_broker"),
    path("healthz", core_views.healthz, name="healthz"),
    path("metrics", core_views.metrics, name="metrics"),
    path("staff/mailbox/", mailbox_views.mailbox, name="mailbox"),
    path("staff/mailbox/<str:key>/", mailbox_views.mailbox_message, name="mailbox_message"),
    path("design-system/", design_system_views.design_system_page, name="design_system"),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("done/", confirmation.confirmation_page, name="confirmation"),
    path("", include("clientcentric.knowledge.urls")),
    path("", include("clientcentric.appeals.urls")),
    path("", include("clientcentric.feedback.urls")),
    path("", include("clientcentric.delivery.urls")),
    path("", include("clientcentric.research.urls")),
    path("", include("clientcentric.design.urls")),
    path("", include("clientcentric.registry.urls")),
    path("", include("clientcentric.business.urls")),
    path("", include("clientcentric.supervision.urls")),
    path("", include("clientcentric.conformance.urls")),
    path("", include("clientcentric.conformance.urls_indicators")),
]
