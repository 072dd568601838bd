"""A functional model with two inputs and two outputs.

A product photo and a few numbers about the listing go in; a category (5 classes)
and a price estimate come out. The image branch is a small CNN, the metadata branch a
Dense layer, and the two meet in a Concatenate layer before two heads.
"""

import keras
from keras import layers


def build_listing_model(image_size=64, metadata_features=12, categories=5):
    image = keras.Input(shape=(image_size, image_size, 3), name="image")
    metadata = keras.Input(shape=(metadata_features,), name="metadata")

    x = layers.Conv2D(16, 3, strides=2, activation="relu", name="conv_1")(image)
    x = layers.Conv2D(32, 3, strides=2, activation="relu", name="conv_2")(x)
    x = layers.GlobalAveragePooling2D(name="pool")(x)

    m = layers.Dense(16, activation="relu", name="meta_dense")(metadata)

    joined = layers.Concatenate(name="joined")([x, m])
    hidden = layers.Dense(32, activation="relu", name="hidden")(joined)
    category = layers.Dense(categories, activation="softmax", name="category")(hidden)
    price = layers.Dense(1, name="price")(hidden)
    return keras.Model([image, metadata], [category, price], name="listing")
