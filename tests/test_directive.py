"""The ``model-summary`` directive in real Sphinx builds (html, latex, text; rST and MyST).

Builds are module-scoped and shared between tests; the numbers asserted are worked out
by hand from the models (the seed CNN: 320, 18,496, 16,010; 34,826 in all).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from docutils import nodes

from sphinx_modelsummary import lookup
from sphinx_modelsummary.sphinx_ext.directive import cache_for
from sphinx_modelsummary.present.doctree import NBSP

from builds import ROOTS, html_files, line_of, sphinx_build_command, warnings_at, written
from old_sphinx import build, new_app, warnings



def copy_root(name: str, tmp: Path) -> Path:
    target = tmp / name
    shutil.copytree(ROOTS / f"test-{name}", target, ignore=shutil.ignore_patterns("_build", "__pycache__"))
    return target


def blocks(doctree) -> dict[str, nodes.container]:
    """Each summary's container, by its table's caption."""
    found = {}
    for block in doctree.findall(nodes.container):
        if "modelsummary-block" in block["classes"]:
            table = block.next_node(nodes.table)
            title = table.next_node(nodes.title)
            found[title.astext() if title is not None and title.parent is table else ""] = block
    return found


def layer_rows(block) -> list[nodes.row]:
    """The table's rows of layers (not the totals row, not a block's heading)."""
    rows = block.next_node(nodes.table).next_node(nodes.tbody).findall(nodes.row)
    return [row for row in rows if not {"modelsummary-total", "modelsummary-group"} & set(row["classes"])]


def column(block, header: str) -> list[nodes.entry]:
    """The body cells of the column with that header."""
    table = block.next_node(nodes.table)
    headers = [e.astext() for e in table.next_node(nodes.thead).findall(nodes.entry)]
    index = headers.index(header)
    return [list(row.findall(nodes.entry))[index] for row in layer_rows(block)]


def totals_row(block) -> list[str] | None:
    rows = [r for r in block.next_node(nodes.tbody).findall(nodes.row) if "modelsummary-total" in r["classes"]]
    return [plain(entry) for entry in rows[0].findall(nodes.entry)] if rows else None


def labels(block) -> list[str]:
    return [row.next_node(nodes.literal).astext() for row in layer_rows(block)]


def plain(node) -> str:
    return node.astext().replace(NBSP, " ")


def math_texts(node) -> list[str]:
    """The formula pieces (each never broken) under ``node``, as the reader sees them."""
    return [plain(m) for m in node.findall(nodes.inline) if "modelsummary-math" in m["classes"]]


def legend(block) -> list[str]:
    return [plain(item) for item in block.findall(nodes.inline) if "modelsummary-legend-item" in item["classes"]]


# The basic root: every option, three builders ----------------------------------------------


@pytest.fixture(scope="module")
def basic(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("basic")
    src = ROOTS / "test-basic"
    return {name: build(src, name, tmp / name) for name in ("html", "text", "latex")}


def test_no_warnings_for_good_input(basic):
    for app in basic.values():
        assert warnings(app) == ""


TOTALS_NOTE = ("34,826 trainable · 0 non-trainable · 2,440,960 MACs · memory: input 3.06 KiB · parameters 136.04 KiB"
               " · forward/backward 309.33 KiB · total 448.43 KiB · float32, one sample")


def test_seed_table(basic):
    doctree = written(basic["html"], "seed")
    block = blocks(doctree)["The convolutional network from the quiz"]
    table = block.next_node(nodes.table)
    assert "modelsummary" in table["classes"]
    assert table["ids"] == ["mnist-cnn"]
    assert table.next_node(nodes.title).astext() == "The convolutional network from the quiz"
    assert [e.astext() for e in table.next_node(nodes.thead).findall(nodes.entry)] == [
        "Layer (type)", "Output shape", "Activations", "Parameters", "Formula"]
    assert labels(block) == ["input_layer", "conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1",
                             "flatten", "dropout", "dense"]
    assert [c.astext() for c in column(block, "Parameters")] == ["0", "320", "0", "18,496", "0", "0", "0", "16,010"]
    formulas = [math_texts(c) for c in column(block, "Formula")]
    # typeset as text, one piece per side: the line may break after the symbolic side; the
    # later sides are grouped (they break apart only in a phone's card, before each "=")
    assert formulas[1] == ["k · (f · h · w + 1)", "= 32 · (1 · 3 · 3 + 1)", "= 320"]
    assert formulas[3] == ["k · (f · h · w + 1)", "= 64 · (32 · 3 · 3 + 1)", "= 18,496"]
    assert formulas[7] == ["u · (i + 1)", "= 10 · (1,600 + 1)", "= 16,010"]
    rest = [plain(r) for r in column(block, "Formula")[1].findall(nodes.inline) if "modelsummary-rest" in r["classes"]]
    assert rest == ["= 32 · (1 · 3 · 3 + 1) = 320"]
    assert formulas[0] == formulas[2] == []
    assert not list(block.findall(nodes.math))  # no maths engine needed
    symbols = column(block, "Formula")[1].findall(nodes.emphasis)
    assert [e.astext() for e in symbols] == ["k", "f", "h", "w"]  # italic symbols, upright numbers
    output = column(block, "Output shape")[1]
    assert plain(output[0]) == "(None, 26, 26, 32)"
    assert math_texts(output) == ["⌊(28 − 3) / 1⌋ + 1 = 26"]
    assert [p.astext().split(":")[0] for p in output[1:]] == ["height, width"]
    assert plain(column(block, "Activations")[1]) == "26 × 26 × 32 = 21,632"
    # memory: 28·28·1·4 = 3,136 bytes in; 34,826·4 = 139,304 of weights; twice every layer's
    # float32 output, 2 · 4 · 39,594 = 316,752; 1 KiB = 1,024 bytes
    assert totals_row(block) == ["Total", "", "", "34,826", TOTALS_NOTE]
    assert "total 448.43\xa0KiB" in block.astext()  # a line never ends between a number and its unit
    assert legend(block) == ["f channels coming from the previous layer", "h kernel height",
                             "i input features (last axis of the input)", "k output filters of this layer",
                             "u units (output features)", "w kernel width"]


def test_rst_and_myst_give_the_same_doctree(basic):
    rst = blocks(written(basic["html"], "seed"))["The convolutional network from the quiz"].deepcopy()
    myst = blocks(written(basic["html"], "seed_md"))["The convolutional network from the quiz"].deepcopy()
    for block in (rst, myst):
        table = block.next_node(nodes.table)
        table["ids"], table["names"] = [], []
        for target in block.findall(nodes.target):  # the rows' anchors follow the :name:s, which differ
            target["ids"] = []
    assert rst.pformat() == myst.pformat()


def test_html(basic):
    outdir = basic["html"].outdir
    html = (outdir / "seed.html").read_text()
    assert '<table class="modelsummary' in html
    assert '<div class="modelsummary-scroll docutils container">' in html
    assert '<span class="caption-number">Table 1 </span>' in html
    assert '<span class="caption-text">The convolutional network from the quiz</span>' in html
    assert re.search(r'<a class="reference internal" href="#mnist-cnn">.*Table 1', html)
    assert re.search(r'href="seed_md.html#mnist-cnn-md">.*Table 2', html)
    assert '<code class="docutils literal notranslate"><span class="pre">conv2d_1</span></code>' in html
    assert ('<span class="modelsummary-math"><em>k</em>\xa0·\xa0(<em>f</em>\xa0·\xa0<em>h</em>\xa0·\xa0<em>w</em>'
            '\xa0+\xa01)</span> <span class="modelsummary-rest"><span class="modelsummary-math">=\xa032\xa0·\xa0(1'
            '\xa0·\xa03\xa0·\xa03\xa0+\xa01)</span> <span class="modelsummary-math">=\xa0320</span></span>') in html
    assert "\\cdot" not in html and "\\(" not in html  # no TeX source to show without MathJax
    assert "(None,\xa026,\xa026,\xa032)" in html and "18,496" in html and "34,826" in html
    assert 'href="_static/modelsummary.css' in html and 'src="_static/modelsummary.js' in html
    css = (outdir / "_static" / "modelsummary.css").read_text()
    assert "overflow-x: auto" in css and "currentColor" in css
    assert not re.search(r"background(-color)?:\s*#", css)  # the theme's colours, light or dark


def test_text_builder_writes_the_text_table(basic):
    text = (basic["text"].outdir / "seed.txt").read_text()
    assert max(len(line) for line in text.splitlines()) <= 100
    conv = re.search(r"^ +conv2d \(Conv2D\) +\(None, 26, 26, 32\) +26 × 26 × 32 +320 +k · \(f · h · w \+ 1\)\n"
                     r" +height, width: += 21,632 += 32 · \(1 · 3 · 3 \+ 1\) = 320\n"
                     r" +⌊\(28 − 3\) / 1⌋ \+ 1 = 26\n", text, re.M)
    assert conv, text
    # a formula wraps only at "=": each piece stays whole
    assert re.search(r"k · \(f · h · w \+ 1\)\n +(\S.*)?= 64 · \(32 · 3 · 3 \+ 1\)( = 18,496|\n.* = 18,496)\n", text)
    assert re.search(r"^ +Total +34,826 +34,826 trainable ·$", text, re.M)
    assert "The convolutional network from the quiz" in text
    assert "\\cdot" not in text and "\\left" not in text and "\\frac" not in text


def test_latex(basic):
    (tex,) = basic["latex"].outdir.glob("*.tex")
    latex = tex.read_text()
    # a small table stays on one page (before Sphinx 9 any column spec means tabulary; X columns work there too)
    assert r"\begin{tabular}[t]{\X{" in latex or r"\begin{tabulary}{\linewidth}[t]{\X{" in latex
    assert r"\sphinxcaption{The convolutional network from the quiz}\label{\detokenize{seed:mnist-cnn}}" in latex
    # real maths, which may break only at "=" (never at an operator), ragged-right
    assert (r"\(\binoppenalty=10000\relax k \cdot \left(f \cdot h \cdot w + 1\right) = "
            r"32 \cdot \left(1 \cdot 3 \cdot 3 + 1\right) = 320\)") in latex
    assert r"\raggedright\hyphenpenalty=10000\exhyphenpenalty=10000" in latex
    assert r"\sphinxcode{\sphinxupquote{max\_pooling2d\_1}}" in latex  # names escaped
    assert r"\left\lfloor \left(28 - 3\right) / 1\right\rfloor + 1 = 26\)" in latex
    assert r"\textbf{34,826}" in latex or r"\sphinxstylestrong{34,826}" in latex


def test_columns_option(basic):
    block = blocks(written(basic["html"], "options"))["columns"]
    table = block.next_node(nodes.table)
    assert [e.astext() for e in table.next_node(nodes.thead).findall(nodes.entry)] == [
        "Layer", "Type", "Input shape", "Output shape", "Trainable", "Non-trainable", "MACs", "Memory", "Connected to"]
    assert column(block, "Type")[1].astext() == "Conv2D"
    assert plain(column(block, "Input shape")[1]) == "(None, 28, 28, 1)"
    assert column(block, "Trainable")[3].astext() == "18,496"
    assert column(block, "MACs")[1].astext() == "194,688"  # 26 * 26 positions * 32 filters * 3 * 3 * 1
    assert column(block, "Connected to")[3].astext() == "max_pooling2d"
    assert legend(block) == []  # no formula column, no legend
    # 26 * 26 * 32 float32 values = 86,528 bytes = 84.50 KiB (1 KiB = 1,024 bytes), on one line
    assert [c.astext() for c in column(block, "Memory")][1:3] == ["84.50\xa0KiB", "21.12\xa0KiB"]
    assert column(block, "Memory")[-1].astext() == "40\xa0B"  # the dense layer's 10 values
    assert re.search(r" 194,688  84\.50 KiB  input_layer$", (basic["text"].outdir / "options.txt").read_text(), re.M)
    (tex,) = basic["latex"].outdir.glob("*.tex")
    assert "84.50\xa0KiB" in tex.read_text()  # as the shapes' no-break spaces


def test_formula_option(basic):
    found = blocks(written(basic["html"], "options"))
    assert math_texts(column(found["symbolic"], "Formula")[1]) == ["k · (f · h · w + 1)", "= 320"]
    assert math_texts(column(found["substituted"], "Formula")[1]) == ["32 · (1 · 3 · 3 + 1)", "= 320"]
    assert legend(found["substituted"]) == []  # no symbols shown
    text = (basic["text"].outdir / "options.txt").read_text()
    assert "k · (f · h · w + 1) = 320" in text and "32 · (1 · 3 · 3 + 1) = 320" in text


def test_shape_derivations_totals_and_legend_off(basic):
    block = blocks(written(basic["html"], "options"))["no derivations"]
    assert [len(cell) for cell in column(block, "Output shape")] == [1] * 8
    assert totals_row(block) is None
    assert legend(block) == []


def test_explain_option(basic):
    block = blocks(written(basic["html"], "options"))["explained"]
    explain = [c for c in block.children if "modelsummary-explain" in c["classes"]][0]
    walk = " ".join(explain[0].astext().split())  # the walk's lines, joined
    assert walk.startswith("Shapes: Input 28 × 28 × 1 = 784 → Conv2D 26 × 26 × 32 = 21,632 → "
                           "MaxPooling2D 13 × 13 × 32 = 5,408 → Conv2D 11 × 11 × 64 = 7,744")
    assert walk.endswith("Dense 10")
    steps = [item.astext() for item in explain.findall(nodes.list_item)]
    assert len(steps) == 8
    assert math_texts(explain)[:4] == ["parameters", "= k · (f · h · w + 1)", "= 32 · (1 · 3 · 3 + 1)", "= 320"]
    assert steps[2].startswith("max_pooling2d (MaxPooling2D) has no parameters: ")
    assert len(steps[2]) > len("max_pooling2d (MaxPooling2D) has no parameters: ") + 10
    text = (basic["text"].outdir / "options.txt").read_text()
    assert "parameters = u · (i + 1) = 10 · (1,600 + 1) = 16,010" in text


def test_layers_and_class_options(basic):
    found = blocks(written(basic["html"], "options"))
    middle = found["middle layers"]
    assert labels(middle) == ["conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1"]
    assert {"compact", "wide"} <= set(middle.next_node(nodes.table)["classes"])
    assert labels(found["from flatten"]) == ["flatten", "dropout", "dense"]
    # the totals are the model's, whatever rows are shown
    assert totals_row(middle)[3:] == ["34,826", TOTALS_NOTE]


def test_input_shape_and_expect_params(basic):
    block = blocks(written(basic["html"], "options"))["deferred"]
    assert [c.astext() for c in column(block, "Parameters")] == ["0", "320", "0", "18,496", "0", "0", "0", "16,010"]


def test_nested_depth(basic):
    found = blocks(written(basic["html"], "nested"))
    everything = ["input_layer_1", "inner", "input_layer", "inner_dense", "outer_dense"]
    assert labels(found["nested default"]) == everything
    assert labels(found["nested expanded"]) == everything
    assert labels(found["nested depth 0"]) == ["input_layer_1", "inner", "outer_dense"]
    assert labels(found["nested not expanded"]) == ["input_layer_1", "inner", "outer_dense"]
    block = found["nested default"]
    # 8 * 4 + 4 = 36 inside, 4 * 2 + 2 = 10 outside
    assert [c.astext() for c in column(block, "Parameters")] == ["0", "36", "0", "36", "10"]
    rows = list(block.next_node(nodes.tbody).findall(nodes.row))
    assert "modelsummary-depth-1" in rows[3]["classes"]
    assert "modelsummary-parent" in rows[1]["classes"]  # the nested model's row heads its layers
    assert math_texts(column(block, "Formula")[1]) == ["inner_dense", "= 36"]
    name = column(block, "Formula")[1].next_node(nodes.inline).next_node(nodes.inline)
    assert name.astext() == "inner_dense" and "modelsummary-name" in name["classes"]  # a name, upright
    assert totals_row(block)[:4] == ["Total", "", "", "46"]
    (tex,) = basic["latex"].outdir.glob("*.tex")
    assert "\u00a0" * 3 + r"\sphinxcode{\sphinxupquote{inner\_dense}}" in tex.read_text()  # indented in LaTeX


def test_config_defaults(tmp_path):
    overrides = {"modelsummary_columns": "layer, params, formula", "modelsummary_formula": "substituted",
                 "modelsummary_totals": False, "modelsummary_legend": False, "modelsummary_depth": 0,
                 "modelsummary_shape_derivations": False, "modelsummary_explain": True,
                 "modelsummary_class": "house-style"}
    app = build(ROOTS / "test-basic", "html", tmp_path, confoverrides=overrides)
    assert warnings(app) == ""
    found = blocks(written(app, "nested"))
    assert labels(found["nested default"]) == ["input_layer_1", "inner", "outer_dense"]
    assert labels(found["nested expanded"])[3] == "inner_dense"  # the directive wins
    seed = blocks(written(app, "seed"))["The convolutional network from the quiz"]
    table = seed.next_node(nodes.table)
    assert "house-style" in table["classes"]
    assert [e.astext() for e in table.next_node(nodes.thead).findall(nodes.entry)] == [
        "Layer (type)", "Parameters", "Formula"]
    assert math_texts(column(seed, "Formula")[1]) == ["32 · (1 · 3 · 3 + 1)", "= 320"]
    assert totals_row(seed) is None
    assert legend(seed) == []
    assert any("modelsummary-explain" in c["classes"] for c in seed.children)
    symbolic = blocks(written(app, "options"))["symbolic"]
    assert math_texts(column(symbolic, "Formula")[1]) == ["k · (f · h · w + 1)", "= 320"]


def test_bad_config_value_warns_and_falls_back(tmp_path):
    app = build(ROOTS / "test-basic", "html", tmp_path, confoverrides={"modelsummary_formula": "fancy"})
    assert "modelsummary_formula = 'fancy'" in warnings(app)
    assert "[modelsummary.option]" in warnings(app)
    seed = blocks(written(app, "seed"))["The convolutional network from the quiz"]
    assert math_texts(column(seed, "Formula")[1]) == ["k · (f · h · w + 1)", "= 32 · (1 · 3 · 3 + 1)", "= 320"]


# Bad input never breaks a build ----------------------------------------------------------------


@pytest.fixture(scope="module")
def problems(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("problems")
    src = copy_root("problems", tmp)
    sys.path.insert(0, str(src))
    try:
        import ms_problem_models as models

        (src / "models").mkdir()
        models.build_small().save(src / "sub" / "small.keras")
        models.build_small().save(src / "models" / "small.keras")
        models.build_lambda().save(src / "lambda.keras")
        (src / "junk.keras").write_text("not a zip archive")
        models.CALLS.update(build_small=0, broken_factory=0)
        app = build(src, "html", tmp / "_build")
    finally:
        sys.path.remove(str(src))
    return app, src, models


PROBLEMS = [  # (text on the directive's line, or the option line below it, subtype, words in the message)
    ("ms_no_such_module:build", "import", "ms_no_such_module"),
    ("ms_problem_models:no_such_factory", "attribute", "no_such_factory"),
    ("ms_problem_models:NOT_A_MODEL", "not_a_model", "builtins.int"),
    ("ms_problem_models:returns_a_string", "not_a_model", "builtins.str"),
    ("ms_problem_models:broken_factory", "factory", "ValueError: the factory broke (at ms_problem_models.py:"),
    ("ms_problem_models:mocked_factory", "mocked", "mocked"),
    ("ms_problem_models:build_deferred", "input_shape", "input shape"),
    (":input-shape: 28, x", "syntax", "'28, x'"),
    ("build_small(size=four)", "syntax", "not a literal"),
    (":columns: layer, colour", "option", "unknown column 'colour'"),
    (":formula: fancy", "option", ":formula:"),
    (":depth: -1", "option", ":depth:"),
    (":totals: maybe", "option", ":totals:"),
    (":expect-params: many", "option", ":expect-params:"),
    (":layers: nothing..out", "option", "no layer named 'nothing'"),
    (":expand-nested:", "option", ":depth: and :expand-nested:"),
    ("missing.keras", "file", "no model file at"),
    ("junk.keras", "file", "not a valid .keras file"),
    ("lambda.keras", "file", "safe mode"),
    ("ms_problem_models:build_mismatch", "mismatch", "odd: the formula gives 10 trainable"),
    (":expect-params: 1,000", "expect", "the model has 10 parameters, :expect-params: says 1,000"),
]


@pytest.mark.parametrize(("marker", "subtype", "words"), PROBLEMS, ids=[p[0] for p in PROBLEMS])
def test_problem_warns_with_location(problems, marker, subtype, words):
    app, src, _ = problems
    index = src / "index.rst"
    line = line_of(index, marker)
    if marker.startswith(":"):  # an option line: the directive is above it
        line = max(i for i in range(1, line) if ".. model-summary::" in index.read_text().splitlines()[i - 1])
    found = warnings_at(warnings(app), index, line)
    assert len(found) == 1, warnings(app)
    assert found[0].endswith(f"[modelsummary.{subtype}]")
    assert words in found[0]


def test_a_missing_module_warning_speaks_of_conf_py(problems):
    app, src, _ = problems
    index = src / "index.rst"
    (found,) = warnings_at(warnings(app), index, line_of(index, "ms_no_such_module:build"))
    assert "is on sys.path; in conf.py: sys.path.insert(0, os.path.abspath('FOLDER'))" in found


def test_problems_render_nothing_and_the_page_goes_on(problems):
    app, src, _ = problems
    doctree = written(app, "index")
    found = blocks(doctree)
    assert set(found) == {"mismatch", "expect", "still here"}  # only these directives render
    assert "The page goes on after the problems." in doctree.astext()
    html = (app.outdir / "index.html").read_text()
    assert "The page goes on after the problems." in html
    assert (app.outdir / "again.html").is_file() and (app.outdir / "myst.html").is_file()


def test_mismatch_row_is_marked(problems):
    app, _, _ = problems
    block = blocks(written(app, "index"))["mismatch"]
    rows = list(block.next_node(nodes.tbody).findall(nodes.row))
    assert "modelsummary-mismatch" in rows[1]["classes"]
    assert "modelsummary-mismatch" not in rows[0]["classes"]
    assert rows[1].next_node(nodes.superscript).astext() == "1"
    assert column(block, "Parameters")[1].astext() == "13"  # Keras's count
    # the formula keeps its own value (2 * (4 + 1) = 10); the note gives Keras's
    assert math_texts(column(block, "Formula")[1]) == ["u · (i + 1)", "= 2 · (4 + 1)", "= 10"]
    notes = [n for n in column(block, "Formula")[1].findall(nodes.inline) if "modelsummary-note" in n["classes"]]
    assert notes[0].astext() == " (Keras counts 13)"
    notes = [c for c in block.children if "modelsummary-notes" in c["classes"]][0]
    assert notes.astext().startswith("odd: the formula gives 10 trainable and 0 non-trainable parameters")


def test_relative_keras_paths(problems):
    app, src, _ = problems
    found = blocks(written(app, "sub/page"))
    for caption in ("relative to the document", "relative to the source directory"):
        assert [c.astext() for c in column(found[caption], "Parameters")] == ["0", "10"]
    page = src / "sub" / "page.rst"
    (missing,) = warnings_at(warnings(app), page, line_of(page, "missing.keras"))
    assert f"no model file at {src / 'sub' / 'missing.keras'}" in missing
    assert "[modelsummary.file]" in missing


def test_myst_problem_location(problems):
    app, src, _ = problems
    page = src / "myst.md"
    (found,) = warnings_at(warnings(app), page, line_of(page, "```{model-summary}"))
    assert "unknown column 'colour'" in found and found.endswith("[modelsummary.option]")
    (block,) = blocks(written(app, "myst")).values()
    assert block.next_node(nodes.title).astext() == "fine in MyST"
    assert totals_row(block) is None  # :totals: no
    assert [c.astext() for c in column(block, "Parameters")] == ["0", "10"]


def test_each_spec_is_computed_once(problems):
    app, src, models = problems
    # build_small is used by eleven directives on three pages (the ones with a bad option
    # value stop before loading it), broken_factory on two pages
    assert models.CALLS == {"build_small": 1, "broken_factory": 1}
    again = src / "again.rst"
    (found,) = warnings_at(warnings(app), again, line_of(again, "broken_factory"))
    assert "[modelsummary.factory]" in found
    assert set(blocks(written(app, "again"))) == {"small again"}


def test_sources_are_dependencies(problems):
    app, src, _ = problems
    deps = {str(p) for p in app.env.dependencies["again"]}
    assert str((src / "ms_problem_models.py").resolve()) in deps  # for the good model and the broken one
    assert str(src / "sub" / "small.keras") in {str(p) for p in app.env.dependencies["sub/page"]}


def test_lookup_memo(problems):
    app, src, models = problems
    sys.path.insert(0, str(src))
    same_build = {"cache": cache_for(app.config, app.srcdir), "mode": app.config.modelsummary_mode}
    try:
        first = lookup.lookup("ms_problem_models:build_small", None, src, app.srcdir, **same_build)
        again = lookup.lookup(" ms_problem_models:build_small ", "", src, app.srcdir, **same_build)
        assert first.record is again.record and first.record["totals"]["params"] == 10
        assert models.CALLS["build_small"] == 1
        broken = lookup.lookup("ms_problem_models:broken_factory", None, src, app.srcdir, **same_build)
        assert broken.record is None and broken.error.problem == "factory"
        assert models.CALLS["broken_factory"] == 1
    finally:
        sys.path.remove(str(src))


def test_unexpected_errors_are_warnings_too(monkeypatch, tmp_path):
    from sphinx_modelsummary.model import summary

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(summary, "summarize", broken)
    entry = lookup.lookup("somewhere:else", None, tmp_path, tmp_path)
    assert entry.error.problem == "internal"
    assert "RuntimeError: a bug" in entry.error.message


# Builds users can trust --------------------------------------------------------------------------


def test_registering_imports_no_framework(tmp_path):
    (tmp_path / "conf.py").write_text('extensions = ["sphinx_modelsummary"]\n')
    (tmp_path / "index.rst").write_text("Nothing to summarise\n====================\n\nJust text.\n")
    code = textwrap.dedent(f"""
        import sys
        from sphinx.application import Sphinx
        app = Sphinx({str(tmp_path)!r}, {str(tmp_path)!r}, {str(tmp_path / 'out')!r},
                     {str(tmp_path / 'doctrees')!r}, "html", status=None, freshenv=True)
        app.build()
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("keras", "tensorflow", "jax", "torch"))
        print("LOADED", loaded)
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "LOADED []" in result.stdout


def test_parallel_build_equals_serial(tmp_path):
    # In subprocesses: forking a process that has run TensorFlow (this one has) can hang.
    src = ROOTS / "test-parallel"
    serial = sphinx_build_command(src, tmp_path / "serial", "-d", str(tmp_path / "d1"))
    parallel = sphinx_build_command(src, tmp_path / "parallel", "-d", str(tmp_path / "d2"), "-j", "2")
    assert serial.returncode == 0 and parallel.returncode == 0, serial.stderr + parallel.stderr
    assert "WARNING" not in serial.stderr + parallel.stderr
    first, second = html_files(tmp_path / "serial"), html_files(tmp_path / "parallel")
    assert len(first) == 10 and first.keys() == second.keys()  # index, page1-7, genindex, search
    for name in first:
        assert first[name] == second[name], name
    assert ('<span class="modelsummary-math">=\xa03\xa0·\xa0(16\xa0+\xa01)</span> '
            '<span class="modelsummary-math">=\xa051</span>') in first["page3.html"]
    # and a build in this process, into another folder, gives the same pages again
    again = build(src, "html", tmp_path / "again", confoverrides={"html_theme": "alabaster"})
    assert html_files(again.outdir) == first


def test_editing_a_model_re_reads_only_its_pages(tmp_path):
    src = copy_root("rebuild", tmp_path)
    builddir = tmp_path / "_build"
    first = build(src, "html", builddir)
    assert warnings(first) == ""
    html_a, html_b = first.outdir / "a.html", first.outdir / "b.html"
    assert "44" in html_a.read_text()  # 10 * 4 + 4
    assert "20" in html_b.read_text()  # 3 * 5 + 5
    written_b = html_b.stat().st_mtime_ns
    deps = {str(p) for p in first.env.dependencies["a"]}
    assert {str((src / f"ms_rebuild_{m}.py").resolve()) for m in ("a", "shared")} <= deps

    module = src / "ms_rebuild_a.py"
    module.write_text(module.read_text().replace("layers.Dense(4,", "layers.Dense(6,"))
    later = module.stat().st_mtime + 5
    os.utime(module, (later, later))

    app = new_app("html", src, builddir)
    read: list[str] = []
    app.connect("env-before-read-docs", lambda app, env, docnames: read.extend(docnames))
    try:
        app.build()
    finally:
        app.cleanup()
        for name in ("ms_rebuild_a", "ms_rebuild_b", "ms_rebuild_shared"):
            sys.modules.pop(name, None)
    assert read == ["a"]
    assert "66" in html_a.read_text()  # 10 * 6 + 6: the edited model, not a stale one
    assert html_b.stat().st_mtime_ns == written_b


def test_names_come_out_literally_in_html_and_latex(basic):
    html = (basic["html"].outdir / "odd.html").read_text()
    assert '<span class="pre">odd&lt;&amp;$%#&gt;_name</span>' in html
    assert '<span class="pre">in&lt;put&gt;</span>' in html
    (tex,) = basic["latex"].outdir.glob("*.tex")
    latex = tex.read_text()
    assert r"\sphinxcode{\sphinxupquote{odd\textless{}\&\$\%\#\textgreater{}\_name}}" in latex
    text = (basic["text"].outdir / "odd.txt").read_text()
    assert "odd<&$%#>_name" in text
