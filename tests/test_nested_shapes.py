"""Shapes inside nested and wrapped models come from the call actually made: Keras, building or
computing the inner model on that shape, is the referee; counts are worked out by hand."""

import pytest

keras = pytest.importorskip("keras")

from sphinx_modelsummary.model.record_check import record_problem  # noqa: E402
from sphinx_modelsummary.model.spec import fresh_names  # noqa: E402
from sphinx_modelsummary.model.summary import summarize, summarize_model  # noqa: E402


def rows_by_label(record):
    return {row["label"]: row for row in record["layers"]}


def under(record, parent):
    return [r for r in record["layers"] if r["parent"] == parent]


def conv_macs(size, channels_in, channels_out, kernel=3):
    """Per sample: every output position of every filter sums kernel x kernel x channels_in products."""
    return size * size * channels_out * kernel * kernel * channels_in


# VGG16's convolutions at 224 x 224: (size, [(input channels, filters)]) per block
VGG16_BLOCKS = [(224, [(3, 64), (64, 64)]), (112, [(64, 128), (128, 128)]),
                (56, [(128, 256), (256, 256), (256, 256)]), (28, [(256, 512), (512, 512), (512, 512)]),
                (14, [(512, 512)] * 3)]


@pytest.fixture(scope="module")
def frames():
    return summarize("nested_models:vgg16_frames")


def test_vgg16_on_frames_shows_every_inner_row_at_224(frames):
    """VGG16 built for any size, run on 16 frames of 224 x 224: each inner row has the shape
    Keras gives the same network built at 224 x 224 (one frame, the batch axis None)."""
    with fresh_names():
        reference = keras.applications.VGG16(include_top=False, weights=None, input_shape=(224, 224, 3))
    inner = under(frames, "per_frame")
    assert [r["class"] for r in inner] == [type(layer).__name__ for layer in reference.layers]
    for row, layer in zip(inner[1:], reference.layers[1:]):
        assert row["name"] == layer.name
        assert row["input_shapes"] == [list(layer.input.shape)], row["label"]
        assert row["output_shapes"] == [list(layer.output.shape)], row["label"]
    rows = rows_by_label(frames)
    assert rows["block1_conv1"]["output_shapes"] == [[None, 224, 224, 64]]
    from nested_models import vgg16_frames

    with fresh_names():
        wrapped = vgg16_frames().get_layer("per_frame").layer  # the model as the spec builds it
    assert rows["block5_pool"]["output_shapes"] == [list(wrapped.compute_output_shape((None, 224, 224, 3)))]
    assert rows["block5_pool"]["output_shapes"] == [[None, 7, 7, 512]]
    assert [(d["axis"], d["substituted"], d["value"]) for d in rows["block2_pool"]["shape_derivations"]] == [
        ("height", "floor((112 - 2) / 2) + 1", 56), ("width", "floor((112 - 2) / 2) + 1", 56)]
    assert frames["diagnostics"] == [] and record_problem(frames) == ""


def test_vgg16_on_frames_counts_every_convolution_and_the_16_frames(frames):
    rows = rows_by_label(frames)
    for size, convs in VGG16_BLOCKS:
        block = [r for r in under(frames, "per_frame") if r["class"] == "Conv2D" and
                 r["input_shapes"][0][1] == size]
        assert [r["macs"] for r in block] == [conv_macs(size, c, f) for c, f in convs]
    per_frame = sum(conv_macs(size, c, f) for size, convs in VGG16_BLOCKS for c, f in convs)
    # the published 15.47 G is VGG16 with its top: add the three dense layers' 7*7*512*4096 + 4096*4096 + 4096*1000
    top = 7 * 7 * 512 * 4096 + 4096 * 4096 + 4096 * 1000
    assert abs(per_frame + top - 15.47e9) < 0.01 * 15.47e9
    wrapper = rows["per_frame"]
    assert (wrapper["macs_formula"]["symbolic"], wrapper["macs"]) == ("T * vgg16", 16 * per_frame)
    assert wrapper["macs_formula"]["substituted"] == f"16 * {per_frame}"
    assert frames["totals"]["macs"] == 16 * per_frame and not frames["totals"]["macs_partial"]


def test_keras_none_stays_where_the_call_has_no_size():
    from nested_models import any_size_encoder

    def any_size_images():
        images = keras.Input((None, None, 3))
        return keras.Model(images, any_size_encoder()(images))

    with fresh_names():
        model = any_size_images()
    record = summarize_model(model)
    conv = rows_by_label(record)["conv"]
    assert conv["output_shapes"] == [[None, None, None, 4]] and conv["macs"] is None
    assert record["totals"]["macs_partial"]


def test_a_model_called_on_two_sizes_shows_each_call_site():
    from nested_models import two_sizes

    with fresh_names():
        model = two_sizes()
    record = summarize("nested_models:two_sizes")
    encoder = model.get_layer("encoder")
    assert [(r["label"], r["output_shapes"]) for r in under(record, "encoder")] == [
        ("input_layer", [[None, 32, 32, 3]]), ("conv", [list(encoder.get_layer("conv").compute_output_shape((None, 32, 32, 3)))]),
        ("pool", [[None, 4]])]
    again = under(record, "encoder (call 2)")
    assert [(r["label"], r["output_shapes"], r["shared"]) for r in again] == [
        ("input_layer in encoder (call 2)", [[None, 64, 64, 3]], True),
        ("conv in encoder (call 2)", [list(encoder.get_layer("conv").compute_output_shape((None, 64, 64, 3)))], True),
        ("pool in encoder (call 2)", [[None, 4]], True)]
    assert under(record, "encoder (call 3)") == []  # the same shapes as call 2: not listed again
    rows = rows_by_label(record)
    assert [rows[label]["macs"] for label in ("encoder", "encoder (call 2)", "encoder (call 3)")] == [
        conv_macs(30, 3, 4), conv_macs(62, 3, 4), conv_macs(62, 3, 4)]
    assert rows["conv in encoder (call 2)"]["params"]["total"] == 0  # its weights are counted at call 1
    assert record["totals"]["params"] == model.count_params() == 3 * 3 * 3 * 4 + 4
    assert record["totals"]["macs"] == conv_macs(30, 3, 4) + 2 * conv_macs(62, 3, 4)
    assert record["diagnostics"] == [] and record_problem(record) == ""


def test_a_subclassed_vae_counts_its_nested_encoder():
    record = summarize("nested_models:vae", "28, 28, 1")
    rows = rows_by_label(record)
    # by hand: a 14 x 14 x 32 convolution over 3 x 3 x 1, 6272 -> 16, two 16 -> 2, the sampling's
    # element-wise arithmetic (traced: nothing multiplies and adds)
    encoder = conv_macs(14, 1, 32) + 6272 * 16 + 2 * 16 * 2
    assert rows["sampling"]["macs"] == 0
    assert rows["sampling"]["macs_formula"]["note"].startswith("traced: its call() runs no matmul")
    assert rows["encoder"]["macs"] == encoder
    # the decoder: 2 -> 392, then each of the 7 x 7 x 8 inputs spread over a 3 x 3 x 1 kernel
    assert rows["decoder"]["macs"] == 2 * 392 + 7 * 7 * 8 * 3 * 3 * 1
    assert record["totals"]["macs"] == encoder + rows["decoder"]["macs"]
    assert not record["totals"]["macs_partial"]


def test_a_nested_subclassed_model_counts_for_itself():
    """A subclassed model has no graph to list inside: its row keeps its weights' formula and
    its call is traced for its count (it used to read "none of its layers has weights", 0)."""
    from modelzoo import TinyNet

    with fresh_names():
        inputs = keras.Input((10, 10, 1))
        model = keras.Model(inputs, TinyNet()(inputs))
    record = summarize_model(model)
    row = rows_by_label(record)["tiny_net"]
    assert row["params"]["total"] == row["formula"]["value"] == model.get_layer("tiny_net").count_params()
    assert row["no_params_reason"] is None
    # an 8 x 8 x 8 convolution over 3 x 3 x 1, then 8 -> 3 (the pooling counts 0)
    assert row["macs"] == 8 * 8 * 8 * 3 * 3 * 1 + 8 * 3
    assert row["macs_formula"]["symbolic"] == "conv2d + dense"
    assert record["totals"]["macs"] == row["macs"] and not record["totals"]["macs_partial"]
