"""Request counters and latency for Prometheus."""

import json
import logging
import time

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, JsonResponse
from prometheus_client import Counter, Histogram

from clientcentric.core.error_pages import error_page
from clientcentric.core.services.rate_limit import RateLimited

logger = logging.getLogger(__name__)

REQUESTS = Counter("clientcentric_http_requests_total", "HTTP requests", ["method", "status"])
LATENCY = Histogram("clientcentric_http_request_seconds", "HTTP request latency in seconds", ["method"])


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        LATENCY.labels(request.method).observe(time.perf_counter() - started)
        REQUESTS.labels(request.method, str(response.status_code)).inc()
        return response


# A request line longer than this is refused before routing (gunicorn's own limit is about 4 KB; this holds
# for any server in front).
MAX_URL_LENGTH = 8192

_API_PREFIX = "/api/"
_ERROR_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    414: "uri_too_long",
    422: "invalid_request",
    429: "too_many_requests",
    500: "server_error",
}
_ERROR_MESSAGES = {
    400: "The request cannot be understood.",
    403: "Not allowed.",
    404: "Not found.",
    405: "The method is not allowed here.",
    413: "The request body is too large.",
    414: "The request URL is too long.",
    500: "Server error; it has been logged.",
    503: "The service is temporarily unavailable; retry later.",
}
# A page that answers one of these with no body of its own (Django's `require_POST` 405, a bare
# `HttpResponseNotFound()`…) gets the Russian error page instead.
_PAGE_STATUSES = frozenset({400, 403, 404, 405, 429, 500, 503})


def _is_api(request) -> bool:
    return request.path.startswith(_API_PREFIX)


def api_error_response(status: int, message: str | None = None, details: list | None = None) -> JsonResponse:
    body = {
        "error": _ERROR_CODES.get(status, "error"),
        "message": message or _ERROR_MESSAGES.get(status, "Error."),
        "details": details or [],
    }
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def bad_text_location(request) -> str | None:
    """Where the request carries text no service can store: NUL, or a lone surrogate (JSON `\\ud800`)."""
    if "\x00" in request.path:
        return "path"
    for name, values in request.GET.lists():
        if any(_bad_text(v) for v in [name, *values]):
            return f"query.{name}" if not _bad_text(name) else "query"
    return None


def _bad_text(value: str) -> bool:
    return "\x00" in value or any(0xD800 <= ord(c) <= 0xDFFF for c in value)


def _bad_json(value) -> bool:
    if isinstance(value, str):
        return _bad_text(value)
    if isinstance(value, dict):
        return any(_bad_text(k) or _bad_json(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_bad_json(v) for v in value)
    return False


def _bad_body(request) -> bool:
    # Only an escape can put NUL or a surrogate into JSON text; most bodies have none and are not parsed twice.
    if request.content_type != "application/json" or int(request.META.get("CONTENT_LENGTH") or 0) == 0:
        return False
    try:
        raw = request.body
    except RequestDataTooBig:
        return False  # the view's own handler answers 413
    if b"\\u" not in raw and b"\\U" not in raw:
        return False
    try:
        return _bad_json(json.loads(raw))
    except ValueError:
        return False  # not JSON: the API's parser answers


class ErrorShapeMiddleware:
    """Under /api/ every error is the API's JSON shape (404, 405, 413, 414, 429, 500 included); text that no
    database can store (NUL, lone surrogates) is refused up front with 422 there and 400 on pages; a refused
    rate limit is 429 with Retry-After — JSON under /api/, a Russian page elsewhere. On pages, an error answered
    with an empty body (a 405 from `require_POST`) becomes the Russian error page, its headers kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = _is_api(request)
        if len(request.get_full_path()) > MAX_URL_LENGTH:
            return api_error_response(414) if api else _page(request, 414)
        bad = bad_text_location(request) or (api and _bad_body(request) and "body")
        if bad:
            if api:
                return api_error_response(
                    422,
                    "The request is not valid.",
                    [{"location": bad, "message": "NUL characters and lone surrogates are not allowed."}],
                )
            return _page(request, 400, reason="bad_text")
        response = self.get_response(request)
        if not api and _bare_error(response):
            page = _page(request, response.status_code)
            for header in ("Allow", "Retry-After"):
                if header in response:
                    page[header] = response[header]
            return page
        if (
            api
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            shaped = api_error_response(response.status_code)
            for header in ("Allow", "Retry-After"):
                if header in response:
                    shaped[header] = response[header]
            return shaped
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, RateLimited):
            if _is_api(request):
                response = api_error_response(429, "Too many requests; retry after Retry-After seconds.")
            else:
                response = _page(request, 429, retry_after=exception.retry_after)
            response["Retry-After"] = str(exception.retry_after)
            return response
        if _is_api(request) and not isinstance(exception, Http404 | PermissionDenied):
            logger.error("api.unhandled_error", exc_info=exception, extra={"path": request.path})
            return api_error_response(500)
        return None


def _bare_error(response) -> bool:
    return (
        response.status_code in _PAGE_STATUSES
        and not response.streaming
        and not response.content.strip()
        and response.get("Content-Type", "").startswith("text/html")
    )


def _page(request, status: int, reason: str = "", retry_after: int | None = None):
    return error_page(request, status, reason=reason, retry_after=retry_after)
