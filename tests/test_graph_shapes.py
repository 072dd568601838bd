"""The shape walk of a graph (branches, forks, joins, short lines) and shape derivations
that used to be missing or wrong: Reshape, a transposed convolution's output padding."""

import pytest

keras = pytest.importorskip("keras")
L = keras.layers

from sphinx_modelsummary.present import conventions as fmt, reasoning  # noqa: E402
from sphinx_modelsummary.present import walk  # noqa: E402
from sphinx_modelsummary.model.spec import fresh_names  # noqa: E402
from sphinx_modelsummary.model.summary import summarize, summarize_model  # noqa: E402


def structure(record):
    return [(b.sources, [r["label"] for r in b.rows]) for b in walk.branches(record["layers"])]


def test_seq2seq_walk_keeps_encoder_and_decoder_apart():
    record = summarize("architectures:seq2seq")
    assert structure(record) == [
        ([], ["encoder_inputs", "encoder"]),
        ([], ["decoder_inputs"]),
        (["decoder_inputs", "encoder"], ["decoder", "next_token"]),  # the states join the decoder
    ]
    lines = reasoning.shape_walk(record, style=fmt.ASCII).splitlines()
    assert lines[0].startswith("Input (encoder_inputs) ") and " -> LSTM (encoder) " in lines[0]
    assert lines[1].startswith("Input (decoder_inputs) ") and "->" not in lines[1]
    assert lines[2].startswith("decoder_inputs + encoder -> LSTM ")
    assert reasoning.explain_lines(record, style=fmt.ASCII)[:4] == ["Shapes:", *(f"  {line}" for line in lines)]


def test_unet_walk_shows_each_branch_and_join():
    record = summarize("architectures:unet")
    assert structure(record) == [
        ([], ["image", "stem", "down_0_conv", "down_0_pool"]),
        (["stem"], ["down_0_residual"]),  # the residual reads the stem, not the pooling layer
        (["down_0_pool", "down_0_residual"], ["down_0_add", "down_1_conv", "down_1_pool"]),
        (["down_0_add"], ["down_1_residual"]),
        (["down_1_pool", "down_1_residual"], ["down_1_add", "up_1_conv"]),
        (["up_1_conv", "down_0_add"], ["up_1_join", "up_1_mix", "up_0_conv"]),
        (["up_0_conv", "stem"], ["up_0_join", "up_0_mix", "mask"]),
    ]
    lines = reasoning.shape_walk(record, style=fmt.ASCII).splitlines()
    assert max(len(line) for line in lines) <= walk.WIDTH
    heads = [line for line in lines if not line.startswith(" ")]
    assert [h.split(" -> ")[0] for h in heads[1:]] == [
        "stem", "down_0_pool + down_0_residual", "down_0_add", "down_1_pool + down_1_residual",
        "up_1_conv + down_0_add", "up_0_conv + stem"]
    assert "Conv2D (stem) " in lines[0]  # a layer a branch starts from is named where it appears


def test_long_branches_wrap_and_a_chain_stays_one_branch():
    record = summarize("examples.mnist:build_cnn")
    assert structure(record) == [([], [r["label"] for r in record["layers"]])]
    lines = reasoning.shape_walk(record, style=fmt.ASCII).splitlines()
    assert len(lines) > 1 and all(line.startswith("    -> ") for line in lines[1:])
    assert max(len(line) for line in lines) <= walk.WIDTH
    assert walk.wrap(["a" * 150, "b"], width=100, arrow=" -> ") == ["a" * 150, "    -> b"]


def test_walk_of_selected_rows_names_outside_sources():
    record = summarize("architectures:unet")
    rows = [r for r in record["layers"] if r["label"] in ("up_0_join", "up_0_mix")]
    assert reasoning.shape_walk(record, rows, fmt.ASCII).startswith("up_0_conv + stem -> Concatenate ")


def single(layer, shape):
    with fresh_names():
        inputs = keras.Input(shape)
        model = keras.Model(inputs, layer(inputs))
    return summarize_model(model)["layers"][1], model


@pytest.mark.parametrize(
    "target, shape, derivations",
    [
        ((-1,), (7, 7, 32), [("axis 1", "7 x 7 x 32", 1568)]),
        ((-1, 49 * 32), (None, 49, 32), [("axis 2", "49 x 32", 1568)]),  # an unknown time axis stays
        ((49, 32), (7, 7, 32), [("axis 1", "7 x 7", 49)]),
        ((7, 7, 32), (49, 32), []),  # a split: nothing to add up
    ],
)
def test_reshape_derives_the_axes_it_gathers(target, shape, derivations):
    row, model = single(L.Reshape(target), shape)
    assert row["output_shapes"] == [list(model.output.shape)]
    assert [(d["axis"], d["substituted"], d["value"]) for d in row["shape_derivations"]] == derivations
    assert row["diagnostics"] == []


def test_transposed_convolution_output_padding_follows_keras():
    """Keras before 3.13 leaves output_padding out of the config; the adapter puts it back."""
    row, model = single(L.Conv1DTranspose(4, 3, strides=2, output_padding=1), (7, 3))
    assert row["output_shapes"] == [list(model.output.shape)] == [[None, 16, 4]]
    assert [(d["substituted"], d["value"]) for d in row["shape_derivations"]] == [("(7 - 1) * 2 + 3 + 1", 16)]
    assert row["diagnostics"] == []
