"""System checks for the project's own conventions."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core import checks


def _ours(app_config) -> bool:
    # The project's apps live in the repository; installed libraries (django.contrib, axes, ...) do not.
    path = Path(app_config.path).resolve()
    return path.is_relative_to(Path(settings.BASE_DIR).resolve()) and "site-packages" not in path.parts


@checks.register(checks.Tags.admin)
def admins_use_allow_lists(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Every admin of our models is an AllowListModelAdmin, and names only fields its model has."""
    from django.contrib import admin

    from .admin import AllowListModelAdmin, model_form_fields

    errors = []
    for model, model_admin in admin.site._registry.items():
        if not _ours(model._meta.app_config):
            continue
        if not isinstance(model_admin, AllowListModelAdmin):
            errors.append(
                checks.Error(
                    f"The admin of {model._meta.label} ({type(model_admin).__name__}) does not use AllowListModelAdmin.",
                    hint="Subclass hartford_bwc.admin.AllowListModelAdmin (or audit.admin.AuditedModelAdmin) and "
                    "name the fields a person may edit in editable_fields.",
                    obj=type(model_admin),
                    id="hartford_bwc.E001",
                )
            )
            continue
        known = set(model_form_fields(model))
        for name in model_admin.editable_fields:
            if name not in known:
                errors.append(
                    checks.Error(
                        f"{type(model_admin).__name__} allows editing '{name}', which is not an editable field of {model._meta.label}.",
                        obj=type(model_admin),
                        id="hartford_bwc.E002",
                    )
                )
    return errors
