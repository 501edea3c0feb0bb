"""Random kiosk PINs for a reset: drawn with `secrets`, always valid by assignments.services.validate_pin."""

from __future__ import annotations

import secrets
import string

from django.conf import settings

from hartford_bwc.errors import DomainError

from .services import validate_pin


def generate_pin() -> str:
    """A random PIN of the department's minimum length that is neither repeated digits nor a sequence."""
    while True:
        pin = "".join(secrets.choice(string.digits) for _ in range(settings.KIOSK_PIN_MIN_DIGITS))
        try:
            validate_pin(pin)
        except DomainError:
            continue
        return pin
