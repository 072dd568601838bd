"""A subclassed ``keras.Model``: Keras knows its shapes only once it sees an input.

The directive needs ``:input-shape: 28, 28, 1`` for it.
"""

import keras
from keras import layers


class SmallCNN(keras.Model):
    def __init__(self, classes=10, filters=16, **kwargs):
        super().__init__(**kwargs)
        self.conv = layers.Conv2D(filters, 3, activation="relu", name="conv")
        self.pool = layers.MaxPooling2D(2, name="pool")
        self.flatten = layers.Flatten(name="flatten")
        self.hidden = layers.Dense(64, activation="relu", name="hidden")
        self.classify = layers.Dense(classes, activation="softmax", name="classify")

    def call(self, inputs):
        x = self.pool(self.conv(inputs))
        return self.classify(self.hidden(self.flatten(x)))


def build_small_cnn(classes=10, filters=16):
    """An unbuilt ``SmallCNN``."""
    return SmallCNN(classes=classes, filters=filters, name="small_cnn")


class TwoTower(keras.Model):
    """Scores a (user, item) pair: two inputs, so two input shapes separated by ``;``."""

    def __init__(self, size=16, **kwargs):
        super().__init__(**kwargs)
        self.user_tower = layers.Dense(size, activation="relu", name="user_tower")
        self.item_tower = layers.Dense(size, activation="relu", name="item_tower")
        self.joined = layers.Concatenate(name="joined")
        self.score = layers.Dense(1, activation="sigmoid", name="score")

    def call(self, inputs):
        user, item = inputs
        return self.score(self.joined([self.user_tower(user), self.item_tower(item)]))


def build_two_tower(size=16):
    """An unbuilt ``TwoTower``: ``:input-shape: 20; 30``."""
    return TwoTower(size=size, name="two_tower")
