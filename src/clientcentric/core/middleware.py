"""Request counters and latency for Prometheus."""

import time

from prometheus_client import Counter, Histogram

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
