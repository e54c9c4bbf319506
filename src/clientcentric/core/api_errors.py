"""The API's one error shape (DESIGN.md §6): {"error": code, "message": text, "details": [...]}."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig, ValidationError
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from clientcentric.core.services.rate_limit import RateLimited

# Seconds a client is asked to wait when the database does not answer: about one connect timeout and a restart.
RETRY_AFTER_SECONDS = 5
UNAVAILABLE_MESSAGE = "The service is temporarily unavailable; retry later."


def error_body(code: str, message: str, details: list | None = None) -> dict:
    return {"error": code, "message": message, "details": details or []}


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def invalid_request(request, exc):
        details = [
            {
                "location": ".".join(str(p) for p in e.get("loc", [])),
                "message": e.get("msg", ""),
                "type": e.get("type", ""),
            }
            for e in exc.errors
        ]
        return api.create_response(
            request, error_body("invalid_request", "The request is not valid.", details), status=422
        )

    @api.exception_handler(ValidationError)
    def invalid_data(request, exc):
        details = (
            [{"field": f, "message": m} for f, ms in exc.message_dict.items() for m in ms]
            if hasattr(exc, "error_dict")
            else [{"message": m} for m in exc.messages]
        )
        return api.create_response(
            request, error_body("invalid_data", "The data is not valid.", details), status=422
        )

    @api.exception_handler(Http404)
    @api.exception_handler(ObjectDoesNotExist)
    def not_found(request, exc):
        return api.create_response(request, error_body("not_found", "Not found."), status=404)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(request, error_body("unauthenticated", "Sign in first."), status=401)

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return api.create_response(request, error_body("forbidden", "Not allowed."), status=403)

    @api.exception_handler(RequestDataTooBig)
    def too_large(request, exc):
        return api.create_response(
            request,
            error_body("too_large", "The request body is too large.", [{"message": str(exc)}]),
            status=413,
        )

    @api.exception_handler(OperationalError)
    @api.exception_handler(InterfaceError)
    def database_unavailable(request, exc):
        response = api.create_response(
            request,
            error_body("unavailable", UNAVAILABLE_MESSAGE),
            status=503,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @api.exception_handler(RateLimited)
    def too_many_requests(request, exc):
        response = api.create_response(
            request,
            error_body("too_many_requests", "Too many requests; retry after Retry-After seconds."),
            status=429,
        )
        response["Retry-After"] = str(exc.retry_after)
        return response

    # A number past 64 bits, a date past the calendar once moved to UTC, text the database cannot encode:
    # the caller's mistake, not a server error.
    @api.exception_handler(OverflowError)
    @api.exception_handler(DataError)
    @api.exception_handler(UnicodeError)
    def out_of_range(request, exc):
        return api.create_response(
            request,
            error_body(
                "invalid_request",
                "The request is not valid.",
                [{"message": "A value is out of range or is not valid text."}],
            ),
            status=422,
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        codes = {
            400: "bad_request",
            401: "unauthenticated",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
            409: "conflict",
            422: "invalid_request",
            428: "precondition_required",
        }
        return api.create_response(
            request, error_body(codes.get(exc.status_code, "error"), str(exc)), status=exc.status_code
        )
