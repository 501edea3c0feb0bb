"""The camera list's cached model and unit menus are forgotten when a camera model or a unit changes,
however it changes (the admin, an import, the shell)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from assignments.models import Unit

from .models import CameraModel
from .selectors.cameras import forget_filter_choices


def _forget_models(**kwargs) -> None:
    forget_filter_choices("model")


def _forget_units(**kwargs) -> None:
    forget_filter_choices("unit")


for _signal in (post_save, post_delete):
    _signal.connect(_forget_models, sender=CameraModel, dispatch_uid="inventory-model-menu")
    _signal.connect(_forget_units, sender=Unit, dispatch_uid="inventory-unit-menu")
