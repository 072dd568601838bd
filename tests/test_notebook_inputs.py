"""Issue 16: explain() says plainly what it cannot summarise, and takes the directive's
options, checked as the directive checks them."""

from __future__ import annotations

import pytest

keras = pytest.importorskip("keras")

from sphinx_modelsummary import explain  # noqa: E402


@pytest.mark.parametrize("thing", [42, None, 3.5])
def test_what_is_no_model_is_a_type_error_that_says_so(thing):
    with pytest.raises(TypeError, match="takes a Keras model, a torch.nn.Module or a spec"):
        explain(thing)


def test_a_layer_is_no_model_and_the_error_says_how_to_wrap_it():
    with pytest.raises(TypeError, match=r"wrap a layer in a model: keras.Sequential"):
        explain(keras.layers.Dense(3))


@pytest.mark.parametrize("options, words", [({"formula": "bogus"}, "formula: expected one of"),
                                            ({"colour": "red"}, "colour: is not an option of model-summary"),
                                            ({"depth": -1}, "depth: expected a whole number")])
def test_a_bad_option_is_a_value_error_naming_it(options, words):
    with pytest.raises(ValueError, match=words):
        explain("examples.mnist:build_cnn", **options)


def test_the_directives_options_shape_the_table():
    summary = explain("examples.mnist:build_cnn", columns="layer, params", layers="conv2d..dense", totals="no")
    text = str(summary)
    assert "input_layer" not in text and "conv2d (Conv2D)" in text and "16,010" in text
    assert "34,826" not in text  # no totals row, as asked
    assert summary.record["totals"]["params"] == 34_826  # 320 + 18,496 + 16,010, by hand
