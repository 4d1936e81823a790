"""The command's promises about its arguments and its output streams: a range named for every bad
number, and one clear line (never a traceback) when stdout is closed, full or cannot write Chinese."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sti_targets.cli import CORES, main
from sti_targets.paths import DATA

SOURCE = str(DATA / "sources" / "ruijin_2021-2025_sti_plan.txt")
COMMAND = [sys.executable, "-c", "import sys; from sti_targets.cli import main; sys.exit(main())"]


@pytest.mark.parametrize(
    "argument, expected",
    [
        (["--jobs", "-1"], "use 1 to"),
        (["--jobs", "0"], "use 1 to"),
        (["--jobs", str(CORES + 1)], "this machine's cores"),
        (["--jobs", "99999"], "out of range"),
        (["--jobs", "two"], "is not a whole number"),
        (["--timeout", "0"], "use 1 to 86400"),
        (["--timeout", "-1"], "use 1 to 86400"),
    ],
)
def test_render_refuses_out_of_range_numbers_with_the_valid_range(argument, expected, capsys):
    """--jobs 99999 once started a fork storm; 0 and negative values were silently reinterpreted."""
    with pytest.raises(SystemExit) as exit_:
        main(["render", *argument])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert expected in err
    assert "Traceback" not in err


def test_closed_stdout_ends_quietly():
    """`sti-targets extract FILE | head -1`: no BrokenPipeError traceback."""
    process = subprocess.Popen([*COMMAND, "extract", SOURCE], stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
    process.stdout.read(10)
    process.stdout.close()
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0
    assert "Traceback" not in err


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_full_disk_on_stdout_is_one_line():
    with open("/dev/full", "w") as full:
        result = subprocess.run([*COMMAND, "schema"], stdout=full, stderr=subprocess.PIPE, text=True)
    assert result.returncode == 1
    assert result.stderr.strip() == "error: cannot write the output: No space left on device"


def test_stdout_that_cannot_write_chinese_is_one_line():
    env = dict(os.environ, PYTHONIOENCODING="latin-1")
    result = subprocess.run([*COMMAND, "extract", SOURCE], capture_output=True, env=env, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "cannot write Chinese text; set PYTHONIOENCODING=utf-8" in result.stderr
