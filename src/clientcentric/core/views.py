from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from .access import public


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
    return JsonResponse({"status": status, "checks": results}, status=code)


@public
@require_GET
def broker(request):
    """For monitoring and alerts, not for a load balancer: 503 while Redis is unreachable."""
    if not settings.REDIS_URL:
        return JsonResponse({"status": "ok", "checks": {"broker": "in-process (no REDIS_URL)"}})
    results = _run({"broker": _check_broker})
    healthy = results["broker"] == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": results}, status=200 if healthy else 503
    )


# The address deployments already probe answers as readiness.
healthz = ready


@public
@require_GET
def metrics(request):
    return HttpResponse(generate_latest(), content_type=CONTENT_TYPE_LATEST)


set_language = public(django_set_language)
