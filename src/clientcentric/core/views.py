import hmac
import ipaddress
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseNotFound, JsonResponse
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from .access import public
from .api_errors import RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE, error_body
from .error_pages import error_page
from .middleware import api_error_response

API_PREFIX = "/api/"


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_broker() -> str:
    import redis

    # Short timeouts: a probe that waits longer than the load balancer's own timeout reports nothing useful.
    redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=1).ping()
    return "ok"


def _run(checks: dict) -> dict:
    results = {}
    for name, check in checks.items():
        try:
            results[name] = check()
        except Exception as exc:  # a health check reports any failure instead of raising it
            results[name] = f"error: {exc.__class__.__name__}"
    return results


@public
@require_GET
def live(request):
    """The process answers: only a restart helps when this fails. Touches neither the database nor Redis."""
    return JsonResponse({"status": "ok"})


@public
@require_GET
def ready(request):
    """Can this instance serve requests? The database decides (200 or 503). The broker is reported, not required:
    without it notifications wait in the outbox and the scan sends them later, so intake must stay open."""
    checks = {"database": _check_database}
    if settings.REDIS_URL:
        checks["broker"] = _check_broker
    results = _run(checks)
    if results["database"] != "ok":
        status, code = "error", 503
    elif any(value != "ok" for value in results.values()):
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return _with_retry_after(JsonResponse({"status": status, "checks": results}, status=code))


@public
@require_GET
def broker(request):
    """For monitoring and alerts, not for a load balancer: 503 while Redis is unreachable."""
    if not settings.REDIS_URL:
        return JsonResponse({"status": "ok", "checks": {"broker": "in-process (no REDIS_URL)"}})
    results = _run({"broker": _check_broker})
    healthy = results["broker"] == "ok"
    return _with_retry_after(
        JsonResponse(
            {"status": "ok" if healthy else "error", "checks": results}, status=200 if healthy else 503
        )
    )


def _with_retry_after(response):
    if response.status_code == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


# The address deployments already probe answers as readiness.
healthz = ready


@public
@require_GET
def metrics(request):
    if not _may_read_metrics(request):
        # As if there were nothing here: the page's existence is no business of the outside.
        return HttpResponseNotFound()
    return HttpResponse(generate_latest(), content_type=CONTENT_TYPE_LATEST)


def _may_read_metrics(request) -> bool:
    """With a token configured, a bearer of it; without one, only a scraper on this host, not through a proxy."""
    token = settings.CLIENTCENTRIC_METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    # A reverse proxy on the same host connects from loopback too; what it forwards carries its headers.
    if any(header in request.headers for header in ("X-Forwarded-For", "X-Real-Ip", "Forwarded")):
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def server_error(request):
    """handler500: a database that does not answer is a 503 to retry (Russian page or the API's JSON), not a 500.
    Either page is rendered without the request's context processors: they may ask the database that just failed."""
    unavailable = isinstance(sys.exc_info()[1], OperationalError | InterfaceError)
    if request.path.startswith(API_PREFIX):
        if not unavailable:
            return JsonResponse(error_body("server_error", "Internal server error."), status=500)
        response = JsonResponse(
            error_body("unavailable", UNAVAILABLE_MESSAGE),
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if unavailable:
        return error_page(request, 503, retry_after=RETRY_AFTER_SECONDS)
    return error_page(request, 500)


def bad_request(request, exception=None):
    """handler400: a broken session or a disallowed host may be the cause, so the page reads neither."""
    return _api_or_page(request, 400)


def permission_denied(request, exception=None):
    """handler403. A refusal that explains itself to the person (`user_message`, e.g. a representative's missing
    power, accounts.acting.MissingPower) is said on the page."""
    detail = str(getattr(exception, "user_message", "") or "")
    if detail and not request.path.startswith(API_PREFIX):
        return error_page(request, 403, detail=detail, detail_link=getattr(exception, "user_link", None))
    return _api_or_page(request, 403)


def page_not_found(request, exception=None):
    """handler404."""
    return _api_or_page(request, 404)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the form was not accepted; said in plain words, never Django's technical reason."""
    if request.path.startswith(API_PREFIX):
        return api_error_response(
            403, "CSRF check failed: send the X-CSRFToken header with a signed-in session."
        )
    return error_page(request, 403, reason="csrf")


def _api_or_page(request, status: int):
    if request.path.startswith(API_PREFIX):
        return api_error_response(status)
    return error_page(request, status)


set_language = public(django_set_language)
