"""Issue 8 in real Sphinx builds: hostile factories, files, cache entries and conf.py values
never change another page's numbers, never run code the docs say will not run, never
crash the build; every model is summarised once per build, serial or parallel.

Builds run in fresh ``sphinx-build`` processes (forking one that has run TensorFlow can
hang), except the conf.py ones, which are quick in this process.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("keras")

from builds import sphinx_build
from old_sphinx import build, warnings

ROOT = Path(__file__).resolve().parent / "roots" / "test-trust"



def total_of(params: int) -> str:
    """How a page's totals row shows the model's parameter count."""
    return f"<strong>{params:,}</strong>"

def warnings_of(stderr: str) -> list[str]:
    return [line for line in re.sub(r"\x1b\[[0-9;]*m", "", stderr).splitlines() if "WARNING" in line]


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def captions(html: str) -> list[str]:
    return re.findall(r'<span class="caption-text">(.*?)</span>', html)


@pytest.fixture(scope="module")
def trust(tmp_path_factory):
    """The trust root built serially and with -j 2, each in a fresh process."""
    tmp = tmp_path_factory.mktemp("trust")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns("_build", "__pycache__"))
    marker = tmp / "lambda-ran.txt"
    script = ("import sys; sys.path.insert(0, sys.argv[1]); import ms_trust_models as m; "
              "m.lambda_model(sys.argv[2]).save(sys.argv[3])")
    subprocess.run([sys.executable, "-c", script, str(src), str(marker), str(src / "lambda.keras")], check=True,
                   capture_output=True, timeout=300)
    marker.unlink()  # written as the model was built
    (src / "builds.txt").write_text("")
    serial = sphinx_build(src, tmp / "serial")
    serial_builds = (src / "builds.txt").read_text().split()
    (src / "builds.txt").write_text("")
    parallel = sphinx_build(src, tmp / "parallel", "-j", "2")
    parallel_builds = (src / "builds.txt").read_text().split()
    return {"src": src, "tmp": tmp, "marker": marker, "serial": serial, "parallel": parallel,
            "builds": (serial_builds, parallel_builds)}


def test_the_builds_go_on(trust):
    for status, _, stderr in (trust["serial"], trust["parallel"]):
        assert status == 0, stderr
        assert "Traceback" not in stderr and "Exception occurred" not in stderr


def test_a_factory_changing_keras_settings_changes_no_other_page(trust):
    html = (trust["tmp"] / "serial" / "victim.html").read_text()
    assert "896" in html and "2,336" not in html  # 32 * (3 * 3 * 3 + 1), channels last
    assert "float32" in html and "float16" not in html
    careless = (trust["tmp"] / "serial" / "careless.html").read_text()
    assert total_of(10) in careless  # its own table is made in its own settings


def test_serial_and_parallel_builds_are_identical(trust):
    serial, parallel = trust["tmp"] / "serial", trust["tmp"] / "parallel"
    names = sorted(p.name for p in serial.glob("*.html"))
    assert names == sorted(p.name for p in parallel.glob("*.html")) and "victim.html" in names
    for name in names:
        assert (serial / name).read_text() == (parallel / name).read_text(), name


def test_a_keras_file_is_loaded_in_safe_mode_whatever_ran_before(trust):
    assert not trust["marker"].exists()  # the Lambda's code never ran
    page = trust["src"] / "unsafe.rst"
    for _, _, stderr in (trust["serial"], trust["parallel"]):
        (found,) = [w for w in warnings_of(stderr) if w.startswith(f"{page}:{line_of(page, 'lambda.keras')}:")]
        assert "safe mode" in found and found.endswith("[modelsummary.file]")
    html = (trust["tmp"] / "serial" / "unsafe.html").read_text()
    assert "The page goes on." in html and "touch" not in html


BAD_RST = [  # (text on the directive's line or the line below it, subtype, words in the warning)
    (":colour: red", "option", ":colour: is not an option of model-summary"),
    ("A body the directive does not take.", "option", "takes no content"),
    ("ms_trust_models:exits", "factory", "SystemExit: 3 (at ms_trust_models.py:"),
    ("ms_trust_models:raises_base_exception", "factory", "Halt: stop everything"),
    ("small(size=4, size=5)", "syntax", "the keyword 'size' is given twice"),
    (":input-shape: 28,,28,1", "syntax", "'28,,28,1'"),
]


def directive_line(page: Path, marker: str) -> int:
    lines = page.read_text().splitlines()
    line = line_of(page, marker)
    return max(i for i in range(1, line + 1) if "model-summary" in lines[i - 1])


@pytest.mark.parametrize(("marker", "subtype", "words"), BAD_RST, ids=[b[0] for b in BAD_RST])
def test_bad_input_is_one_located_warning(trust, marker, subtype, words):
    page = trust["src"] / "bad.rst"
    line = directive_line(page, marker)
    found = [w for w in warnings_of(trust["serial"][2]) if w.startswith(f"{page}:{line}:")]
    assert len(found) == 1, trust["serial"][2]
    assert found[0].endswith(f"[modelsummary.{subtype}]") and words in found[0]


def test_rst_and_myst_agree_on_unknown_options_and_content(trust):
    warnings = warnings_of(trust["serial"][2])
    for name, good in (("bad.rst", "still here in rST"), ("bad_md.md", "still here in MyST")):
        page = trust["src"] / name
        for marker in (":colour: red", "A body the directive does not take."):
            line = directive_line(page, marker)
            found = [w for w in warnings if w.startswith(f"{page}:{line}:")]
            assert len(found) == 1 and found[0].endswith("[modelsummary.option]"), (name, marker, warnings)
        html = (trust["tmp"] / "serial" / name.replace(".rst", ".html").replace(".md", ".html")).read_text()
        assert captions(html) == [good]  # no table for the bad directives, the good one renders
    assert not [w for w in warnings if "myst." in w or "ERROR" in w]


def test_each_model_is_summarised_once_per_build(trust):
    serial, parallel = trust["builds"]
    for builds in (serial, parallel):
        assert sorted(builds) == ["conv", "sets_globals", "small"], builds


def test_a_keyboard_interrupt_in_a_factory_stops_the_build(tmp_path):
    src = tmp_path / "src"
    write_project(src, {"conf.py": (ROOT / "conf.py").read_text(), "ms_trust_models.py": (ROOT / "ms_trust_models.py").read_text(),
                        "index.rst": "Stop\n====\n\n.. model-summary:: ms_trust_models:interrupts\n"})
    for options in ((), ("-j", "2")):
        status, _, stderr = sphinx_build(src, tmp_path / f"out{len(options)}", *options)
        assert status == 2 and "Interrupted" in stderr, stderr
        assert not (tmp_path / f"out{len(options)}" / "index.html").exists()


# Stale sources ---------------------------------------------------------------------------------


LAZY_PROJECT = {
    "conf.py": "import os, sys\nsys.path.insert(0, os.path.dirname(__file__))\nextensions = ['sphinx_modelsummary']\n",
    "index.rst": "Index\n=====\n\n.. toctree::\n\n   a\n   b\n",
    "a.rst": "A\n=\n\n.. model-summary:: ms_eager:build\n",
    "b.rst": "B\n=\n\n.. model-summary:: ms_lazy:build\n",
    "ms_helper.py": "WIDTH = 8\n",
    "ms_eager.py": "import keras\nimport ms_helper\n\n\ndef build():\n"
                   "    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(ms_helper.WIDTH)])\n",
    "ms_lazy.py": "import keras\n\n\ndef build():\n    import ms_helper  # imported already, by page a's model\n\n"
                  "    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(ms_helper.WIDTH, name='lazy')])\n",
}


def write_project(src: Path, files: dict[str, str]) -> None:
    src.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (src / name).write_text(text)


def edit(path: Path, text: str) -> None:
    path.write_text(text)
    later = time.time() + 5
    os.utime(path, (later, later))


def test_a_helper_imported_in_the_factory_body_is_a_source(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    write_project(src, LAZY_PROJECT)
    status, _, stderr = sphinx_build(src, out)
    assert status == 0, stderr
    assert total_of(40) in (out / "b.html").read_text()  # 4 * 8 + 8
    (entry,) = [p for p in (src / "_modelsummary_cache").glob("ms-lazy-build-*.json")]
    assert "ms_helper.py" in json.loads(entry.read_text())["sources"]
    # an incremental build re-reads the page
    edit(src / "ms_helper.py", "WIDTH = 10\n")
    status, _, stderr = sphinx_build(src, out)
    assert status == 0, stderr
    assert total_of(50) in (out / "b.html").read_text()  # 4 * 10 + 10
    # and a clean build does not take the old cache entry
    edit(src / "ms_helper.py", "WIDTH = 12\n")
    status, _, stderr = sphinx_build(src, tmp_path / "fresh", "-E")
    assert status == 0, stderr
    assert total_of(60) in (tmp_path / "fresh" / "b.html").read_text()  # 4 * 12 + 12


# Parallel builds ------------------------------------------------------------------------------


def test_forty_pages_one_model_with_j2_build_it_once(tmp_path):
    src = tmp_path / "src"
    pages = {f"page{n:02}.rst": f"Page {n}\n=======\n\n.. model-summary:: ms_trust_models:small\n" for n in range(40)}
    toctree = "".join(f"   page{n:02}\n" for n in range(40))
    write_project(src, {**pages, "index.rst": f"Forty\n=====\n\n.. toctree::\n\n{toctree}",
                        "conf.py": (ROOT / "conf.py").read_text(), "ms_trust_models.py": (ROOT / "ms_trust_models.py").read_text(),
                        "builds.txt": ""})
    status, imported, stderr = sphinx_build(src, tmp_path / "out", "-j", "2")
    assert status == 0, stderr
    assert (src / "builds.txt").read_text().split() == ["small"]
    assert imported == []  # the main process never imports the framework: a child did
    assert total_of(10) in (tmp_path / "out" / "page39.html").read_text()


# Cache entries are untrusted ---------------------------------------------------------------------


def test_bad_cache_entries_are_recomputed_or_warned_about(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    write_project(src, {**LAZY_PROJECT, "b.rst": "B\n=\n\nProse.\n"})
    status, _, stderr = sphinx_build(src, out)
    assert status == 0, stderr
    (entry,) = (src / "_modelsummary_cache").glob("ms-eager-build-*.json")
    good = json.loads(entry.read_text())
    injected = json.loads(entry.read_text())
    injected["record"]["layers"][1]["formula"]["latex"]["symbolic"] = r"\href{javascript:alert(1)}{u}"
    for bad in ({"record": {}, "sources": {}, "framework": {}}, {**good, "sources": []}, injected):
        entry.write_text(json.dumps(bad))
        status, imported, stderr = sphinx_build(src, tmp_path / "cached", "-E", "-D", "modelsummary_mode=cache",
                                                block=True)
        assert status == 0 and "Traceback" not in stderr, stderr
        (warning,) = warnings_of(stderr)
        assert "is invalid" in warning and warning.endswith("[modelsummary.uncached]")
        assert "Prose." in (tmp_path / "cached" / "b.html").read_text() and "javascript" not in (
            tmp_path / "cached" / "a.html").read_text()
    status, _, stderr = sphinx_build(src, out, "-E", "-W")  # auto: computed afresh
    assert status == 0, stderr
    assert total_of(24) in (out / "a.html").read_text()  # 2 * 8 + 8
    assert json.loads(entry.read_text())["record"]["totals"]["params"] == 24


# conf.py values of the wrong type ----------------------------------------------------------------


BAD_CONFIG = [
    ("modelsummary_columns", 5), ("modelsummary_columns", True), ("modelsummary_columns", {"layer"}),
    ("modelsummary_cache_dir", 5), ("modelsummary_cache_dir", ["x"]), ("modelsummary_shape_derivations", "maybe"),
    ("modelsummary_depth", 2.5), ("modelsummary_class", 7), ("modelsummary_formula", ["both"]),
]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    src = tmp_path_factory.mktemp("tiny")
    write_project(src, {"conf.py": (ROOT / "conf.py").read_text(), "ms_trust_models.py": (ROOT / "ms_trust_models.py").read_text(),
                        "index.rst": "Tiny\n====\n\n.. model-summary:: ms_trust_models:conv\n"})
    return src


def build_tiny(src: Path, out: Path, overrides: dict) -> tuple[str, str]:
    app = build(src, "html", out, confoverrides=overrides)
    return warnings(app), (app.outdir / "index.html").read_text()


@pytest.mark.parametrize(("name", "value"), BAD_CONFIG, ids=[f"{n}={v!r}" for n, v in BAD_CONFIG])
def test_a_wrongly_typed_conf_value_warns_and_falls_back(tiny, tmp_path, name, value):
    warnings, html = build_tiny(tiny, tmp_path, {name: value})
    (warning,) = warnings.strip().splitlines()
    assert f"{name} = {value!r}" in warning and warning.endswith("[modelsummary.option]")
    assert "896" in html and "Layer (type)" in html  # the defaults: every column
    assert "height, width" in html  # shape derivations


def test_yes_and_no_from_the_command_line(tiny, tmp_path):
    # -D values arrive as strings; "no" used to end in "Configuration error! None."
    warnings, html = build_tiny(tiny, tmp_path, {"modelsummary_shape_derivations": "no", "modelsummary_totals": "off"})
    assert warnings == ""
    assert "896" in html and "height, width" not in html and "modelsummary-total" not in html
    status, _, stderr = sphinx_build(tiny, tmp_path / "cli", "-E", "-D", "modelsummary_shape_derivations=no")
    assert status == 0 and "Configuration error" not in stderr, stderr


def test_a_cache_folder_given_as_a_path(tiny, tmp_path):
    warnings, html = build_tiny(tiny, tmp_path, {"modelsummary_cache_dir": tmp_path / "elsewhere"})
    assert warnings == "" and "896" in html
    assert len(list((tmp_path / "elsewhere").glob("*.json"))) == 1
