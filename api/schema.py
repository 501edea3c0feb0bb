"""The OpenAPI schema's error responses: every operation says which errors it can answer, and their shape.

drf-spectacular documents the success response of each view; the errors come from DRF's handlers
(and `views._refused`), the same for every operation, so they are added here once.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
_REFUSAL = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What the rule refused, in words a person can act on."},
        "code": {"type": "string", "description": "A stable code for scripts, e.g. `checked_out`, `bay_taken`."},
    },
    "required": ["detail", "code"],
}
_INVALID = {
    "type": "object",
    "description": "Each field that was refused, with its messages; `detail` when the body could not be read.",
    "additionalProperties": {},
}

NOT_SIGNED_IN = OpenApiResponse(_DETAIL, description="Not signed in (no session, no valid token).")
FORBIDDEN = OpenApiResponse(_DETAIL, description="Signed in, but the role does not allow this.")
NOT_FOUND = OpenApiResponse(_DETAIL, description="No such camera, officer, checkout or flag (or page).")
INVALID = OpenApiResponse(_INVALID, description="The input was refused: see the message for each field.")
REFUSED = OpenApiResponse(_REFUSAL, description="A rule refused the action (the camera's state, a bay taken, ...).")


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = {"400": INVALID, "401": NOT_SIGNED_IN, "403": FORBIDDEN, "404": NOT_FOUND}
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            errors["409"] = REFUSED
        for code, response in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses
