"""A siamese network: one sub-model and one layer applied to two inputs, plus a nested head.

``encoder`` (a Sequential model) embeds each of two 28 x 28 images with the same
weights; ``projection`` (a Dense layer) is also called on both embeddings; ``head`` (a
functional model) compares them. The encoder's and the projection's weights are
counted once, at their first call.
"""

import keras
from keras import layers, ops


def build_encoder(embedding_size=32):
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(16, 3, activation="relu", name="conv"),
            layers.MaxPooling2D(2, name="pool"),
            layers.Flatten(name="flatten"),
            layers.Dense(embedding_size, activation="relu", name="embed"),
        ],
        name="encoder",
    )


def build_head(size=16):
    left = keras.Input(shape=(size,), name="left")
    right = keras.Input(shape=(size,), name="right")
    difference = layers.Subtract(name="difference")([left, right])
    product = layers.Multiply(name="product")([left, right])
    joined = layers.Concatenate(name="joined")([difference, product])
    same = layers.Dense(1, activation="sigmoid", name="same")(joined)
    return keras.Model([left, right], same, name="head")


def build_siamese(embedding_size=32, projection_size=16):
    encoder = build_encoder(embedding_size)
    projection = layers.Dense(projection_size, name="projection")
    head = build_head(projection_size)

    first = keras.Input(shape=(28, 28, 1), name="first")
    second = keras.Input(shape=(28, 28, 1), name="second")
    a = projection(encoder(first))
    b = projection(encoder(second))
    return keras.Model([first, second], head([a, b]), name="siamese")


def build_stage(filters, name):
    return keras.Sequential(
        [
            layers.Conv2D(filters, 3, padding="same", activation="relu", name="conv"),
            layers.MaxPooling2D(2, name="pool"),
        ],
        name=name,
    )


def build_two_levels():
    """Two levels of nesting: ``classifier`` holds ``backbone``, which holds two stages."""
    image = keras.Input(shape=(32, 32, 3), name="image")
    x = build_stage(16, "stage_1")(image)
    x = build_stage(32, "stage_2")(x)
    backbone = keras.Model(image, x, name="backbone")

    inputs = keras.Input(shape=(32, 32, 3), name="input")
    features = layers.GlobalAveragePooling2D(name="global_pool")(backbone(inputs))
    outputs = layers.Dense(10, activation="softmax", name="classify")(features)
    return keras.Model(inputs, outputs, name="classifier")


def build_any_size_cnn():
    """A CNN for images of any size: its own graph knows neither height nor width."""
    image = keras.Input(shape=(None, None, 3), name="image")
    x = layers.Conv2D(8, 3, activation="relu", name="conv")(image)
    x = layers.MaxPooling2D(2, name="pool")(x)
    return keras.Model(image, layers.GlobalAveragePooling2D(name="features")(x), name="any_size_cnn")


def build_clip_classifier(frames=8, size=64, classes=5):
    """The any-size CNN on every frame of a clip of 64 x 64 frames, then averaged and classified."""
    clip = keras.Input(shape=(frames, size, size, 3), name="clip")
    x = layers.TimeDistributed(build_any_size_cnn(), name="per_frame")(clip)
    x = layers.GlobalAveragePooling1D(name="average_frames")(x)
    return keras.Model(clip, layers.Dense(classes, name="label")(x), name="clip_classifier")


def build_two_sizes():
    """The any-size CNN called on a 32 x 32 thumbnail and on a 64 x 64 image, with the same weights."""
    cnn = build_any_size_cnn()
    thumbnail = keras.Input(shape=(32, 32, 3), name="thumbnail")
    image = keras.Input(shape=(64, 64, 3), name="full_image")
    joined = layers.Concatenate(name="joined")([cnn(thumbnail), cnn(image)])
    return keras.Model([thumbnail, image], layers.Dense(1, name="score")(joined), name="two_sizes")


class MatmulDense(layers.Layer):
    """A dense layer written by hand: ``ops.matmul`` on weights of its own."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), name="w")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="b")

    def call(self, x):
        return ops.matmul(x, self.w) + self.b


def build_hand_dense(steps=10, features=12, units=5):
    tokens = keras.Input(shape=(steps, features), name="tokens")
    return keras.Model(tokens, MatmulDense(units, name="hand_dense")(tokens), name="hand_dense_model")
