"""The API's one exception handler: every error is an RFC 9457 problem (`application/problem+json`).

A service's refusal is mapped here, once, instead of in each view: `InvalidInput` (what was asked can
never be done) is 422, any other `DomainError` (the state refuses it now) is 409. DRF's own errors keep
their status, 400 for a body or query that does not match the schema among them, and take the same
shape, so a client reads `status`, `code` and `detail` whatever went wrong.
"""

from __future__ import annotations

from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler, set_rollback

from hartford_bwc.errors import DomainError, InvalidInput

PROBLEM_JSON = "application/problem+json"


def problem(*, status_code: int, detail: str, code: str, **extra) -> dict:
    """The body of one problem. `type` is about:blank: the status and `code` say all there is."""
    return {
        "type": "about:blank",
        "title": HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": detail,
        "code": code,
        **extra,
    }


def problem_response(*, status_code: int, detail: str, code: str) -> JsonResponse:
    """A problem answered outside DRF (Django's own 400 and 404 under /api/)."""
    return JsonResponse(
        problem(status_code=status_code, detail=detail, code=code), status=status_code, content_type=PROBLEM_JSON
    )


def problem_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        status_code = 422 if isinstance(exc, InvalidInput) else 409
        response = Response(problem(status_code=status_code, detail=exc.message, code=exc.code), status=status_code)
    elif isinstance(exc, DjangoValidationError):
        # A model's full_clean reached from a service: the input, not the state, is wrong.
        detail = " ".join(exc.messages)
        response = Response(problem(status_code=422, detail=detail, code=exc.code or "invalid"), status=422)
    else:
        # As DRF's own handler does, so the problem's detail is the exception's message.
        if isinstance(exc, Http404):
            exc = exceptions.NotFound(*exc.args)
        elif isinstance(exc, PermissionDenied):
            exc = exceptions.PermissionDenied(*exc.args)
        # DRF's handler sets WWW-Authenticate and Retry-After and rolls the transaction back; only
        # the body is reshaped here.
        response = exception_handler(exc, context)
        if response is None:
            return None  # a bug: Django's 500, never a problem that hides it
        response.data = _problem_from_drf(exc, response.status_code)
    if isinstance(exc, (DomainError, DjangoValidationError)):
        set_rollback()
    request = context.get("request")
    renderer = getattr(request, "accepted_renderer", None)
    # The browsable API keeps its HTML page; JSON (and DRF's fallback when negotiation itself
    # failed, which is JSON) is labelled as a problem.
    if renderer is None or renderer.format == "json":
        response.content_type = PROBLEM_JSON
    return response


def _problem_from_drf(exc: exceptions.APIException, status_code: int) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {api_settings.NON_FIELD_ERRORS_KEY: exc.detail}
        return problem(
            status_code=status_code,
            detail="The input was refused: see the message for each field.",
            code="invalid",
            errors=errors,
        )
    codes = exc.get_codes()
    return problem(status_code=status_code, detail=str(exc.detail), code=codes if isinstance(codes, str) else "error")
