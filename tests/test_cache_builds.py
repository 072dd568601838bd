"""The persistent cache in real builds, each a fresh sphinx-build process (as sphinx-autobuild runs)."""

import json
import textwrap

import pytest

from builds import REPO, sphinx_build

pytest.importorskip("keras")

MODELS = """
import keras
from helpers import WIDTH


def build():
    return keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(WIDTH, 3)])
"""


@pytest.fixture
def project(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(textwrap.dedent("""
        import os, sys
        sys.path.insert(0, os.path.dirname(__file__))
        extensions = ["sphinx_modelsummary"]
    """))
    (src / "models.py").write_text(MODELS)
    (src / "helpers.py").write_text("WIDTH = 32\n")
    (src / "index.rst").write_text("Model\n=====\n\n.. model-summary:: models:build\n\nProse.\n")
    return src, tmp_path / "out"


def html(outdir):
    return (outdir / "index.html").read_text()


def entries(src):
    return sorted((src / "_modelsummary_cache").glob("*.json"))


def test_a_hit_skips_the_framework(project):
    src, out = project
    status, imported, stderr = sphinx_build(src, out)
    assert status == 0 and imported == ["keras", "tensorflow"]
    assert stderr == ""  # not a line of TensorFlow's start-up chatter either
    (entry,) = entries(src)
    assert json.loads(entry.read_text())["record"]["totals"]["params"] == 32 * (1 * 3 * 3 + 1)
    # a prose edit, then a clean build into a new folder: both from the cache
    (src / "index.rst").write_text((src / "index.rst").read_text().replace("Prose.", "Prose, edited."))
    status, imported, _ = sphinx_build(src, out)
    assert status == 0 and imported == []
    status, imported, _ = sphinx_build(src, out.with_name("fresh"))
    assert status == 0 and imported == [] and "320" in html(out.with_name("fresh"))


def test_an_edit_to_a_helper_module_invalidates(project):
    src, out = project
    sphinx_build(src, out)
    assert "320" in html(out)
    (src / "helpers.py").write_text("WIDTH = 8\n")  # imported by the factory's module only
    status, imported, _ = sphinx_build(src, out)
    assert status == 0 and "tensorflow" in imported
    assert "=\xa08\xa0·\xa0(1\xa0·\xa03\xa0·\xa03\xa0+\xa01)" in html(out)
    assert json.loads(entries(src)[0].read_text())["record"]["totals"]["params"] == 80


def test_a_corrupt_entry_is_recomputed(project):
    src, out = project
    sphinx_build(src, out)
    (entry,) = entries(src)
    entry.write_text('{"record": {"layers": [')
    status, imported, stderr = sphinx_build(src, out, "-E", "-W")
    assert status == 0, stderr
    assert "tensorflow" in imported and "320" in html(out)
    assert json.loads(entry.read_text())["record"]["totals"]["params"] == 320


def test_cache_mode_never_imports_the_framework(project):
    src, out = project
    sphinx_build(src, out)
    status, imported, stderr = sphinx_build(src, out.with_name("cached"), "-E", "-W",
                                            "-D", "modelsummary_mode=cache", block=True)
    assert status == 0, stderr
    assert imported == [] and "320" in html(out.with_name("cached"))
    # a stale entry still renders, with a warning of its own naming the spec and the change
    (src / "helpers.py").write_text("WIDTH = 8\n")
    status, imported, stderr = sphinx_build(src, out.with_name("cached"), "-D", "modelsummary_mode=cache",
                                            block=True)
    assert imported == []
    assert "[modelsummary.stale]" in stderr and "models:build" in stderr and "helpers.py changed" in stderr
    assert "index.rst:4" in stderr
    assert "refresh it with: sphinx-build -E -b dummy -D modelsummary_mode=compute" in stderr  # Sphinx's words
    # no entry at all: a warning, and the rest of the page is there
    for entry in entries(src):
        entry.unlink()
    status, imported, stderr = sphinx_build(src, out.with_name("cached"), "-E", "-D", "modelsummary_mode=cache",
                                            block=True)
    assert status == 0 and imported == [] and "[modelsummary.uncached]" in stderr
    assert "fill the cache with: sphinx-build -E -b dummy -D modelsummary_mode=compute" in stderr
    assert "Prose." in html(out.with_name("cached"))


def test_the_projects_own_docs_build_without_the_framework(tmp_path):
    cache = tmp_path / "cache"
    fill = ("-E", "-b", "dummy", "-D", f"modelsummary_cache_dir={cache}", "-D", "modelsummary_mode=compute")
    status, _, stderr = sphinx_build(REPO / "docs", tmp_path / "fill", *fill)
    assert status == 0, stderr
    status, imported, stderr = sphinx_build(REPO / "docs", tmp_path / "html", "-E", "-W", "-D",
                                            f"modelsummary_cache_dir={cache}", "-D", "modelsummary_mode=cache",
                                            block=True)
    assert status == 0, stderr
    assert imported == []
    page = (tmp_path / "html" / "gallery" / "mnist.html").read_text()
    for number in ("320", "18,496", "16,010", "34,826", "21,632"):
        assert number in page
