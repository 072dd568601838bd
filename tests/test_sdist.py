"""The sdist holds what its tests need, so that they run from the unpacked archive."""

import os
import shutil
import subprocess
import sys
import tarfile
from importlib.metadata import version
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Folders the tests read: their own helpers and roots, the example models, the docs they build.
NEEDED = ("tests", "examples", "docs")
BUILD_SDIST = "import sys; from setuptools import build_meta; print(build_meta.build_sdist(sys.argv[1]))"


def setuptools_major() -> int:
    try:
        return int(version("setuptools").split(".")[0])
    except Exception:  # not installed, or an odd version string
        return 0


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory):
    if setuptools_major() < 77:
        pytest.skip("building the sdist needs setuptools 77 or later (the [test] extra installs it)")
    tmp = tmp_path_factory.mktemp("sdist")
    # from a copy without build leftovers: setuptools would add the files an old *.egg-info lists
    leftovers = shutil.ignore_patterns(".git", ".venv*", "*.egg-info", "build", "dist", "__pycache__", "_build",
                                       "node_modules")
    shutil.copytree(REPO, tmp / "checkout", ignore=leftovers)
    done = subprocess.run([sys.executable, "-c", BUILD_SDIST, str(tmp)], cwd=tmp / "checkout",
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with tarfile.open(tmp / done.stdout.strip().splitlines()[-1]) as archive:
        archive.extractall(tmp / "unpacked", filter="data")
    (root,) = (tmp / "unpacked").iterdir()
    return root


def tracked(folder: str) -> set[str]:
    listed = subprocess.run(["git", "ls-files", "--", folder], cwd=REPO, capture_output=True, text=True)
    return set(listed.stdout.split()) if listed.returncode == 0 else set()


def test_the_sdist_has_every_file_the_tests_read(unpacked):
    if not tracked("tests"):
        pytest.skip("not a git checkout: the tracked files are unknown")
    for folder in NEEDED:
        missing = sorted(p for p in tracked(folder) if not (unpacked / p).is_file())
        assert missing == [], f"{folder}/ files missing from the sdist"
    assert (unpacked / "LICENSE").read_text().startswith("MIT License")


def test_the_tests_run_from_the_unpacked_sdist(unpacked):
    pytest.importorskip("keras")
    env = {**os.environ, "PYTHONPATH": str(unpacked)}
    where = subprocess.run([sys.executable, "-c", "import sphinx_modelsummary; print(sphinx_modelsummary.__file__)"],
                           cwd=unpacked, env=env, capture_output=True, text=True, timeout=120)
    assert Path(where.stdout.strip()).is_relative_to(unpacked)  # the sdist's code, not the checkout's
    # every test module imports, and tests that read a test root, the examples and the docs pass
    collected = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
                               cwd=unpacked, env=env, capture_output=True, text=True, timeout=600)
    assert collected.returncode == 0, collected.stdout[-3000:]
    chosen = ["tests/test_directive.py::test_bad_config_value_warns_and_falls_back",
              "tests/test_cli.py::test_the_example_in_the_docs_is_what_the_command_prints"]
    ran = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *chosen],
                         cwd=unpacked, env=env, capture_output=True, text=True, timeout=600)
    assert ran.returncode == 0 and "2 passed" in ran.stdout, ran.stdout[-3000:]
