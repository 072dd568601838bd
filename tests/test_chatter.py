"""The framework's start-up messages stay out of a build's output, on every Keras backend installed."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# A host that logs at INFO (a CI script, a book tool) shows what a backend logs as it
# starts, such as JAX's "Unable to initialize backend 'tpu'".
BUILD = """
import logging, sys
logging.basicConfig(level=logging.INFO)
from sphinx.cmd.build import build_main
sys.exit(build_main(["-q", "-E", "-b", "html", *sys.argv[1:]]))
"""

NEEDS = {"tensorflow": ["tensorflow"], "jax": ["jax"], "torch": ["torch"], "numpy": ["scipy"]}


@pytest.mark.parametrize("backend", NEEDS)
def test_start_up_messages_stay_out_of_the_build_output(tmp_path, backend):
    missing = [module for module in ("keras", *NEEDS[backend]) if importlib.util.find_spec(module) is None]
    if missing:
        why = f"Keras's {backend} backend needs {', '.join(missing)}, which is not installed"
        if backend in os.environ.get("MODELSUMMARY_TEST_BACKENDS", "").split(","):  # .ci/backends
            pytest.fail(why)
        pytest.skip(why)
    (tmp_path / "conf.py").write_text('extensions = ["sphinx_modelsummary"]\nmodelsummary_cache_dir = ""\n')
    (tmp_path / "index.rst").write_text("Model\n=====\n\n.. model-summary:: examples.mnist:build_cnn\n")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TF_", "KERAS_"))}
    env.update(KERAS_BACKEND=backend, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-c", BUILD, str(tmp_path), str(tmp_path / "out")],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    page = (tmp_path / "out" / "index.html").read_text()
    assert "16,010" in page and "34,826" in page  # the last Dense, 10 * (1600 + 1), and the total
