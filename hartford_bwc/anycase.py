"""Identifiers that are one whatever their case: asset tags, serial numbers, badge numbers.

A label printed HPD-BWC-0412 may be typed or scanned as hpd-bwc-0412; a kiosk normalises a badge to
upper case. The database holds a unique index on UPPER(column) for each such identifier, and lookups
write `field__upper=VALUE.upper()` (or `__upper__in`), which is that same expression, so the index
answers them on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Count
from django.db.models.functions import Upper


def register_lookups() -> None:
    """Let every CharField be filtered by its upper-case form: `asset_tag__upper=...` (AppConfig.ready)."""
    models.CharField.register_lookup(Upper)


def refuse_case_duplicates(model: type[models.Model], fields: Iterable[str], what: str, shown: str) -> None:
    """Fail a migration, naming the rows, when a field holds values that differ only in case.

    The unique index on UPPER(field) cannot be built over them; someone has to decide which record keeps
    the identifier (rename the other) before the migration runs again. `shown` names each row.
    """
    problems = []
    for field in fields:
        keyed = model._default_manager.annotate(key=Upper(field))
        clashes = keyed.values("key").annotate(rows=Count("pk")).filter(rows__gt=1).values_list("key", flat=True)
        for key in sorted(clashes):
            rows = keyed.filter(key=key).order_by("pk").values_list(shown, field)
            listed = "; ".join(f"{name} has {value!r}" for name, value in rows)
            problems.append(f"{field.replace('_', ' ')} {key}: {listed}")
    if problems:
        raise RuntimeError(
            f"Cannot make {what} unique whatever their case: these differ only in case. Rename all but one "
            "of each (in the console), then migrate again.\n  " + "\n  ".join(problems)
        )
