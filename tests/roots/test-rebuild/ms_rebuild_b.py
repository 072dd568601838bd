import keras
from keras import layers


def build():
    return keras.Sequential([keras.Input(shape=(3,)), layers.Dense(5, name="b_out")], name="model_b")
