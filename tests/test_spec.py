"""Model specs: parsing without Keras, and every way loading can fail."""

import pytest

from sphinx_modelsummary.problems import ModelSpecError, Problem
from sphinx_modelsummary.model.spec import ModelSpec, parse_input_shapes, parse_spec


def test_parse_attribute_and_factory():
    assert parse_spec("examples.mnist:build_cnn") == ModelSpec("examples.mnist", "build_cnn")
    spec = parse_spec("keras.applications:MobileNetV2(weights=None, alpha=0.5, input_shape=(96, 96, 3))")
    assert (spec.module, spec.attr, spec.called) == ("keras.applications", "MobileNetV2", True)
    assert dict(spec.kwargs) == {"weights": None, "alpha": 0.5, "input_shape": (96, 96, 3)}
    assert parse_spec("pkg.mod:Zoo.build(3, 'x')").args == (3, "x")
    assert parse_spec("models/cnn.keras") == ModelSpec(path="models/cnn.keras")


@pytest.mark.parametrize(
    "text",
    ["examples.mnist", "examples.mnist:build_cnn(", "m:f(__import__('os'))", "m:f(x)", "m:f(**{'a': 1})",
     "m:f(1)(2)", "1m:f"],
)
def test_bad_specs_are_syntax_errors(text):
    with pytest.raises(ModelSpecError) as caught:
        parse_spec(text)
    assert caught.value.problem is Problem.SYNTAX
    assert repr(text) in str(caught.value) or text in str(caught.value)


def test_input_shapes():
    assert parse_input_shapes("28, 28, 1") == [(28, 28, 1)]
    assert parse_input_shapes("(32, 32, 3); 8") == [(32, 32, 3), (8,)]
    assert parse_input_shapes("None, 16") == [(None, 16)]
    assert parse_input_shapes("") is None and parse_input_shapes(None) is None


@pytest.mark.parametrize("text", ["28, x, 1", "28,, -1", ";", "0, 3"])
def test_bad_input_shapes(text):
    with pytest.raises(ModelSpecError) as caught:
        parse_input_shapes(text)
    assert caught.value.problem is Problem.SYNTAX


keras_cases = [
    ("no_such_module_xyz:build", None, Problem.IMPORT, "cannot import module 'no_such_module_xyz'"),
    ("examples.mnist:build_cnm", None, Problem.ATTRIBUTE, "did you mean 'build_cnn'"),
    ("modelzoo:NUMBER", None, Problem.NOT_A_MODEL, "is a builtins.int"),
    ("modelzoo:not_a_model", None, Problem.NOT_A_MODEL, "gave a builtins.int, not a Keras model"),
    ("modelzoo:raises", None, Problem.FACTORY, "RuntimeError: no data directory (at modelzoo.py:"),
    ("examples.mnist:build_cnn_deferred", None, Problem.INPUT_SHAPE, "give an input shape"),
    ("examples.mnist:build_cnn", "32, 32, 3", Problem.INPUT_SHAPE, "already takes inputs of shape 28, 28, 1"),
    ("modelzoo:TinyNet", "10, 10", Problem.INPUT_SHAPE, "cannot build 'tiny_net'"),
    ("examples.mnist:build_cnn(3)", None, Problem.FACTORY, "TypeError"),
    ("missing.keras", None, Problem.FILE, "no model file at"),
]


@pytest.mark.parametrize("spec, shape, problem, message", keras_cases)
def test_loading_errors(spec, shape, problem, message):
    pytest.importorskip("keras")
    from sphinx_modelsummary.model.summary import summarize

    with pytest.raises(ModelSpecError) as caught:
        summarize(spec, shape)
    assert caught.value.problem is problem
    assert message in str(caught.value)


def test_mocked_factory():
    pytest.importorskip("keras")
    from sphinx.ext.autodoc.mock import mock

    from sphinx_modelsummary.model.summary import summarize

    with mock(["fake_ml_package"]):
        import sys
        import types

        module = types.ModuleType("mocked_models")
        import fake_ml_package

        module.build = fake_ml_package.models.build
        sys.modules["mocked_models"] = module
        with pytest.raises(ModelSpecError) as caught:
            summarize("mocked_models:build")
    assert caught.value.problem is Problem.MOCKED


def test_corrupt_and_unsafe_keras_files(tmp_path):
    keras = pytest.importorskip("keras")
    from sphinx_modelsummary.model.summary import summarize

    (tmp_path / "corrupt.keras").write_bytes(b"not a zip file")
    with pytest.raises(ModelSpecError) as caught:
        summarize("corrupt.keras", base_dir=tmp_path)
    assert caught.value.problem is Problem.FILE and "not a valid .keras file" in str(caught.value)

    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Lambda(lambda x: x * 2)(inputs))
    model.save(tmp_path / "lambda.keras")
    with pytest.raises(ModelSpecError) as caught:
        summarize("lambda.keras", base_dir=tmp_path)
    assert caught.value.problem is Problem.FILE and "safe mode" in str(caught.value)
