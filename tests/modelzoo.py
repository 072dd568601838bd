"""Small models for the core tests, each built by a factory so names start afresh."""

import keras
from keras import layers


def multi_io():
    image = keras.Input((32, 32, 3), name="image")
    meta = keras.Input((8,), name="meta")
    x = layers.Conv2D(16, 3, strides=2, padding="same")(image)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Concatenate()([x, meta])
    label = layers.Dense(5, name="label")(x)
    score = layers.Dense(1, name="score")(x)
    return keras.Model([image, meta], [label, score], name="two_heads")


def nested_and_shared():
    encoder = keras.Sequential(
        [keras.Input((16,)), layers.Dense(8, name="enc_dense"), layers.BatchNormalization(name="enc_bn")],
        name="encoder",
    )
    left, right = keras.Input((16,), name="left"), keras.Input((16,), name="right")
    shared = layers.Dense(4, name="shared_dense")
    a, b = shared(encoder(left)), shared(encoder(right))
    return keras.Model([left, right], layers.Add()([a, b]), name="siamese")


class TinyNet(keras.Model):
    def __init__(self):
        super().__init__(name="tiny_net")
        self.conv = layers.Conv2D(8, 3)
        self.pool = layers.GlobalMaxPooling2D()
        self.head = layers.Dense(3)

    def call(self, x):
        return self.head(self.pool(self.conv(x)))


class Scale(layers.Layer):
    """A user's layer the catalog cannot know."""

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(3, 3, input_shape[-1], 32), name="kernel")
        self.bias = self.add_weight(shape=(32,), name="bias")

    def call(self, x):
        return keras.ops.conv(x, self.kernel) + self.bias

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[1] - 2, input_shape[2] - 2, 32)


def custom_layer():
    inputs = keras.Input((28, 28, 1))
    return keras.Model(inputs, Scale(name="scale")(inputs), name="custom")


def raises():
    return helper_that_fails()


def helper_that_fails():
    raise RuntimeError("no data directory")


def not_a_model():
    return 42


NUMBER = 7


def keras_shape_quirks():
    """Keras reports wrong symbolic shapes here (see the reference on Keras 3 quirks)."""
    sequence = keras.Input((5, 3), name="sequence")
    both = layers.Bidirectional(
        layers.LSTM(4, return_sequences=True),
        backward_layer=layers.LSTM(6, return_sequences=True, go_backwards=True),
        name="both_ways",
    )(sequence)
    grid = keras.Input((5, 4, 3), name="grid")
    mixed = layers.EinsumDense("...b,bc->...c", output_shape=6, name="mixed")(grid)
    return keras.Model([sequence, grid], [both, mixed], name="quirks")
