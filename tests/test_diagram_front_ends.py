"""The diagram in the other front-ends: ``--format svg`` on the command line,
``explain(model, diagram=True)`` in a notebook, and ``model-diagram`` (and a summary's
``:diagram:``) in the mystmd plugin, whose image is the SVG as a data URI."""

import base64
import json
import xml.etree.ElementTree as ET

import pytest

from front_ends import run_cli, run_plugin
from plugin_runs import example_book, plugin, request

pytest.importorskip("keras")

SVG = "{http://www.w3.org/2000/svg}"
SEED = ("input_layer", "conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "flatten", "dropout", "dense")


def _texts(markup: str) -> list[str]:
    return [t.text for t in ET.fromstring(markup).iter(f"{SVG}text")]


def test_the_command_line_writes_the_svg():
    done = run_cli("examples.mnist:build_cnn", "--format", "svg")
    assert done.returncode == 0, done.stderr
    texts = _texts(done.stdout)
    assert all(name in texts for name in SEED)
    assert "26×26×32 · 320 params" in texts and "11×11×64 · 18,496 params" in texts  # 64 · (32 · 3 · 3 + 1)
    root = ET.fromstring(done.stdout)
    assert root.get("data-view") == "feature-maps"
    assert "prefers-color-scheme:dark" in root.find(f"{SVG}style").text  # a file of its own picks its colours
    graph = run_cli("examples.functional:build_listing_model", "--format", "svg", "--view", "graph", "--layers", "image..pool")
    assert graph.returncode == 0, graph.stderr
    assert [t for t in _texts(graph.stdout) if t in ("image", "conv_1", "conv_2", "pool", "joined")] == [
        "image", "conv_1", "conv_2", "pool"]
    wrong = run_cli("examples.mnist:build_cnn", "--format", "svg", "--view", "sideways")
    assert wrong.returncode == 2 and "invalid choice: 'sideways'" in wrong.stderr


def test_explain_with_a_diagram():
    from sphinx_modelsummary.notebook import explain

    summary = explain("examples.residual:build_residual_block", diagram=True)
    page = summary._repr_html_()
    assert page.count("<svg") == 1 and page.index("<table") < page.index("<svg")
    words = str(summary)
    # the shortcut's 1 × 1 convolution: 32 · 16 = 512 weights, no bias; the add reads both paths
    assert "shortcut (Conv2D): 16×16×32 · 512 params, from features" in words
    assert "add (Add): 16×16×32 · 0 params, from bn_b and bn_shortcut" in words
    drawing = summary.diagram("graph")
    assert ET.fromstring(drawing._repr_svg_()).get("data-view") == "graph"
    assert "relu_out (ReLU): 16×16×32 · 0 params" in str(drawing)
    assert "<svg" not in explain("examples.residual:build_residual_block")._repr_html_()


def _image(node: dict) -> str:
    (image,) = [c for c in node["children"] if c["type"] == "image"]
    prefix = "data:image/svg+xml;base64,"
    assert image["url"].startswith(prefix)
    return base64.b64decode(image["url"][len(prefix):]).decode("utf-8")


def test_the_mystmd_plugin_draws_a_figure(tmp_path):
    book = example_book(tmp_path)
    spec = run_plugin(book / "modelsummary_plugin.py")
    (diagram,) = [d for d in json.loads(spec.stdout)["directives"] if d["name"] == "model-diagram"]
    assert {"view", "input-shape", "caption", "name", "expect-params"} <= set(diagram["options"])
    assert diagram["options"]["name"]["alias"] == ["label"]
    asked = {**request("mymodels:build_cnn", caption="The seed", label="seed-figure"), "name": "model-diagram"}
    done = run_plugin(book / "modelsummary_plugin.py", "--directive", "model-diagram", stdin=json.dumps(asked))
    assert done.returncode == 0, done.stderr
    (figure,) = json.loads(done.stdout)
    assert figure["type"] == "container" and figure["kind"] == "figure"
    assert figure["label"] == "seed-figure" and figure["identifier"] == "seed-figure"
    assert figure["children"][-1]["type"] == "caption"
    texts = _texts(_image(figure))
    assert all(name in texts for name in SEED) and "10 · 16,010 params" in texts
    status, nodes, _ = plugin(book, request("mymodels:build_cnn", diagram="", columns="layer, params"))
    assert status == 0 and [n["type"] for n in nodes][-1] == "container" and nodes[-1]["kind"] == "figure"
    assert "conv2d (Conv2D): 26×26×32 · 320 params" in nodes[-1]["children"][0]["alt"]
    wrong = {**request("mymodels:build_cnn", view="sideways"), "name": "model-diagram"}
    done = run_plugin(book / "modelsummary_plugin.py", "--directive", "model-diagram", stdin=json.dumps(wrong))
    (box,) = json.loads(done.stdout)
    assert done.returncode == 0 and box["type"] == "admonition"
    assert "model-diagram" in done.stderr and "[modelsummary.option]" in done.stderr
