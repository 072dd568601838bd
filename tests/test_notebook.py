"""explain() in a notebook: model objects and specs, HTML and text."""

import re

import pytest

keras = pytest.importorskip("keras")

from sphinx_modelsummary import explain  # noqa: E402


def test_a_model_object_with_its_formulas():
    from examples.mnist import build_cnn

    summary = explain(build_cnn())
    html = summary._repr_html_()
    assert '<table class="modelsummary"' in html
    # typeset without MathJax: italic symbols, Unicode operators; breaks only after the symbolic side
    assert ('<span style="white-space:nowrap"><i>k</i> · (<i>f</i> · <i>h</i> · <i>w</i> + 1)</span> '
            '<span style="white-space:nowrap">= 32 · (1 · 3 · 3 + 1) = 320</span>') in html
    assert "\\cdot" not in html and "$" not in html
    # notebook front-ends right-align cells: every cell says its own alignment
    cells = re.findall(r'<td style="([^"]*)">', html)
    assert cells and all("text-align:" in style for style in cells)
    assert re.search(r'<td style="[^"]*text-align:right[^"]*">18,496</td>', html)
    assert re.search(r'<td style="[^"]*text-align:left[^"]*"><div [^>]*><code[^>]*>conv2d(_\d+)?</code>', html)
    assert re.search(r"^Total +34,826 ", str(summary), re.M)
    assert summary.record["totals"]["params"] == 34826


def test_an_unbuilt_model_and_a_spec():
    from examples.mnist import build_cnn_deferred

    built = explain(build_cnn_deferred(), (28, 28, 1), columns="name, params")
    assert [r["params"]["total"] for r in built.record["layers"]][-1] == 10 * (1600 + 1)
    assert "| Layer | Parameters |" in built._repr_markdown_()
    from_spec = explain("examples.mnist:build_cnn_deferred", [28, 28, 1])
    assert from_spec.record["totals"] == {**from_spec.record["totals"], "params": 34826}


def test_steps_read_like_the_directive():
    """``steps=True``: the walk one line per branch, each layer an item with its MAC line."""
    from examples.mnist import build_cnn

    html = explain(build_cnn(), steps=True)._repr_html_()
    assert "table-layout:auto" in html  # myst-nb's fixed layout would give every column one width
    (walk,) = re.findall(r'<div class="modelsummary-walk"><strong>Shapes:</strong>(.*?)</div></div>', html)
    assert walk.count("<div>") == 1 and walk.count("→") == 7  # one branch of eight layers
    assert '<span style="white-space:nowrap">Conv2D 26 × 26 × 32 = 21,632</span>' in walk
    (steps,) = re.findall(r'<ul class="modelsummary-steps"[^>]*>(.*?)</ul>', html)
    assert steps.count("<li>") == 8 and steps.count("multiply-accumulates:") == 3  # two Conv2D and the Dense
    # 26 * 26 positions * 32 filters * 3 * 3 weights each: 194,688, every side kept whole
    assert ('<span style="white-space:nowrap">= 676 · 32 · 1 · 3 · 3</span> '
            '<span style="white-space:nowrap">= 194,688</span>') in steps
