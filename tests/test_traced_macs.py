"""A custom layer's own ``keras.ops`` counted by tracing its call: numbers worked out by hand,
and for matmul and convolution by TensorFlow's profiler."""

import pytest

keras = pytest.importorskip("keras")

from sphinx_modelsummary.model.spec import fresh_names  # noqa: E402
from sphinx_modelsummary.model.summary import summarize, summarize_model  # noqa: E402


def rows_by_label(record):
    return {row["label"]: row for row in record["layers"]}


@pytest.fixture(scope="module")
def custom():
    return rows_by_label(summarize("nested_models:custom_ops"))


def test_matmul_plus_bias_is_counted(custom):
    row = custom["matmul_dense"]
    # 10 positions x 5 units, each a sum of 12 products; the bias is an element-wise addition
    assert row["macs"] == 10 * 5 * 12
    formula = row["macs_formula"]
    assert (formula["symbolic"], formula["substituted"]) == ("O * n", "50 * 12")
    assert formula["note"] == "traced: its call() runs matmul of (10, 12) and (12, 5)"
    assert set(formula["legend"]) == {"O", "n"}


def test_einsum_and_a_dense_sublayer_add_up(custom):
    row = custom["heads"]
    # btd,dhk->bthk: every t, d, h, k (10 x 12 x 3 x 4) is one product; then 12 -> 5 at 10 positions
    assert row["macs"] == 10 * 12 * 3 * 4 + 10 * 12 * 5
    assert row["macs_formula"]["symbolic"] == "einsum + out"
    assert row["macs_formula"]["note"] == "traced: its call() runs einsum of (10, 12) and (12, 3, 4); out of (10, 12)"


def test_convolutions_through_ops(custom):
    row = custom["filters"]
    conv = 8 * 8 * 8 * (3 * 3 * 3)  # stride 2, same: 8 x 8 x 8 outputs over 3 x 3 x 3 inputs
    depthwise = 6 * 6 * 16 * (3 * 3)  # valid: 6 x 6, 8 channels x 2, each over a 3 x 3 window
    transposed = 6 * 6 * 16 * (2 * 2 * 4)  # each input value spread over 2 x 2 x 4 outputs
    assert row["macs"] == conv + depthwise + transposed
    assert row["macs_formula"]["symbolic"] == "conv + depthwise_conv + conv_transpose"


def test_a_model_it_calls_is_traced_through():
    row = rows_by_label(summarize("nested_models:projected"))["projected"]
    # at 10 positions: 12 -> 8 and 8 -> 6 in the Sequential, then the matmul 6 -> 2
    assert row["macs"] == 10 * 12 * 8 + 10 * 8 * 6 + 10 * 6 * 2
    assert row["macs_formula"]["symbolic"] == "ffn/dense + ffn/dense_1 + matmul"


def test_traced_counts_agree_with_the_tensorflow_profiler():
    from nested_models import Filters, MatmulDense
    from tf_profiler import profiler_flops

    for layer, shape, ops in [(MatmulDense(5), (10, 12), ["MatMul", "BatchMatMul.*"]),
                              (Filters(), (16, 16, 3), ["Conv2D", "DepthwiseConv2dNative", "Conv2DBackpropInput"])]:
        with fresh_names():
            inputs = keras.Input(shape)
            model = keras.Model(inputs, layer(inputs))
        row = summarize_model(model)["layers"][1]
        assert 2 * row["macs"] == profiler_flops(model, ops), type(layer).__name__


def test_a_call_that_cannot_be_traced_is_not_known():
    record = summarize("nested_models:opaque")
    row = rows_by_label(record)["opaque"]
    assert row["macs"] is None and row["macs_formula"] is None
    assert record["totals"]["macs_unknown"] == ["opaque"]
    assert record["diagnostics"] == []


def test_tracing_changes_no_weight():
    """The trace runs on symbolic inputs in a stateless scope: a variable the call assigns keeps its value."""

    class Counting(keras.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], 3))
            self.calls = self.add_weight(shape=(), initializer="zeros", trainable=False)

        def call(self, x):
            self.calls.assign_add(1.0)
            return keras.ops.matmul(x, self.w)

    with fresh_names():
        inputs = keras.Input((4, 6))
        layer = Counting(name="counting")
        model = keras.Model(inputs, layer(inputs))
    before = [w.numpy().copy() for w in layer.weights]
    row = rows_by_label(summarize_model(model))["counting"]
    assert row["macs"] == 4 * 3 * 6  # 4 positions x 3 outputs, each a sum of 6 products
    assert all((w.numpy() == b).all() for w, b in zip(layer.weights, before))


def test_an_einsum_with_an_ellipsis():
    class Project(keras.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], 5))

        def call(self, x):
            return keras.ops.einsum("...d,dk->...k", x, self.w)

    with fresh_names():
        inputs = keras.Input((7, 10, 12))
        model = keras.Model(inputs, Project(name="project")(inputs))
    row = rows_by_label(summarize_model(model))["project"]
    assert row["output_shapes"] == [[None, 7, 10, 5]]
    assert row["macs"] == 7 * 10 * 12 * 5  # the batch axis under the ellipsis is left out


def test_an_einsum_in_a_functional_graph_is_counted_too():
    with fresh_names():
        a, b = keras.Input((4, 5)), keras.Input((5, 6))
        model = keras.Model([a, b], keras.ops.einsum("bij,bjk->bik", a, b))
    row = [r for r in summarize_model(model)["layers"] if r["class"] == "Einsum"][0]
    assert row["macs"] == 4 * 5 * 6  # each of the 4 x 6 outputs sums 5 products
