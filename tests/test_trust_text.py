"""Issue 16, by class: no string from outside (a name in a ``.keras`` file, a cache entry
edited by hand) can run TeX, stop a LaTeX build, reach a terminal as a control sequence or
make XML ill-formed; and no ``.keras`` file is inflated past what a model holds."""

from __future__ import annotations

import copy
import json
import random
import shutil
import subprocess
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from sphinx_modelsummary.model.clean import clean_strings, one_line, printable
from sphinx_modelsummary.model.expr import symbol_tex, tex_name
from sphinx_modelsummary.model.record_check import latex_problem, record_problem

keras = pytest.importorskip("keras")

from sphinx_modelsummary.model.summary import summarize  # noqa: E402

from old_sphinx import build, warnings  # noqa: E402

CONTROLS = ["\x1b[31m", "\x08", "\x00", "\x07", "\n\n", "\r", "\x7f", "\x9b", "\u202e", "\u2028"]
# What a hostile entry puts where text or LaTeX goes: TeX that runs code or stops a build.
HOSTILE_TEX = [r"\input{/etc/hostname}", r"\write18{touch x}", "a_b_c", r"\right) x \left(", "_", "{", "}",
               "$", "%", "#", "&", "^^5c", r"\csname x\endcsname", r"\def\x{y}", r"\frac{1}", r"x^2^3",
               r"\texttt{\cdot}", r"\left(", "~", "\\", "a\n\nb", "x" * 100_000]


@pytest.fixture(scope="module")
def seed():
    return summarize("examples.mnist:build_cnn")


# One rule per output ---------------------------------------------------------------------------------

@pytest.mark.parametrize("control", CONTROLS)
def test_a_control_character_becomes_a_visible_escape(control):
    name = f"conv{control}2d"
    shown = printable(name)
    assert shown.startswith("conv\\") and shown.endswith("2d") and shown.isprintable()
    assert latex_problem(tex_name(name)) == ""
    assert "\n" not in one_line(f"first line\n{name}\nthird") and "\x1b" not in one_line("\x1b[1mbold\x1b[0m")


def test_one_line_drops_colour_codes_and_keeps_the_words():
    assert one_line("\x1b[31mValueError\x1b[0m: bad\n   shape (3,)\n") == "ValueError: bad shape (3,)"
    assert len(one_line("tensor " * 10_000)) == 1000


@pytest.mark.parametrize("name", [r"\input{/etc/hostname}", "a_b_c", "_", "^^5c", "x y", "d_k", "D_q", "k", "size"])
def test_any_legend_key_is_typeset_as_plain_maths(name):
    assert latex_problem(symbol_tex(name)) == ""
    if name in ("d_k", "D_q", "k", "size"):  # a formula's symbol keeps its look
        assert symbol_tex(name) in ("d_{k}", "D_{q}", "k", r"\mathrm{size}")
    else:
        assert symbol_tex(name).startswith(r"\texttt{")


@pytest.mark.parametrize("latex", HOSTILE_TEX)
def test_latex_that_could_run_code_or_stop_a_build_is_refused(latex):
    assert latex_problem(latex) != ""


@pytest.mark.parametrize("field", ["model.name", "layer.label", "layer.class", "legend key", "diagnostic"])
@pytest.mark.parametrize("control", ["\x1b[2J", "\n\n", "\x00"])
def test_an_entry_with_a_control_character_in_any_text_is_refused(seed, field, control):
    record = copy.deepcopy(seed)
    text = f"x{control}y"
    if field == "model.name":
        record["model"]["name"] = text
    elif field == "layer.label":
        record["layers"][0]["label"] = text
    elif field == "layer.class":
        record["layers"][0]["class"] = text
    elif field == "legend key":
        record["legend"][text] = "a symbol"
    else:
        record["diagnostics"].append({"layer": None, "kind": "mismatch", "message": text})
    assert record_problem(json.loads(json.dumps(record))) != ""


def test_a_hundred_thousand_character_label_is_refused_and_a_built_one_is_cut(seed):
    record = copy.deepcopy(seed)
    record["layers"][0]["label"] = "x" * 100_000
    assert "over 2,000 characters" in record_problem(record)
    assert len(clean_strings({"label": "x" * 100_000})["label"]) == 2000


def test_names_with_control_characters_from_model_code_are_shown_escaped():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, name="evil\x1b[2J\n\nname\x08")], name="m\x07")
    from sphinx_modelsummary.model.summary import summarize_model

    record = {**summarize_model(model)}
    record["model"]["sources"] = []  # as summarize() adds them
    assert record_problem(json.loads(json.dumps(record))) == ""
    (dense,) = [row for row in record["layers"] if row["class"] == "Dense"]
    assert dense["label"] == "evil\\x1b[2J\\x0a\\x0aname\\x08" and record["model"]["name"] == "m\\x07"
    assert dense["params"]["total"] == 10  # 2 · (4 + 1), worked out by hand


# Fuzzed entries that pass the check compile -----------------------------------------------------------

def _mutants(seed: dict, count: int) -> list[dict]:
    """Records with hostile text in random fields, the ones that pass the entry check."""
    chooser = random.Random(16)
    pieces = HOSTILE_TEX[:-1] + CONTROLS + ["ü", "名前", "<b>", "`x`", "*y*", "|", "-", "k \\cdot (f + 1)"]
    kept = []
    for _ in range(count):
        record = copy.deepcopy(seed)
        text = "".join(chooser.choice(pieces) for _ in range(chooser.randint(1, 4)))
        row = chooser.choice(record["layers"])
        where = chooser.randrange(7)
        if where == 0:
            row["label"] = text
        elif where == 1:
            record["legend"][text] = text
        elif where == 2 and row["formula"]:
            row["formula"]["legend"][text] = text
        elif where == 3 and row["formula"]:
            row["formula"]["latex"]["symbolic"] = text
        elif where == 4:
            row["class"] = text
        elif where == 5:
            record["model"]["name"] = text
        else:
            record["layers"] = []  # an empty model, explained
        if record_problem(json.loads(json.dumps(record))) == "":
            kept.append(record)
    return kept


@pytest.mark.skipif(not shutil.which("latexmk"), reason="needs latexmk (apt-get install latexmk texlive-latex-extra)")
def test_entries_that_pass_the_check_compile_with_latexmk(seed, tmp_path):
    from sphinx_modelsummary.cache import SummaryCache

    records = _mutants(seed, 150)
    assert len(records) >= 40  # the fuzzing reaches the renderers, not only the check
    src = tmp_path / "src"
    cache = SummaryCache(src / "_modelsummary_cache", src)
    page = ["Fuzzed entries", "==============", ""]
    for i, record in enumerate(records):
        cache.store(f"fuzz:m{i}", None, record)
        page += [f".. model-summary:: fuzz:m{i}", "   :explain:", f"   :caption: entry {i}", ""]
    src.mkdir(exist_ok=True)
    (src / "conf.py").write_text('extensions = ["sphinx_modelsummary"]\nmodelsummary_mode = "cache"\n'
                                 'latex_documents = [("index", "fuzz.tex", "Fuzz", "tests", "howto")]\n')
    (src / "index.rst").write_text("\n".join(page))
    app = build(src, "latex", tmp_path / "latex")
    assert "Traceback" not in warnings(app)
    done = subprocess.run(["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "fuzz.tex"],
                          cwd=app.outdir, capture_output=True, text=True, errors="replace", timeout=900)
    log = (Path(app.outdir) / "fuzz.log").read_text(errors="replace")
    assert done.returncode == 0, log[-3000:]
    secret = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").is_file() else ""
    if shutil.which("pdftotext") and len(secret) > 6:  # \input{/etc/hostname} shows a name, never reads it
        text = subprocess.run(["pdftotext", "fuzz.pdf", "-"], cwd=app.outdir, capture_output=True, text=True, errors="replace").stdout
        assert "hostname" in text and secret not in text


# .keras files ----------------------------------------------------------------------------------------

def _bomb(path: Path, member: str, size: int) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open(member, "w", force_zip64=True) as handle:
            block = b"\0" * 2**20
            for _ in range(size // 2**20):
                handle.write(block)
        archive.writestr("metadata.json", "{}")
    return path


@pytest.mark.parametrize("member, size", [("config.json", 300 * 2**20), ("model.weights.h5", 300 * 2**20)])
def test_a_zip_bomb_is_refused_before_anything_is_inflated(tmp_path, monkeypatch, member, size):
    from sphinx_modelsummary.model import spec
    from sphinx_modelsummary.problems import ModelSpecError, Problem

    bomb = _bomb(tmp_path / "bomb.keras", member, size)
    assert bomb.stat().st_size < 2**20  # a small file...
    monkeypatch.setattr(keras.saving, "load_model", lambda *a, **k: pytest.fail("the bomb reached Keras"))
    tracemalloc.start()
    try:
        with pytest.raises(ModelSpecError) as refused:
            spec._load_file(keras, bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refused.value.problem == Problem.FILE and "zip bomb" in str(refused.value)
    assert peak < 16 * 2**20  # ...that never costs more than its directory to refuse


# Every output of a build -----------------------------------------------------------------------------

EVIL = '''
import keras


def evil():
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, name="evil\\x1b[2J\\n\\nname\\x08\\x00")])


def raises():
    raise ValueError("\\x1b[31mred\\x1b[0m\\nsecond line\\x07" + " tensor" * 500)
'''


@pytest.mark.parametrize("builder", ["xml", "text", "epub"])
def test_control_characters_reach_no_output(tmp_path, builder):
    from defusedxml import ElementTree

    src = tmp_path / "src"
    src.mkdir()
    (src / "ms_evil_models.py").write_text(EVIL)
    (src / "conf.py").write_text('import sys, os\nsys.path.insert(0, os.path.dirname(__file__))\n'
                                 'extensions = ["sphinx_modelsummary"]\nversion = "1"\ncopyright = "tests"\n')
    (src / "index.rst").write_text("Evil\n====\n\n.. model-summary:: ms_evil_models:evil\n   :explain:\n\n"
                                   ".. model-summary:: ms_evil_models:raises\n")
    app = build(src, builder, tmp_path / builder)
    log = app._warning.getvalue() + app._status.getvalue()
    assert "\x1b[2J" not in log and "\x07" not in log and "second line" in log  # one line, no control codes
    (warning,) = [line for line in warnings(app).splitlines() if "raises" in line]
    assert len(warning) < 1500  # the message is cut at 1,000 characters
    outputs = [p for p in app.outdir.rglob("*") if p.suffix in (".xml", ".txt", ".xhtml")]
    assert outputs
    for path in outputs:
        text = path.read_text()
        assert not any(c in text for c in "\x1b\x08\x00\x07"), path
        if path.suffix in (".xml", ".xhtml"):
            ElementTree.fromstring(text.encode())  # well-formed
    shown = "".join(p.read_text() for p in outputs)
    assert "evil\\x1b[2J\\x0a\\x0aname\\x08\\x00" in shown.replace("&#92;", "\\")


# :show-code: ----------------------------------------------------------------------------------------

def test_show_code_reads_only_the_specs_own_module_inside_the_project(seed, tmp_path):
    from sphinx_modelsummary.teach.quiz import factory_source

    project, outside = tmp_path / "project", tmp_path / "elsewhere"
    (project / "examples").mkdir(parents=True)
    (project / "pyproject.toml").write_text("")
    outside.mkdir()
    (project / "examples" / "mnist.py").write_text("def build_cnn():\n    return 'the model'\n")
    (outside / "mnist.py").write_text("def build_cnn():\n    TOKEN = 'secret'\n")
    record = copy.deepcopy(seed)
    record["model"]["sources"] = [str(outside / "mnist.py")]  # what a hostile entry could list
    assert factory_source(record, project) is None
    record["model"]["sources"] = [str(project / "examples" / "mnist.py")]
    assert "the model" in factory_source(record, project)


def test_an_entry_whose_record_names_another_spec_is_refused(seed, tmp_path):
    from sphinx_modelsummary.cache import SummaryCache

    cache = SummaryCache(tmp_path / "cache", tmp_path)
    record = copy.deepcopy(seed)
    record["model"]["spec"] = "mysite.settings:TOKEN"
    cache.store("examples.mnist:build_cnn", None, record)
    found = cache.load("examples.mnist:build_cnn", None)
    assert found.record is None and "not of 'examples.mnist:build_cnn'" in found.missing


def test_two_summaries_with_one_name_warn_with_both_places(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('import sys\nsys.path.insert(0, %r)\nextensions = ["sphinx_modelsummary"]\n'
                                 'modelsummary_cache_dir = ""\n' % str(Path(__file__).resolve().parents[1]))
    (src / "index.rst").write_text("Home\n====\n\n.. toctree::\n\n   a\n   b\n")
    for page, spec in (("a", "examples.mnist:build_cnn"), ("b", "examples.text:build_lstm")):
        (src / f"{page}.rst").write_text(f"{page.upper()}\n=\n\n.. model-summary:: {spec}\n   :name: net\n\n"
                                         f"The model has :ms:total:`net` parameters.\n")
    app = build(src, "html", tmp_path / "out")
    (duplicate,) = [line for line in warnings(app).splitlines() if "[modelsummary.duplicate]" in line]
    assert duplicate.startswith(str(src / "b.rst") + ":4:") and f"({src / 'a.rst'}:4)" in duplicate
    pages = {name: (app.outdir / f"{name}.html").read_text() for name in ("a", "b")}
    assert all("34,826" in page for page in pages.values())  # both quote the first: the seed CNN's total


def test_an_interrupted_plugin_keeps_its_page(tmp_path):
    """mystmd drops a page whose plugin dies: Ctrl-C in a factory is an error box, exit 0."""
    from plugin_runs import example_book, plugin, request

    book = example_book(tmp_path)
    (book / "ms_interrupting.py").write_text("def build():\n    raise KeyboardInterrupt\n")
    status, nodes, _ = plugin(book, request("ms_interrupting:build"), MODELSUMMARY_MODE="compute")
    assert status == 0
    (box,) = nodes
    assert box["type"] == "admonition" and box["kind"] == "error"
    assert "interrupted" in json.dumps(box)
