"""Factories that do what a hostile (or careless) user's code might."""

import sys
from pathlib import Path

import keras
from keras import layers

BUILDS = Path(__file__).with_name("builds.txt")  # one line per factory call, when it exists


def _count(name: str) -> None:
    if BUILDS.exists():
        with BUILDS.open("a") as counter:
            counter.write(name + "\n")


def sets_globals():
    """Changes every global Keras setting it can, then builds 4 -> Dense(2): 10 parameters."""
    _count("sets_globals")
    keras.config.set_image_data_format("channels_first")
    keras.config.set_floatx("float16")
    keras.config.set_epsilon(0.5)
    keras.config.set_dtype_policy("mixed_bfloat16")
    keras.config.enable_unsafe_deserialization()
    return keras.Sequential([keras.Input((4,)), layers.Dense(2, name="out")], name="careless")


def conv():
    """Conv2D(32, 3) on 8 x 8 x 3, channels last: 32 * (3 * 3 * 3 + 1) = 896 parameters, float32.
    (In channels_first it would read 8 channels: 32 * (8 * 3 * 3 + 1) = 2,336.)"""
    _count("conv")
    return keras.Sequential([keras.Input((8, 8, 3)), layers.Conv2D(32, 3, name="conv")], name="conv_net")


def small(size=4):
    """size inputs -> Dense(2): size * 2 + 2 parameters."""
    _count("small")
    return keras.Sequential([keras.Input((size,)), layers.Dense(2, name="out")], name="small")


def deferred():
    return keras.Sequential([layers.Dense(2, name="out")], name="deferred")


def lambda_model(marker: str):
    """A Lambda that writes ``marker`` whenever its code runs: as the model is built here,
    and again if Keras rebuilds it from a file without safe mode. (Keras stores a
    lambda's code in the file, a named function by name only.)"""
    write = eval(f"lambda x: (open({marker!r}, 'w').write('the code ran'), x)[1]")  # the path a constant in its code
    return keras.Sequential([keras.Input((4,)), layers.Lambda(write, name="touch")])


def exits():
    sys.exit(3)


class Halt(BaseException):
    """Not an Exception: only `except BaseException` catches it."""


def raises_base_exception():
    raise Halt("stop everything")


def interrupts():
    raise KeyboardInterrupt
