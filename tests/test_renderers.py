"""Every renderer shows the same facts for the same record and options.

One record goes through docutils nodes, MyST AST, text, Markdown and notebook HTML; the
facts (shapes, derivations, activations, counts, each weight group's equation, MACs,
totals, legend, the shape walk and each layer's step) are read back from each output and
must all be there, and each output must hold the same numbers. The seed CNN's numbers are
worked out by hand below; a second model has weight groups (batch normalisation's
trainable and non-trainable statistics, attention's four projections) and MACs that
depend on a size the input leaves open (an LSTM over any number of steps).

Golden files under ``tests/golden/`` hold the text and Markdown of the seed summary (the
CLI's outputs): ``MODELSUMMARY_UPDATE_GOLDEN=1`` rewrites them, to be read before they are
committed.
"""

from __future__ import annotations

import copy
import html as html_module
import math
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

keras = pytest.importorskip("keras")

from docutils import nodes as docutils_nodes  # noqa: E402

from mystmd_tool import REPO, find_myst, find_nodes, plugin_env  # noqa: E402
from sphinx_modelsummary.model.expr import shape_text  # noqa: E402
from sphinx_modelsummary.model.summary import summarize  # noqa: E402
from sphinx_modelsummary.notebook import explain  # noqa: E402
from sphinx_modelsummary.present import doctree, html, markdown, myst_ast, text  # noqa: E402
from sphinx_modelsummary.present.conventions import ASCII  # noqa: E402
from sphinx_modelsummary.present.typeset import to_unicode  # noqa: E402
from sphinx_modelsummary.present.view import SummaryOptions  # noqa: E402

GOLDEN = Path(__file__).parent / "golden"
COLUMNS = ("layer", "output", "activations", "params", "formula", "macs", "memory")
EVERYTHING = SummaryOptions(columns=COLUMNS, explain=True)


def build_mixed():
    """An LSTM over any number of steps, batch normalisation, self-attention, a Dense head."""
    from keras import layers

    tokens = keras.Input(shape=(None, 8), name="tokens")
    x = layers.LSTM(16, return_sequences=True, name="lstm")(tokens)
    x = layers.BatchNormalization(name="norm")(x)
    x = layers.MultiHeadAttention(num_heads=2, key_dim=4, name="attention")(x, x)
    x = layers.Dense(3, name="head")(x)
    return keras.Model(tokens, x, name="mixed")


@pytest.fixture(scope="module")
def seed() -> dict:
    # from its spec, in a fresh Keras naming scope: conv2d, not conv2d_7 after other tests' models
    return summarize("examples.mnist:build_cnn")


@pytest.fixture(scope="module")
def mixed() -> dict:
    return explain(build_mixed()).record


@pytest.fixture(scope="module")
def branched() -> dict:
    """Two inputs, branches that join (Concatenate) and fork (two heads)."""
    from examples.functional import build_listing_model

    return explain(build_listing_model()).record


# Each output read back as plain text -------------------------------------------------------


def _flat(value: str) -> str:
    """One line, single spaces, no subscript marks (``d_k`` in text is ``dk`` in HTML)."""
    return re.sub(r"\s+", " ", value.replace("\u00a0", " ").replace("_", "")).strip()


_INLINE = (docutils_nodes.inline, docutils_nodes.emphasis, docutils_nodes.subscript, docutils_nodes.literal,
           docutils_nodes.strong, docutils_nodes.superscript)


def _doctree_text(node) -> str:
    """A node's text; a space between blocks, cells and lines, none inside a formula."""
    if isinstance(node, docutils_nodes.Text):
        return node.astext()
    inner = "".join(_doctree_text(child) for child in node.children)
    return inner if isinstance(node, _INLINE) else f" {inner} "


def from_doctree(record: dict, options: SummaryOptions) -> str:
    return _flat("".join(_doctree_text(node) for node in doctree.render(record, options, mode="html")))


def _myst_text(node) -> str:
    """A node's text, maths read as Unicode; a space between blocks, cells and lines."""
    if isinstance(node, list):
        return "".join(_myst_text(child) for child in node)
    if node.get("type") == "inlineMath":
        return to_unicode(node["value"])
    inner = str(node.get("value", "")) + _myst_text(node.get("children", []))
    return inner if node["type"] in ("text", "inlineCode", "strong", "emphasis", "superscript") else f" {inner} "


def from_myst(record: dict, options: SummaryOptions) -> str:
    return _flat(_myst_text(myst_ast.render(record, options)))


def from_text(record: dict, options: SummaryOptions) -> str:
    return _flat(text.render(record, options, width=400))  # wide: a table's cells keep to one line each


def from_markdown(record: dict, options: SummaryOptions) -> str:
    found = markdown.render(record, options)
    found = re.sub(r"<br>|<sup>|</sup>", " ", found).replace("&nbsp;", " ")
    found = re.sub(r"\\(.)", r"\1", found.replace("**", ""))
    return _flat(html_module.unescape(re.sub(r"(?<![\w\\])\*|\*(?!\w)", "", found)))


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ("i", "sub", "code", "span", "em", "strong"):
            self.parts.append(" ")  # a block, a cell, a line

    def handle_data(self, data):
        self.parts.append(data)


def from_html(record: dict, options: SummaryOptions) -> str:
    parser = _Text()
    parser.feed(html.render(record, options))
    return _flat("".join(parser.parts))


RENDERERS = {"docutils": from_doctree, "myst": from_myst, "text": from_text, "markdown": from_markdown,
             "html": from_html}


# The facts a record holds, worked out from its fields ---------------------------------------


def _sides(item: dict) -> list[str]:
    """An equation's sides as every renderer types them (``k · (f · h · w + 1)``)."""
    sides = [to_unicode(item["latex"]["symbolic"]), to_unicode(item["latex"]["substituted"])]
    return sides + ([f"{item['value']:,}"] if item["value"] is not None else [])


def facts(record: dict) -> list[str]:
    """What any renderer must show of ``record`` with every column and ``explain``."""
    found = []
    for row in record["layers"]:
        found += [row["label"], row["class"], f"{row['params']['total']:,}"]
        for shape in row["output_shapes"]:
            found.append(str(tuple(shape)))  # Python's tuple is Keras's convention: (None, 16), (16,)
            sizes = shape[1:]
            found.append(" × ".join("?" if n is None else str(n) for n in sizes))
            if None not in sizes:
                found.append(f"{math.prod(sizes):,}")
        for derivation in row["shape_derivations"]:
            found += [derivation["axis"], *_sides(derivation)[1:]]
        formula = row["formula"]
        if formula is not None:
            found += _sides(formula)
            parts = formula.get("parts") or []
            # a formula is shown by its weight groups when they are many or differ in trainability
            if len(parts) > 2 or len({part["trainable"] for part in parts}) > 1:
                for part in parts:
                    found += [part["label"], *_sides(part)]
        if row["activation_bytes"] is not None:  # binary units: 1 KiB = 1,024 bytes
            size = row["activation_bytes"]
            found.append(f"{size:,} B" if size < 1024 else f"{size / 1024:.2f} KiB")
        macs = row["macs_formula"]
        if row["macs"] is not None:
            found.append(f"{row['macs']:,}")
        elif macs is not None:
            found += [*_sides(macs), *macs["unknown"]]
    totals = record["totals"]
    found += [f"{totals[key]:,}" for key in ("params", "trainable", "non_trainable")]
    if not totals.get("macs_partial"):
        found.append(f"{totals['macs']:,}")
    found += [item["message"] for row in record["layers"] for item in row["diagnostics"]]
    found += [item["message"] for item in record["diagnostics"]]
    meanings = {meaning for row in record["layers"] for meaning in ((row["formula"] or {}).get("legend") or {}).values()}
    return [_flat(fact) for fact in found + sorted(meanings) + ["Legend", "Shapes", "multiply-accumulates"]]


def numbers(flat: str) -> set[str]:
    return set(re.findall(r"\d[\d,.]*\d|\d", flat))


# The tests ------------------------------------------------------------------------------


def test_the_seed_numbers_by_hand(seed):
    for name, read in RENDERERS.items():
        flat = read(seed, EVERYTHING)
        for fact in ("320", "18,496", "16,010", "34,826",  # 32 * (1*3*3 + 1), 64 * (32*3*3 + 1), 10 * (1600 + 1), the sum
                     "26 × 26 × 32 = 21,632", "32 · (1 · 3 · 3 + 1)", "10 · (1,600 + 1)",
                     "(None, 26, 26, 32)", "(None, 1600)", "2,440,960"):  # 194,688 + 2,230,272 + 16,000 MACs
            assert fact in flat, (name, fact)
        assert "height, width: ⌊(28 − 3) / 1⌋ + 1 = 26" in flat, name
        assert "multiply-accumulates: P · k · f · h · w = 676 · 32 · 1 · 3 · 3 = 194,688" in flat, name  # 26*26 = 676


def test_the_seed_memory_by_hand(seed):
    """float32: 4 bytes a value, one sample; 1 KiB = 1,024 bytes."""
    options = SummaryOptions(columns=("layer", "memory"))
    for name, read in RENDERERS.items():
        flat = read(seed, options)
        assert "84.50 KiB" in flat and "21.12 KiB" in flat and "40 B" in flat, name  # 26·26·32·4, 13·13·32·4, 10·4
        # input 28·28·1·4 = 3,136; weights 34,826·4 = 139,304; 2 · 4 · (21,632 + 5,408 + 7,744 + 1,600 · 3 + 10)
        # = 316,752; total 459,192
        assert ("memory: input 3.06 KiB · parameters 136.04 KiB · forward/backward 309.33 KiB · "
                "total 448.43 KiB · float32, one sample") in flat, name


def test_the_mixed_numbers_by_hand(mixed):
    for name, read in RENDERERS.items():
        flat = read(mixed, EVERYTHING)
        # 4 gates * 16 * (8 + 16 + 1); 2 * 16 twice; 3 * 2 * 4 * (16 + 1) + 16 * (2 * 4 + 1); 3 * (16 + 1)
        for fact in ("1,600", "64", "552", "51", "2,267", "2,235", "32"):
            assert fact in flat, (name, fact)
        assert "moving mean and variance (non-trainable): 2 · f = 2 · 16 = 32" in flat, name
        assert "query projection:" in flat and "H · dk · (Dq + 1)" in flat, name
        assert "T · 4 · u · (i + u)" in flat and "T unknown" in flat, name  # MACs per step, the steps open


@pytest.mark.parametrize("which", ["seed", "mixed", "branched"])
def test_every_renderer_shows_every_fact(which, request):
    record = request.getfixturevalue(which)
    outputs = {name: read(record, EVERYTHING) for name, read in RENDERERS.items()}
    for fact in facts(record):
        missing = [name for name, flat in outputs.items() if fact not in flat]
        assert not missing, (fact, missing)
    found = {name: numbers(flat) for name, flat in outputs.items()}
    assert all(found[name] == found["docutils"] for name in found), {
        name: found[name] ^ found["docutils"] for name in found}


def test_each_branch_of_the_walk_is_one_line_in_every_renderer(branched):
    walk = ["Input (image) 64 × 64 × 3 = 12,288 → Conv2D 31 × 31 × 16 = 15,376 → Conv2D 15 × 15 × 32 = 7,200"
            " → GlobalAveragePooling2D (pool) 32",  # (64 - 3) // 2 + 1 = 31, (31 - 3) // 2 + 1 = 15
            "Input (metadata) 12 → Dense (meta_dense) 16",
            "pool + meta_dense → Concatenate 48 → Dense (hidden) 32 → Dense 5",  # 32 + 16 = 48
            "hidden → Dense 1"]
    for name, read in RENDERERS.items():
        flat = read(branched, EVERYTHING)
        assert all(_flat(line) in flat for line in walk), name
    assert [_flat(line) for line in text.render(branched, EVERYTHING, width=400).split("Shapes:")[1].splitlines()[1:5]] == [
        _flat(line) for line in walk]  # one line each


def test_each_step_of_the_walk_is_in_every_renderer(seed):
    steps = ["Input 28 × 28 × 1 = 784", "Conv2D 26 × 26 × 32 = 21,632", "MaxPooling2D 13 × 13 × 32 = 5,408",
             "Conv2D 11 × 11 × 64 = 7,744", "MaxPooling2D 5 × 5 × 64 = 1,600", "Flatten 1,600", "Dropout 1,600",
             "Dense 10"]
    walk = " → ".join(steps)
    for name, read in RENDERERS.items():
        assert walk in read(seed, EVERYTHING), name


@pytest.mark.parametrize("formula, explained, shown", [
    ("both", False, True), ("symbolic", False, True), ("substituted", False, False), ("substituted", True, True)])
def test_the_legend_follows_one_rule(seed, formula, explained, shown):
    """Symbols are explained where they are shown: in the formula column unless it holds only
    numbers, or in the explanation."""
    options = SummaryOptions(formula=formula, explain=explained)
    for name, read in RENDERERS.items():
        flat = read(seed, options)
        assert ("Legend" in flat) == shown, name
        assert ("output filters of this layer" in flat) == shown, name
        assert ("output positions" in flat) == explained, name  # P, in the explanation's MAC lines
    cli = text.to_text(seed, formula_mode=formula, explain=explained)  # the CLI's call
    assert ("Legend:" in cli) == shown


def test_a_macs_cell_with_an_open_size_has_its_symbols_explained(mixed):
    options = SummaryOptions(columns=("layer", "params", "macs"))  # no formula column, no explanation
    for name, read in RENDERERS.items():
        flat = read(mixed, options)
        assert "T · 4 · u · (i + u)" in flat and "Legend" in flat and "timesteps" in flat, name


def test_options_shape_every_renderer_alike(seed):
    options = SummaryOptions(columns=("name", "params"), layers=(("conv2d", "dense"),), totals=False, legend=False)
    for name, read in RENDERERS.items():
        flat = read(seed, options)
        assert "conv2d" in flat and "dense" in flat and "inputlayer" not in flat, name  # "_" is dropped
        assert "34,826" not in flat and "Legend" not in flat, name


def test_notes_and_mismatches_in_every_renderer(seed):
    """A record's notes (a row's and the model's) and a formula Keras disagrees with."""
    record = copy.deepcopy(seed)
    conv = next(row for row in record["layers"] if row["label"] == "conv2d")
    conv["diagnostics"].append({"layer": "conv2d", "kind": "mismatch", "message": "the rule gives 321"})
    conv["formula"]["mismatch"] = True
    record["diagnostics"].append({"layer": None, "kind": "note", "message": "built on a guessed input"})
    for name, read in RENDERERS.items():
        flat = read(record, EVERYTHING)
        assert "conv2d: the rule gives 321" in flat and "The model: built on a guessed input" in flat, name
        assert flat.count("(Keras counts 320)") == 2, name  # in the table and in the explanation


def test_one_shape_printer():
    assert shape_text((None, 26, 26, 32)) == "(None, 26, 26, 32)"
    assert shape_text((16,)) == "(16,)" == str((16,))
    assert shape_text((None, 16)) == str((None, 16))
    assert shape_text(None) == "?"


# MyST AST and TeX -------------------------------------------------------------------------

# What mystmd's TeX export writes as a maths command when it meets it in text (arrows), or
# passes on to a LaTeX that cannot set it (floors, ceilings): only inlineMath may hold them.
NOT_IN_TEXT = set("→←↔⇒⇐⇔⌊⌋⌈⌉−")


@pytest.mark.parametrize("which", ["seed", "mixed"])
def test_myst_text_holds_nothing_tex_sets_only_in_maths(which, request):
    nodes = myst_ast.render(request.getfixturevalue(which), EVERYTHING)
    texts = [node["value"] for node in find_nodes(nodes, "text")]
    assert not [t for t in texts if NOT_IN_TEXT & set(t)]
    assert any(node["value"] == r"\rightarrow" for node in find_nodes(nodes, "inlineMath"))  # the walk's arrows


TEX_PAGE = """\
---
exports:
  - format: tex
    template: null
    output: out/summary.tex
---
# Summaries

```{model-summary} mymodels:build_cnn
:explain:
```

```{model-summary} test_renderers:build_mixed
:columns: layer, output, activations, params, formula, macs
:explain:
```
"""
TEX_DOCUMENT = r"""\documentclass{article}
\usepackage{booktabs}
\usepackage{amsmath}
\usepackage{amssymb}
\usepackage{hyperref}
\begin{document}
\input{summary.tex}
\end{document}
"""


def test_mystmd_tex_export_compiles(tmp_path):
    """``myst build --tex`` of a page with two explained summaries: every arrow in maths, and
    the TeX compiles (where latexmk is installed)."""
    myst, why = find_myst()
    if myst is None:
        pytest.skip(why)
    project = tmp_path / "book"
    shutil.copytree(REPO / "examples" / "jupyter-book-2", project,
                    ignore=shutil.ignore_patterns("_build", "_modelsummary_cache", "__pycache__", "*.md"))
    (project / "summary.md").write_text(TEX_PAGE)
    config = project / "myst.yml"
    config.write_text(config.read_text().replace("file: parameters.md", "file: summary.md"))
    env = plugin_env(PYTHONPATH=os.pathsep.join([str(REPO), str(Path(__file__).parent)]))
    done = subprocess.run([str(myst), "build", "--tex"], cwd=project, env=env, capture_output=True, text=True,
                          timeout=900)
    tex = project / "out" / "summary.tex"
    assert tex.exists(), done.stdout + done.stderr
    source = tex.read_text()
    assert "Non-zero error code" not in done.stdout + done.stderr
    assert "16{,}010" in source and r"T \cdot 4 \cdot 16" in source  # both summaries: the seed's, the LSTM's MACs
    outside = re.sub(r"\$[^$]*\$", "", source)  # what is left outside inline maths
    assert source.count(r"\rightarrow") >= 8 and r"\rightarrow" not in outside
    assert not NOT_IN_TEXT & set(outside)
    latexmk = shutil.which("latexmk")
    if latexmk is None:
        pytest.skip("latexmk is not installed: the TeX was checked, not compiled")
    (tex.parent / "main.tex").write_text(TEX_DOCUMENT)
    compiled = subprocess.run([latexmk, "-pdf", "-interaction=nonstopmode", "-halt-on-error", "main.tex"],
                              cwd=tex.parent, capture_output=True, text=True, errors="replace", timeout=600)
    log = (tex.parent / "main.log").read_text(errors="replace")
    assert compiled.returncode == 0 and "Missing $ inserted" not in log, log[-3000:]


# Golden files: the CLI's text and Markdown ------------------------------------------------

GOLDEN_CASES = {
    "seed.txt": lambda r: text.to_text(r),
    "seed-explain.txt": lambda r: text.to_text(r, explain=True),
    "seed-explain-ascii.txt": lambda r: text.to_text(r, explain=True, style=ASCII),
    "seed.md": lambda r: markdown.to_markdown(r),
    "seed-explain.md": lambda r: markdown.to_markdown(r, explain=True),
    "seed-explain-ascii.md": lambda r: markdown.to_markdown(r, explain=True, style=ASCII),
}


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_golden_outputs(seed, name):
    found = GOLDEN_CASES[name](seed)
    path = GOLDEN / name
    if os.environ.get("MODELSUMMARY_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(found, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with MODELSUMMARY_UPDATE_GOLDEN=1 and read it"
    assert found == path.read_text(encoding="utf-8")
