"""The OpenAPI schema's error responses: every operation says which errors it can answer, and their shape.

drf-spectacular documents the success response of each view; the errors all come from one handler
(`api.exception_handlers`) as RFC 9457 problems, the same for every operation, so they are added here
once, under one `Problem` component.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiResponse

from .exception_handlers import PROBLEM_JSON

PROBLEM = {
    "type": "object",
    "description": "An RFC 9457 problem (`application/problem+json`).",
    "properties": {
        "type": {"type": "string", "description": "`about:blank`: the status and `code` say what went wrong."},
        "title": {"type": "string", "description": "The HTTP status in words."},
        "status": {"type": "integer", "description": "The HTTP status code, repeated."},
        "detail": {"type": "string", "description": "What was refused, in words a person can act on."},
        "code": {
            "type": "string",
            "description": "A stable code for scripts: `not_found`, `invalid`, `checked_out`, `bay_taken`, `bad_bay`, ...",
        },
        "errors": {
            "type": "object",
            "description": "With 400 `invalid`: each field that was refused, with its messages.",
            "additionalProperties": {},
        },
    },
    "required": ["type", "title", "status", "detail", "code"],
}

_DESCRIPTIONS = {
    "400": "The request does not match this schema (a field, a query parameter, a body that is not JSON).",
    "401": "Not signed in (no session, no valid token).",
    "403": "Signed in, but the role does not allow this.",
    "404": "No such camera, officer, checkout, flag or dock (or page).",
    "409": "The camera's state refuses the action now (checked out, bay taken, ...).",
    "422": "The input is well formed but can never be done (a bay the dock lacks, a damage not described, ...).",
}


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["400", "401", "403", "404"]
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            codes += ["409", "422"]
        component = ResolvedComponent(name="Problem", type=ResolvedComponent.SCHEMA, object="Problem", schema=PROBLEM)
        self.registry.register_on_missing(component)
        for code in codes:
            if code not in responses:
                response = OpenApiResponse(component.ref, description=_DESCRIPTIONS[code])
                responses[code] = self._get_response_for_code(
                    response, code, media_types=[PROBLEM_JSON], direction=direction
                )
        return responses
