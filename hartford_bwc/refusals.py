"""How a console view runs a service: a refusal (DomainError) becomes the message the person reads.

Every console view used to catch DomainError itself; these two helpers are the only place that does.
`run_action` is the common case (a POST that ends in a redirect with a success or an error message);
`attempt` is for the views that show a refusal some other way (a form error, the page re-rendered
with the typed input, a kiosk screen): it hands back the result or the refusal, never raises one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from hartford_bwc.errors import DomainError

T = TypeVar("T")


@dataclass(frozen=True)
class Attempt(Generic[T]):
    """What a service call came to: its result, or the refusal a person reads (`refusal.message`)."""

    result: T | None = None
    refusal: DomainError | None = None

    @property
    def refused(self) -> bool:
        return self.refusal is not None


def attempt(service: Callable[[], T]) -> Attempt[T]:
    """Call `service`; a DomainError is returned as the refusal instead of raised (the service has
    rolled its transaction back). Any other exception is a bug and propagates."""
    try:
        return Attempt(result=service())
    except DomainError as error:
        return Attempt(refusal=error)


def run_action(
    request: HttpRequest,
    service: Callable[[], T],
    *,
    success_message: str | Callable[[T], str],
    redirect_to: Any,
) -> HttpResponse:
    """Call `service` and redirect to `redirect_to` (a URL name, URL or model, as `redirect` takes),
    with `success_message` (or a function of the result that makes it) or the refusal as the message."""
    outcome = attempt(service)
    if outcome.refused:
        messages.error(request, outcome.refusal.message)
    else:
        text = success_message(outcome.result) if callable(success_message) else success_message
        messages.success(request, text)
    return redirect(redirect_to)
