"""What the code imports is declared, and what is declared is pinned: a package that only
arrives as another's dependency can vanish with that package's next release."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
FIRST_PARTY = {"assets_register", "settings", "urls", "tests", "bench"}
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME = [Requirement(line) for line in PROJECT["dependencies"]]
DEV = [Requirement(line) for line in PROJECT["optional-dependencies"]["dev"]]


def imported_distributions(*folders):
    """{distribution name: a file importing it} for every module imported at top level."""
    distributions = packages_distributions()
    found = {}
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top in sys.stdlib_module_names or top in FIRST_PARTY:
                        continue
                    for distribution in distributions.get(top, [top]):
                        found.setdefault(canonicalize_name(distribution), path.relative_to(ROOT))
    return found


def names(requirements):
    return {canonicalize_name(requirement.name) for requirement in requirements}


def test_every_package_the_register_imports_is_a_declared_dependency():
    undeclared = {
        name: str(path)
        for name, path in imported_distributions("assets_register", "site").items()
        if name not in names(RUNTIME)
    }
    assert not undeclared, f"imported but not in pyproject.toml's dependencies: {undeclared}"


def test_every_package_the_tests_and_benches_import_is_declared():
    undeclared = {
        name: str(path)
        for name, path in imported_distributions("tests", "bench").items()
        if name not in names(RUNTIME) | names(DEV)
    }
    assert not undeclared, f"imported but not declared (dev extras): {undeclared}"


def test_the_constraints_pin_every_declared_package_within_its_range():
    pinned = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if match := re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+)", line.strip()):
            pinned[canonicalize_name(match[1])] = match[2]
    for requirement in RUNTIME + DEV:
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement.name} is not pinned in constraints.txt"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"constraints.txt pins {requirement.name}=={pinned[name]}, "
            f"outside pyproject.toml's {requirement.specifier}"
        )
    assert "community-asset-register" not in pinned  # the project itself is not pinned


def test_bin_env_installs_with_the_constraints():
    assert "-c constraints.txt" in (ROOT / "bin" / "_env.sh").read_text()
