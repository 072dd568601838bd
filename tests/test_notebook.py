"""explain() in a notebook: model objects and specs, HTML and text."""

import pytest

keras = pytest.importorskip("keras")

from sphinx_modelsummary import explain  # noqa: E402


def test_a_model_object_with_its_formulas():
    from examples.mnist import build_cnn

    summary = explain(build_cnn())
    html = summary._repr_html_()
    assert '<table class="modelsummary">' in html
    assert "k * (f * h * w + 1) = 32 * (1 * 3 * 3 + 1) = 320" in html
    assert "Total parameters: 34,826" in str(summary)
    assert summary.record["totals"]["params"] == 34826


def test_an_unbuilt_model_and_a_spec():
    from examples.mnist import build_cnn_deferred

    built = explain(build_cnn_deferred(), (28, 28, 1), columns="name, params")
    assert [r["params"]["total"] for r in built.record["layers"]][-1] == 10 * (1600 + 1)
    assert "| Layer | Parameters |" in built._repr_markdown_()
    from_spec = explain("examples.mnist:build_cnn_deferred", [28, 28, 1])
    assert from_spec.record["totals"] == {**from_spec.record["totals"], "params": 34826}
