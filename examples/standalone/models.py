"""The models the pages of this project summarise."""

import keras
from keras import layers


def build_classifier(classes=10):
    """A small image classifier for 32 x 32 colour images."""
    return keras.Sequential(
        [
            keras.Input(shape=(32, 32, 3)),
            layers.Conv2D(16, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(32, 3, padding="same", activation="relu"),
            layers.GlobalAveragePooling2D(),
            layers.Dense(classes, activation="softmax"),
        ],
        name="classifier",
    )


def build_mlp(hidden=64, classes=10):
    """A multilayer perceptron without an input shape: summarise it with ``:input-shape:``."""
    return keras.Sequential(
        [
            layers.Dense(hidden, activation="relu"),
            layers.Dense(classes, activation="softmax"),
        ],
        name="mlp",
    )
