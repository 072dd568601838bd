"""Explain a Keras model's shapes and parameters in Sphinx docs."""

__version__ = "0.1.0"
