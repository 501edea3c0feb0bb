"""The hasher for kiosk PINs.

A six-digit PIN has a million values, so hash cost cannot protect it offline; the per-badge
lock-out does that. A lighter PBKDF2 keeps kiosk sign-in well under 100 ms.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class KioskPinHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_sha256_pin"
    iterations = 60_000
