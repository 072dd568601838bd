"""A residual block (ResNet's basic block with a projection shortcut).

Two 3 x 3 convolutions with batch normalisation on the main path; the shortcut is a
1 x 1 convolution, because the block doubles the channels and halves the size, so the
input cannot be added as it is. The two paths meet in an Add.
"""

import keras
from keras import layers


def build_residual_block(size=32, channels=16, filters=32):
    image = keras.Input(shape=(size, size, channels), name="features")

    x = layers.Conv2D(filters, 3, strides=2, padding="same", use_bias=False, name="conv_a")(image)
    x = layers.BatchNormalization(name="bn_a")(x)
    x = layers.ReLU(name="relu_a")(x)
    x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name="conv_b")(x)
    x = layers.BatchNormalization(name="bn_b")(x)

    shortcut = layers.Conv2D(filters, 1, strides=2, use_bias=False, name="shortcut")(image)
    shortcut = layers.BatchNormalization(name="bn_shortcut")(shortcut)

    x = layers.Add(name="add")([x, shortcut])
    outputs = layers.ReLU(name="relu_out")(x)
    return keras.Model(image, outputs, name="residual_block")
