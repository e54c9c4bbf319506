"""Error pages: every refused or failed page request answers a Russian page in the site's layout with a way back.

Two ways to render. With the request's context processors (the signed-in user's menu) when the failure leaves the
session and the database usable: 403, 404, 405, 429, a CSRF failure. Without them when it may not: 400 (a broken
session, a disallowed host), 500 and 503 (the database or a context processor may be what failed). Under /api/ the
callers answer the JSON error shape instead (`core.api_errors`, `core.middleware.ErrorShapeMiddleware`).
"""

import math
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.template.context_processors import csrf

TEMPLATE = "core/error.html"

# Statuses whose page is rendered without context processors: what failed may be what they read.
SAFE_STATUSES = frozenset({400, 500, 503})


def same_site_referer(request: HttpRequest) -> str | None:
    """The page the visitor came from, as a path on this site; never a link to another site."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer:
        return None
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    parts = urlsplit(referer)
    if parts.netloc and parts.netloc != host:
        return None
    if not parts.path.startswith("/") or parts.path == request.path:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def error_page(
    request: HttpRequest,
    status: int,
    *,
    reason: str = "",
    retry_after: int | None = None,
    detail: str = "",
    detail_link: tuple[str, str] | None = None,
) -> HttpResponse:
    context = {
        "status": status,
        "reason": reason,
        "detail": detail,
        "detail_link": detail_link,
        "retry_after": retry_after,
        "minutes": math.ceil(retry_after / 60) if retry_after else None,
        "back": same_site_referer(request),
        "region_name": settings.CLIENTCENTRIC_REGION_NAME,
        "request": request,
    }
    template = loader.get_template(TEMPLATE)
    if status in SAFE_STATUSES:
        # No `user` (the session would be read), no messages, no other context processor; the CSRF token comes
        # from the cookie, so the language switch still works.
        page = template.render({**context, **csrf(request), "plain": True})
    else:
        page = template.render(context, request)
    response = HttpResponse(page, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response
