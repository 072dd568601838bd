"""What a warm build does, counted rather than timed (benchmarks/warm.py times it): a page
Sphinx does not read again is neither looked up nor rendered, a cache entry is read once per
build, and a site without summaries loads none of the rendering, cache or teaching code."""

import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

from builds import REPO

pytest.importorskip("keras")

# Builds in this process, counting cache loads and renders; prints what it saw as JSON.
COUNTING_BUILD = """
import json, sys
import sphinx_modelsummary.cache as cache
import sphinx_modelsummary.present.doctree as doctree
counts = {"loads": [], "renders": 0}
load, render = cache.SummaryCache.load, doctree.render
def counted_load(self, spec, input_shape):
    counts["loads"].append(spec)
    return load(self, spec, input_shape)
def counted_render(*args, **kwargs):
    counts["renders"] += 1
    return render(*args, **kwargs)
cache.SummaryCache.load, doctree.render = counted_load, counted_render
from sphinx.cmd.build import build_main
status = build_main(sys.argv[1:])
print(json.dumps({"status": status, **counts, "keras": "keras" in sys.modules}))
"""

# Builds in this process; prints which of the extension's modules it imported.
IMPORTS_BUILD = """
import json, sys
from sphinx.cmd.build import build_main
status = build_main(sys.argv[1:])
print(json.dumps({"status": status, "modules": sorted(m for m in sys.modules if m.startswith("sphinx_modelsummary"))}))
"""

MODELS = """
import keras


def build(width):
    return keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(width, 3)])
"""


def run(code: str, src, out, *options) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(src)]), "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, "-c", code, "-q", "-b", "html", *options, str(src), str(out)],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["status"] == 0, done.stderr
    return report


def shown(path) -> str:
    """A page's text as a reader sees it: no tags, no-break spaces as spaces."""
    return re.sub(r"<[^>]+>", "", path.read_text()).replace("\xa0", " ")


def page(title: str, body: str, prose: str = "Prose.") -> str:
    return f"{title}\n{'=' * len(title)}\n\n{prose}\n\n{body}\n"


@pytest.fixture
def site(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["sphinx_modelsummary"]\n')
    (src / "models.py").write_text(MODELS)
    (src / "index.rst").write_text("Site\n====\n\n.. toctree::\n\n   first\n   second\n   third\n")
    (src / "first.rst").write_text(page("First", ".. model-summary:: models:build(8)"))
    (src / "second.rst").write_text(page("Second", ".. model-summary:: models:build(16)"))
    (src / "third.rst").write_text(page("Third", ".. model-summary:: models:build(8)"))  # first's model again
    return src, tmp_path / "out"


def test_a_prose_edit_reads_and_renders_only_the_edited_page(site):
    src, out = site
    cold = run(COUNTING_BUILD, src, out)
    assert cold["keras"] and cold["renders"] == 3
    assert sorted(cold["loads"]) == ["models:build(16)", "models:build(8)"]  # once per entry, not per page
    second = (out / "second.html").stat().st_mtime_ns
    (src / "first.rst").write_text(page("First", ".. model-summary:: models:build(8)", "Prose, edited."))
    warm = run(COUNTING_BUILD, src, out)
    assert warm == {"status": 0, "loads": ["models:build(8)"], "renders": 1, "keras": False}
    assert "Prose, edited." in shown(out / "first.html")
    assert "8 · (1 · 3 · 3 + 1) = 80" in shown(out / "first.html")  # k (f h w + 1), worked by hand
    assert (out / "second.html").stat().st_mtime_ns == second  # not written again


def test_a_warm_clean_build_reads_each_entry_once(site):
    src, out = site
    run(COUNTING_BUILD, src, out)
    clean = run(COUNTING_BUILD, src, out.with_name("clean"), "-E")
    assert clean["keras"] is False and clean["renders"] == 3
    assert sorted(clean["loads"]) == ["models:build(16)", "models:build(8)"]
    assert "16 · (1 · 3 · 3 + 1) = 160" in shown(out.with_name("clean") / "second.html")


def test_a_site_without_summaries_loads_no_rendering_cache_or_teaching_code(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["sphinx_modelsummary"]\n')
    (src / "index.rst").write_text(textwrap.dedent("""
        Prose
        =====

        A page with maths, :math:`a^2 + b^2`, and no summary.
    """))
    modules = run(IMPORTS_BUILD, src, tmp_path / "out")["modules"]
    loaded_late = ("sphinx_modelsummary.present.doctree", "sphinx_modelsummary.cache",
                   "sphinx_modelsummary.model.record_check", "sphinx_modelsummary.teach",
                   "sphinx_modelsummary.sphinx_ext.quiz_nodes")
    assert "sphinx_modelsummary.sphinx_ext" in modules
    assert [m for m in modules if m.startswith(loaded_late)] == []
