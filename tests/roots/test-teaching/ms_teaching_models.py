"""Models for the teaching tests (module names are unique across the test roots)."""

import keras
from keras import layers


def build_strided():
    """Sizes where the floor matters: (32 - 5) / 2 = 13.5 and (14 - 3) / 2 = 5.5."""
    return keras.Sequential(
        [
            keras.Input(shape=(32, 32, 3)),
            layers.Conv2D(16, 5, strides=2, name="stem"),
            layers.MaxPooling2D(3, strides=2, name="pool"),
            layers.Conv2D(32, 3, name="body"),
            layers.Flatten(name="flat"),
            layers.Dense(10, name="head"),
        ],
        name="strided",
    )


def build_mlp():
    """Two dense layers on 784 inputs: 784 * 64 + 64 = 50,240 and 64 * 10 + 10 = 650."""
    return keras.Sequential(
        [keras.Input(shape=(784,)), layers.Dense(64, name="hidden"), layers.Dense(10, name="out")], name="mlp"
    )


def build_free():
    """A sequence of any length: the activations per sample are not known."""
    return keras.Sequential([keras.Input(shape=(None, 8)), layers.Dense(4, name="per_step")], name="free")
