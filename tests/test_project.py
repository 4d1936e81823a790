"""The project's own files: environment.yml agrees with pyproject.toml, lib/ is tracked."""

from __future__ import annotations

import subprocess
import tomllib

import yaml
from sti_targets.paths import PROJECT_ROOT


def test_environment_yml_lists_what_pyproject_lists():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = set(project["dependencies"]) | set(project["optional-dependencies"]["test"])
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert "conda-forge" in env["channels"]
    assert "python=3.11" in env["dependencies"]
    (pip,) = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)]
    assert set(pip) - {'-e ".[test]"'} == wanted
    assert '-e ".[test]"' in pip


def test_lib_is_not_ignored_by_git():
    result = subprocess.run(
        ["git", "check-ignore", "-v", "lib/sti_targets/__init__.py"], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert result.stdout == "", result.stdout
