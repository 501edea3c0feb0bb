"""Refusals are mapped once: the console's helpers (hartford_bwc.refusals) and the API's handler.

The guard reads every view module's source: a view that catches DomainError itself would map a
refusal by hand again, with its own message or status, so it fails here and names the line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from hartford_bwc.errors import DomainError, InvalidInput
from hartford_bwc.refusals import attempt, run_action

ROOT = Path(__file__).resolve().parents[2]
REFUSAL_TYPES = {"DomainError", "InvalidInput", "ImportRefused"}


def view_modules() -> list[Path]:
    """Views, the admin and the API: every module that answers a request."""
    found = []
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0].startswith(".") or "tests" in parts or "migrations" in parts:
            continue
        if (
            path.name in ("views.py", "admin.py")
            or path.name.endswith("_views.py")
            or "views" in parts[:-1]
            or parts[0] == "api"
        ):
            found.append(path)
    return sorted(found)


def catches_refusals(source: str) -> list[int]:
    """Line numbers of `except` clauses that name a refusal type, alone or in a tuple."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ExceptHandler) or node.type is None:
            continue
        names = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
        for name in names:
            named = name.id if isinstance(name, ast.Name) else getattr(name, "attr", "")
            if named in REFUSAL_TYPES:
                lines.append(node.lineno)
    return lines


def test_the_guard_sees_every_kind_of_view_module():
    names = {str(path.relative_to(ROOT)) for path in view_modules()}
    assert {
        "assignments/views/officers.py",
        "assignments/views/duty.py",
        "inventory/views/actions.py",
        "inventory/flags/views.py",
        "kiosk/views/staff.py",
        "inventory/admin.py",
        "api/views.py",
    } <= names


@pytest.mark.parametrize(
    "source",
    [
        "try:\n    f()\nexcept DomainError as error:\n    pass\n",
        "try:\n    f()\nexcept (ValueError, errors.DomainError):\n    pass\n",
        "try:\n    f()\nexcept InvalidInput:\n    pass\n",
    ],
)
def test_the_guard_finds_a_hand_written_catch(source):
    assert catches_refusals(source)


def test_no_view_module_catches_a_refusal_by_hand():
    caught = {
        f"{path.relative_to(ROOT)}:{line}"
        for path in view_modules()
        for line in catches_refusals(path.read_text(encoding="utf-8"))
    }
    assert not caught, "use hartford_bwc.refusals (console) or let api.exception_handlers answer (API)"


def raises_refusals(source: str) -> list[int]:
    """Line numbers of `raise` statements that make a refusal: deciding one is a service's job."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            func = node.exc.func
            named = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if named in REFUSAL_TYPES:
                lines.append(node.lineno)
    return lines


def test_the_guard_finds_a_refusal_raised_in_a_view():
    assert raises_refusals("raise DomainError('HPD-BWC-0412 has no open maintenance record.', code='x')\n")


def test_no_view_module_raises_a_refusal_itself():
    raised = {
        f"{path.relative_to(ROOT)}:{line}"
        for path in view_modules()
        for line in raises_refusals(path.read_text(encoding="utf-8"))
    }
    assert not raised, "a refusal is a service's decision: move the check into the service the view calls"


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _refuse():
    raise InvalidInput("A PIN has at least 6 digits.", code="pin_too_short")


def test_attempt_hands_back_the_result_or_the_refusal():
    assert attempt(lambda: 42).result == 42 and not attempt(lambda: 42).refused
    refused = attempt(_refuse)
    assert refused.refused and refused.result is None
    assert (refused.refusal.message, refused.refusal.code) == ("A PIN has at least 6 digits.", "pin_too_short")


def test_attempt_lets_a_bug_through():
    with pytest.raises(ZeroDivisionError):
        attempt(lambda: 1 / 0)


def test_run_action_redirects_with_the_success_message_made_from_the_result():
    request = _request()
    response = run_action(
        request, lambda: "HPD-BWC-0412", success_message=lambda tag: f"{tag} done.", redirect_to="/x/"
    )
    assert (response.status_code, response["Location"]) == (302, "/x/")
    assert [(m.level_tag, m.message) for m in get_messages(request)] == [("success", "HPD-BWC-0412 done.")]


def test_run_action_redirects_with_the_refusal_as_the_error_message():
    request = _request()

    def refuse():
        raise DomainError("HPD-BWC-0412 is already retired.")

    response = run_action(request, refuse, success_message="Retired.", redirect_to="/x/")
    assert (response.status_code, response["Location"]) == (302, "/x/")
    assert [(m.level_tag, m.message) for m in get_messages(request)] == [("error", "HPD-BWC-0412 is already retired.")]
