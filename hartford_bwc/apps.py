"""The project package as an app: its system checks (hartford_bwc.checks) and the `__upper` lookup (anycase)."""

from django.apps import AppConfig


class HartfordBwcConfig(AppConfig):
    name = "hartford_bwc"
    verbose_name = "Hartford BWC"

    def ready(self) -> None:
        from . import anycase, checks  # noqa: F401  (checks registers the checks)

        anycase.register_lookups()
