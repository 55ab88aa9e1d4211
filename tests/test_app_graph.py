"""The apps build on each other one way: bodies ← members ← meetings ← samverkan.

members and meetings may import bodies (and meetings members), never the other way,
not even lazily inside a function: features that need several apps (the PDFs, the
downloads, the search, the structure and meeting files) live in the higher app or in
the project package ``samverkan/``, which no app imports.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# An app and the apps it must never import.
ABOVE = {
    "bodies": {"members", "meetings", "samverkan"},
    "members": {"meetings", "samverkan"},
    "meetings": {"samverkan"},
}


def imported_apps(path):
    """The top-level packages a module imports, anywhere in it (lazy imports too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module.split(".")[0], node.lineno


def modules(app):
    return sorted(p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("app", sorted(ABOVE))
def test_an_app_never_imports_the_apps_built_on_it(app):
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in modules(app)
        for name, line in imported_apps(path)
        if name in ABOVE[app]
    ]
    assert wrong == []


def test_the_check_sees_a_lazy_import(tmp_path):
    module = tmp_path / "lazy.py"
    module.write_text("def f():\n    from members.models import Appointment\n")
    assert ("members", 2) in list(imported_apps(module))
