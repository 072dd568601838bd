"""Small models for the option tests (module names are unique across the test roots)."""

import keras
from keras import layers


def build_nested():
    """``inner`` (8 -> 4: 8 * 4 + 4 = 36 parameters) inside ``outer`` (4 -> 2: 4 * 2 + 2 = 10)."""
    inner = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(4, name="inner_dense")], name="inner")
    return keras.Sequential([keras.Input(shape=(8,)), inner, layers.Dense(2, name="outer_dense")], name="outer")


def build_odd_names():
    """Names with characters HTML and LaTeX treat specially."""
    inputs = keras.Input((3,), name="in<put>")
    return keras.Model(inputs, keras.layers.Dense(2, name="odd<&$%#>_name")(inputs), name="m&m's")


HOSTILE = "<img src=x onerror=alert(1)> $x$ `code` k\\oops ^2 ~t {b} 50%"


class Scaled(keras.layers.Layer):
    """A layer of the user's own: explained from its weights, named as they are."""

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), name=HOSTILE)

    def call(self, inputs):
        return inputs * self.scale


def build_hostile_names():
    """Names that would be markup in HTML, Markdown or LaTeX, in a table, a formula and the legend."""
    inner = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2, name=HOSTILE)], name="in\\ner^_#&")
    inputs = keras.Input((3,), name="in`put\\")
    return keras.Model(inputs, Scaled(name="sc$al\\ed")(inner(inputs)), name="m&m's")
