"""The project's own files: pyproject.toml, constraints.txt and environment.yml agree; lib/ is
tracked; the dataset core installs and runs without the notebook, dashboard or plotting stack."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib import metadata

import pytest
import yaml
from sti_targets import load_targets
from sti_targets.paths import PROJECT_ROOT

SELF = "sti-targets"


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _project() -> dict:
    return tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _declared() -> set[str]:
    project = _project()
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements += extra
    return {_name(r) for r in requirements} - {SELF}


def _pins() -> dict[str, str]:
    pins = {}
    for line in (PROJECT_ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[_name(name)] = version
    return pins


def test_every_declared_package_is_pinned_in_constraints():
    pins = _pins()
    assert _declared() - set(pins) == set()
    assert SELF not in pins


def test_installed_versions_are_the_pinned_ones():
    """The environment the tests run in is the one constraints.txt describes (nbval's outputs depend on it)."""
    wrong = {}
    for name, version in _pins().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # a platform-specific pin that this machine does not need
        if installed != version:
            wrong[name] = (version, installed)
    assert wrong == {}


def test_environment_yml_lists_what_pyproject_lists():
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert "conda-forge" in env["channels"]
    assert "python=3.11" in env["dependencies"]
    (pip,) = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)]
    assert pip[0] == "-c constraints.txt"
    assert pip[-1] == '-e ".[all]"'
    assert {_name(p) for p in pip[1:-1]} == _declared()
    assert not [p for p in pip[1:-1] if re.search(r"[<>=!~]", p)], "versions belong in constraints.txt only"


def test_the_all_extra_brings_every_extra():
    extras = _project()["optional-dependencies"]
    (everything,) = extras["all"]
    assert set(re.search(r"\[(.*)\]", everything).group(1).split(",")) == set(extras) - {"all"}


def test_lib_is_not_ignored_by_git():
    result = subprocess.run(
        ["git", "check-ignore", "-v", "lib/sti_targets/__init__.py"], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert result.stdout == "", result.stdout


HEAVY = {"papermill", "voila", "matplotlib", "jupyter_server", "nbconvert", "ipywidgets", "seaborn", "IPython"}


def test_loading_imports_no_notebook_stack():
    code = (
        "import sys, sti_targets; sti_targets.load_targets(); "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.integration
def test_core_install_loads_and_checks_without_extras(tmp_path):
    """`pip install .` alone (at the pinned versions) gives a working load and check: no extra is needed."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "-c", "constraints.txt", "."],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
    )
    installed = subprocess.run(
        [str(python), "-m", "pip", "list", "--format=freeze"], capture_output=True, text=True, check=True
    ).stdout.lower()
    for heavy in ("matplotlib", "papermill", "voila", "jupyterlab", "nbconvert"):
        assert f"\n{heavy}==" not in "\n" + installed
    env = {"STI_TARGETS_ROOT": str(PROJECT_ROOT), "PATH": "/usr/bin:/bin"}
    check = subprocess.run([str(venv / "bin" / "sti-targets"), "check"], capture_output=True, text=True, env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"check passed: {len(load_targets())} targets" in check.stdout
    # export is core too: the xlsx workbook needs openpyxl, a core dependency
    out = tmp_path / "out"
    export = [str(venv / "bin" / "sti-targets"), "export", "--format", "xlsx", "--output", str(out)]
    exported = subprocess.run(export, capture_output=True, text=True, env=env)
    assert exported.returncode == 0, exported.stdout + exported.stderr
    assert (out / "sti-targets-0.2.0.xlsx").is_file()
