"""Multiply-accumulates (MACs): the catalog against counts made independently.

Convolutions and dense layers are computed here with plain loops that count every
multiply-add they do, and the loops' outputs are checked against Keras's, so the count is
the count of the real computation. Whole models are checked against TensorFlow's profiler,
which counts 2 FLOPs per multiply-accumulate: on the operations that multiply weights
(Conv2D, DepthwiseConv2dNative, MatMul) it must agree exactly; over all operations it may count
up to 5 % more, the bias additions, activations, pooling and normalisation that the convention
here counts as 0.
"""

import numpy as np
import pytest

keras = pytest.importorskip("keras")
L = keras.layers

from sphinx_modelsummary.model import catalog  # noqa: E402
from sphinx_modelsummary.present import conventions as fmt  # noqa: E402
from sphinx_modelsummary.model.spec import fresh_names, load_model, parse_spec  # noqa: E402
from sphinx_modelsummary.model.summary import summarize, summarize_model  # noqa: E402

WEIGHT_OPS = ["Conv2D", "DepthwiseConv2dNative", "MatMul"]  # TensorFlow's names, as regexes
OTHER_OPS_TOLERANCE = 0.05


def rows_by_label(record):
    return {row["label"]: row for row in record["layers"]}


# Counting loops ------------------------------------------------------------------------------


def padded(x, kernel_span, strides, padding):
    """The input with TensorFlow's zero padding for ``same`` (more after than before)."""
    if padding == "valid":
        return x
    pads = []
    for n, span, s in zip(x.shape[:-1], kernel_span, strides):
        out = -(-n // s)
        total = max((out - 1) * s + span - n, 0)
        pads.append((total // 2, total - total // 2))
    return np.pad(x, [*pads, (0, 0)])


def conv2d_loops(x, kernel, bias, strides, padding, dilation, groups=1):
    """One image (h, w, f) through a kernel (kh, kw, f / g, k): the output and the MACs done."""
    kh, kw, per_group, k = kernel.shape
    span = ((kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1)
    x = padded(x, span, strides, padding)
    rows = (x.shape[0] - span[0]) // strides[0] + 1
    cols = (x.shape[1] - span[1]) // strides[1] + 1
    out, macs = np.zeros((rows, cols, k)), 0
    filters_per_group = k // groups
    for r in range(rows):
        for c in range(cols):
            for filt in range(k):
                g = filt // filters_per_group
                total = bias[filt]
                for i in range(kh):
                    for j in range(kw):
                        pixel = x[r * strides[0] + i * dilation[0], c * strides[1] + j * dilation[1]]
                        for ch in range(per_group):
                            total += pixel[g * per_group + ch] * kernel[i, j, ch, filt]
                            macs += 1
                out[r, c, filt] = total
    return out, macs


def depthwise_loops(x, kernel, strides):
    """Valid depthwise convolution: kernel (kh, kw, f, m)."""
    kh, kw, f, m = kernel.shape
    rows, cols = (x.shape[0] - kh) // strides[0] + 1, (x.shape[1] - kw) // strides[1] + 1
    out, macs = np.zeros((rows, cols, f * m)), 0
    for r in range(rows):
        for c in range(cols):
            for ch in range(f):
                for mult in range(m):
                    for i in range(kh):
                        for j in range(kw):
                            out[r, c, ch * m + mult] += x[r * strides[0] + i, c * strides[1] + j, ch] * kernel[i, j, ch, mult]
                            macs += 1
    return out, macs


def transpose_loops(x, kernel, bias, strides):
    """Valid transposed convolution: each input value is scattered through the kernel
    (kh, kw, k, f), and the output is ``(n - 1) * s + kernel`` long on each axis."""
    kh, kw, k, f = kernel.shape
    out = np.zeros(((x.shape[0] - 1) * strides[0] + kh, (x.shape[1] - 1) * strides[1] + kw, k))
    macs = 0
    for r in range(x.shape[0]):
        for c in range(x.shape[1]):
            for i in range(kh):
                for j in range(kw):
                    for filt in range(k):
                        for ch in range(f):
                            out[r * strides[0] + i, c * strides[1] + j, filt] += x[r, c, ch] * kernel[i, j, filt, ch]
                            macs += 1
    return out + bias, macs


def dense_loops(x, kernel, bias):
    """Dense on every position of x (..., i): out[p, u] = sum_i x[p, i] * kernel[i, u] + bias[u]."""
    flat = x.reshape(-1, x.shape[-1])
    out, macs = np.zeros((flat.shape[0], kernel.shape[1])), 0
    for p in range(flat.shape[0]):
        for u in range(kernel.shape[1]):
            total = bias[u]
            for i in range(kernel.shape[0]):
                total += flat[p, i] * kernel[i, u]
                macs += 1
            out[p, u] = total
    return out.reshape(*x.shape[:-1], kernel.shape[1]), macs


def catalog_macs(layer, input_shape) -> int:
    x = keras.Input(input_shape)
    out = layer(x)
    count = catalog.mac_count(type(layer).__name__, layer.get_config(), [tuple(x.shape)], tuple(out.shape))
    return count.integer()


@pytest.mark.parametrize(
    "make, shape",
    [
        (lambda: L.Conv2D(4, 3), (7, 6, 2)),
        (lambda: L.Conv2D(3, (3, 2), strides=2, padding="same"), (7, 6, 2)),
        (lambda: L.Conv2D(2, 2, dilation_rate=2), (7, 7, 3)),
        (lambda: L.Conv2D(4, 3, groups=2, padding="same"), (5, 5, 4)),
    ],
    ids=["valid", "strided-same", "dilated", "groups"],
)
def test_convolution_macs_are_the_loops(make, shape):
    layer = make()
    expected = catalog_macs(layer, shape)
    x = np.random.rand(*shape).astype("float32")
    kernel, bias = (w.numpy() for w in layer.weights)
    out, macs = conv2d_loops(x, kernel, bias, layer.strides, layer.padding, layer.dilation_rate, layer.groups)
    np.testing.assert_allclose(out, layer(x[None]).numpy()[0], rtol=1e-4, atol=1e-5)
    assert macs == expected


def test_depthwise_transpose_and_dense_macs_are_the_loops():
    depthwise = L.DepthwiseConv2D(3, strides=2, depth_multiplier=2, use_bias=False)
    expected = catalog_macs(depthwise, (7, 7, 3))
    x = np.random.rand(7, 7, 3).astype("float32")
    out, macs = depthwise_loops(x, depthwise.weights[0].numpy(), depthwise.strides)
    np.testing.assert_allclose(out, depthwise(x[None]).numpy()[0], rtol=1e-4, atol=1e-5)
    assert macs == expected == 3 * 3 * 3 * 2 * 3 * 3  # by hand: 3 x 3 positions, 3 x 2 kernels of 3 x 3

    transpose = L.Conv2DTranspose(2, 3, strides=2)
    expected = catalog_macs(transpose, (4, 3, 3))
    x = np.random.rand(4, 3, 3).astype("float32")
    kernel, bias = (w.numpy() for w in transpose.weights)
    out, macs = transpose_loops(x, kernel, bias, transpose.strides)
    np.testing.assert_allclose(out, transpose(x[None]).numpy()[0], rtol=1e-4, atol=1e-5)
    assert macs == expected

    dense = L.Dense(5)
    expected = catalog_macs(dense, (4, 7))
    x = np.random.rand(4, 7).astype("float32")
    kernel, bias = (w.numpy() for w in dense.weights)
    out, macs = dense_loops(x, kernel, bias)
    np.testing.assert_allclose(out, dense(x[None]).numpy()[0], rtol=1e-4, atol=1e-5)
    assert macs == expected == 4 * 7 * 5


# Whole models against TensorFlow's profiler ------------------------------------------------------


def record_and_model(spec):
    parsed = parse_spec(spec)
    graph, model = load_model(parsed)
    return summarize_model(graph, model, spec=spec), model


@pytest.mark.parametrize("spec", [
    "examples.mnist:build_cnn",
    "modelzoo:multi_io",
    "architectures:frame_classifier",
    "keras.applications:MobileNetV2(weights=None, input_shape=(96, 96, 3))",
])
def test_whole_models_against_the_profiler(spec):
    from tf_profiler import profiler_flops

    record, model = record_and_model(spec)
    macs = record["totals"]["macs"]
    assert not record["totals"]["macs_partial"] and macs > 0
    assert profiler_flops(model, WEIGHT_OPS) == 2 * macs
    everything = profiler_flops(model)
    assert 2 * macs <= everything <= 2 * macs * (1 + OTHER_OPS_TOLERANCE)


def test_recurrent_layers_count_every_step():
    """Unrolled, every step's matrix products are in the graph for the profiler to count."""
    from tf_profiler import profiler_flops

    def build():
        steps = keras.Input((10, 8))
        x = L.LSTM(16, return_sequences=True, unroll=True)(steps)
        x = L.Bidirectional(L.GRU(6, return_sequences=True, unroll=True))(x)
        x = L.SimpleRNN(5, unroll=True)(x)
        return keras.Model(steps, L.Dense(3)(x))

    with fresh_names():
        model = build()
    record = summarize_model(model)
    rows = [r for r in record["layers"] if r["class"] != "InputLayer"]
    # by hand: T * g * u * (i + u) for each, both directions of the GRU
    assert [r["macs"] for r in rows] == [10 * 4 * 16 * (8 + 16), 2 * 10 * 3 * 6 * (16 + 6),
                                         10 * 1 * 5 * (12 + 5), 5 * 3]
    assert rows[0]["macs_formula"]["symbolic"] == "T * 4 * u * (i + u)"
    assert profiler_flops(model, ["MatMul"]) == 2 * record["totals"]["macs"]


def test_time_distributed_model_counts_every_frame():
    """TimeDistributed(VGG19's convolutional base) on 16 frames: 16 times VGG19's MACs."""
    convolutions = [(224, 3, 64), (224, 64, 64), (112, 64, 128), (112, 128, 128),
                    *[(56, c, 256) for c in (128, 256, 256, 256)],
                    *[(28, c, 512) for c in (256, 512, 512, 512)], *[(14, 512, 512)] * 4]
    vgg19 = sum(n * n * out * inp * 3 * 3 for n, inp, out in convolutions)  # 'same' 3 x 3 convolutions
    assert vgg19 == 19_508_428_800
    record, model = record_and_model("architectures:vgg19_frames")
    wrapper = rows_by_label(record)["vgg19_per_frame"]
    assert wrapper["macs"] == record["totals"]["macs"] == 16 * vgg19
    assert (wrapper["macs_formula"]["symbolic"], wrapper["macs_formula"]["value"]) == ("T * vgg19", 16 * vgg19)
    assert wrapper["params"]["total"] == model.count_params() == wrapper["formula"]["value"]


# Unknown sizes and the convention ---------------------------------------------------------------


def test_an_unknown_time_axis_names_the_unknown_and_makes_the_total_partial():
    record = summarize("architectures:seq2seq")
    rows = rows_by_label(record)
    encoder = rows["encoder"]
    assert encoder["macs"] is None
    formula = encoder["macs_formula"]
    assert (formula["symbolic"], formula["substituted"], formula["value"], formula["unknown"]) == (
        "T * 4 * u * (i + u)", "T * 4 * 64 * (71 + 64)", None, ["T"])
    assert "unknown" in formula["legend"]["T"]
    totals = record["totals"]
    assert totals["macs_partial"] is True and totals["macs"] == 0
    assert totals["macs_unknown"] == ["encoder", "decoder", "next_token"]
    assert "depend on a size the input leaves open" in fmt.macs_total_text(record)

    known = summarize("architectures:seq2seq(steps=20)")
    # by hand: 20 steps of 4 gates for each LSTM, and the Dense at 20 positions
    expected = 20 * 4 * 64 * (71 + 64) + 20 * 4 * 64 * (93 + 64) + 20 * 64 * 93
    assert known["totals"]["macs"] == expected and known["totals"]["macs_partial"] is False
    assert fmt.macs_total_text(known) == f"{expected:,}"


def test_partial_totals_keep_what_is_known():
    record = summarize("architectures:conv1d_gru")
    assert record["totals"]["macs"] == 32 * 10  # the classifier; the Conv1D and GRU see ? steps
    assert record["totals"]["macs_partial"] is True
    assert fmt.macs_total_text(record).startswith("at least 320 (partial: conv, gru")


def test_zero_is_a_count_with_its_reason():
    record = summarize("architectures:speech_bigru(frames=100)")
    for row in record["layers"]:
        formula = row["macs_formula"]
        assert formula is not None and row["macs"] == formula["value"] is not None, row["label"]
        if row["macs"] == 0:
            assert formula["reason"], row["label"]
    rows = rows_by_label(record)
    assert rows["conv_1_bn"]["macs_formula"]["reason"].startswith("normalisation")
    assert rows["dropout"]["macs_formula"]["reason"].startswith("it acts only in training")
    # conv_1: 'same' with strides 2: 50 x 97 positions, 8 filters over 11 x 41 taps of 1 channel
    assert rows["conv_1"]["macs"] == 50 * 97 * 8 * 11 * 41


def test_every_catalogued_class_has_a_mac_rule():
    """Apply the convention everywhere: a class the catalog knows gets a count or a 0 with a reason."""
    without = sorted(name for name, rule in catalog.RULES.items() if rule.macs is None)
    assert without == ["MelSpectrogram"]  # an FFT, not multiply-accumulates (docs/formulas.rst)
    zero = [name for name, rule in catalog.RULES.items() if rule.no_macs_reason]
    assert "MaxPooling2D" in zero and "BatchNormalization" in zero and "Embedding" in zero
    assert all(catalog.mac_count(name, {}, [(None, 4, 4, 3)], (None, 4, 4, 3)).integer() == 0 for name in zero)


def test_shared_layers_count_every_call():
    from modelzoo import nested_and_shared

    record = summarize("modelzoo:nested_and_shared")
    rows = rows_by_label(record)
    assert rows["shared_dense (call 2)"]["macs"] == rows["shared_dense"]["macs"] == 8 * 4
    assert rows["encoder (call 2)"]["macs"] == rows["encoder"]["macs"] == 16 * 8
    assert record["totals"]["macs"] == 2 * (8 * 4 + 16 * 8)
    assert nested_and_shared  # the model the counts are for


def test_operations_in_the_graph():
    def build():
        a, b = keras.Input((5, 4)), keras.Input((4, 3))
        product = keras.ops.matmul(a + 1.0, b)
        return keras.Model([a, b], keras.ops.relu(product))

    import modelzoo

    modelzoo.with_ops = build
    rows = summarize("modelzoo:with_ops")["layers"]
    by_class = {r["class"]: r for r in rows}
    assert by_class["Matmul"]["macs"] == 5 * 3 * 4  # 15 outputs, each a dot product of 4
    assert by_class["Add"]["macs"] == by_class["Relu"]["macs"] == 0
