"""The project package as an app: its system checks (hartford_bwc.checks)."""

from django.apps import AppConfig


class HartfordBwcConfig(AppConfig):
    name = "hartford_bwc"
    verbose_name = "Hartford BWC"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the checks)
