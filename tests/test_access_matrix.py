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
)
STAFF = ("operator", "analyst", "methodologist", "inspector", "admin")


def answers(default, **by_role):
    return {role: by_role.get(role, default) for role in ROLES}


EVERYONE_200 = answers(200)
SIGNED_IN = answers(200, anonymous=302)
STAFF_ONLY = answers(200, anonymous=302, client=302, business_representative=302)
APPEALS_BACK_OFFICE = answers(200, anonymous=302, client=302, business_representative=302, inspector=403)
OPERATOR_AND_ADMIN = answers(403, anonymous=302, operator=200, admin=200)
ADMIN_ONLY = answers(403, anonymous=302, client=302, business_representative=302, admin=200)
METHODOLOGIST_AND_ADMIN = answers(
    403, anonymous=302, client=302, business_representative=302, methodologist=200, admin=200
)

BUSINESS_ONLY = answers(403, anonymous=302, business_representative=302)
BUSINESS_POST_ONLY = answers(403, anonymous=302, business_representative=405)
BUSINESS_BACK_OFFICE = answers(200, anonymous=302, client=302, business_representative=302, operator=403)
REQUIREMENT_DEVELOPERS = answers(403, anonymous=302, methodologist=404, analyst=404, admin=404)

# (URL pattern name or API route, example path, method, expected status per role)
PAGES = [
    ("registry:home", "/", "get", EVERYONE_200),
    ("registry:life_situation", "/situations/retirement/", "get", EVERYONE_200),
    ("registry:need", "/needs/early-pension/", "get", EVERYONE_200),
    ("registry:service", "/services/pension-assign/", "get", EVERYONE_200),
    ("registry:segments", "/segments/", "get", EVERYONE_200),
    ("registry:faq", "/faq/", "get", EVERYONE_200),
    ("registry:search", "/search/?q=пенсия", "get", EVERYONE_200),
    ("registry:open_data", "/open-data/", "get", EVERYONE_200),
    ("registry:open_data_file", "/open-data/registry.json", "get", EVERYONE_200),
    ("registry:open_data_sheet", "/open-data/needs.csv", "get", EVERYONE_200),
    ("accounts:login", "/account/login/", "get", answers(302, anonymous=200)),
    ("accounts:logout", "/account/logout/", "get", answers(405)),
    ("accounts:profile", "/account/", "get", SIGNED_IN),
    ("healthz", "/healthz", "get", EVERYONE_200),
    ("metrics", "/metrics", "get", EVERYONE_200),
    ("set_language", "/i18n/setlang/", "get", answers(302)),
    ("api-docs-redirect", "/api/docs", "get", answers(302)),
    ("admin:index", "/admin/", "get", STAFF_ONLY),
    ("registry_import", "/admin/registry/import/", "get", METHODOLOGIST_AND_ADMIN),
    ("appeals:public_list", "/appeals/", "get", EVERYONE_200),
    ("appeals:new", "/appeals/new/", "get", EVERYONE_200),
    ("appeals:similar", "/appeals/similar/?text=Не+работает+лифт+в+подъезде+дома+5", "get", EVERYONE_200),
    ("appeals:mine", "/appeals/mine/", "get", SIGNED_IN),
    ("appeals:public_detail", "/appeals/{number}/", "get", EVERYONE_200),
    ("appeals:support", "/appeals/{number}/support/", "get", answers(405, anonymous=302)),
    ("appeals:reopen", "/appeals/{number}/reopen/", "get", answers(405, anonymous=302)),
    ("appeals:queue", "/operator/", "get", OPERATOR_AND_ADMIN),
    ("appeals:work", "/operator/appeals/{number}/", "get", OPERATOR_AND_ADMIN),
    ("appeals:record", "/operator/new/", "get", OPERATOR_AND_ADMIN),
    ("appeals:routing", "/operator/routing/", "get", answers(403, anonymous=302, admin=200)),
    ("business:home", "/business/", "get", BUSINESS_ONLY),
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
    ("business:summary", "/business/summary/", "get", EVERYONE_200),
]

BACK_OFFICE = [
    ("registry.lifesituation", "/admin/registry/lifesituation/", STAFF_ONLY),
    ("registry.segment", "/admin/registry/segment/", STAFF_ONLY),
    ("registry.need", "/admin/registry/need/", STAFF_ONLY),
    ("registry.service", "/admin/registry/service/", STAFF_ONLY),
    ("registry.faqentry", "/admin/registry/faqentry/", STAFF_ONLY),
    ("registry.touchpoint", "/admin/registry/touchpoint/", STAFF_ONLY),
    ("accounts.agency", "/admin/accounts/agency/", METHODOLOGIST_AND_ADMIN),
    ("accounts.user", "/admin/accounts/user/", METHODOLOGIST_AND_ADMIN),
    ("accounts.businessclient", "/admin/accounts/businessclient/", METHODOLOGIST_AND_ADMIN),
    ("accounts.representative", "/admin/accounts/representative/", METHODOLOGIST_AND_ADMIN),
    ("core.auditevent", "/admin/core/auditevent/", ADMIN_ONLY),
    ("core.notification", "/admin/core/notification/", ADMIN_ONLY),
    ("appeals.deadlinepolicy", "/admin/appeals/deadlinepolicy/", APPEALS_BACK_OFFICE),
    ("appeals.routingrule", "/admin/appeals/routingrule/", APPEALS_BACK_OFFICE),
    ("appeals.needtopic", "/admin/appeals/needtopic/", APPEALS_BACK_OFFICE),
    ("appeals.appeal", "/admin/appeals/appeal/", APPEALS_BACK_OFFICE),
    ("auth.group", "/admin/auth/group/", ADMIN_ONLY),
    ("business.act", "/admin/business/act/", BUSINESS_BACK_OFFICE),
    ("business.requirement", "/admin/business/requirement/", BUSINESS_BACK_OFFICE),
    ("business.businessprofile", "/admin/business/businessprofile/", BUSINESS_BACK_OFFICE),
    ("business.draft", "/admin/business/draft/", BUSINESS_BACK_OFFICE),
    ("business.agencytoken", "/admin/business/agencytoken/", BUSINESS_BACK_OFFICE),
]
BACK_OFFICE_WRITES = [
    (
        "/admin/registry/need/add/",
        answers(403, anonymous=302, client=302, business_representative=302, methodologist=200, admin=200),
    ),
    ("/admin/accounts/user/add/", ADMIN_ONLY),
    ("/admin/accounts/agency/add/", ADMIN_ONLY),
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
    ("/business/results", "/api/v1/business/results", answers(401)),
    ("/business/dataset", "/api/v1/business/dataset", answers(401)),
    ("/business/drafts/{draft_id}/summary", "/api/v1/business/drafts/1/summary", answers(401)),
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


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_expected(client, registry, appeal, people, role):
    client = _client_for(role, people, client)
    wrong = []
    for template, method, expected in CASES:
        path = template.replace("{number}", appeal.number)
        status = getattr(client, method)(path).status_code
        if status != expected[role]:
            wrong.append(f"{method.upper()} {path}: {status}, expected {expected[role]}")
    assert not wrong, "\n".join(wrong)


def test_a_view_without_an_access_rule_is_denied(rf, db):
    from django.core.exceptions import PermissionDenied

    from clientcentric.core.access import DenyByDefaultMiddleware

    def undeclared(request):
        return None

    request = rf.get("/somewhere/")
    with pytest.raises(PermissionDenied):
        DenyByDefaultMiddleware(lambda r: None).process_view(request, undeclared, (), {})
