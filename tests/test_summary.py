"""The summary record, checked against Keras's own counts and shapes."""

import json
import math

import pytest

keras = pytest.importorskip("keras")

from sphinx_modelsummary.present import conventions as fmt, reasoning  # noqa: E402
from sphinx_modelsummary.model.summary import summarize  # noqa: E402


def derivation_lines(row, style=fmt.UNICODE):
    """Each shape derivation as the text table writes it: its axes, then the arithmetic."""
    return [f"{axes}: {fmt.equation(item, 'substituted', style)}" for axes, item in fmt.derivations(row)]


def rows_by_label(record):
    return {row["label"]: row for row in record["layers"]}


@pytest.fixture(scope="module")
def seed():
    return summarize("examples.mnist:build_cnn")


def test_seed_numbers_are_the_quiz_answers(seed):
    rows = rows_by_label(seed)
    assert [r["name"] for r in seed["layers"]] == [
        "input_layer", "conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "flatten", "dropout", "dense",
    ]
    assert [r["params"]["total"] for r in seed["layers"]] == [0, 320, 0, 18496, 0, 0, 0, 16010]
    assert [r["activations"] for r in seed["layers"]] == [784, 21632, 5408, 7744, 1600, 1600, 1600, 10]
    assert seed["totals"]["params"] == 34826 == seed["totals"]["trainable"]
    assert seed["totals"]["memory_bytes"] == {"float32": 34826 * 4}
    assert seed["diagnostics"] == []
    conv, conv_1, dense = rows["conv2d"], rows["conv2d_1"], rows["dense"]
    assert conv["formula"]["source"] == "catalog"
    # the seed's own words, in ASCII, and the typeset reading every renderer shows
    assert fmt.equation(conv["formula"], style=fmt.ASCII) == "k * (f * h * w + 1) = 32 * (1 * 3 * 3 + 1) = 320"
    assert fmt.equation(conv_1["formula"], style=fmt.ASCII) == "k * (f * h * w + 1) = 64 * (32 * 3 * 3 + 1) = 18,496"
    assert fmt.equation(dense["formula"], "substituted", fmt.ASCII) == "10 * (1600 + 1) = 16,010"
    assert fmt.equation(conv["formula"]) == "k · (f · h · w + 1) = 32 · (1 · 3 · 3 + 1) = 320"
    assert fmt.equation(dense["formula"], "substituted") == "10 · (1,600 + 1) = 16,010"


def test_seed_shape_reasoning(seed):
    rows = rows_by_label(seed)
    assert [(d["axis"], d["substituted"], d["value"]) for d in rows["conv2d"]["shape_derivations"]] == [
        ("height", "floor((28 - 3) / 1) + 1", 26), ("width", "floor((28 - 3) / 1) + 1", 26)]
    # a square input: both axes follow from the same arithmetic, written once
    assert derivation_lines(rows["conv2d"], fmt.ASCII) == ["height, width: floor((28 - 3) / 1) + 1 = 26"]
    assert derivation_lines(rows["max_pooling2d"], fmt.ASCII) == ["height, width: floor((26 - 2) / 2) + 1 = 13"]
    assert derivation_lines(rows["flatten"], fmt.ASCII) == ["features: 5 x 5 x 64 = 1,600"]
    assert derivation_lines(rows["conv2d"]) == ["height, width: ⌊(28 − 3) / 1⌋ + 1 = 26"]
    assert derivation_lines(rows["flatten"]) == ["features: 5 × 5 × 64 = 1,600"]
    assert reasoning.shape_walk(seed, style=fmt.ASCII).splitlines()[:2] == [  # one branch, wrapped
        "Input 28 x 28 x 1 = 784 -> Conv2D 26 x 26 x 32 = 21,632 -> MaxPooling2D 13 x 13 x 32 = 5,408",
        "    -> Conv2D 11 x 11 x 64 = 7,744 -> MaxPooling2D 5 x 5 x 64 = 1,600 -> Flatten 1,600"]
    assert reasoning.shape_walk(seed).startswith("Input 28 × 28 × 1 = 784 → Conv2D 26 × 26 × 32 = 21,632 → ")
    assert "don't learn" in rows["max_pooling2d"]["no_params_reason"] or "learns nothing" in rows["max_pooling2d"]["no_params_reason"]
    # conv2d: 26 * 26 output positions, each 32 filters over 1 * 3 * 3 inputs
    assert rows["conv2d"]["macs"] == 26 * 26 * 32 * 9
    assert rows["dense"]["macs"] == 1600 * 10


def test_record_is_json_and_keeps_the_contract(seed):
    data = json.loads(json.dumps(seed))
    assert data["schema"] == 3
    assert data["model"] == {**data["model"], "name": "sequential", "class": "Sequential"}
    row = data["layers"][1]
    assert row["output_shapes"] == [[None, 26, 26, 32]]
    assert row["params"] == {"total": 320, "trainable": 320, "non_trainable": 0}
    assert {"source", "symbolic", "substituted", "value"} <= set(row["formula"])
    assert data["layers"][0]["formula"] is None
    assert set(data["totals"]) >= {"params", "trainable", "non_trainable"}


def test_names_do_not_depend_on_what_was_built_before():
    keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Conv2D(1, 1), keras.layers.Dense(2)])
    first = summarize("examples.mnist:build_cnn")
    again = summarize("examples.mnist:build_cnn")
    assert [r["label"] for r in first["layers"]] == [r["label"] for r in again["layers"]]
    assert first["layers"][1]["name"] == "conv2d"


def keras_shapes(model):
    return {layer.name: [list(t.shape) for t in layer._inbound_nodes[0].outputs] for layer in model.layers}


def build(factory):
    """The model as ``summarize`` names it."""
    from sphinx_modelsummary.model.spec import fresh_names

    with fresh_names():
        return factory()


def test_multi_input_multi_output():
    from modelzoo import multi_io

    record = summarize("modelzoo:multi_io")
    rows = rows_by_label(record)
    model = build(multi_io)
    assert record["totals"]["params"] == model.count_params() == (3 * 3 * 3 * 16 + 16) + (24 * 5 + 5) + (24 + 1)
    assert rows["concatenate"]["connected_to"] == ["global_average_pooling2d", "meta"]
    assert rows["concatenate"]["output_shapes"] == [[None, 24]]
    assert rows["label"]["connected_to"] == ["concatenate"] and rows["score"]["connected_to"] == ["concatenate"]
    assert derivation_lines(rows["conv2d"], fmt.ASCII) == ["height, width: ceil(32 / 2) = 16"]
    assert derivation_lines(rows["conv2d"]) == ["height, width: ⌈32 / 2⌉ = 16"]
    for name, shapes in keras_shapes(model).items():
        assert rows[name]["output_shapes"] == shapes
    assert record["diagnostics"] == []


def test_nested_and_shared():
    from modelzoo import nested_and_shared

    model = build(nested_and_shared)
    record = summarize("modelzoo:nested_and_shared")
    labels = [(r["label"], r["depth"]) for r in record["layers"]]
    assert ("encoder", 0) in labels and ("enc_dense", 1) in labels and ("enc_bn", 1) in labels
    rows = rows_by_label(record)
    encoder = rows["encoder"]
    # Dense 16 -> 8: 8 * (16 + 1) = 136; BatchNorm of 8 channels: 16 trainable + 16 non-trainable
    assert encoder["params"] == {"total": 136 + 32, "trainable": 136 + 16, "non_trainable": 16}
    assert encoder["params"]["total"] == model.get_layer("encoder").count_params()
    assert rows["encoder (call 2)"]["shared"] and rows["encoder (call 2)"]["params"]["total"] == 0
    assert rows["shared_dense (call 2)"]["shared"]
    assert rows["shared_dense"]["params"]["total"] == 4 * (8 + 1)
    assert rows["add"]["connected_to"] == ["shared_dense", "shared_dense (call 2)"]
    assert record["totals"]["params"] == model.count_params() == 168 + 36
    assert record["totals"]["non_trainable"] == 16
    assert record["diagnostics"] == []


def test_subclassed_model_is_traced():
    record = summarize("modelzoo:TinyNet", "10, 10, 1")
    assert record["model"]["class"] == "TinyNet"
    rows = [r for r in record["layers"] if r["class"] != "InputLayer"]
    assert [r["class"] for r in rows] == ["Conv2D", "GlobalMaxPooling2D", "Dense"]
    assert rows[0]["output_shapes"] == [[None, 8, 8, 8]]
    assert record["totals"]["params"] == (9 * 8 + 8) + (8 * 3 + 3)
    assert record["diagnostics"] == []


def test_deferred_sequential_is_built_from_the_input_shape(seed):
    record = summarize("examples.mnist:build_cnn_deferred", "28, 28, 1")
    assert [r["params"]["total"] for r in record["layers"] if r["class"] != "InputLayer"] == [
        320, 0, 18496, 0, 0, 0, 16010]
    assert record["totals"]["params"] == seed["totals"]["params"]


def test_keras_file(tmp_path):
    from examples.mnist import build_cnn

    build_cnn().save(tmp_path / "cnn.keras")
    record = summarize("cnn.keras", base_dir=tmp_path)
    assert record["totals"]["params"] == 34826
    assert record["model"]["sources"] == [str((tmp_path / "cnn.keras").resolve())]


def test_custom_layer_is_explained_from_its_weights():
    record = summarize("modelzoo:custom_layer")
    row = rows_by_label(record)["scale"]
    assert row["formula"]["source"] == "weights"
    assert fmt.equation(row["formula"], "substituted", fmt.ASCII) == "kernel 3 x 3 x 1 x 32 + bias 32 = 320"
    assert fmt.equation(row["formula"], "substituted") == "kernel 3 × 3 × 1 × 32 + bias 32 = 320"
    assert row["params"]["total"] == 320


def test_frozen_layers_count_as_non_trainable():
    def frozen():
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
        model.layers[0].trainable = False
        return model

    import modelzoo

    modelzoo.frozen = frozen
    record = summarize("modelzoo:frozen")
    assert record["totals"] == {**record["totals"], "params": 15, "trainable": 0, "non_trainable": 15}
    assert record["diagnostics"] == []


def test_activation_counts_are_products_of_output_shapes(seed):
    for row in seed["layers"]:
        assert row["activations"] == sum(math.prod(s[1:]) for s in row["output_shapes"])


def test_sources_name_the_users_files(monkeypatch):
    import sys

    from sphinx_modelsummary.model import sources, spec

    # imported afresh, as in a docs build (a test may have imported it directly before)
    for name in ("examples", "examples.mnist"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.setattr(sources, "IMPORTED_WITH", {})
    monkeypatch.setattr(spec, "_CHOSEN_AT_IMPORT", {})
    record = summarize("examples.mnist:build_cnn")
    # the module and its package; not keras, nothing from the standard library
    assert [p.rsplit("/", 2)[-2:] for p in record["model"]["sources"]] == [
        ["examples", "__init__.py"], ["examples", "mnist.py"]]
    # the same when the package was imported before (by conf.py, say): its __init__ is a source still
    monkeypatch.delitem(sys.modules, "examples.mnist")
    monkeypatch.setattr(sources, "IMPORTED_WITH", {})
    import examples  # noqa: F401

    again = summarize("examples.mnist:build_cnn_deferred", "28, 28, 1")
    assert again["model"]["sources"] == record["model"]["sources"]


def test_keras_symbolic_shape_quirks_show_the_real_shape():
    import numpy as np

    from modelzoo import keras_shape_quirks

    record = summarize("modelzoo:keras_shape_quirks")
    rows = rows_by_label(record)
    model = build(keras_shape_quirks)
    real_both = model.get_layer("both_ways")(np.zeros((1, 5, 3))).shape
    real_mixed = model.get_layer("mixed")(np.zeros((1, 5, 4, 3))).shape
    # forward 4 + backward 6 units, concatenated; the ellipsis keeps the axes in order
    assert rows["both_ways"]["output_shapes"] == [[None, *real_both[1:]]] == [[None, 5, 10]]
    assert rows["mixed"]["output_shapes"] == [[None, *real_mixed[1:]]] == [[None, 5, 4, 6]]
    assert rows["mixed"]["keras_output_shapes"] == [list(model.get_layer("mixed").output.shape)]
    assert rows["both_ways"]["activations"] == 50
    assert {d["kind"] for d in record["diagnostics"]} == {"keras_shape"}
    assert rows["mixed"]["params"]["total"] == rows["mixed"]["formula"]["value"] == 3 * 6  # no bias_axes: no bias
