"""Assert that the database itself (not Python) refused a write, and which rule refused it."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import IntegrityError, connection, transaction


@contextmanager
def violates(rule: str, *, sqlite: str | None = None):
    """The block must fail with an IntegrityError that names `rule`.

    PostgreSQL names every constraint; SQLite names CHECK constraints but reports a unique
    index by its columns, so `sqlite` gives the text to expect there.
    """
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        yield
    expected = rule if connection.vendor == "postgresql" or sqlite is None else sqlite
    assert expected in str(caught.value), f"expected {expected!r} in {caught.value!r}"
