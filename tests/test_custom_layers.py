"""Custom layers explained by the Keras layers they hold, weights named by their attributes;
a .keras file whose custom class cannot be found says which and how to fix it."""

import pytest

keras = pytest.importorskip("keras")
L = keras.layers

from sphinx_modelsummary.present import reasoning  # noqa: E402
from sphinx_modelsummary.problems import ModelSpecError, Problem  # noqa: E402
from sphinx_modelsummary.model.spec import fresh_names  # noqa: E402
from sphinx_modelsummary.model.summary import summarize, summarize_model  # noqa: E402


def rows_by_label(record):
    return {row["label"]: row for row in record["layers"]}


def parts_of(row):
    return [(p["label"], p["symbolic"], p["substituted"], p["value"], p["trainable"]) for p in row["formula"]["parts"]]


@pytest.fixture(scope="module")
def classifier():
    from architectures import transformer_classifier

    with fresh_names():
        model = transformer_classifier()
    return summarize("architectures:transformer_classifier"), model


def test_token_and_position_embedding_names_both_tables(classifier):
    record, model = classifier
    row = rows_by_label(record)["embedding"]
    assert row["formula"]["source"] == "sublayers"
    assert row["formula"]["symbolic"] == "token_emb + pos_emb"
    assert parts_of(row) == [
        ("token_emb: embedding matrix", "V * D", "20000 * 32", 640_000, True),
        ("pos_emb: embedding matrix", "V * D", "200 * 32", 6_400, True),
    ]
    assert row["formula"]["value"] == row["params"]["total"] == model.get_layer("embedding").count_params()
    assert row["macs"] == 0  # two lookups and an addition


def test_transformer_block_groups_weights_by_sublayer(classifier):
    record, model = classifier
    row = rows_by_label(record)["transformer"]
    block = model.get_layer("transformer")
    assert row["formula"]["symbolic"] == "att + ffn/dense + ffn/dense_1 + layernorm1 + layernorm2"
    owners = {"att": block.att, "ffn/dense": block.ffn.layers[0], "ffn/dense_1": block.ffn.layers[1],
              "layernorm1": block.layernorm1, "layernorm2": block.layernorm2}
    for path, sublayer in owners.items():  # Keras is the referee for each group
        group = [p for p in row["formula"]["parts"] if p["label"].startswith(path + ":")]
        assert sum(p["value"] for p in group) == sublayer.count_params(), path
    assert [p["symbolic"] for p in row["formula"]["parts"][:4]] == [
        "H * d_k * (D_q + 1)", "H * d_k * (D_k + 1)", "H * d_v * (D_v + 1)", "D_q * (H * d_v + 1)"]
    assert row["formula"]["value"] == block.count_params()
    assert {"H", "d_k", "u", "A"} <= set(row["formula"]["legend"])
    # by hand: the attention (3 projections of 200 x 32 -> 2 x 32, scores and sums over 200 x 200,
    # the output projection) and the feed-forward layers at 200 positions; layer norms count 0
    attention = 3 * 200 * 32 * 2 * 32 + 2 * 200 * 200 * (32 + 32) + 200 * 2 * 32 * 32
    assert row["macs"] == attention + 2 * 200 * 32 * 32
    assert row["macs_formula"]["symbolic"] == "att + ffn/dense + ffn/dense_1"


def test_weights_are_named_by_their_attributes(classifier):
    record, model = classifier
    row = rows_by_label(record)["head"]
    assert row["formula"]["symbolic"] == "w 32 x 2 + b 2 + scale 2"
    assert "variable" not in row["formula"]["symbolic"]
    assert parts_of(row) == [("w", "32 x 2", "32 x 2", 64, True), ("b", "2", "2", 2, True),
                             ("scale", "2", "2", 2, False)]
    assert (row["params"]["trainable"], row["params"]["non_trainable"]) == (66, 2)
    # its call() is traced: ops.matmul of the 32 pooled features by w (32 x 2), then element-wise
    assert row["macs"] == 32 * 2
    assert (row["macs_formula"]["symbolic"], row["macs_formula"]["substituted"]) == ("O * n", "2 * 32")
    assert row["macs_formula"]["note"] == "traced: its call() runs matmul of (32,) and (32, 2)"
    assert not record["totals"]["macs_partial"] and record["totals"]["macs_unknown"] == []
    assert record["diagnostics"] == []
    steps = reasoning.explain_lines(record)
    assert "  w: 32 × 2 = 64" in steps and "  scale (non-trainable): 2" in steps


def test_a_sublayer_with_frozen_statistics_keeps_its_parts():
    class ConvBlock(L.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.conv = L.Conv2D(4, 3, use_bias=False)
            self.norm = L.BatchNormalization()

        def call(self, x):
            return keras.ops.relu(self.norm(self.conv(x)))

    def build():
        image = keras.Input((8, 8, 2))
        return keras.Model(image, ConvBlock(name="block")(image))

    with fresh_names():
        model = build()
    row = rows_by_label(summarize_model(model))["block"]
    assert [(p[0], p[3], p[4]) for p in parts_of(row)] == [
        ("conv: kernel", 4 * 2 * 3 * 3, True), ("norm: gamma and beta", 8, True),
        ("norm: moving mean and variance", 8, False)]
    block = model.get_layer("block")
    assert (row["params"]["trainable"], row["params"]["non_trainable"]) == (
        sum(int(w.numpy().size) for w in block.trainable_weights),
        sum(int(w.numpy().size) for w in block.non_trainable_weights))
    assert row["macs"] == 6 * 6 * 4 * 2 * 3 * 3


class Unregistered(L.Layer):
    """A custom layer nobody told Keras about."""

    def build(self, input_shape):
        self.k = self.add_weight(shape=(input_shape[-1],))

    def call(self, x):
        return x * self.k


def test_a_keras_file_with_an_unknown_class_says_what_is_missing(tmp_path):
    inputs = keras.Input((4,))
    keras.Model(inputs, Unregistered()(inputs)).save(tmp_path / "custom.keras")
    with pytest.raises(ModelSpecError) as caught:
        summarize("custom.keras", base_dir=tmp_path)
    message = str(caught.value)
    assert caught.value.problem is Problem.FILE
    assert "the custom class 'Unregistered', which Keras could not locate" in message
    assert "@keras.saving.register_keras_serializable()" in message and "import its module" in message
    assert "could not be deserialized properly" not in message


def test_a_keras_file_with_registered_custom_layers_is_explained(tmp_path, classifier):
    record, model = classifier
    model.save(tmp_path / "classifier.keras")
    loaded = summarize("classifier.keras", base_dir=tmp_path)
    assert [r["formula"]["symbolic"] if r["formula"] else None for r in loaded["layers"]] == [
        r["formula"]["symbolic"] if r["formula"] else None for r in record["layers"]]
    assert loaded["totals"]["params"] == model.count_params()
