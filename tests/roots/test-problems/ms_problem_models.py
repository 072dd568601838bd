"""Models and not-models for the bad-input tests."""

import keras
from keras import layers

CALLS = {"build_small": 0, "broken_factory": 0}
NOT_A_MODEL = 42


def build_small(size=4):
    """4 inputs -> Dense(2): 4 * 2 + 2 = 10 parameters."""
    CALLS["build_small"] += 1
    return keras.Sequential([keras.Input(shape=(size,)), layers.Dense(2, name="out")], name="small")


def build_deferred():
    return keras.Sequential([layers.Dense(2, name="out")], name="deferred")


def build_lambda():
    return keras.Sequential([keras.Input(shape=(4,)), layers.Lambda(lambda x: x * 2, name="double")])


def returns_a_string():
    return "not a model"


def broken_factory():
    CALLS["broken_factory"] += 1
    raise ValueError("the factory broke")


def mocked_factory():
    from sphinx.ext.autodoc.mock import _MockObject

    return _MockObject()


class Dense(layers.Dense):
    """Keras's Dense with one weight more than its formula knows of."""

    def build(self, input_shape):
        super().build(input_shape)
        self.extra = self.add_weight(shape=(3,), name="extra")


Dense.__module__ = "keras.src.layers.core.dense"  # so the catalog takes it for keras.layers.Dense


def build_mismatch():
    """The formula says 4 * 2 + 2 = 10; Keras counts 13."""
    return keras.Sequential([keras.Input(shape=(4,)), Dense(2, name="odd")], name="odd_model")
