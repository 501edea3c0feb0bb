from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        # Checked here, not in settings.py, so that a settings module importing the base one (tests)
        # can still set the key after DEBUG is decided.
        if not settings.DEBUG and not getattr(settings, "AUDIT_HMAC_KEY", ""):
            raise ImproperlyConfigured(
                "AUDIT_HMAC_KEY must be set when DEBUG is off: it keys the audit trail's hash chain. "
                "Generate one with `python -c 'import secrets; print(secrets.token_hex(32))'` and keep it "
                "outside the database (environment or secrets manager)."
            )
        from . import signals  # noqa: F401  (connects the receivers that audit users, groups, tokens, ...)
