"""The catalog against Keras itself: parameter counts, output shapes, derivations and MACs."""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest

keras = pytest.importorskip("keras")
L = keras.layers

from sphinx_modelsummary.model import catalog  # noqa: E402
from sphinx_modelsummary.model.keras_adapter import layer_config  # noqa: E402


@dataclass
class Case:
    make: Callable
    shapes: list  # input shapes without the batch axis
    call: str = "one"  # "one" tensor, a "list" of tensors, or positional "args"
    ints: bool = False
    # Compare with the shape of a real output: Keras's symbolic shape is wrong for these.
    real: bool = False
    macs: int | None = None  # a count worked out by hand


def case(id_, make, *shapes, **kw):
    return pytest.param(Case(make, list(shapes), **kw), id=id_)


def build(c: Case):
    try:
        layer = c.make()
    except (TypeError, ValueError) as error:
        if "keyword argument" not in str(error):
            raise
        pytest.skip(f"this Keras has no such argument ({error})")
    dtype = "int32" if c.ints else "float32"
    inputs = [keras.Input(s, dtype=dtype) for s in c.shapes]
    if c.call == "list":
        out = layer(inputs)
    else:
        out = layer(*inputs)
    return layer, [tuple(x.shape) for x in inputs], keras.tree.flatten(out)[0]


def real_shape(layer, c: Case) -> tuple:
    arrays = [
        np.zeros((2, *s), "int32") if c.ints else np.random.rand(2, *s).astype("float32")
        for s in c.shapes
    ]
    out = layer(arrays) if c.call == "list" else layer(*arrays)
    return (None, *keras.tree.flatten(out)[0].shape[1:])


# Spatial axes counted back from the last one, which sits before the channels (or is last).
FROM_END = {"width": 0, "length": 0, "height": 1, "depth": 2}


def derived_axis(name: str, shape_: tuple, config: dict) -> int:
    """Where the axis a derivation names sits in the output shape."""
    if name == "features":
        return len(shape_) - 1
    if name.startswith("axis "):
        return int(name.split()[1])
    inner = config["layer"]["config"] if "layer" in config else config
    first = inner.get("data_format") == "channels_first"
    if name == "frames":  # STFTSpectrogram: (B, frames, ...) or (B, C or F*C, frames, ...)
        return 2 if first else 1
    return (len(shape_) if first else len(shape_) - 1) - 1 - FROM_END[name]


def weight_count(weights) -> int:
    return sum(math.prod(w.shape) for w in weights)


CONV = [
    case("conv1d-valid", lambda: L.Conv1D(4, 3), (10, 3)),
    case("conv1d-same-stride", lambda: L.Conv1D(4, 3, strides=2, padding="same"), (11, 3)),
    case("conv1d-causal-dilated", lambda: L.Conv1D(4, 3, padding="causal", dilation_rate=2), (10, 3)),
    case("conv1d-groups-nobias", lambda: L.Conv1D(6, 3, groups=2, use_bias=False), (10, 4)),
    case("conv1d-lora", lambda: L.Conv1D(6, 3, lora_rank=2), (10, 4)),
    case("conv2d", lambda: L.Conv2D(8, 3), (28, 28, 3), macs=26 * 26 * 8 * 3 * 3 * 3),
    case("conv2d-strided-rectangular", lambda: L.Conv2D(8, (3, 2), strides=(2, 1)), (15, 9, 3)),
    case("conv2d-dilated", lambda: L.Conv2D(8, 3, dilation_rate=2), (15, 9, 3)),
    case("conv2d-groups", lambda: L.Conv2D(8, 3, groups=4, padding="same"), (9, 9, 8)),
    case("conv2d-channels-first", lambda: L.Conv2D(8, 3, data_format="channels_first"), (3, 10, 12)),
    case("conv2d-nobias-lora", lambda: L.Conv2D(8, 3, use_bias=False, lora_rank=2), (9, 9, 4)),
    case("conv2d-unknown-size", lambda: L.Conv2D(8, 3), (None, None, 3)),
    case("conv3d", lambda: L.Conv3D(4, 3, strides=2), (9, 9, 9, 2)),
    case("conv3d-channels-first", lambda: L.Conv3D(4, 2, data_format="channels_first"), (2, 5, 5, 5)),
    case("conv1dT-valid", lambda: L.Conv1DTranspose(4, 3, strides=2), (7, 3)),
    case("conv1dT-same", lambda: L.Conv1DTranspose(4, 3, strides=2, padding="same"), (7, 3)),
    case("conv1dT-output-padding", lambda: L.Conv1DTranspose(4, 3, strides=2, output_padding=1), (7, 3)),
    case("conv2dT-small-kernel", lambda: L.Conv2DTranspose(4, 2, strides=3), (5, 5, 3)),
    case("conv2dT-same-op", lambda: L.Conv2DTranspose(4, 3, strides=2, padding="same", output_padding=(1, 0)),
         (5, 6, 3)),
    case("conv2dT-op-unknown-first-axis", lambda: L.Conv2DTranspose(4, 3, strides=2, output_padding=(0, 1)),
         (None, 5, 3)),
    case("conv2dT-dilated-nobias", lambda: L.Conv2DTranspose(4, 3, dilation_rate=2, use_bias=False),
         (5, 5, 3)),
    case("conv2dT-channels-first", lambda: L.Conv2DTranspose(4, 3, strides=2, data_format="channels_first"),
         (3, 5, 5)),
    case("conv3dT", lambda: L.Conv3DTranspose(2, 3, strides=(1, 2, 2), padding="same"), (4, 4, 4, 3)),
    case("depthwise1d", lambda: L.DepthwiseConv1D(3, depth_multiplier=2), (10, 4)),
    case("depthwise2d-strided-nobias", lambda: L.DepthwiseConv2D(3, strides=2, use_bias=False), (9, 9, 4)),
    case("depthwise2d-channels-first",
         lambda: L.DepthwiseConv2D(3, depth_multiplier=3, data_format="channels_first"),
         (4, 9, 9)),
    case("separable1d", lambda: L.SeparableConv1D(8, 3, depth_multiplier=2), (10, 4)),
    case("separable2d-nobias-same", lambda: L.SeparableConv2D(8, 3, padding="same", use_bias=False),
         (9, 9, 4)),
    case("maxpool2d", lambda: L.MaxPooling2D(2), (9, 9, 4)),
    case("avgpool1d-same", lambda: L.AveragePooling1D(3, strides=2, padding="same"), (10, 4)),
    case("globalavg2d-keepdims", lambda: L.GlobalAveragePooling2D(keepdims=True), (5, 5, 4)),
]

CORE = [
    case("dense", lambda: L.Dense(5), (7,), macs=35),
    case("dense-nobias", lambda: L.Dense(5, use_bias=False), (7,)),
    case("dense-3d", lambda: L.Dense(5), (4, 7), macs=4 * 7 * 5),
    case("dense-lora", lambda: L.Dense(5, lora_rank=2), (7,)),
    case("dense-frozen", lambda: L.Dense(5, trainable=False), (7,)),
    case("embedding", lambda: L.Embedding(50, 8), (6,), ints=True),
    case("embedding-lora", lambda: L.Embedding(50, 8, lora_rank=3), (6,), ints=True),
    case("reversible-embedding", lambda: L.ReversibleEmbedding(50, 8, tie_weights=False), (6,), ints=True),
    case("reversible-embedding-tied", lambda: L.ReversibleEmbedding(50, 8), (6,), ints=True),
    case("prelu", lambda: L.PReLU(), (4, 5, 3)),
    case("prelu-shared", lambda: L.PReLU(shared_axes=[1, 2]), (4, 5, 3)),
    case("flatten", lambda: L.Flatten(), (4, 5, 3)),
]

RECURRENT = [
    case("simplernn", lambda: L.SimpleRNN(16), (10, 8), macs=10 * 16 * (8 + 16)),
    case("simplernn-nobias-seq", lambda: L.SimpleRNN(16, use_bias=False, return_sequences=True), (10, 8)),
    case("lstm", lambda: L.LSTM(64), (10, 32), macs=10 * 4 * 64 * (32 + 64)),
    case("lstm-seq-state", lambda: L.LSTM(6, return_sequences=True, return_state=True), (10, 4)),
    case("lstm-nobias-state", lambda: L.LSTM(6, use_bias=False, return_state=True), (10, 4)),
    case("lstm-unknown-length", lambda: L.LSTM(6), (None, 4)),
    case("gru-reset-after", lambda: L.GRU(64), (10, 32)),
    case("gru-reset-before", lambda: L.GRU(64, reset_after=False), (10, 32)),
    case("gru-nobias-seq-state", lambda: L.GRU(5, use_bias=False, return_sequences=True, return_state=True),
         (10, 4)),
    case("rnn-lstmcell", lambda: L.RNN(L.LSTMCell(6)), (10, 4)),
    case("rnn-grucell-seq", lambda: L.RNN(L.GRUCell(6, reset_after=False), return_sequences=True), (10, 4)),
    case("rnn-simplecell-state", lambda: L.RNN(L.SimpleRNNCell(6), return_state=True), (10, 4)),
    case("rnn-stacked", lambda: L.RNN(L.StackedRNNCells([L.LSTMCell(4), L.GRUCell(3)])), (10, 5),
         macs=10 * (4 * 4 * (5 + 4) + 3 * 3 * (4 + 3))),
    case("convlstm1d", lambda: L.ConvLSTM1D(4, 3), (5, 10, 2)),
    case("convlstm2d-seq-same-nobias",
         lambda: L.ConvLSTM2D(4, 3, padding="same", return_sequences=True, use_bias=False),
         (5, 8, 8, 2)),
    case("convlstm2d-strided-state", lambda: L.ConvLSTM2D(3, 3, strides=2, return_state=True), (5, 9, 9, 2),
         macs=5 * 4 * 4 * 4 * 3 * 3 * 3 * (2 + 3)),
    case("convlstm2d-channels-first", lambda: L.ConvLSTM2D(3, 3, data_format="channels_first"), (5, 2, 8, 8)),
    case("convlstm3d", lambda: L.ConvLSTM3D(2, 2, dilation_rate=2), (3, 5, 5, 5, 1)),
    case("bidirectional-concat", lambda: L.Bidirectional(L.LSTM(4)), (10, 3), macs=2 * 10 * 4 * 4 * (3 + 4)),
    case("bidirectional-sum-seq", lambda: L.Bidirectional(L.GRU(4, return_sequences=True), merge_mode="sum"),
         (10, 3)),
    case("bidirectional-mul", lambda: L.Bidirectional(L.SimpleRNN(4), merge_mode="mul"), (10, 3)),
    case("bidirectional-ave", lambda: L.Bidirectional(L.LSTM(4), merge_mode="ave"), (10, 3)),
    case("bidirectional-none", lambda: L.Bidirectional(L.LSTM(4), merge_mode=None), (10, 3)),
    case("bidirectional-state", lambda: L.Bidirectional(L.GRU(4, return_state=True)), (10, 3)),
    case(
        "bidirectional-other-backward",
        lambda: L.Bidirectional(L.LSTM(4, return_sequences=True),
                                backward_layer=L.GRU(3, return_sequences=True, go_backwards=True)),
        (10, 3), real=True,  # keras-team/keras#23688: Keras says (None, 10, 8)
    ),
    case("timedistributed-dense", lambda: L.TimeDistributed(L.Dense(5)), (6, 7), macs=6 * 7 * 5),
    case("timedistributed-conv2d", lambda: L.TimeDistributed(L.Conv2D(4, 3, strides=2)), (6, 9, 9, 2)),
    case("timedistributed-frozen", lambda: L.TimeDistributed(L.Dense(5, trainable=False)), (6, 7)),
]

NORMALIZATION = [
    case("batchnorm", lambda: L.BatchNormalization(), (5, 5, 16)),
    case("batchnorm-noscale", lambda: L.BatchNormalization(scale=False), (16,)),
    case("batchnorm-nocenter-axis1", lambda: L.BatchNormalization(axis=1, center=False), (4, 5, 6)),
    case("batchnorm-bare", lambda: L.BatchNormalization(scale=False, center=False), (16,)),
    case("batchnorm-renorm", lambda: L.BatchNormalization(renorm=True), (16,)),
    case("batchnorm-frozen", lambda: L.BatchNormalization(trainable=False), (16,)),
    case("layernorm", lambda: L.LayerNormalization(), (4, 6)),
    case("layernorm-axes", lambda: L.LayerNormalization(axis=[1, 2]), (4, 5, 6)),
    case("layernorm-rms", lambda: L.LayerNormalization(rms_scaling=True), (4, 6)),
    case("layernorm-nocenter", lambda: L.LayerNormalization(center=False), (4, 6)),
    case("layernorm-noscale", lambda: L.LayerNormalization(scale=False), (4, 6)),
    case("rmsnorm", lambda: L.RMSNormalization(), (4, 6)),
    case("rmsnorm-axes", lambda: L.RMSNormalization(axis=[1, 2]), (4, 5, 6)),
    case("groupnorm", lambda: L.GroupNormalization(groups=2), (5, 5, 8)),
    case("groupnorm-noscale", lambda: L.GroupNormalization(groups=-1, scale=False), (5, 8)),
    case("normalization", lambda: L.Normalization(), (4, 6)),
    case("normalization-axes", lambda: L.Normalization(axis=(1, 2)), (4, 5, 6)),
    case("normalization-no-axis", lambda: L.Normalization(axis=None), (4, 6)),
    case("normalization-given", lambda: L.Normalization(mean=0.5, variance=2.0), (4, 6)),
    case("unitnorm", lambda: L.UnitNormalization(), (4, 6)),
    case("spectral-dense", lambda: L.SpectralNormalization(L.Dense(5)), (7,)),
    case("spectral-conv2d", lambda: L.SpectralNormalization(L.Conv2D(4, 3)), (8, 8, 3)),
    case("spectral-conv2dT", lambda: L.SpectralNormalization(L.Conv2DTranspose(4, 3)), (8, 8, 3)),
    case("spectral-depthwise", lambda: L.SpectralNormalization(L.DepthwiseConv2D(3, depth_multiplier=2)),
         (8, 8, 3)),
    case("spectral-embedding", lambda: L.SpectralNormalization(L.Embedding(20, 4)), (6,), ints=True),
    case("spectral-einsum", lambda: L.SpectralNormalization(L.EinsumDense("ab,bc->ac", 5, bias_axes="c")),
         (7,)),
]

ATTENTION = [
    case("mha-self", lambda: L.MultiHeadAttention(2, 4), (5, 8), (5, 8), call="args",
         macs=3 * 5 * 8 * 2 * 4 + 2 * 5 * 5 * (4 + 4) + 5 * 2 * 4 * 8),
    case("mha-cross-key", lambda: L.MultiHeadAttention(2, 4), (5, 8), (7, 6), (7, 3), call="args"),
    case("mha-value-dim", lambda: L.MultiHeadAttention(3, 4, value_dim=5), (5, 8), (7, 6), call="args"),
    case("mha-output-int-nobias", lambda: L.MultiHeadAttention(2, 4, use_bias=False, output_shape=9),
         (5, 8), (7, 6), call="args"),
    case("mha-output-tuple", lambda: L.MultiHeadAttention(2, 4, output_shape=(3, 2)),
         (5, 8), (5, 8), call="args"),
    case("mha-4d-axes", lambda: L.MultiHeadAttention(2, 4, attention_axes=(2,)),
         (3, 5, 8), (3, 5, 8), call="args"),
    case("mha-4d", lambda: L.MultiHeadAttention(2, 4), (3, 5, 8), (3, 5, 8), call="args"),
    case("mha-gate", lambda: L.MultiHeadAttention(2, 4, use_gate=True), (5, 8), (7, 6), call="args"),
    case("gqa", lambda: L.GroupQueryAttention(4, 4, 2), (5, 8), (7, 8), call="args"),
    case("gqa-key-nobias", lambda: L.GroupQueryAttention(4, 4, 2, use_bias=False),
         (5, 8), (7, 8), (7, 6), call="args"),
    case("gqa-gate", lambda: L.GroupQueryAttention(3, 4, 1, use_gate=True), (5, 8), (7, 8), call="args"),
    case("attention", lambda: L.Attention(), (5, 8), (7, 8), call="list", macs=5 * 7 * 16),
    case("attention-scale-concat", lambda: L.Attention(use_scale=True, score_mode="concat"),
         (5, 8), (7, 6), (7, 8), call="list"),
    case("additive-attention", lambda: L.AdditiveAttention(), (5, 8), (7, 8), call="list"),
    case("additive-attention-noscale", lambda: L.AdditiveAttention(use_scale=False),
         (5, 8), (7, 8), call="list"),
]

RESHAPING = [
    case("einsum-dense-like", lambda: L.EinsumDense("ab,bc->ac", 5, bias_axes="c"), (7,), macs=35),
    case("einsum-3d", lambda: L.EinsumDense("abc,cd->abd", (4, 5), bias_axes="d"), (4, 7), macs=4 * 7 * 5),
    # Keras's symbolic shape keeps output_shape's None where the input gives the size.
    case("einsum-none-output", lambda: L.EinsumDense("abc,cd->abd", (None, 5)), (4, 7), real=True),
    case("einsum-heads", lambda: L.EinsumDense("abc,cde->abde", (4, 2, 3), bias_axes="de"), (4, 7)),
    case("einsum-bias-inner", lambda: L.EinsumDense("abc,cde->abde", (4, 2, 3), bias_axes="d"), (4, 7)),
    # Keras reverses the axes the ellipsis stands for in its symbolic shape.
    case("einsum-left-ellipsis", lambda: L.EinsumDense("...b,bc->...c", 6), (5, 4, 3), real=True),
    case("einsum-right-ellipsis", lambda: L.EinsumDense("ab...,bc->ac...", 6, bias_axes="c"), (5, 4, 3)),
    case("einsum-lora", lambda: L.EinsumDense("abc,cde->abde", (4, 2, 3), bias_axes="e", lora_rank=2),
         (4, 7)),
    case("reshape", lambda: L.Reshape((-1, 3)), (6, 4)),
    case("reshape-known", lambda: L.Reshape((2, 12)), (6, 4)),
    case("reshape-unknown", lambda: L.Reshape((-1, 2)), (None, 4)),
    case("permute", lambda: L.Permute((2, 3, 1)), (4, 5, 6)),
    case("repeat-vector", lambda: L.RepeatVector(3), (6,)),
    case("upsampling1d", lambda: L.UpSampling1D(3), (5, 2)),
    case("upsampling2d", lambda: L.UpSampling2D((2, 3)), (5, 4, 2)),
    case("upsampling2d-channels-first", lambda: L.UpSampling2D(2, data_format="channels_first"), (2, 5, 4)),
    case("upsampling3d", lambda: L.UpSampling3D((1, 2, 3)), (3, 5, 4, 2)),
    case("zeropadding1d", lambda: L.ZeroPadding1D((1, 3)), (5, 2)),
    case("zeropadding2d", lambda: L.ZeroPadding2D(((1, 2), (0, 3))), (5, 4, 2)),
    case("zeropadding2d-channels-first", lambda: L.ZeroPadding2D(1, data_format="channels_first"), (2, 5, 4)),
    case("zeropadding3d", lambda: L.ZeroPadding3D(((1, 2), (0, 3), (2, 2))), (3, 5, 4, 2)),
    case("cropping1d", lambda: L.Cropping1D((1, 2)), (6, 2)),
    case("cropping2d", lambda: L.Cropping2D(((1, 2), (0, 3))), (6, 7, 2)),
    case("cropping3d", lambda: L.Cropping3D(1), (4, 5, 6, 2)),
    case("concatenate", lambda: L.Concatenate(), (4, 3), (4, 5), (4, 1), call="list"),
    case("concatenate-axis1", lambda: L.Concatenate(axis=1), (4, 3), (2, 3), call="list"),
    case("add", lambda: L.Add(), (4, 3), (4, 3), call="list"),
    case("multiply-broadcast", lambda: L.Multiply(), (4, 3), (1, 3), call="list"),
    case("subtract", lambda: L.Subtract(), (4, 3), (4, 3), call="list"),
    case("average", lambda: L.Average(), (4, 3), (4, 1), call="list"),
    case("maximum", lambda: L.Maximum(), (4, 3), (4, 3), call="list"),
    case("minimum", lambda: L.Minimum(), (4, 3), (4, 3), call="list"),
    case("dot", lambda: L.Dot(axes=2), (4, 3), (5, 3), call="list"),
    case("dot-vectors", lambda: L.Dot(axes=1), (3,), (3,), call="list"),
    case("activation", lambda: L.Activation("relu"), (4, 3)),
    case("dropout", lambda: L.Dropout(0.5), (4, 3)),
    case("resizing", lambda: L.Resizing(6, 5), (8, 8, 3)),
    case("center-crop-channels-first", lambda: L.CenterCrop(4, 5, data_format="channels_first"), (3, 8, 8)),
]


@pytest.mark.filterwarnings("ignore:You passed `rms_scaling=True`")
@pytest.mark.parametrize("c", CONV + CORE + RECURRENT + NORMALIZATION + ATTENTION + RESHAPING)
def test_against_keras(c: Case):
    layer, shapes, out = build(c)
    name, config = type(layer).__name__, layer_config(layer)  # the config as the adapter reads it

    parts = catalog.parameter_parts(name, config, shapes)
    assert parts is not None, f"{name} is not catalogued"
    trainable = sum(p.expr.integer() for p in parts if p.trainable)
    frozen = sum(p.expr.integer() for p in parts if not p.trainable)
    assert trainable + frozen == layer.count_params()
    assert trainable == weight_count(layer.trainable_weights)
    assert frozen == weight_count(layer.non_trainable_weights)

    rule = catalog.output_shape(name, config, shapes)
    assert rule is not None, f"{name} has no shape rule"
    expected = real_shape(layer, c) if c.real else tuple(out.shape)
    assert tuple(rule.shape) == expected
    for d in rule.derivations:
        assert d.expr.integer() == rule.shape[derived_axis(d.axis, rule.shape, config)], d.axis

    count = catalog.mac_count(name, config, shapes, rule.shape)
    if c.macs is not None:
        assert count is not None and count.integer() == c.macs
    elif count is not None and not any(isinstance(s, catalog.Unknown) for s in count.symbols()):
        inner = config.get("layer", {}).get("class_name", name)  # a wrapper counts what it wraps
        assert count.integer() > 0 or catalog.no_macs_reason(inner)  # 0 only by the stated convention
        assert count.text(True)  # renders


def first_part(c: Case):
    layer, shapes, _ = build(c)
    return catalog.parameter_parts(type(layer).__name__, layer.get_config(), shapes)[0].expr


@pytest.mark.parametrize(
    "c, symbolic, numbers, value",
    [
        (Case(lambda: L.LSTM(64), [(10, 32)]), "4 * u * (i + u + 1)", "4 * 64 * (32 + 64 + 1)", 24_832),
        (Case(lambda: L.GRU(64), [(10, 32)]), "3 * u * (i + u + 2)", "3 * 64 * (32 + 64 + 2)", 18_816),
        (Case(lambda: L.GRU(64, reset_after=False), [(10, 32)]),
         "3 * u * (i + u + 1)", "3 * 64 * (32 + 64 + 1)", 18_624),
        (Case(lambda: L.GRU(64, use_bias=False), [(10, 32)]),
         "3 * u * (i + u)", "3 * 64 * (32 + 64)", 18_432),
        (Case(lambda: L.SimpleRNN(16), [(10, 8)]), "u * (i + u + 1)", "16 * (8 + 16 + 1)", 400),
        (Case(lambda: L.ConvLSTM2D(8, 3), [(5, 9, 9, 3)]),
         "4 * k * (h * w * (f + k) + 1)", "4 * 8 * (3 * 3 * (3 + 8) + 1)", 3_200),
        (Case(lambda: L.BatchNormalization(), [(16,)]), "2 * f", "2 * 16", 32),
        (Case(lambda: L.LayerNormalization(axis=[1, 2]), [(4, 5)]), "2 * A", "2 * 20", 40),
        (Case(lambda: L.Normalization(), [(6,)]), "2 * A + 1", "2 * 6 + 1", 13),
        (Case(lambda: L.AdditiveAttention(), [(5, 8), (7, 8)], call="list"), "D_q", "8", 8),
        (Case(lambda: L.EinsumDense("abc,cd->abd", (4, 32), bias_axes="d"), [(4, 16)]),
         "c * d", "16 * 32", 512),
        (Case(lambda: L.Conv2D(8, 3, lora_rank=2), [(9, 9, 4)]),
         "r * (f * h * w + k)", "2 * (4 * 3 * 3 + 8)", 88),
        (Case(lambda: L.GroupQueryAttention(4, 4, 2), [(5, 8), (7, 8)], call="args"),
         "H_q * d_h * (D_q + 1)", "4 * 4 * (8 + 1)", 144),
    ],
)
def test_first_part_text(c, symbolic, numbers, value):
    first = first_part(c)
    assert (first.text(), first.text(True), first.integer()) == (symbolic, numbers, value)


def test_multi_head_attention_texts():
    layer = L.MultiHeadAttention(2, 4)
    q = keras.Input((5, 8))
    layer(q, q)
    config, shapes = layer.get_config(), [(None, 5, 8), (None, 5, 8)]
    parts = catalog.parameter_parts("MultiHeadAttention", config, shapes)
    texts = [(p.label, p.expr.text(True), p.expr.integer()) for p in parts]
    assert texts == [
        ("query projection", "2 * 4 * (8 + 1)", 72),
        ("key projection", "2 * 4 * (8 + 1)", 72),
        ("value projection", "2 * 4 * (8 + 1)", 72),
        ("output projection", "8 * (2 * 4 + 1)", 72),
    ]
    assert parts[0].expr.text() == "H * d_k * (D_q + 1)"
    count = catalog.mac_count("MultiHeadAttention", config, shapes, (None, 5, 8))
    # 3 projections 5*8*8 = 960, scores and sum 2*5*5*(4+4) = 400, output 5*8*8 = 320
    assert count.integer() == 1_680


@pytest.mark.parametrize(
    "name, config, shapes, symbolic, numbers",
    [
        ("Concatenate", {"axis": -1}, [(None, 4, 32), (None, 4, 64)], "a + b", "32 + 64"),
        ("ZeroPadding2D", {"padding": ((1, 2), (0, 0))}, [(None, 28, 28, 3)],
         "n + top + bottom", "28 + 1 + 2"),
        ("Cropping1D", {"cropping": (1, 2)}, [(None, 10, 3)], "n - left - right", "10 - 1 - 2"),
        ("UpSampling2D", {"size": (2, 2)}, [(None, 7, 7, 3)], "n * size", "7 * 2"),
        ("Reshape", {"target_shape": (-1, 3)}, [(None, 6, 4)], "6 x 4 / 3", "6 x 4 / 3"),
        ("STFTSpectrogram", {"frame_length": 16, "frame_step": 4}, [(None, 64, 1)],
         "floor((n - L) / s) + 1", "floor((64 - 16) / 4) + 1"),
    ],
)
def test_derivation_texts(name, config, shapes, symbolic, numbers):
    rule = catalog.output_shape(name, config, shapes)
    first = rule.derivations[0].expr
    assert (first.text(), first.text(True)) == (symbolic, numbers)


def test_bidirectional_derivation_and_macs():
    config = L.Bidirectional(L.LSTM(4), backward_layer=L.LSTM(3, go_backwards=True)).get_config()
    rule = catalog.output_shape("Bidirectional", config, [(None, 10, 2)])
    assert rule.shape == (None, 7)
    assert rule.derivations[-1].expr.text(True) == "4 + 3"
    count = catalog.mac_count("Bidirectional", config, [(None, 10, 2)], rule.shape)
    assert count.integer() == 10 * 4 * 4 * (2 + 4) + 10 * 4 * 3 * (2 + 3)
    per_step = catalog.mac_count("LSTM", {"units": 4}, [(None, None, 2)], (None, 4))  # T unknown
    assert (per_step.text(), per_step.text(True)) == ("T * 4 * u * (i + u)", "T * 4 * 4 * (2 + 4)")
    with pytest.raises(catalog.UnknownSize):
        per_step.integer()


def test_layer_scale():
    convnext = pytest.importorskip("keras.src.applications.convnext")
    layer = convnext.LayerScale(1e-6, 8)
    x = keras.Input((4, 8))
    out = layer(x)
    parts = catalog.parameter_parts("LayerScale", layer.get_config(), [tuple(x.shape)])
    assert sum(p.expr.integer() for p in parts) == layer.count_params() == 8
    assert catalog.output_shape("LayerScale", layer.get_config(), [tuple(x.shape)]).shape == tuple(out.shape)


@pytest.mark.parametrize(
    "kwargs, shape_",
    [
        ({"frame_length": 16, "frame_step": 4}, (64, 1)),
        ({"frame_length": 10, "mode": "real", "padding": "same", "expand_dims": True}, (64, 2)),
        ({"frame_length": 8, "fft_length": 32, "mode": "stft", "data_format": "channels_first"}, (2, 64)),
        ({"frame_length": 8, "mode": "imag", "expand_dims": True, "data_format": "channels_first"}, (2, 64)),
    ],
)
def test_stft_spectrogram(kwargs, shape_):
    """A named window needs scipy; ``window=None`` changes the initial values only."""
    test_against_keras(Case(lambda: L.STFTSpectrogram(window=None, **kwargs), [shape_]))


def test_stft_spectrogram_texts():
    """16-sample frames every 4 samples: 13 frames of 16 // 2 + 1 = 9 bins (by hand)."""
    config = {"frame_length": 16, "frame_step": 4, "mode": "log"}
    (part,) = catalog.parameter_parts("STFTSpectrogram", config, [(None, 64, 1)])
    assert (part.expr.text(), part.expr.integer()) == ("2 * L * F", 2 * 16 * 9)
    assert catalog.output_shape("STFTSpectrogram", config, [(None, 64, 1)]).shape == (None, 13, 9)
    (part,) = catalog.parameter_parts("STFTSpectrogram", {**config, "mode": "real"}, [(None, 64, 1)])
    assert part.expr.integer() == 16 * 9


# Arguments for the public classes that cannot be built without them, for the scan below.
SCAN_ARGS = {
    "Activation": dict(activation="relu"), "AlphaDropout": dict(rate=0.1), "Dropout": dict(rate=0.1),
    "GaussianDropout": dict(rate=0.1), "GaussianNoise": dict(stddev=0.1),
    **{f"SpatialDropout{rank}D": dict(rate=0.1) for rank in (1, 2, 3)},
    "CategoryEncoding": dict(num_tokens=4), "CenterCrop": dict(height=2, width=2),
    "RandomCrop": dict(height=2, width=2), "Resizing": dict(height=2, width=2),
    "Discretization": dict(num_bins=3), "Dot": dict(axes=2), "GroupNormalization": dict(groups=1),
    "Hashing": dict(num_bins=3),
    "HashedCrossing": dict(num_bins=3), "MaxNumBoundingBoxes": dict(max_number=2),
    "Permute": dict(dims=(1,)), "RepeatVector": dict(n=2), "Reshape": dict(target_shape=(-1,)),
    "Rescaling": dict(scale=2.0), "Embedding": dict(input_dim=5, output_dim=2),
    "ReversibleEmbedding": dict(input_dim=5, output_dim=2), "Dense": dict(units=2),
    "EinsumDense": dict(equation="ab,bc->ac", output_shape=2),
    "MultiHeadAttention": dict(num_heads=2, key_dim=2),
    "GroupQueryAttention": dict(head_dim=2, num_query_heads=2, num_key_value_heads=1),
    "SimpleRNN": dict(units=2), "LSTM": dict(units=2), "GRU": dict(units=2),
    "SimpleRNNCell": dict(units=2), "LSTMCell": dict(units=2), "GRUCell": dict(units=2),
    "RandomPosterization": dict(factor=(1, 4)), "STFTSpectrogram": dict(frame_length=4, window=None),  # a named window needs scipy
    "Bidirectional": dict(layer=lambda: L.LSTM(2)), "RNN": dict(cell=lambda: L.LSTMCell(2)),
    "StackedRNNCells": dict(cells=lambda: [L.LSTMCell(2), L.GRUCell(3)]),
    "TimeDistributed": dict(layer=lambda: L.Dense(2)), "Wrapper": dict(layer=lambda: L.Dense(2)),
    "SpectralNormalization": dict(layer=lambda: L.Dense(2)),
}
DEFAULT_ARGS = {
    "factor": 0.1, "height_factor": 0.1, "width_factor": 0.1, "filters": 2, "kernel_size": 1,
    "pool_size": 1, "output_size": 1,
}
# They wrap code, files or other frameworks, or are abstract: nothing to build on a plain tensor.
UNSCANNABLE = {
    "FlaxLayer", "JaxLayer", "TorchModuleWrapper", "TFSMLayer", "Lambda", "InputLayer", "Layer", "Pipeline",
}
# RNN cells are called with their states by an RNN layer: build them on one step's shape.
CELLS = {"SimpleRNNCell", "LSTMCell", "GRUCell", "StackedRNNCells"}
TWO_INPUTS = {
    "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot",
    "Attention", "AdditiveAttention", "MultiHeadAttention", "GroupQueryAttention",
}
SCAN_SHAPES = [(2, 5, 3), (2, 4, 4, 3), (2, 6), (2, 4, 4, 4, 3), (2, 3, 4, 4, 4, 3)]


def public_layers() -> list[str]:
    """One exported name per public class (``Conv2D``, not also ``Convolution2D``)."""
    by_class = {}
    for name in sorted(dir(L)):
        cls = getattr(L, name)
        if inspect.isclass(cls) and issubclass(cls, L.Layer) and name not in UNSCANNABLE:
            if cls not in by_class or name == cls.__name__:
                by_class[cls] = name
    return sorted(by_class.values())


def scan_instance(name: str):
    cls = getattr(L, name)
    kwargs = {k: v() if callable(v) else v for k, v in SCAN_ARGS.get(name, {}).items()}
    for p in inspect.signature(cls.__init__).parameters.values():
        if p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD and p.name != "self":
            kwargs.setdefault(p.name, DEFAULT_ARGS.get(p.name))
    return cls(**kwargs)


def scan_build(name: str):
    """A fresh instance called on the first simple input that works (two tensors for
    attention and merges), or built, for layers not called on a float tensor.

    Returns the layer, its input shapes and its first output (``None`` if only built).
    """
    layer = scan_instance(name)
    if type(layer).__name__ in CELLS:
        layer.build((None, 6))
        return layer, [(None, 6)], None
    attempts = [[s[1:]] for s in SCAN_SHAPES]
    if name in TWO_INPUTS:
        attempts.insert(0, [(5, 4), (5, 4)])
    for shapes in attempts:
        for as_list in (False, True):
            layer, inputs = scan_instance(name), [keras.Input(s) for s in shapes]
            try:
                out = layer(inputs) if as_list else layer(*inputs)
            except Exception:
                continue
            return layer, [tuple(x.shape) for x in inputs], keras.tree.flatten(out)[0]
    for shape_ in SCAN_SHAPES:
        layer = scan_instance(name)
        try:
            layer.build(shape_)
        except Exception:
            continue
        return layer, [shape_], None
    return layer, None, None


def test_every_public_layer_with_weights_has_a_params_rule():
    missing, unbuilt, wrong = [], [], []
    for name in public_layers():
        layer, shapes, out = scan_build(name)
        if shapes is None:
            unbuilt.append(name)
            continue
        class_name, config = type(layer).__name__, layer.get_config()
        parts = catalog.parameter_parts(class_name, config, shapes)
        if parts is None:
            if layer.weights:
                missing.append(class_name)
            continue
        if sum(p.expr.integer() for p in parts) != layer.count_params():
            wrong.append(f"{class_name}: parameter count")
        rule = catalog.output_shape(class_name, config, shapes)
        if rule is not None and out is not None and tuple(rule.shape) != tuple(out.shape):
            wrong.append(f"{class_name}: {rule.shape} != {tuple(out.shape)}")
    assert not missing, f"weights but no params rule: {missing}"
    assert not unbuilt, f"the scan could not build: {unbuilt}"
    assert not wrong, wrong
