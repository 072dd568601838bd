"""Wrappers and nested models: what they wrap, their formulas, their parts; Keras is the referee."""

import pytest

keras = pytest.importorskip("keras")

from sphinx_modelsummary.present import reasoning  # noqa: E402
from sphinx_modelsummary.model.spec import fresh_names  # noqa: E402
from sphinx_modelsummary.model.summary import summarize, summarize_model  # noqa: E402


def rows_by_label(record):
    return {row["label"]: row for row in record["layers"]}


def build(factory, *args):
    with fresh_names():
        return factory(*args)


@pytest.fixture(scope="module")
def video():
    from architectures import video_classifier

    model = build(video_classifier)
    return summarize("architectures:video_classifier"), model


def test_a_wrapper_names_what_it_wraps(video):
    record, model = video
    rows = rows_by_label(record)
    pool = rows["per_frame_pool"]
    assert pool["wraps"] == [{"name": "noop_pool", "class": "MaxPooling2D", "is_model": False}]
    assert pool["no_params_reason"].startswith("it runs noop_pool (MaxPooling2D) at every time step, and pooling")
    assert pool["macs"] == 0 and pool["macs_formula"]["reason"].startswith("pooling")
    steps = reasoning.explain_lines(record)
    assert any(line.startswith("per_frame_pool (TimeDistributed(MaxPooling2D)) has no parameters: it runs "
                               "noop_pool (MaxPooling2D)") for line in steps)


def test_time_distributed_takes_the_wrapped_layers_formula(video):
    record, model = video
    conv = rows_by_label(record)["per_frame_conv"]
    assert conv["formula"]["symbolic"] == "k * (f * h * w + 1)"
    assert conv["formula"]["value"] == model.get_layer("per_frame_conv").count_params() == 3 * (3 + 1)
    # 16 frames of 32 x 32 positions, 3 filters over 1 x 1 x 3 inputs
    assert conv["macs_formula"]["symbolic"] == "T * P * k * f * h * w"
    assert conv["macs"] == 16 * 32 * 32 * 3 * 3


def test_a_wrapped_model_is_expanded_under_its_wrapper(video):
    record, model = video
    rows = rows_by_label(record)
    wrapper = rows["per_frame_cnn"]
    inner = model.get_layer("per_frame_cnn").layer
    children = [r for r in record["layers"] if r["parent"] == "per_frame_cnn"]
    assert [(r["label"], r["depth"]) for r in children] == [
        ("input_layer", 1), ("frame_conv", 1), ("frame_pool", 1), ("frame_flatten", 1), ("frame_dense", 1)]
    for row in children[1:]:
        assert row["params"]["total"] == inner.get_layer(row["name"]).count_params()
    assert wrapper["formula"]["symbolic"] == "frame_conv + frame_dense"
    assert wrapper["params"]["total"] == wrapper["formula"]["value"] == inner.count_params() == 224 + 28816
    # one frame: the 30 x 30 x 8 convolution over 3 x 3 x 3, and 1800 -> 16; then 16 frames
    per_frame = 30 * 30 * 8 * 27 + 1800 * 16
    assert [rows["frame_conv"]["macs"], rows["frame_dense"]["macs"]] == [30 * 30 * 8 * 27, 1800 * 16]
    assert (wrapper["macs_formula"]["symbolic"], wrapper["macs"]) == ("T * frame_cnn", 16 * per_frame)
    assert record["totals"]["params"] == model.count_params()
    assert record["diagnostics"] == []


def test_bidirectional_is_forward_plus_backward():
    record = summarize("architectures:speech_bigru(frames=100)")
    row = rows_by_label(record)["bigru_1"]
    assert [w["class"] for w in row["wraps"]] == ["GRU", "GRU"]
    assert [(p["label"], p["value"]) for p in row["formula"]["parts"]] == [
        ("forward kernels and biases", 3 * 64 * (392 + 64 + 2)), ("backward kernels and biases", 3 * 64 * (392 + 64 + 2))]
    assert row["macs"] == 2 * 50 * 3 * 64 * (392 + 64)


def test_mixed_trainability_has_parts_everywhere():
    """Every formula whose weights are partly frozen says which part is which, and the parts
    add up to Keras's trainable and non-trainable counts."""
    from modelzoo import nested_and_shared

    def frozen_in_time():
        frames = keras.Input((4, 6))
        x = keras.layers.TimeDistributed(keras.layers.BatchNormalization(), name="per_step_bn")(frames)
        inner = keras.layers.Dense(3, name="inner")
        inner.trainable = False
        return keras.Model(frames, keras.layers.TimeDistributed(inner, name="frozen")(x))

    def partly_frozen():
        frozen = keras.layers.Dense(4, name="frozen_dense")
        frozen.trainable = False
        inner = keras.Sequential([keras.Input((6,)), frozen, keras.layers.Dense(2, name="trained")], name="inner")
        inputs = keras.Input((6,))
        return keras.Model(inputs, inner(inputs))

    for factory in (nested_and_shared, frozen_in_time, partly_frozen):
        model = build(factory)
        record = summarize_model(model)
        layers = {layer.name: layer for layer in model.layers}
        for row in record["layers"]:
            formula, layer = row["formula"], layers.get(row["name"])
            if formula is None or layer is None or row["shared"]:
                continue
            trainable = sum(int(w.numpy().size) for w in layer.trainable_weights)
            frozen = sum(int(w.numpy().size) for w in layer.non_trainable_weights)
            if trainable and frozen:
                parts = formula["parts"]
                assert sum(p["value"] for p in parts if p["trainable"]) == trainable, row["label"]
                assert sum(p["value"] for p in parts if not p["trainable"]) == frozen, row["label"]
    parts = rows_by_label(summarize_model(build(partly_frozen)))["inner"]["formula"]["parts"]
    assert [(p["label"], p["trainable"], p["value"]) for p in parts] == [
        ("frozen_dense: kernel and bias", False, 4 * 7), ("trained: kernel and bias", True, 2 * 5)]
    record = summarize_model(build(nested_and_shared))
    parts = rows_by_label(record)["encoder"]["formula"]["parts"]
    assert [(p["label"], p["trainable"], p["value"]) for p in parts] == [
        ("enc_dense: kernel and bias", True, 136), ("enc_bn: gamma and beta", True, 16),
        ("enc_bn: moving mean and variance", False, 16)]
