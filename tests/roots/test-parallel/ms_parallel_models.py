"""Small models for the parallel-build test."""

import keras
from keras import layers


def build_mlp(units=8):
    return keras.Sequential([keras.Input(shape=(16,)), layers.Dense(units, name="hidden"),
                             layers.Dense(2, name="out")], name="mlp")


def build_conv(filters=4):
    return keras.Sequential([keras.Input(shape=(12, 12, 3)), layers.Conv2D(filters, 3, name="conv"),
                             layers.MaxPooling2D(2, name="pool"), layers.Flatten(name="flat"),
                             layers.Dense(3, name="out")], name="conv_net")
