"""A siamese network: one sub-model and one layer applied to two inputs, plus a nested head.

``encoder`` (a Sequential model) embeds each of two 28 x 28 images with the same
weights; ``projection`` (a Dense layer) is also called on both embeddings; ``head`` (a
functional model) compares them. The encoder's and the projection's weights are
counted once, at their first call.
"""

import keras
from keras import layers


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
