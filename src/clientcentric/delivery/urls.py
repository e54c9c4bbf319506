from django.urls import path

from . import views

app_name = "delivery"

urlpatterns = [
    path("me/", views.cabinet, name="cabinet"),
    path("me/profile/", views.profile, name="profile"),
    path("me/household/", views.household_add, name="household_add"),
    path("me/household/<int:pk>/remove/", views.household_remove, name="household_remove"),
    path("me/consents/", views.consents, name="consents"),
    path("me/consents/<int:pk>/revoke/", views.consent_revoke, name="consent_revoke"),
    path("me/consents/<int:pk>/receipt.json", views.consent_receipt, name="consent_receipt"),
    path("me/consents/<int:pk>/receipt.pdf", views.consent_receipt_pdf, name="consent_receipt_pdf"),
    path("me/offers/<int:pk>/", views.offer, name="offer"),
    path("me/requests/<int:pk>/", views.service_request, name="request"),
    path("me/appointments/", views.appointments_page, name="appointments"),
    path("me/appointments/<int:pk>/cancel/", views.appointment_cancel, name="appointment_cancel"),
    path("me/appointments/<int:pk>/reschedule/", views.appointment_reschedule, name="appointment_reschedule"),
    path("operator/requests/", views.decisions, name="decisions"),
    path("operator/requests/<int:pk>/", views.decide, name="decide"),
]

# The personal scenario and acting for someone (issue 20, delivery/views_scenario.py).
from . import views_scenario  # noqa: E402

urlpatterns += [
    path("me/scenario/", views_scenario.scenario, name="scenario"),
    path("me/scenario/segments/", views_scenario.segment_correct, name="segment_correct"),
    path("me/acting/", views_scenario.acting_for, name="acting"),
]

# Applications the client starts (issue 20, DEL-3/DEL-4), in their own module.
from . import views_apply  # noqa: E402

urlpatterns += [
    path("me/apply/", views_apply.apply_list, name="apply_list"),
    path("me/apply/<slug:code>/", views_apply.apply, name="apply"),
    path("me/apply/<slug:code>/check/", views_apply.apply_check, name="apply_check"),
    path("operator/requests/effort/", views_apply.effort, name="effort"),
]

# Support measures for business (issue 19, BIZ-7), in their own module.
from . import views_business  # noqa: E402

urlpatterns += [
    path("business/support/", views_business.support, name="business_support"),
    path(
        "business/support/consents/<int:pk>/revoke/",
        views_business.consent_revoke,
        name="business_consent_revoke",
    ),
    path(
        "business/support/consents/<int:pk>/receipt.json",
        views_business.consent_receipt,
        name="business_consent_receipt",
    ),
    path(
        "business/support/consents/<int:pk>/receipt.pdf",
        views_business.consent_receipt_pdf,
        name="business_consent_receipt_pdf",
    ),
    path(
        "business/support/offers/<int:pk>/accept/", views_business.offer_accept, name="business_offer_accept"
    ),
    path(
        "business/support/offers/<int:pk>/decline/",
        views_business.offer_decline,
        name="business_offer_decline",
    ),
]
