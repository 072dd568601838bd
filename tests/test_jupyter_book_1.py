"""``examples/jupyter-book-1`` built by ``jupyter-book build`` where Jupyter Book 1 is
installed (``pip install "jupyter-book<2"``; skipped elsewhere)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

jupyter_book = pytest.importorskip("jupyter_book")
pytest.importorskip("keras")
if not jupyter_book.__version__.startswith("1."):
    pytest.skip(f"Jupyter Book {jupyter_book.__version__} is not Jupyter Book 1", allow_module_level=True)

REPO = Path(__file__).resolve().parents[1]
BUILD = "import sys; from jupyter_book.cli.main import main; sys.exit(main())"


def build(book: Path, *options: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)}
    done = subprocess.run([sys.executable, "-c", BUILD, "build", *options, str(book)], capture_output=True,
                          text=True, env=env, timeout=900)
    done.stdout = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)
    return done


@pytest.fixture
def book(tmp_path):
    target = tmp_path / "book"
    shutil.copytree(REPO / "examples" / "jupyter-book-1", target,
                    ignore=shutil.ignore_patterns("_build", "_modelsummary_cache", "__pycache__"))
    return target


def test_the_example_book_builds_without_warnings(book):
    done = build(book, "-W", "-n", "--keep-going")
    assert done.returncode == 0, done.stdout
    html = (book / "_build" / "html" / "parameters.html").read_text()
    for number in ("320", "18,496", "16,010", "<strong>34,826</strong>"):  # 32 * (1 * 3 * 3 + 1), ..., the total
        assert number in html
    assert "Table 1" in html  # the :name: target, numbered


def test_warnings_speak_of_config_yml(book):
    with (book / "parameters.md").open("a") as page:
        page.write("\n```{model-summary} no_such_module:build\n```\n\nThe page goes on.\n")
    config = book / "_config.yml"
    config.write_text(config.read_text().replace("    modelsummary_explain: true\n",
                                                 "    modelsummary_explain: true\n    modelsummary_formula: fancy\n"))
    done = build(book)
    assert done.returncode == 0, done.stdout
    (warning,) = [line for line in done.stdout.splitlines() if "WARNING: model-summary" in line]
    assert "cannot import module 'no_such_module'" in warning
    assert "_config.yml" in warning and "local_extensions" in warning and "conf.py" not in warning
    (setting,) = [line for line in done.stdout.splitlines() if "modelsummary_formula = 'fancy'" in line]
    assert "WARNING: _config.yml (sphinx: config:): modelsummary_formula" in setting
    html = (book / "_build" / "html" / "parameters.html").read_text()
    assert "<strong>34,826</strong>" in html and "The page goes on." in html
