"""The README's configuration table names every environment variable hartford_bwc/settings.py reads.

An operator learns what can be set from that table alone, so a setting added without its row is a
setting nobody will find. settings.py is parsed (ast), not imported: what counts is every read written
in the file, whichever branch (DEBUG on or off, SQLite or PostgreSQL) a run happens to take.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "hartford_bwc" / "settings.py"
README = ROOT / "README.md"
CONFIGURATION_HEADING = "### Configuration"


def env_reads(source: str) -> dict[str, int]:
    """Each variable the source reads from the environment, with the line of its first read.

    Reads are calls on a django-environ `Env` instance (`env("X")`, `env.int("X")`, `env.db("X")`, ...)
    and `os.environ.get("X")`, `os.environ["X"]`, `os.getenv("X")`. A read whose name is not a
    string literal cannot be checked, so it is an error rather than silently skipped.
    """
    tree = ast.parse(source)
    env_names = {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and _is_env_constructor(node.value)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    reads: dict[str, int] = {}
    for node in ast.walk(tree):
        name_node = None
        if isinstance(node, ast.Call) and _reads_env(node.func, env_names):
            name_node = node.args[0] if node.args else _keyword(node, "var")
        elif isinstance(node, ast.Subscript) and _is_os_environ(node.value):
            name_node = node.slice
        else:
            continue
        if not (isinstance(name_node, ast.Constant) and isinstance(name_node.value, str)):
            raise AssertionError(f"settings.py line {node.lineno}: an environment read whose name is not a literal")
        reads.setdefault(name_node.value, node.lineno)
    return reads


def _is_env_constructor(value: ast.expr) -> bool:
    # environ.Env(...) or Env(...)
    return isinstance(value, ast.Call) and (
        (isinstance(value.func, ast.Attribute) and value.func.attr == "Env")
        or (isinstance(value.func, ast.Name) and value.func.id == "Env")
    )


def _reads_env(func: ast.expr, env_names: set[str]) -> bool:
    if isinstance(func, ast.Name):  # env("X")
        return func.id in env_names or func.id == "getenv"
    if not isinstance(func, ast.Attribute):
        return False
    if isinstance(func.value, ast.Name) and func.value.id in env_names:  # env.int("X"), env.db("X"), ...
        return func.attr != "read_env"
    if func.attr == "getenv" and isinstance(func.value, ast.Name) and func.value.id == "os":
        return True
    return func.attr in ("get", "setdefault", "pop") and _is_os_environ(func.value)


def _is_os_environ(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ" and isinstance(node.value, ast.Name)


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((kw.value for kw in call.keywords if kw.arg == name), None)


def readme_configuration_variables(readme: str) -> set[str]:
    """The backticked names in the first column of the table under the Configuration heading.

    A row may name several related variables (`A` / `B`, or `A`, `B`).
    """
    lines = readme.splitlines()
    start = lines.index(CONFIGURATION_HEADING)
    names: set[str] = set()
    in_table = False
    for line in lines[start + 1 :]:
        if line.startswith("|"):
            in_table = True
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", first_cell))
        elif in_table or line.startswith("#"):
            break
    return names


def test_every_environment_variable_settings_reads_has_a_row_in_the_readme():
    reads = env_reads(SETTINGS.read_text())
    documented = readme_configuration_variables(README.read_text())

    missing = {name: line for name, line in reads.items() if name not in documented}

    assert not missing, (
        f"README.md's {CONFIGURATION_HEADING} table has no row for: "
        + ", ".join(f"{name} (settings.py line {line})" for name, line in sorted(missing.items()))
        + ". Add each with its default and what it means."
    )


def test_every_row_of_the_readme_table_is_a_variable_settings_reads():
    # A row left behind after its setting was renamed or removed sends operators after nothing.
    reads = env_reads(SETTINGS.read_text())
    documented = readme_configuration_variables(README.read_text())

    assert documented - set(reads) == set()


@pytest.mark.parametrize(
    "source, expected",
    [
        ('env = environ.Env()\nA = env("A", default="x")', {"A"}),
        ('env = environ.Env()\nB = env.int("B", default=1)\nC = env.bool(var="C")', {"B", "C"}),
        (
            'env = environ.Env()\nD = env.list("D")\nE = env.path("E")\nF = env.float("F")\n'
            'G = env.cache_url("G")\nH = env.db("H", default="sqlite://")',
            {"D", "E", "F", "G", "H"},
        ),
        ('import os\nI = os.environ.get("I")\nJ = os.environ["J"]\nK = os.getenv("K")', {"I", "J", "K"}),
        ('env = environ.Env()\nenviron.Env.read_env(BASE_DIR / ".env")\nL = other("L")', set()),
        # Reads inside functions and conditionals count too: the file is read, not run.
        ('env = environ.Env()\ndef f():\n    return env.int("M")\nif X:\n    N = env("N")', {"M", "N"}),
    ],
)
def test_every_kind_of_environment_read_is_found(source, expected):
    assert set(env_reads(source)) == expected


def test_a_read_whose_name_is_computed_is_an_error_not_a_silent_skip():
    with pytest.raises(AssertionError, match="line 2"):
        env_reads("env = environ.Env()\nA = env.int(PREFIX + 'A')")


def test_the_table_is_read_from_the_configuration_section_only():
    readme = (
        "## Other\n\n| `NOT_THIS` | 1 | x |\n\n"
        f"{CONFIGURATION_HEADING}\n\nText.\n\n| variable | default | meaning |\n| --- | --- | --- |\n"
        "| `A` / `B_C` | 1 / 2 | x with `NOT_A_NAME_COLUMN` |\n| `D`, `E` | x | y |\n\n"
        "| `AFTER_THE_TABLE` | 1 | x |\n"
    )

    assert readme_configuration_variables(readme) == {"A", "B_C", "D", "E"}
