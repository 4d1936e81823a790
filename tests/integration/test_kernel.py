"""The notebooks' kernel: any Jupyter finds it, and a kernel without the project says which to choose.

Both use a second, minimal virtual environment made here, outside .venv: ipykernel alone (from pip's
cache, at the project's pinned versions), so its Jupyter has none of the project's settings and its
Python cannot import sti_targets.
"""

from __future__ import annotations

import json
import os
import subprocess
import venv
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from sti_targets.paths import KERNEL, KERNEL_DISPLAY_NAME, NOTEBOOKS, PROJECT_ROOT

MESSAGE = (
    f'This notebook needs the kernel "{KERNEL_DISPLAY_NAME}": choose it in Kernel > Change Kernel; '
    "if it is not listed, run `make setup` in the project, which installs it."
)
NOTEBOOK_FILES = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))


@pytest.fixture(scope="module")
def plain_python(tmp_path_factory) -> Path:
    """The Python of a new venv with ipykernel and nothing of the project."""
    root = tmp_path_factory.mktemp("plain") / "venv"
    venv.create(root, with_pip=True)
    python = root / "bin" / "python"
    install = [str(python), "-m", "pip", "install", "-q", "-c", str(PROJECT_ROOT / "constraints.txt"), "ipykernel"]
    subprocess.run(install, check=True, capture_output=True, timeout=600)
    assert subprocess.run([str(python), "-c", "import sti_targets"], capture_output=True).returncode != 0
    return python


def outside_env() -> dict:
    """The environment without anything pointing Jupyter at .venv."""
    env = {k: v for k, v in os.environ.items() if k not in ("JUPYTER_PATH", "JUPYTER_DATA_DIR", "VIRTUAL_ENV")}
    return {**env, "PATH": os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if ".venv" not in p)}


def test_every_notebook_names_the_projects_kernel():
    for name in NOTEBOOK_FILES:
        spec = nbformat.read(NOTEBOOKS / name, as_version=4).metadata.kernelspec
        assert (spec.name, spec.display_name) == (KERNEL, KERNEL_DISPLAY_NAME), name


def test_a_jupyter_outside_the_venv_finds_the_kernel_and_runs_the_project_on_it(plain_python):
    listing = subprocess.run(
        [str(plain_python), "-m", "jupyter_client.kernelspecapp", "list", "--json"],
        capture_output=True,
        text=True,
        env=outside_env(),
        timeout=120,
    )
    assert listing.returncode == 0, listing.stderr
    specs = json.loads(listing.stdout)["kernelspecs"]
    assert KERNEL in specs, f"`make setup` registers {KERNEL} for the user; this Jupyter sees {sorted(specs)}"
    assert specs[KERNEL]["spec"]["display_name"] == KERNEL_DISPLAY_NAME
    # The kernel that Jupyter starts imports the project.
    run = """
import sys
from jupyter_client.manager import start_new_kernel
km, kc = start_new_kernel(kernel_name=sys.argv[1], startup_timeout=120)
seen = []
kc.execute_interactive("import sti_targets; print(sti_targets.__name__, len(sti_targets.load_targets()))",
                       output_hook=lambda m: seen.append(m["content"].get("text", "")), timeout=120)
kc.stop_channels(); km.shutdown_kernel(now=True)
print("".join(seen))
"""
    started = subprocess.run(
        [str(plain_python), "-c", run, KERNEL], capture_output=True, text=True, env=outside_env(), timeout=300
    )
    assert started.returncode == 0, started.stderr[-2000:]
    assert started.stdout.startswith("sti_targets "), started.stdout


@pytest.mark.parametrize("name", NOTEBOOK_FILES)
def test_on_a_kernel_without_the_project_the_first_cell_says_which_kernel_in_one_line(
    name, plain_python, tmp_path, monkeypatch
):
    spec = tmp_path / "kernels" / "plain"
    spec.mkdir(parents=True)
    argv = [str(plain_python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "plain", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(nb, kernel_name="plain", allow_errors=False, timeout=120, startup_timeout=120)
    with pytest.raises(Exception) as failed:
        client.execute(cwd=str(tmp_path))
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert len(errors) == 1, failed.value
    assert errors[0].ename == "WrongKernel"
    assert errors[0].traceback == [MESSAGE]  # what JupyterLab shows: this line, no traceback
    first_import = next(c for c in nb.cells if c.cell_type == "code" and "import" in c.source)
    assert first_import.outputs == [errors[0]]
