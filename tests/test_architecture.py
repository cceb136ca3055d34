"""The app's packages depend on each other one way, as their docstrings say.

Each package's `__init__` docstring ends with "May import: …"; these tests read every
import in the app (module-level and inside functions) and hold the code to it, so an
import cycle between packages, or between modules, fails here before it fails at start-up.
"""

import ast
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "assets_register"
# Imports that must stay inside a function, each with its reason.
LAZY_IMPORTS = {
    ("apps.py", "assets_register.register.signals"): "signals connect once the app is ready",
    # compute.py brings pandas, which no page needs (test_web_process_holds_no_pandas).
    ("indicators/tasks.py", "assets_register.indicators.compute"): "pandas only in the task",
    ("indicators/views.py", "assets_register.indicators.compute"): "pandas only for a recount",
}


def _modules():
    for path in sorted(APP.rglob("*.py")):
        relative = path.relative_to(APP)
        if relative.parts[0] != "migrations":
            yield relative, ast.parse(path.read_text())


def _module_name(relative):
    parts = ["assets_register", *relative.with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _app_imports(tree, module_level_only=False):
    """(imported module, line, at module level) for each import of the app's own code."""
    top = set(map(id, tree.body))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            pytest.fail(f"relative import at line {node.lineno}: use assets_register.…")
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [_submodule_or_self(node.module, alias.name) for alias in node.names]
        else:
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        for name in names:
            if name.startswith("assets_register") and (id(node) in top or not module_level_only):
                yield name, node.lineno, id(node) in top


def _submodule_or_self(module, name):
    """`from assets_register.alerts import emails` imports the module alerts.emails."""
    folder = APP.parent.joinpath(*module.split("."))
    is_module = (folder / f"{name}.py").exists() or (folder / name / "__init__.py").exists()
    return f"{module}.{name}" if is_module else module


def _package(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and (APP / parts[1]).is_dir()) else None


def _allowed(package):
    doc = ast.get_docstring(ast.parse((APP / package / "__init__.py").read_text())) or ""
    match = re.search(r"May import: (.*?)\.\s*$", doc, re.S)
    assert match, f"{package}/__init__.py must say what it may import ('May import: …')"
    return (
        set() if match[1].strip() == "nothing" else {name.strip() for name in match[1].split(",")}
    )


def _cycle(graph):
    """One cycle in a {node: {node}} graph as a list, or None."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_every_package_imports_only_what_its_docstring_allows():
    wrong = []
    for relative, tree in _modules():
        package = relative.parts[0] if len(relative.parts) > 1 else None
        if package is None:
            continue  # apps, urls, wagtail_hooks and tasks gather the packages
        allowed = _allowed(package) | {package}
        for name, line, _ in _app_imports(tree):
            target = _package(name)
            if target is not None and target not in allowed:
                wrong.append(
                    f"{relative}:{line} imports {name} ({package} may import "
                    f"{', '.join(sorted(allowed - {package})) or 'nothing'})"
                )
    assert wrong == []


def test_no_cycle_between_packages():
    graph = defaultdict(set)
    for package_dir in APP.iterdir():
        if (package_dir / "__init__.py").exists() and package_dir.name != "migrations":
            graph[package_dir.name] |= _allowed(package_dir.name)
    assert _cycle(graph) is None


def test_no_cycle_between_modules():
    graph = defaultdict(set)
    for relative, tree in _modules():
        for name, _, _ in _app_imports(tree, module_level_only=True):
            graph[_module_name(relative)].add(name)
    assert _cycle(graph) is None


def test_imports_inside_functions_only_where_a_reason_is_given():
    lazy = {
        (str(relative), name)
        for relative, tree in _modules()
        for name, _, at_top in _app_imports(tree)
        if not at_top
    }
    assert lazy == set(LAZY_IMPORTS)


def test_the_cycle_finder_finds_cycles():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}}) is None


def test_web_process_holds_no_pandas():
    """A web process loads the app and every view (~36 MB more with pandas, in each worker)
    without pandas, which only computing indicators and reading import files need."""
    code = (
        "import sys, django; django.setup(); "
        "from django.core.wsgi import get_wsgi_application; get_wsgi_application(); "
        "from django.urls import get_resolver; get_resolver().url_patterns; "
        "import assets_register.indicators.views, assets_register.tasks; "
        "print(sorted(m for m in ('pandas', 'assets_register.indicators.compute') "
        "if m in sys.modules))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "settings.test"}
    env["PYTHONPATH"] = os.pathsep.join([str(APP.parent), str(APP.parent / "site")])
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "[]"
