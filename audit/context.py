"""Context for audit events written by model signals (audit.signals): who acts, and whether the
caller writes its own event."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from .actor import Actor

current_request: ContextVar[Any] = ContextVar("audit_current_request", default=None)
_recorded_by_caller: ContextVar[bool] = ContextVar("audit_recorded_by_caller", default=False)


def current_actor() -> Actor:
    """The signed-in user of the current request, or "system" (a command, the shell, a task)."""
    request = current_request.get()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return Actor.from_request(request)
    return Actor.system_process("system")


@contextmanager
def recorded_by_caller() -> Iterator[None]:
    """Inside this block the caller (a service) records its own, richer event; the signals stay silent."""
    token = _recorded_by_caller.set(True)
    try:
        yield
    finally:
        _recorded_by_caller.reset(token)


def signals_silenced() -> bool:
    return _recorded_by_caller.get()
