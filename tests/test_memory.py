"""Memory in bytes: each row's output, the model's input, parameters and forward/backward pass.

The convention is torchinfo's: one sample, every layer's output counted twice (kept for the
backward pass, and its gradient), input layers left out; parameters in their own dtype,
activations in the dtype the layer outputs (``mixed_float16``: float16 outputs, float32
weights). Every number is worked out from Keras here: its output shapes, the dtype's
item size and ``count_params()``.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from keras import layers  # noqa: E402

from sphinx_modelsummary.model.memory import counted_rows  # noqa: E402
from sphinx_modelsummary.model.record_check import record_problem  # noqa: E402
from sphinx_modelsummary.model.summary import summarize, summarize_model  # noqa: E402
from sphinx_modelsummary.present import conventions as fmt  # noqa: E402


def per_sample(tensor) -> int:
    """A Keras tensor's bytes for one sample, from its own shape and dtype."""
    return math.prod(tensor.shape[1:]) * np.dtype(tensor.dtype).itemsize


def summary_of(model) -> dict:
    record = summarize_model(model)
    record["model"]["sources"] = []  # built here, from no file (summarize() fills them)
    return record


@pytest.fixture(scope="module")
def seed():
    return summarize("examples.mnist:build_cnn")


def test_the_seed_memory_is_the_issues_acceptance(seed):
    rows = {row["label"]: row for row in seed["layers"]}
    totals = seed["totals"]
    assert rows["conv2d"]["activation_bytes"] == 86_528 == 26 * 26 * 32 * 4
    assert rows["conv2d"]["output_dtypes"] == ["float32"]
    assert totals["params_bytes"] == 139_304 and totals["input_bytes"] == 3_136
    assert totals["forward_backward_bytes"] == 316_752
    assert totals["total_bytes"] == 3_136 + 139_304 + 316_752
    assert totals["activation_dtypes"] == ["float32"]
    assert record_problem(seed) == ""


def test_the_seed_memory_from_keras(seed):
    from examples.mnist import build_cnn

    model = build_cnn()
    layers_ = model.layers  # a Sequential's layers, its input layer left out
    assert seed["totals"]["params_bytes"] == model.count_params() * 4
    assert seed["totals"]["input_bytes"] == per_sample(model.inputs[0])
    assert seed["totals"]["forward_backward_bytes"] == 2 * sum(per_sample(layer.output) for layer in layers_)
    assert [row["activation_bytes"] for row in seed["layers"][1:]] == [per_sample(layer.output) for layer in layers_]


def test_the_totals_say_the_memory_in_words(seed):
    words = [w.replace("\xa0", " ") for w in fmt.memory_words(seed)]  # no break inside "3.06 KiB"
    assert words == ["memory: input 3.06 KiB", "parameters 136.04 KiB", "forward/backward 309.33 KiB",
                     "total 448.43 KiB", "float32, one sample"]
    assert "3.06\xa0KiB" in fmt.memory_words(seed)[0]
    assert fmt.bytes_text(40) == "40 B" and fmt.bytes_text(1024) == "1.00 KiB"
    assert fmt.bytes_text(3 * 2**20 + 2**19) == "3.50 MiB" and fmt.bytes_text(None) == "?"


def build_mixed_precision():
    """Convolutions under mixed_float16 and a float32 head, as Keras's guide recommends."""
    inputs = keras.Input(shape=(32, 32, 3), name="image")
    x = layers.Conv2D(8, 3, dtype="mixed_float16", name="conv")(inputs)
    x = layers.GlobalAveragePooling2D(dtype="mixed_float16", name="pool")(x)
    outputs = layers.Dense(10, dtype="float32", name="head")(x)
    return keras.Model(inputs, outputs, name="mixed_precision")


def test_mixed_precision_activations_are_float16_and_weights_float32():
    model = build_mixed_precision()
    record = summary_of(model)
    rows = {row["label"]: row for row in record["layers"]}
    conv = model.get_layer("conv")
    assert conv.output.dtype == "float16" and conv.kernel.dtype == "float32"  # Keras's own policy
    assert rows["conv"]["output_dtypes"] == ["float16"]
    assert rows["conv"]["activation_bytes"] == 30 * 30 * 8 * 2  # (32 - 3 + 1)² positions, 8 filters, 2 bytes
    assert rows["head"]["activation_bytes"] == 10 * 4
    totals = record["totals"]
    assert totals["params_bytes"] == model.count_params() * 4 == (8 * (3 * 3 * 3 + 1) + 10 * (8 + 1)) * 4
    assert totals["input_bytes"] == 32 * 32 * 3 * 4
    assert totals["forward_backward_bytes"] == 2 * (30 * 30 * 8 * 2 + 8 * 2 + 10 * 4)
    assert totals["activation_dtypes"] == ["float16", "float32"]
    words = [w.replace("\xa0", " ") for w in fmt.memory_words(record)]
    assert words[0] == "memory: input 12.00 KiB float32" and words[-1] == "one sample"
    assert words[2] == "forward/backward 28.23 KiB float16/float32"  # 28,912 bytes / 1,024
    assert record_problem(record) == ""


def test_an_unknown_size_makes_the_memory_unknown():
    tokens = keras.Input(shape=(None, 8), name="tokens")
    model = keras.Model(tokens, layers.Dense(4, name="dense")(tokens), name="free")
    record = summary_of(model)
    dense = record["layers"][-1]
    assert dense["activation_bytes"] is None and dense["output_dtypes"] == ["float32"]
    totals = record["totals"]
    assert totals["params_bytes"] == (8 * 4 + 4) * 4
    assert totals["input_bytes"] is None and totals["forward_backward_bytes"] is None
    assert totals["total_bytes"] is None
    assert "forward/backward not known (a size the input leaves open)" in fmt.totals_note(record)
    assert fmt.cell_text(dense, "memory") == "?"
    assert record_problem(record) == ""


def test_a_nested_model_is_counted_once_by_its_layers():
    """The nested model's row is its last layer's output again: its layers are counted instead."""
    inner = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, name="inner_dense")], name="inner")
    inputs = keras.Input(shape=(4,), name="x")
    model = keras.Model(inputs, layers.Dense(2, name="head")(inner(inputs)), name="outer")
    record = summary_of(model)
    labels = [row["label"] for row in counted_rows(record["layers"])]
    assert labels == ["inner_dense", "head"]
    assert record["totals"]["forward_backward_bytes"] == 2 * (3 + 2) * 4


def test_a_wrapper_counts_its_own_output():
    frames = keras.Input(shape=(5, 6), name="frames")
    model = keras.Model(frames, layers.TimeDistributed(layers.Dense(3), name="per_frame")(frames), name="wrapped")
    record = summary_of(model)
    assert [row["label"] for row in counted_rows(record["layers"])] == ["per_frame"]
    assert record["totals"]["forward_backward_bytes"] == 2 * 5 * 3 * 4


@pytest.mark.parametrize("where, value", [
    (("layers", 1, "activation_bytes"), -4), (("layers", 1, "activation_bytes"), 1.5),
    (("totals", "forward_backward_bytes"), -1), (("totals", "params_bytes"), None),
    (("totals", "memory_bytes"), {"float32": -8}),
])
def test_the_record_check_wants_bytes_as_whole_non_negative_numbers(seed, where, value):
    record = copy.deepcopy(seed)
    holder = record
    for key in where[:-1]:
        holder = holder[key]
    holder[where[-1]] = value
    assert record_problem(record).endswith("not a number of bytes")
