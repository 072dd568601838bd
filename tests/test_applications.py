"""Sweep keras.applications (weights=None, nothing downloaded): the catalog against Keras."""

import pytest

keras = pytest.importorskip("keras")

from sphinx_modelsummary.model.spec import load_model, parse_spec  # noqa: E402
from sphinx_modelsummary.model.summary import summarize_model  # noqa: E402

APPLICATIONS = sorted(
    name for name in dir(keras.applications)
    if name[0].isupper() and callable(getattr(keras.applications, name))
)
PUBLIC_LAYERS = {name for name in dir(keras.layers) if name[0].isupper()}


def all_layers(model):
    for layer in model.layers:
        yield layer
        if isinstance(layer, keras.Model):
            yield from all_layers(layer)


@pytest.mark.parametrize("name", APPLICATIONS)
def test_application_agrees_with_keras(name):
    spec = parse_spec(f"keras.applications:{name}(weights=None)")
    graph, model = load_model(spec)
    record = summarize_model(graph, model, spec=spec.text)
    assert record["diagnostics"] == []
    assert record["totals"]["params"] == model.count_params()
    layers = {layer.name: layer for layer in all_layers(model)}
    for row in record["layers"]:
        layer = layers.get(row["name"])
        if layer is None or row["shared"]:
            continue
        formula = row["formula"]
        assert (formula["value"] if formula else 0) == layer.count_params(), row["label"]
        if row["class"] in PUBLIC_LAYERS and layer.count_params():
            assert formula["source"] == "catalog", row["label"]
        output = [d for d in row["output_shapes"][0]]
        for derivation in row["shape_derivations"]:
            assert derivation["value"] in output[1:], row["label"]
