"""Issue 16: the command line's output where it cannot go, or where only ASCII can: one
line on stderr and a documented status, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("keras")

REPO = Path(__file__).resolve().parents[1]


def run(*args: str, stdout=subprocess.PIPE, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(REPO), "TF_CPP_MIN_LOG_LEVEL": "3", **env}
    return subprocess.run([sys.executable, "-m", "sphinx_modelsummary", *args], stdout=stdout,
                          stderr=subprocess.PIPE, text=True, cwd=REPO, env=environment, timeout=300)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_status_4_and_one_line():
    with open("/dev/full", "w") as full:
        done = run("examples.mnist:build_cnn", stdout=full)
    assert done.returncode == 4
    assert done.stderr.strip().splitlines() == [
        "sphinx-modelsummary: error (output): cannot write the output ([Errno 28] No space left on device)"]


def test_a_closed_stdout_is_status_4_and_one_line():
    done = subprocess.run(f"{sys.executable} -m sphinx_modelsummary examples.mnist:build_cnn >&-", shell=True,
                          cwd=REPO, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO), "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert done.returncode == 4 and "Traceback" not in done.stderr
    assert done.stderr.strip().endswith("cannot write the output (standard output is closed)")


@pytest.mark.parametrize("args", [["examples.mnist:build_cnn", "--explain"], ["quiz", "examples.mnist:build_cnn"]])
def test_an_ascii_only_terminal_gets_ascii(args):
    done = run(*args, PYTHONIOENCODING="ascii")
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert done.stdout.isascii()
    if args[0] != "quiz":  # the seed's numbers, with the convention's ASCII typography
        assert "k * (f * h * w + 1) = 32 * (1 * 3 * 3 + 1) = 320" in done.stdout
        assert "26 x 26 x 32 = 21,632" in done.stdout


def test_ascii_output_is_ascii_throughout():
    done = run("examples.mnist:build_cnn", "--ascii", "--explain", "--columns", "layer, output, params, formula, macs")
    assert done.returncode == 0 and done.stdout.isascii()
    assert "2,440,960" in done.stdout  # the seed's multiply-accumulates, as the README gives them
