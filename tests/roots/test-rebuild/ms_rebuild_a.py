import keras
from keras import layers

import ms_rebuild_shared


def build():
    inputs = keras.Input(shape=(ms_rebuild_shared.INPUTS,))
    return keras.Sequential([inputs, layers.Dense(4, name="a_out")], name="model_a")
