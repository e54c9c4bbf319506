"""Every page, back-office screen and API route, opened as every role, against the answer expected.

A new URL pattern or API route fails `test_every_route_is_in_the_table` until its row is added here.
"""

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from clientcentric.config.api import api

ROLES = (
    "anonymous",
    "client",
    "business_representative",
    "operator",
    "analyst",
    "methodologist",
    "inspector",
    "admin",
    "business_ombudsman",
)
STAFF = ("operator", "analyst", "methodologist", "inspector", "admin")


# The back office (Django admin) sends those who are not the body's staff to sign in as staff: clients, business
# representatives and the business ombudsman's office, which is not the body's staff.
OUTSIDE_THE_BACK_OFFICE = {"client": 302, "business_representative": 302, "business_ombudsman": 302}


def answers(default, **by_role):
    return {role: by_role.get(role, default) for role in ROLES}


EVERYONE_200 = answers(200)
SIGNED_IN = answers(200, anonymous=302)
STAFF_ONLY = answers(200, anonymous=302, **OUTSIDE_THE_BACK_OFFICE)
APPEALS_BACK_OFFICE = answers(200, anonymous=302, **OUTSIDE_THE_BACK_OFFICE, inspector=403)
OPERATOR_AND_ADMIN = answers(403, anonymous=302, operator=200, admin=200)
ADMIN_ONLY = answers(403, anonymous=302, **OUTSIDE_THE_BACK_OFFICE, admin=200)
METHODOLOGIST_AND_ADMIN = answers(403, anonymous=302, **OUTSIDE_THE_BACK_OFFICE, methodologist=200, admin=200)
ANALYSTS = answers(403, anonymous=302, analyst=200, methodologist=200, admin=200)
FEEDBACK_BACK_OFFICE = answers(
    403, anonymous=302, **OUTSIDE_THE_BACK_OFFICE, analyst=200, methodologist=200, admin=200
)
DELIVERY_BACK_OFFICE = answers(
    403, anonymous=302, **OUTSIDE_THE_BACK_OFFICE, operator=200, methodologist=200, admin=200
)
POST_ONLY_SIGNED_IN = answers(405, anonymous=302)
SOMEONE_ELSES = answers(404, anonymous=302)
RESEARCHERS = answers(403, anonymous=302, analyst=200, methodologist=200, admin=200)
RESEARCH_BACK_OFFICE = answers(
    403, anonymous=302, **OUTSIDE_THE_BACK_OFFICE, analyst=200, methodologist=200, admin=200
)
RESEARCH_API = answers(403, anonymous=401, analyst=200, methodologist=200, admin=200)
DESIGN_EDITORS = answers(403, anonymous=302, methodologist=200, admin=200)
DEVIATION_STAFF = answers(403, anonymous=302, operator=200, analyst=200, methodologist=200, admin=200)

BUSINESS_ONLY = answers(403, anonymous=302, business_representative=302)
BUSINESS_POST_ONLY = answers(403, anonymous=302, business_representative=405)
BUSINESS_BACK_OFFICE = answers(200, anonymous=302, **OUTSIDE_THE_BACK_OFFICE, operator=403)
REQUIREMENT_DEVELOPERS = answers(403, anonymous=302, methodologist=404, analyst=404, admin=404)
DEVELOPER_DESK = answers(403, anonymous=302, methodologist=200, analyst=200, admin=200)
# {act} and {draft} are developed by another agency than the staff's own: only the admin reads them.
ANOTHER_AGENCYS_RESULTS = answers(403, anonymous=302, methodologist=404, analyst=404, admin=200)
BUSINESS_OWN_404 = answers(403, anonymous=302, business_representative=404)
SUPERVISION_DESK = answers(403, anonymous=302, inspector=200, methodologist=200, admin=200)
SUPERVISION_DESK_404 = answers(403, anonymous=302, inspector=404, methodologist=404, admin=404)
SUPERVISION_DESK_POST = answers(403, anonymous=302, inspector=405, methodologist=405, admin=405)
SUPERVISION_DASHBOARD = answers(403, anonymous=302, inspector=200, analyst=200, methodologist=200, admin=200)
# The business ombudsman's office works its own queue (tests/supervision/test_ombudsman.py), as may the admin.
OMBUDSMAN_QUEUE = answers(403, anonymous=302, admin=200, business_ombudsman=200)
OMBUDSMAN_QUEUE_POST = answers(403, anonymous=302, admin=405, business_ombudsman=405)
SUPERVISION_API = answers(403, anonymous=401, business_representative=404)
SUPERVISION_DOCUMENT = answers(404, anonymous=302, client=403, operator=403, business_ombudsman=403)

# (URL pattern name or API route, example path, method, expected status per role)
PAGES = [
    ("registry:home", "/", "get", EVERYONE_200),
    ("registry:life_situation", "/situations/retirement/", "get", EVERYONE_200),
    ("registry:need", "/needs/early-pension/", "get", EVERYONE_200),
    ("registry:service", "/services/pension-assign/", "get", EVERYONE_200),
    ("registry:segments", "/segments/", "get", EVERYONE_200),
    ("registry:faq", "/faq/", "get", EVERYONE_200),
    ("kb:site_search", "/search/?q=пенсия", "get", EVERYONE_200),
    ("registry:open_data", "/open-data/", "get", EVERYONE_200),
    ("registry:open_data_file", "/open-data/registry.json", "get", EVERYONE_200),
    ("registry:open_data_sheet", "/open-data/needs.csv", "get", EVERYONE_200),
    ("accounts:login", "/account/login/", "get", answers(302, anonymous=200)),
    ("accounts:logout", "/account/logout/", "get", answers(405)),
    ("accounts:profile", "/account/", "get", SIGNED_IN),
    (
        "accounts:otp_setup",
        "/account/2fa/setup/",
        "get",
        answers(200, anonymous=302, client=403, business_representative=403),
    ),
    (
        "accounts:otp_verify",
        "/account/2fa/verify/",
        "get",
        answers(200, anonymous=302, client=403, business_representative=403),
    ),
    ("healthz", "/healthz", "get", EVERYONE_200),
    ("health_live", "/health/live", "get", EVERYONE_200),
    ("health_ready", "/health/ready", "get", EVERYONE_200),
    ("health_broker", "/health/broker", "get", EVERYONE_200),
    ("metrics", "/metrics", "get", EVERYONE_200),
    # Tests send mail to Django's in-memory outbox, not the local mailbox: its pages answer 404 to those let in.
    ("mailbox", "/staff/mailbox/", "get", answers(403, anonymous=302, operator=404, admin=404)),
    ("mailbox_message", "/staff/mailbox/x/", "get", answers(403, anonymous=302, operator=404, admin=404)),
    ("set_language", "/i18n/setlang/", "get", answers(302)),
    ("design_system", "/design-system/", "get", EVERYONE_200),
    # A confirmation shows only what this browser sent; with nothing sent it sends the browser home.
    ("confirmation", "/done/", "get", answers(302)),
    ("api-docs-redirect", "/api/docs", "get", answers(302)),
    ("admin:index", "/admin/", "get", STAFF_ONLY),
    ("registry_import", "/admin/registry/import/", "get", METHODOLOGIST_AND_ADMIN),
    ("appeals:public_list", "/appeals/", "get", EVERYONE_200),
    ("appeals:new", "/appeals/new/", "get", EVERYONE_200),
    # POST only: the draft text must not travel in a query string (and so into access logs).
    ("appeals:similar", "/appeals/similar/?text=Не+работает+лифт+в+подъезде+дома+5", "get", answers(405)),
    ("appeals:mine", "/appeals/mine/", "get", SIGNED_IN),
    ("appeals:public_detail", "/appeals/{number}/", "get", EVERYONE_200),
    ("appeals:status", "/appeals/status/?number={number}", "get", EVERYONE_200),
    # Only the browser that sent the appeal sees its confirmation; any other is sent to the status check.
    ("appeals:confirmation", "/appeals/{number}/sent/", "get", answers(302)),
    ("appeals:support", "/appeals/{number}/support/", "get", answers(405, anonymous=302)),
    ("appeals:reopen", "/appeals/{number}/reopen/", "get", answers(405, anonymous=302)),
    ("appeals:queue", "/operator/", "get", OPERATOR_AND_ADMIN),
    ("appeals:work", "/operator/appeals/{number}/", "get", OPERATOR_AND_ADMIN),
    # A file id the appeal does not have: staff of the appeal reach the view (404), nobody else does.
    (
        "appeals:attachment",
        "/operator/appeals/{number}/files/999999/",
        "get",
        answers(403, anonymous=302, operator=404, admin=404),
    ),
    ("appeals:record", "/operator/new/", "get", OPERATOR_AND_ADMIN),
    ("appeals:routing", "/operator/routing/", "get", answers(403, anonymous=302, admin=200)),
    ("kb:search", "/kb/?q=пенсия+раньше", "get", EVERYONE_200),
    ("kb:article", "/kb/{article}/", "get", EVERYONE_200),
    ("kb:chat", "/chat/", "get", EVERYONE_200),
    ("kb:chat_log", "/chat/log/", "get", answers(302)),
    ("kb:chat_send", "/chat/send/", "get", answers(405)),
    ("kb:chat_handover", "/chat/handover/", "get", answers(405)),
    ("kb:chat_rate", "/chat/rate/", "get", answers(405)),
    ("kb:chat_end", "/chat/end/", "get", answers(405)),
    ("kb:chat_new", "/chat/new/", "get", answers(405)),
    ("kb:operator_panel", "/operator/appeals/{number}/kb/?q=пенсия", "get", OPERATOR_AND_ADMIN),
    ("kb:chat_queue", "/operator/chats/", "get", OPERATOR_AND_ADMIN),
    ("kb:chat_operator", "/operator/chats/{chat}/", "get", OPERATOR_AND_ADMIN),
    (
        "kb:operator_insert",
        "/operator/appeals/{number}/kb/insert/?article={article}",
        "get",
        OPERATOR_AND_ADMIN,
    ),
    (
        "appeals:plain_check",
        "/operator/plain-check/",
        "get",
        answers(403, anonymous=302, operator=405, admin=405),
    ),
    (
        "appeals:plain_check",
        "/operator/plain-check/",
        "post",
        answers(403, anonymous=302, operator=200, admin=200),
    ),
    ("subscriptions:manage", "/account/subscriptions/", "get", SIGNED_IN),
    ("subscriptions:inbox", "/account/messages/", "get", SIGNED_IN),
    ("subscriptions:unsubscribe", "/unsubscribe/not-a-signed-token/", "get", answers(400)),
    # A forged token is refused with its explanation to anyone; valid links are tested in tests/feedback.
    ("feedback:rate", "/feedback/r/forged/", "get", answers(400)),
    ("feedback:office", "/feedback/office/sfr/", "get", EVERYONE_200),
    ("feedback:office_qr", "/feedback/office/sfr/qr.svg", "get", EVERYONE_200),
    ("feedback:widget", "/feedback/widget/", "get", answers(405)),
    ("feedback:follow_ups", "/operator/feedback/", "get", OPERATOR_AND_ADMIN),
    ("feedback:dashboard", "/satisfaction/", "get", EVERYONE_200),
    ("feedback:dictionary", "/satisfaction/open-data/dictionary.json", "get", EVERYONE_200),
    # Public, but only for a published quarter: none is published here.
    ("feedback:open_data", "/satisfaction/open-data/2026Q2.csv", "get", answers(404)),
    ("feedback:chart", "/satisfaction/2026Q2/chart.svg", "get", answers(404)),
    ("feedback:report_pdf", "/satisfaction/2026Q2/report.pdf", "get", answers(404)),
    ("feedback:analyst", "/analytics/satisfaction/", "get", ANALYSTS),
    ("indicators:table", "/staff/conformance/indicators/", "get", ANALYSTS),
    ("indicators:detail", "/staff/conformance/indicators/appeals_on_time/", "get", ANALYSTS),
    ("indicators:vash_kontrol_export", "/staff/conformance/indicators/vash-kontrol.csv", "get", ANALYSTS),
    (
        "feedback:publish",
        "/analytics/satisfaction/publish/",
        "get",
        answers(403, anonymous=302, analyst=405, methodologist=405, admin=405),
    ),
    ("delivery:cabinet", "/me/", "get", SIGNED_IN),
    ("delivery:profile", "/me/profile/", "get", SIGNED_IN),
    ("delivery:household_add", "/me/household/", "get", POST_ONLY_SIGNED_IN),
    ("delivery:household_remove", "/me/household/999999/remove/", "get", POST_ONLY_SIGNED_IN),
    ("delivery:consents", "/me/consents/", "get", SIGNED_IN),
    ("delivery:consent_revoke", "/me/consents/999999/revoke/", "get", POST_ONLY_SIGNED_IN),
    ("delivery:consent_receipt", "/me/consents/999999/receipt.json", "get", SOMEONE_ELSES),
    ("delivery:consent_receipt_pdf", "/me/consents/999999/receipt.pdf", "get", SOMEONE_ELSES),
    ("delivery:offer", "/me/offers/999999/", "get", SOMEONE_ELSES),
    ("delivery:request", "/me/requests/999999/", "get", SOMEONE_ELSES),
    ("delivery:appointments", "/me/appointments/", "get", SIGNED_IN),
    ("delivery:appointment_cancel", "/me/appointments/999999/cancel/", "get", POST_ONLY_SIGNED_IN),
    ("delivery:appointment_reschedule", "/me/appointments/999999/reschedule/", "get", POST_ONLY_SIGNED_IN),
    ("delivery:scenario", "/me/scenario/", "get", SIGNED_IN),
    ("delivery:segment_correct", "/me/scenario/segments/", "get", POST_ONLY_SIGNED_IN),
    ("delivery:acting", "/me/acting/", "get", SIGNED_IN),
    ("delivery:decisions", "/operator/requests/", "get", OPERATOR_AND_ADMIN),
    ("delivery:apply_list", "/me/apply/", "get", SIGNED_IN),
    ("delivery:apply", "/me/apply/no-such-service/", "get", SOMEONE_ELSES),
    ("delivery:apply_check", "/me/apply/no-such-service/check/", "get", POST_ONLY_SIGNED_IN),
    ("delivery:effort", "/operator/requests/effort/", "get", ANALYSTS),
    (
        "delivery:decide",
        "/operator/requests/999999/",
        "get",
        answers(403, anonymous=302, operator=404, admin=404),
    ),
    ("research:home", "/research/", "get", RESEARCHERS),
    (
        "research:evidence_appeals",
        "/research/evidence/appeals/?life_situation=retirement",
        "get",
        RESEARCHERS,
    ),
    ("research:import_upload", "/research/evidence/import/", "get", RESEARCHERS),
    ("research:import_map", "/research/evidence/import/{upload}/", "get", RESEARCHERS),
    ("research:segments", "/research/segments/", "get", RESEARCHERS),
    ("research:journey_map", "/research/maps/{map}/", "get", RESEARCHERS),
    ("research:journey_map_image", "/research/maps/{map}.svg", "get", RESEARCHERS),
    ("research:need", "/research/needs/get-pension/", "get", RESEARCHERS),
    ("research:need_proposals", "/research/need-proposals/", "get", RESEARCHERS),
    (
        "research:need_proposal_decide",
        "/research/need-proposals/999999/",
        "get",
        answers(403, anonymous=302, methodologist=405, admin=405),
    ),
    ("research:studies", "/studies/", "get", EVERYONE_200),
    ("research:study", "/studies/{study}/", "get", EVERYONE_200),
    ("design:projects", "/design/", "get", RESEARCHERS),
    ("design:project", "/design/projects/{project}/", "get", RESEARCHERS),
    ("design:test", "/design/tests/{test}/", "get", RESEARCHERS),
    ("design:project_new", "/design/projects/new/", "get", DESIGN_EDITORS),
    ("design:project_edit", "/design/projects/{project}/edit/", "get", DESIGN_EDITORS),
    ("design:variant_new", "/design/projects/{project}/variants/new/", "get", DESIGN_EDITORS),
    ("design:variant_edit", "/design/projects/{project}/variants/{variant}/", "get", DESIGN_EDITORS),
    ("design:test_new", "/design/projects/{project}/tests/new/", "get", DESIGN_EDITORS),
    ("design:test_edit", "/design/projects/{project}/tests/{test}/edit/", "get", DESIGN_EDITORS),
    ("design:panel", "/research-panel/", "get", SIGNED_IN),
    ("business:home", "/business/", "get", BUSINESS_ONLY),
    ("delivery:business_support", "/business/support/", "get", BUSINESS_ONLY),
    (
        "delivery:business_consent_revoke",
        "/business/support/consents/999999/revoke/",
        "get",
        BUSINESS_POST_ONLY,
    ),
    (
        "delivery:business_consent_receipt_pdf",
        "/business/support/consents/999999/receipt.pdf",
        "get",
        BUSINESS_OWN_404,
    ),
    (
        "delivery:business_consent_receipt",
        "/business/support/consents/999999/receipt.json",
        "get",
        answers(403, anonymous=302, business_representative=404),
    ),
    ("delivery:business_offer_accept", "/business/support/offers/999999/accept/", "get", BUSINESS_POST_ONLY),
    (
        "delivery:business_offer_decline",
        "/business/support/offers/999999/decline/",
        "get",
        BUSINESS_POST_ONLY,
    ),
    (
        "business:profile",
        "/business/profile/",
        "get",
        answers(403, anonymous=302, business_representative=200),
    ),
    ("business:object_add", "/business/objects/", "get", BUSINESS_POST_ONLY),
    ("business:object_delete", "/business/objects/1/delete/", "get", BUSINESS_POST_ONLY),
    ("business:requirement", "/business/requirements/999999/", "get", BUSINESS_ONLY),
    ("business:cost", "/business/cost/", "get", BUSINESS_ONLY),
    ("business:consultations", "/business/consultations/", "get", BUSINESS_ONLY),
    ("business:draft", "/business/consultations/999999/", "get", BUSINESS_ONLY),
    ("business:draft_summary", "/business/consultations/999999/summary/", "get", REQUIREMENT_DEVELOPERS),
    ("business:draft_summary", "/business/consultations/{draft}/summary/", "get", ANOTHER_AGENCYS_RESULTS),
    (
        "business:draft_summary_export",
        "/business/consultations/{draft}/summary.csv",
        "get",
        ANOTHER_AGENCYS_RESULTS,
    ),
    ("business:developer", "/business/developer/", "get", DEVELOPER_DESK),
    # POST only; the adoption itself (refused until article 10 is met) has its own tests.
    (
        "business:act_adopt",
        "/business/acts/{act}/adopt/",
        "get",
        answers(403, anonymous=302, methodologist=405, analyst=405, admin=405),
    ),
    ("business:act_results", "/business/acts/{act}/results/", "get", ANOTHER_AGENCYS_RESULTS),
    ("business:act_results", "/business/acts/999999/results/", "get", REQUIREMENT_DEVELOPERS),
    ("business:act_results_export", "/business/acts/{act}/results.csv", "get", ANOTHER_AGENCYS_RESULTS),
    ("business:act_dataset_export", "/business/acts/{act}/dataset.csv", "get", ANOTHER_AGENCYS_RESULTS),
    ("business:cost_export", "/business/cost/export.csv", "get", BUSINESS_ONLY),
    ("business:cost_export", "/business/cost/export.xlsx", "get", BUSINESS_ONLY),
    ("business:act_burden", "/business/acts/{act}/burden/", "get", ANOTHER_AGENCYS_RESULTS),
    ("business:act_burden", "/business/acts/999999/burden/", "get", REQUIREMENT_DEVELOPERS),
    ("business:act_burden_export", "/business/acts/{act}/burden.csv", "get", ANOTHER_AGENCYS_RESULTS),
    ("business:act_burden_export", "/business/acts/{act}/burden.xlsx", "get", ANOTHER_AGENCYS_RESULTS),
    ("business:summary", "/business/summary/", "get", EVERYONE_200),
    ("business:summary_report", "/business/consultations/{draft}/report/", "get", ANOTHER_AGENCYS_RESULTS),
    ("business:summary_report", "/business/consultations/999999/report/", "get", REQUIREMENT_DEVELOPERS),
    (
        "business:summary_report_pdf",
        "/business/consultations/999999/report.pdf",
        "get",
        REQUIREMENT_DEVELOPERS,
    ),
    (
        "business:answer_comment",
        "/business/consultations/{draft}/comments/1/answer/",
        "get",
        answers(403, anonymous=302, methodologist=405, admin=405),
    ),
    (
        "business:answer_conclusion",
        "/business/consultations/{draft}/conclusions/1/answer/",
        "get",
        answers(403, anonymous=302, methodologist=405, admin=405),
    ),
    (
        "business:expertise",
        "/business/expertise/",
        "get",
        answers(403, anonymous=302, client=200, business_representative=200),
    ),
    (
        "business:expertise_draft",
        "/business/expertise/{draft}/",
        "get",
        answers(403, anonymous=302, client=302, business_representative=302),
    ),
    (
        "business:experts",
        "/business/experts/",
        "get",
        answers(403, anonymous=302, methodologist=200, admin=200),
    ),
    (
        "business:expert_decide",
        "/business/experts/1/decide/",
        "get",
        answers(403, anonymous=302, methodologist=405, admin=405),
    ),
    ("business:evaluation", "/business/acts/{act}/evaluation/", "get", ANOTHER_AGENCYS_RESULTS),
    ("business:evaluation", "/business/acts/999999/evaluation/", "get", REQUIREMENT_DEVELOPERS),
    ("supervision:home", "/supervision/", "get", BUSINESS_ONLY),
    ("supervision:risk", "/supervision/types/fire_safety/", "get", BUSINESS_OWN_404),
    ("supervision:correct", "/supervision/types/fire_safety/correct/", "get", BUSINESS_POST_ONLY),
    ("supervision:consult", "/supervision/types/fire_safety/consult/", "get", BUSINESS_POST_ONLY),
    (
        "supervision:self_examination",
        "/supervision/types/fire_safety/self-examination/",
        "get",
        BUSINESS_OWN_404,
    ),
    ("supervision:warning", "/supervision/warnings/999999/", "get", BUSINESS_OWN_404),
    ("supervision:event", "/supervision/events/999999/", "get", BUSINESS_OWN_404),
    ("supervision:event_action", "/supervision/events/999999/document/", "get", BUSINESS_POST_ONLY),
    ("supervision:document", "/supervision/documents/999999/", "get", SUPERVISION_DOCUMENT),
    ("supervision:declarations", "/supervision/declarations/", "get", EVERYONE_200),
    ("supervision:warnings", "/supervision/warnings/", "get", EVERYONE_200),
    ("supervision:good_faith", "/supervision/good-faith/", "get", EVERYONE_200),
    ("supervision:programmes", "/supervision/programmes/", "get", EVERYONE_200),
    ("supervision:programme", "/supervision/programmes/999999/", "get", answers(404)),
    ("supervision:practice", "/supervision/practice/999999/", "get", answers(404)),
    ("supervision:desk", "/supervision/desk/", "get", SUPERVISION_DESK),
    ("supervision:desk_incentives", "/supervision/desk/incentives/", "get", SUPERVISION_DESK),
    ("supervision:desk_programmes", "/supervision/desk/programmes/", "get", SUPERVISION_DESK),
    ("supervision:desk_programme", "/supervision/desk/programmes/999999/", "get", SUPERVISION_DESK_404),
    ("supervision:desk_practice", "/supervision/desk/practice/999999/", "get", SUPERVISION_DESK_404),
    ("supervision:desk_appeal_links", "/supervision/desk/appeal-links/", "get", SUPERVISION_DESK),
    ("supervision:desk_event", "/supervision/desk/events/999999/", "get", SUPERVISION_DESK_404),
    ("supervision:desk_decide", "/supervision/desk/correction/999999/decide/", "get", SUPERVISION_DESK_POST),
    ("supervision:desk_warning", "/supervision/desk/warnings/new/", "get", SUPERVISION_DESK),
    ("supervision:plan", "/supervision/plan/", "get", SUPERVISION_DESK),
    ("supervision:ombudsman_queue", "/supervision/ombudsman/", "get", OMBUDSMAN_QUEUE),
    ("supervision:ombudsman_act", "/supervision/ombudsman/999999/answer/", "get", OMBUDSMAN_QUEUE_POST),
    ("supervision:dashboard", "/supervision/dashboard/", "get", SUPERVISION_DASHBOARD),
    ("conformance:overview", "/staff/conformance/", "get", ANALYSTS),
    ("conformance:requirement", "/staff/conformance/requirements/DEL-4/", "get", ANALYSTS),
    ("conformance:snapshots", "/staff/conformance/snapshots/", "get", ANALYSTS),
    ("conformance:needs", "/staff/conformance/needs/", "get", ANALYSTS),
    ("conformance:deviations", "/staff/deviations/", "get", DEVIATION_STAFF),
    ("conformance:deviation_new", "/staff/deviations/new/", "get", DEVIATION_STAFF),
    ("conformance:deviation", "/staff/deviations/{deviation}/", "get", DEVIATION_STAFF),
    ("conformance:reports", "/conformance/", "get", EVERYONE_200),
    ("conformance:dictionary", "/conformance/dictionary.json", "get", EVERYONE_200),
    ("conformance:report", "/conformance/sfr/{quarter}/", "get", EVERYONE_200),
    ("conformance:report_pdf", "/conformance/sfr/{quarter}/report.pdf", "get", EVERYONE_200),
    ("conformance:report_json", "/conformance/sfr/{quarter}/data.json", "get", EVERYONE_200),
    ("conformance:report_csv", "/conformance/sfr/{quarter}/requirements.csv", "get", EVERYONE_200),
]

BACK_OFFICE = [
    ("registry.lifesituation", "/admin/registry/lifesituation/", STAFF_ONLY),
    ("registry.segment", "/admin/registry/segment/", STAFF_ONLY),
    ("registry.need", "/admin/registry/need/", STAFF_ONLY),
    ("registry.service", "/admin/registry/service/", STAFF_ONLY),
    ("registry.faqentry", "/admin/registry/faqentry/", STAFF_ONLY),
    ("registry.searchsynonym", "/admin/registry/searchsynonym/", STAFF_ONLY),
    ("registry.touchpoint", "/admin/registry/touchpoint/", STAFF_ONLY),
    ("accounts.agency", "/admin/accounts/agency/", METHODOLOGIST_AND_ADMIN),
    ("accounts.user", "/admin/accounts/user/", METHODOLOGIST_AND_ADMIN),
    ("accounts.businessclient", "/admin/accounts/businessclient/", METHODOLOGIST_AND_ADMIN),
    ("accounts.representative", "/admin/accounts/representative/", METHODOLOGIST_AND_ADMIN),
    ("accounts.apitoken", "/admin/accounts/apitoken/", METHODOLOGIST_AND_ADMIN),
    ("core.auditevent", "/admin/core/auditevent/", ADMIN_ONLY),
    ("core.notification", "/admin/core/notification/", ADMIN_ONLY),
    ("core.notificationtemplate", "/admin/core/notificationtemplate/", METHODOLOGIST_AND_ADMIN),
    ("subscriptions.subscription", "/admin/subscriptions/subscription/", ADMIN_ONLY),
    ("appeals.deadlinepolicy", "/admin/appeals/deadlinepolicy/", APPEALS_BACK_OFFICE),
    ("appeals.routingrule", "/admin/appeals/routingrule/", APPEALS_BACK_OFFICE),
    ("appeals.needtopic", "/admin/appeals/needtopic/", APPEALS_BACK_OFFICE),
    ("appeals.appeal", "/admin/appeals/appeal/", APPEALS_BACK_OFFICE),
    ("auth.group", "/admin/auth/group/", ADMIN_ONLY),
    ("axes.accessattempt", "/admin/axes/accessattempt/", ADMIN_ONLY),
    ("axes.accesslog", "/admin/axes/accesslog/", ADMIN_ONLY),
    ("axes.accessfailurelog", "/admin/axes/accessfailurelog/", ADMIN_ONLY),
    ("feedback.instrument", "/admin/feedback/instrument/", FEEDBACK_BACK_OFFICE),
    ("feedback.response", "/admin/feedback/response/", FEEDBACK_BACK_OFFICE),
    ("feedback.followup", "/admin/feedback/followup/", FEEDBACK_BACK_OFFICE),
    ("feedback.quarterreport", "/admin/feedback/quarterreport/", FEEDBACK_BACK_OFFICE),
    ("knowledge.article", "/admin/knowledge/article/", APPEALS_BACK_OFFICE),
    ("knowledge.overduearticle", "/admin/knowledge/overduearticle/", APPEALS_BACK_OFFICE),
    ("knowledge.answertemplate", "/admin/knowledge/answertemplate/", APPEALS_BACK_OFFICE),
    ("knowledge.conversation", "/admin/knowledge/conversation/", APPEALS_BACK_OFFICE),
    ("delivery.eligibilityrule", "/admin/delivery/eligibilityrule/", DELIVERY_BACK_OFFICE),
    ("delivery.ruleparameter", "/admin/delivery/ruleparameter/", DELIVERY_BACK_OFFICE),
    ("delivery.consenttext", "/admin/delivery/consenttext/", DELIVERY_BACK_OFFICE),
    ("delivery.consent", "/admin/delivery/consent/", DELIVERY_BACK_OFFICE),
    ("delivery.clientprofile", "/admin/delivery/clientprofile/", DELIVERY_BACK_OFFICE),
    ("delivery.lifeevent", "/admin/delivery/lifeevent/", DELIVERY_BACK_OFFICE),
    ("delivery.offer", "/admin/delivery/offer/", DELIVERY_BACK_OFFICE),
    ("delivery.servicerequest", "/admin/delivery/servicerequest/", DELIVERY_BACK_OFFICE),
    ("delivery.refusalreason", "/admin/delivery/refusalreason/", DELIVERY_BACK_OFFICE),
    ("delivery.unmetneedevidence", "/admin/delivery/unmetneedevidence/", DELIVERY_BACK_OFFICE),
    ("delivery.office", "/admin/delivery/office/", DELIVERY_BACK_OFFICE),
    ("delivery.lifeeventsituation", "/admin/delivery/lifeeventsituation/", DELIVERY_BACK_OFFICE),
    ("delivery.segmentrule", "/admin/delivery/segmentrule/", DELIVERY_BACK_OFFICE),
    ("delivery.serviceterms", "/admin/delivery/serviceterms/", DELIVERY_BACK_OFFICE),
    ("research.study", "/admin/research/study/", RESEARCH_BACK_OFFICE),
    ("research.journeymap", "/admin/research/journeymap/", RESEARCH_BACK_OFFICE),
    ("research.segmenthypothesis", "/admin/research/segmenthypothesis/", RESEARCH_BACK_OFFICE),
    ("research.evidencedataset", "/admin/research/evidencedataset/", RESEARCH_BACK_OFFICE),
    ("research.needrecommendation", "/admin/research/needrecommendation/", RESEARCH_BACK_OFFICE),
    ("design.designproject", "/admin/design/designproject/", RESEARCH_BACK_OFFICE),
    ("design.audiencetest", "/admin/design/audiencetest/", RESEARCH_BACK_OFFICE),
    ("design.panelmember", "/admin/design/panelmember/", RESEARCH_BACK_OFFICE),
    ("business.act", "/admin/business/act/", BUSINESS_BACK_OFFICE),
    ("business.requirement", "/admin/business/requirement/", BUSINESS_BACK_OFFICE),
    ("business.businessprofile", "/admin/business/businessprofile/", BUSINESS_BACK_OFFICE),
    ("business.draft", "/admin/business/draft/", BUSINESS_BACK_OFFICE),
    ("supervision.controltype", "/admin/supervision/controltype/", BUSINESS_BACK_OFFICE),
    ("supervision.material", "/admin/supervision/material/", BUSINESS_BACK_OFFICE),
    ("supervision.compliancealgorithm", "/admin/supervision/compliancealgorithm/", BUSINESS_BACK_OFFICE),
    ("supervision.controlevent", "/admin/supervision/controlevent/", BUSINESS_BACK_OFFICE),
    ("supervision.preventivewarning", "/admin/supervision/preventivewarning/", BUSINESS_BACK_OFFICE),
    ("supervision.compliancedeclaration", "/admin/supervision/compliancedeclaration/", BUSINESS_BACK_OFFICE),
    ("supervision.pretrialappeal", "/admin/supervision/pretrialappeal/", BUSINESS_BACK_OFFICE),
    ("supervision.supervisiontask", "/admin/supervision/supervisiontask/", BUSINESS_BACK_OFFICE),
]
BACK_OFFICE_WRITES = [
    (
        "/admin/registry/need/add/",
        answers(403, anonymous=302, **OUTSIDE_THE_BACK_OFFICE, methodologist=200, admin=200),
    ),
    ("/admin/accounts/user/add/", ADMIN_ONLY),
    ("/admin/accounts/agency/add/", ADMIN_ONLY),
    ("/admin/accounts/apitoken/add/", ADMIN_ONLY),
    ("/admin/core/notificationtemplate/add/", METHODOLOGIST_AND_ADMIN),
    ("/admin/knowledge/article/add/", METHODOLOGIST_AND_ADMIN),
    ("/admin/knowledge/answertemplate/add/", METHODOLOGIST_AND_ADMIN),
    ("/admin/delivery/eligibilityrule/import/", METHODOLOGIST_AND_ADMIN),
    ("/admin/delivery/eligibilityrule/export/", DELIVERY_BACK_OFFICE),
    ("/admin/delivery/eligibilityrule/add/", METHODOLOGIST_AND_ADMIN),
    ("/admin/business/act/import/", METHODOLOGIST_AND_ADMIN),
]

API_ROUTES = [
    ("/registry/life-situations", "/api/v1/registry/life-situations", EVERYONE_200),
    ("/registry/life-situations/{code}", "/api/v1/registry/life-situations/retirement", EVERYONE_200),
    ("/registry/segments", "/api/v1/registry/segments", EVERYONE_200),
    ("/registry/segments/{code}", "/api/v1/registry/segments/seg-2-2", EVERYONE_200),
    ("/registry/needs", "/api/v1/registry/needs", EVERYONE_200),
    ("/registry/needs/{code}", "/api/v1/registry/needs/get-pension", EVERYONE_200),
    ("/registry/services", "/api/v1/registry/services", EVERYONE_200),
    ("/registry/services/{code}", "/api/v1/registry/services/pension-assign", EVERYONE_200),
    ("/registry/faq", "/api/v1/registry/faq", EVERYONE_200),
    ("/registry/faq/{code}", "/api/v1/registry/faq/faq-pension-early", EVERYONE_200),
    ("/registry/agencies/{code}", "/api/v1/registry/agencies/sfr", EVERYONE_200),
    ("/appeals", "/api/v1/appeals", EVERYONE_200),
    ("/appeals/{number}", "/api/v1/appeals/{number}", EVERYONE_200),
    ("/social/vk/{account_id}", "/api/v1/social/vk/1", answers(405)),
    ("/social/telegram/{account_id}", "/api/v1/social/telegram/1", answers(405)),
    ("/kb/search", "/api/v1/kb/search?q=пенсия", EVERYONE_200),
    ("/kb/articles/{article_id}", "/api/v1/kb/articles/{article}", EVERYONE_200),
    ("/text/readability", "/api/v1/text/readability", answers(405)),
    ("/subscriptions", "/api/v1/subscriptions", answers(200, anonymous=401)),
    ("/feedback/ivr", "/api/v1/feedback/ivr", answers(405)),
    ("/feedback/invitations", "/api/v1/feedback/invitations", answers(405)),
    ("/life-events", "/api/v1/life-events", answers(405)),
    ("/me/offers", "/api/v1/me/offers", answers(200, anonymous=401)),
    ("/me/represented", "/api/v1/me/represented", answers(200, anonymous=401)),
    ("/me/appeals", "/api/v1/me/appeals", answers(200, anonymous=401)),
    # The consents of the business the representative acts for (the test's representative has no business: 404).
    ("/me/business/consents", "/api/v1/me/business/consents", SUPERVISION_API),
    ("/me/business/consents/{consent_id}/revoke", "/api/v1/me/business/consents/1/revoke", answers(405)),
    ("/appeals/calls", "/api/v1/appeals/calls", answers(405)),
    ("/research/evidence", "/api/v1/research/evidence?by=month", RESEARCH_API),
    ("/research/segments", "/api/v1/research/segments", RESEARCH_API),
    ("/research/journey-maps/{map_id}", "/api/v1/research/journey-maps/{map}", RESEARCH_API),
    ("/research/studies", "/api/v1/research/studies", EVERYONE_200),
    ("/design/projects", "/api/v1/design/projects", RESEARCH_API),
    ("/design/projects/{project_id}", "/api/v1/design/projects/{project}", RESEARCH_API),
    ("/design/projects/{project_id}/stage", "/api/v1/design/projects/{project}/stage", answers(405)),
    ("/design/tests/{test_id}/summary", "/api/v1/design/tests/{test}/summary", RESEARCH_API),
    ("/business/results", "/api/v1/business/results", answers(401)),
    ("/business/dataset", "/api/v1/business/dataset", answers(401)),
    ("/business/drafts/{draft_id}/summary", "/api/v1/business/drafts/1/summary", answers(401)),
    ("/supervision/me/risk-profiles", "/api/v1/supervision/me/risk-profiles", SUPERVISION_API),
    ("/supervision/me/events", "/api/v1/supervision/me/events", SUPERVISION_API),
    ("/supervision/me/incentives", "/api/v1/supervision/me/incentives", SUPERVISION_API),
    ("/supervision/me/events/{number}", "/api/v1/supervision/me/events/КНМ-1", SUPERVISION_API),
    ("openapi", "/api/v1/openapi.json", EVERYONE_200),
    ("docs", "/api/v1/docs", EVERYONE_200),
]


def _named_patterns(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in ("admin", "api"):
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _named_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern):
            names.add(f"{namespace}{pattern.name}" if pattern.name else f"{namespace}{pattern.pattern}")
    return names


def test_every_route_is_in_the_table():
    pages = {name for name, *_ in PAGES} - {"admin:index", "api-docs-redirect"}
    assert _named_patterns(get_resolver()) == pages | {"api/docs"}
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == {label for label, *_ in BACK_OFFICE}
    api_paths = {prefix + path for prefix, router in api._routers for path in router.path_operations}
    assert api_paths == {route for route, *_ in API_ROUTES if route.startswith("/")}


def _client_for(role, people, client):
    if role != "anonymous":
        client.force_login(people[role])
    return client


CASES = (
    [(path, method, expected) for _n, path, method, expected in PAGES]
    + [(path, "get", expected) for _l, path, expected in BACK_OFFICE]
    + [(path, "get", expected) for path, expected in BACK_OFFICE_WRITES]
    + [(path, "get", expected) for _r, path, expected in API_ROUTES]
)


@pytest.fixture
def appeal(registry, agency):
    """Appeal {number}, routed to the agency the staff in `people` belong to."""
    from datetime import UTC, datetime

    from clientcentric.appeals import services
    from clientcentric.appeals.models import RoutingRule

    services.save_routing_rule(
        RoutingRule(position=1, name="all", conditions={"channel": "portal"}, executor=agency)
    )
    data = services.AppealInput(
        channel="portal", text="Не работает лифт в подъезде дома 5", contact_email="a@b.ru"
    )
    return services.receive_appeal(data, registered_at=datetime(2026, 5, 5, 10, tzinfo=UTC)).appeal


@pytest.fixture
def article(registry):
    """Article {article}: the registry's FAQ entry of a need that cannot be met, synced into the knowledge base."""
    from clientcentric.knowledge.models import Article
    from clientcentric.knowledge.services import sync_registry_faq

    sync_registry_faq()
    return Article.objects.get(faq_entry=registry["faq"])


@pytest.fixture
def handed_over_chat(db, people):
    """{chat}: a chat-bot conversation whose client asked for a person, passed to the staff's agency (the
    scope by agency has its own test, tests/knowledge/test_chat_scope.py)."""
    from clientcentric.knowledge import chatbot, services

    conversation = chatbot.start()
    chatbot.hand_over(conversation)
    services.pass_conversation(conversation, people["operator"].agency, actor=people["admin"])
    return {"chat": conversation.pk}


@pytest.fixture
def research_objects(registry, people):
    """{upload}, {map}, {study}, {project} and {test}: one of each, built through the services."""
    from clientcentric.design import services as design
    from clientcentric.design.models import AudienceTest, DesignProject, Variant
    from clientcentric.research import services as research
    from clientcentric.research.models import JourneyMap, Study

    upload = research.upload_evidence("Тема;Число\nПенсия;3\n".encode(), "stats.csv", actor=people["analyst"])
    journey = research.save_journey_map(
        JourneyMap(title="Выход на пенсию", segment=registry["segment"], life_situation=registry["pension"]),
        stages=[{"name": "Узнал о праве", "emotion": 1}, {"name": "Подал заявление", "emotion": -1}],
    )
    study = research.save_study(
        Study(
            slug="pension-interviews",
            title="Интервью о выходе на пенсию",
            method="interview",
            hypothesis="Будущие пенсионеры не знают, что пенсия назначается без заявления",
            participants_count=12,
            findings="9 из 12 не знали",
            verdict="confirmed",
            public_summary="Многие не знают о беззаявительном назначении.",
            what_changes="Разошлём уведомления за полгода до пенсии.",
            is_published=True,
        )
    )
    project = design.save_project(
        DesignProject(
            name="Уведомления",
            kind="new",
            segment=registry["segment"],
            criteria=[{"name": "Польза", "weight": 2}],
        )
    )
    variant = design.save_variant(Variant(project=project, name="SMS", scores={"Польза": 4}))
    test = design.save_test(
        AudienceTest(project=project, phase="alpha", segment=registry["segment"], title="Альфа", min_sus=60),
        tasks=["Найти уведомление"],
    )
    member = design.join_panel(people["client"], segments=[registry["segment"]])
    participation = design.add_participant(test, member)
    design.record_results(participation, results=[(test.tasks.get(), True, 30.0, 0)], sus_answers=[4, 2] * 5)
    return {
        "upload": upload.pk,
        "map": journey.pk,
        "study": study.slug,
        "project": project.pk,
        "test": test.pk,
        "variant": variant.pk,
        **_conformance_objects(people),
    }


def _conformance_objects(people):
    """{deviation} of the staff's agency and {quarter}, the agency's frozen self-assessment."""
    from clientcentric.conformance import services as conformance

    agency = people["operator"].agency
    conformance.load_requirements()
    deviation = conformance.propose_deviation(
        agency=agency,
        case="Клиент не может прийти лично",
        client_need="Получить справку дистанционно",
        rule="Пункт 12 регламента",
        justification="Личность подтверждена",
        actor=people["operator"],
    )
    quarter = conformance.last_complete_quarter()
    conformance.freeze_snapshot(agency, quarter, actor=people["methodologist"])
    return {"deviation": deviation.pk, "quarter": str(quarter)}


@pytest.fixture
def business_objects(db):
    """{act} and {draft}: developed by an agency the staff in `people` do not belong to."""
    from datetime import timedelta

    from django.utils import timezone

    from clientcentric.accounts import services as accounts_services
    from clientcentric.accounts.models import Agency
    from clientcentric.business import services
    from clientcentric.business.models import Act, Draft

    other = accounts_services.save_agency(
        Agency(code="mchs", name="МЧС России", level="federal", kind="supervisory")
    )
    act = services.save_act(Act(code="ППР", title="Правила противопожарного режима", developer=other))
    today = timezone.localdate()
    draft = services.save_draft(
        Draft(
            title="Проект",
            developer=other,
            procedure=Draft.Procedure.ANTI_CORRUPTION,
            summary="Что меняется",
            opens_on=today,
            closes_on=today + timedelta(days=10),
        )
    )
    return {"act": act.pk, "draft": draft.pk}


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_expected(
    client, registry, appeal, article, research_objects, business_objects, handed_over_chat, people, role
):
    client = _client_for(role, people, client)
    wrong = []
    for template, method, expected in CASES:
        path = template.replace("{number}", appeal.number).replace("{article}", str(article.pk))
        for key, value in {**research_objects, **business_objects, **handed_over_chat}.items():
            path = path.replace("{" + key + "}", str(value))
        status = getattr(client, method)(path).status_code
        if status != expected[role]:
            wrong.append(f"{method.upper()} {path}: {status}, expected {expected[role]}")
    assert not wrong, "\n".join(wrong)


@pytest.fixture
def other_agency_objects(registry, people):
    """Real rows of an agency none of `people` belongs to, one per scoped back-office screen: (admin path, pk)."""
    from datetime import UTC, datetime, timedelta
    from pathlib import Path

    from django.utils import timezone

    from clientcentric.accounts import services as accounts_services
    from clientcentric.accounts.models import Agency, BusinessClient
    from clientcentric.appeals import services as appeals
    from clientcentric.appeals.models import RoutingRule
    from clientcentric.business import services as business
    from clientcentric.business.models import Act, BusinessProfile
    from clientcentric.delivery.models import Office
    from clientcentric.delivery.services import profiles
    from clientcentric.supervision.services import events, risk

    other = accounts_services.save_agency(
        Agency(code="gzhi", name="Жилищная инспекция", level="regional", kind="supervisory")
    )
    control_type = risk.sync_control_type(
        Path(risk.RISK_MODELS_DIR) / "fire_safety.yaml", agency=other, act_control_type="пожарный надзор"
    )
    act = business.save_act(Act(code="ЖК", title="Жилищный кодекс", developer=other))
    company = accounts_services.save_business(
        BusinessClient(name="ООО «Дом»", kind="legal_entity", inn="7736050003")
    )
    profile = business.save_profile(
        BusinessProfile(business=company, ogrn="1027700070518", okved=["68.32"], size="small", region="78")
    )
    today = timezone.localdate()
    event = events.create_event(
        control_type,
        profile,
        kind="documentary",
        starts_on=today + timedelta(days=10),
        ends_on=today + timedelta(days=20),
        basis="Решение о проверке",
    )
    appeals.save_routing_rule(
        RoutingRule(position=2, name="e-mail", conditions={"channel": "email"}, executor=other)
    )
    appeal = appeals.receive_appeal(
        appeals.AppealInput(channel="email", text="Протекает крыша дома 7", contact_email="c@d.ru"),
        registered_at=datetime(2026, 5, 5, 10, tzinfo=UTC),
    ).appeal
    token, _plain = accounts_services.issue_token(name="ГИС ЖКХ", scopes=["appeals:write"], agency=other)
    office = Office.objects.create(name="Приёмная инспекции", agency=other, address="ул. Садовая, 1")
    stranger = accounts_services.create_person(username="stranger", password=None, role="client")
    profile_of_stranger = profiles.save_profile(profiles.profile_of(stranger))
    screens = [
        ("/admin/supervision/controltype/", control_type.pk),
        ("/admin/supervision/controlevent/", event.pk),
        ("/admin/business/act/", act.pk),
        ("/admin/appeals/appeal/", appeal.pk),
        ("/admin/appeals/routingrule/", appeal.routing_rule_id),
        ("/admin/accounts/apitoken/", token.pk),
        ("/admin/accounts/agency/", other.pk),
        ("/admin/delivery/office/", office.pk),
        ("/admin/delivery/clientprofile/", profile_of_stranger.pk),
    ]
    # The staff's own pages outside the back office: the desk's event, the operator's appeal.
    pages = [f"/supervision/desk/events/{event.pk}/", f"/operator/appeals/{appeal.number}/"]
    return {"screens": screens, "pages": pages}


@pytest.mark.parametrize("role", ROLES)
def test_another_agencys_rows_stay_out_of_the_back_office(client, other_agency_objects, people, role):
    """Only the admin lists, opens and changes another agency's rows; a changed page is not even reachable by POST."""
    client = _client_for(role, people, client)
    wrong = []
    for page in other_agency_objects["pages"]:
        status = client.get(page).status_code
        if (status == 200) != (role == "admin"):
            wrong.append(f"GET {page}: {status}")
    for changelist, pk in other_agency_objects["screens"]:
        change = f"{changelist}{pk}/change/"
        listed = client.get(changelist)
        opened = client.get(change)
        posted = client.post(change, {})
        if role == "admin":
            if opened.status_code != 200 or change not in listed.content.decode():
                wrong.append(f"admin: {change} {opened.status_code}")
            continue
        if listed.status_code == 200 and change in listed.content.decode():
            wrong.append(f"{change} is listed")
        if opened.status_code == 200:
            wrong.append(f"GET {change} opens")
        if posted.status_code == 200 or (
            posted.status_code == 302 and posted["Location"].startswith(changelist)
        ):
            wrong.append(f"POST {change} answers {posted.status_code}")
    assert not wrong, "\n".join(wrong)


def test_own_agencys_rows_stay_in_the_back_office(client, people, agency):
    """The scoping keeps the staff's own rows: an inspector opens the control types of their agency."""
    from pathlib import Path

    from clientcentric.supervision.services import risk

    own = risk.sync_control_type(
        Path(risk.RISK_MODELS_DIR) / "fire_safety.yaml", agency=agency, act_control_type="пожарный надзор"
    )
    client.force_login(people["inspector"])
    assert client.get(f"/admin/supervision/controltype/{own.pk}/change/").status_code == 200
    page = client.get(f"/admin/supervision/controltype/{own.pk}/change/").content.decode()
    # The agency field offers the inspector's own agency only.
    assert f'<option value="{agency.pk}"' in page and "Жилищная" not in page


def test_a_view_without_an_access_rule_is_denied(rf, db):
    from django.core.exceptions import PermissionDenied

    from clientcentric.core.access import DenyByDefaultMiddleware

    def undeclared(request):
        return None

    request = rf.get("/somewhere/")
    with pytest.raises(PermissionDenied):
        DenyByDefaultMiddleware(lambda r: None).process_view(request, undeclared, (), {})
