"""The kiosk's browser proves it is an enrolled kiosk with a signed, HttpOnly cookie.

The cookie holds "<kiosk id>:<secret>", signed with the project's SECRET_KEY; the database holds only
the secret's SHA-256, so neither a stolen database nor a forged cookie opens a kiosk.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare

from .models import Kiosk

COOKIE_NAME = "bwc_kiosk"
COOKIE_SALT = "kiosk.device"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def set_device_cookie(response: HttpResponse, kiosk: Kiosk, secret: str) -> None:
    response.set_signed_cookie(
        COOKIE_NAME,
        f"{kiosk.pk}:{secret}",
        salt=COOKIE_SALT,
        max_age=settings.KIOSK_DEVICE_COOKIE_DAYS * 24 * 3600,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


def _cookie_parts(request: HttpRequest) -> tuple[int, str] | None:
    value = request.get_signed_cookie(COOKIE_NAME, default=None, salt=COOKIE_SALT)
    if not value:
        return None
    kiosk_id, _, secret = value.partition(":")
    if not kiosk_id.isdigit() or not secret:
        return None
    return int(kiosk_id), secret


def has_device_cookie(request: HttpRequest) -> bool:
    return COOKIE_NAME in request.COOKIES


def kiosk_for_request(request: HttpRequest) -> Kiosk | None:
    """The enrolled, unrevoked kiosk this browser belongs to, or None. One query, cached on the request."""
    if hasattr(request, "_kiosk_device"):
        return request._kiosk_device
    kiosk = None
    parts = _cookie_parts(request)
    if parts is not None:
        kiosk_id, secret = parts
        candidate = Kiosk.objects.unrevoked().filter(pk=kiosk_id).first()
        if (
            candidate is not None
            and candidate.secret_hash
            and constant_time_compare(candidate.secret_hash, digest(secret))
        ):
            kiosk = candidate
    request._kiosk_device = kiosk
    return kiosk
