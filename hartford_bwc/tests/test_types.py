"""mypy with django-stubs checks the modules that hold the logic, and CI runs it (issue 12).

`make lint`, which CI's `.ci/run` calls, runs `mypy` over the `files` of pyproject.toml's [tool.mypy]:
every app's services and selectors (a module, or a package of them), the lifecycle, the duty rules
and the records. These tests keep a new app's services, or a selectors module split into a package,
from slipping out of that list unnoticed.
"""

from __future__ import annotations

import glob
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
MYPY = PYPROJECT["tool"]["mypy"]
LOGIC = ("services", "selectors")
ALSO_CHECKED = {"inventory/lifecycle.py", "assignments/duty.py", "hartford_bwc/records.py"}


def _checked_files() -> set[str]:
    """The files mypy reads from its `files` setting, expanded as mypy expands them."""
    checked: set[str] = set()
    for pattern in MYPY["files"]:
        for found in glob.glob(pattern, root_dir=ROOT, recursive=True):
            path = ROOT / found
            paths = path.rglob("*.py") if path.is_dir() else [path]
            checked |= {p.relative_to(ROOT).as_posix() for p in paths}
    return checked


def _logic_modules() -> set[str]:
    """Every services/selectors module of every app: `services.py`, or each module of a `services/` package."""
    found: set[str] = set()
    for app in (p for p in ROOT.iterdir() if (p / "apps.py").exists() or (p / "__init__.py").exists()):
        for name in LOGIC:
            found |= {
                p.relative_to(ROOT).as_posix()
                for p in [*app.rglob(f"{name}.py"), *app.rglob(f"{name}/*.py")]
                if "tests" not in p.parts and "migrations" not in p.parts
            }
    return found


def test_mypy_checks_every_services_and_selectors_module_of_every_app():
    modules = _logic_modules()

    assert {"inventory/services.py", "inventory/flags/selectors.py", "reports/selectors/coverage.py"} <= modules
    assert modules - _checked_files() == set(), "add these to [tool.mypy] files in pyproject.toml"


def test_mypy_checks_the_lifecycle_the_duty_rules_and_the_records():
    assert _checked_files() >= ALSO_CHECKED


def test_mypy_reads_django_through_django_stubs_with_the_test_settings():
    assert "mypy_django_plugin.main" in MYPY["plugins"]
    assert PYPROJECT["tool"]["django-stubs"]["django_settings_module"] == "hartford_bwc.settings_test"


def test_make_lint_runs_mypy_and_ci_runs_make_lint():
    lint = re.search(r"^lint: install\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.MULTILINE)

    assert lint, "Makefile: the lint recipe is gone"
    assert "$(BIN)/mypy" in lint.group(1)
    assert re.search(r"^make lint$", (ROOT / ".ci" / "run").read_text(), re.MULTILINE)
