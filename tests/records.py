"""Summary records made by hand, for the tests that need no Keras."""

from sphinx_modelsummary.model.summary import build_record


def small_record(sources: list[str]) -> dict:
    """A record as summary.build_record makes it: one layer of 3 x 3 x 1 x 32 + 32 = 320 weights."""
    fact = {"name": "conv", "label": "conv", "class": "Thing", "module": "mypkg", "depth": 0, "parent": None,
            "call": 0, "shared": False, "is_model": False, "is_layer": True, "config": {},
            "input_shapes": [[None, 28, 28, 1]], "output_shapes": [[None, 26, 26, 32]], "output_dtypes": ["float32"],
            "real_output_shapes": None,
            "weights": [{"name": "conv/kernel", "path": "kernel", "shape": [3, 3, 1, 32], "trainable": True,
                         "dtype": "float32"},
                        {"name": "conv/bias", "path": "bias", "shape": [32], "trainable": True, "dtype": "float32"}],
            "connected_to": [], "wraps": [], "sublayers": []}
    model = {"name": "m", "class": "Sequential", "spec": "models:build", "input_shapes": None,
             "inputs": [[None, 28, 28, 1]], "input_dtypes": ["float32"],
             "outputs": [[None, 26, 26, 32]], "keras_version": "3", "backend": "x",
             "sources": sources}
    return build_record([fact], model=model, keras_totals={"params": 320, "trainable": 320},
                        memory={"float32": 1280})
