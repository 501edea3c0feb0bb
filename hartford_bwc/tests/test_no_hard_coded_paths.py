"""No template and no non-test module writes one of the site's own paths as a string.

Links, redirects and emails get their addresses from `reverse()` / `{% url %}`, so a path lives in
one place, the urls modules (docs/contract.md fixes them). Tests, bench/ and scripts/ are left out on
purpose: they are clients, and a client checks the contract's paths as the outside world spells them.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import get_resolver

ROOT = Path(settings.BASE_DIR)
# Outside clients and generated code (see the docstring); .venv is the shared virtualenv.
SKIPPED_DIRS = {"tests", "migrations", "bench", "scripts", "node_modules", "static", "var", "docs"}

# (file, literal) pairs that must stay strings, each with its reason.
ALLOWED = {
    # The whole API section (/api/v1/, /api/schema/, /api/docs/ and any unknown address under it) is
    # told apart before or without URL resolution, for 400/404 in JSON; no single URL name covers it.
    ("api/views.py", "/api/"),
    ("hartford_bwc/middleware.py", "/api/"),
}


def _sections() -> list[str]:
    """The first path segment of every top-level route ("inventory", "kiosk", "healthz", ...)."""
    segments = {str(p.pattern).split("/")[0] for p in get_resolver().url_patterns}
    return sorted(filter(None, segments), key=len, reverse=True)


def _python_pattern() -> re.Pattern:
    return re.compile(rf"/(?:{'|'.join(map(re.escape, _sections()))})(?![\w-])")


def _template_pattern() -> re.Pattern:
    # A quoted path to one of our sections anywhere, or the bare root ("/", the dashboard) as an address.
    sections = "|".join(map(re.escape, _sections()))
    return re.compile(rf"""(["'])(/(?:{sections})(?![\w-])[^"']*)\1|(?:href|action|src)=(["'])(/)\3""")


def _files(suffix: str) -> list[Path]:
    found = []
    for path in sorted(ROOT.rglob(f"*{suffix}")):
        parts = path.relative_to(ROOT).parts
        if parts[0].startswith(".") or SKIPPED_DIRS.intersection(parts[:-1]):
            continue
        if suffix == ".py" and (parts[-1].startswith("test_") or parts[-1] == "conftest.py"):
            continue
        found.append(path)
    return found


def hard_coded_in_python(source: str) -> list[str]:
    """Every string constant (f-string pieces included) that starts with one of our paths."""
    pattern = _python_pattern()
    return [
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and pattern.match(node.value)
    ]


def hard_coded_in_template(source: str) -> list[str]:
    return [match.group(2) or match.group(4) for match in _template_pattern().finditer(source)]


def test_the_detectors_find_the_paths_that_used_to_be_written_by_hand():
    # The shapes this module replaced: an f-string get_absolute_url, a navigation link, the root.
    assert hard_coded_in_python('def u(self):\n    return f"/inventory/cameras/{self.asset_tag}/"') == [
        "/inventory/cameras/"
    ]
    assert hard_coded_in_python('URL = "/kiosks/"\nX = "/healthz"') == ["/kiosks/", "/healthz"]
    assert hard_coded_in_template('<a href="/assignments/officers/">') == ["/assignments/officers/"]
    assert hard_coded_in_template('<a class="brand" href="/">') == ["/"]
    assert hard_coded_in_template("{% if '/reports/' in path %}") == ["/reports/"]


def test_the_detectors_leave_names_unrelated_strings_and_docstrings_prose_alone():
    assert hard_coded_in_python('x = reverse("inventory:camera_list")\ny = s.rstrip("/")') == []
    assert hard_coded_in_python('"""The reference is at /api/docs/."""\nz = "/usr/bin/chromium"') == []
    assert hard_coded_in_template("<a href=\"{% url 'inventory:flags' %}\">") == []
    assert hard_coded_in_template('<img src="{% static \'img/logo.svg\' %}" alt="">') == []
    assert hard_coded_in_template('{# kind ("cameras"/"officers") #}') == []


@pytest.mark.parametrize("path", _files(".py"), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_python_module_hard_codes_one_of_our_paths(path):
    relative = path.relative_to(ROOT).as_posix()
    found = [s for s in hard_coded_in_python(path.read_text()) if (relative, s) not in ALLOWED]
    assert found == [], f"{relative}: use reverse() with the URL's name instead of {found}"


TEMPLATES = [p for p in _files(".html") + _files(".txt") if "templates" in p.relative_to(ROOT).parts]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_hard_codes_one_of_our_paths(path):
    found = hard_coded_in_template(path.read_text())
    assert found == [], f"{path.relative_to(ROOT)}: use {{% url %}} with the URL's name instead of {found}"


def test_the_allow_list_holds_only_strings_still_there():
    # An entry whose string has gone would silently allow it back later.
    for relative, literal in ALLOWED:
        assert literal in hard_coded_in_python((ROOT / relative).read_text()), (relative, literal)
