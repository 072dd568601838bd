"""Explain a Keras model's shapes and parameters in Sphinx docs.

``extensions = ["sphinx_modelsummary"]`` registers the ``model-summary`` directive;
neither this module nor the registration imports Keras.
"""

from ._version import __version__  # noqa: F401


def setup(app):
    from .sphinx_ext import setup as setup_extension

    return setup_extension(app)


def explain(model, input_shape=None, **options):
    """In a notebook: the summary table of a Keras model or a spec (see :mod:`.notebook`)."""
    from .notebook import explain as explain_model

    return explain_model(model, input_shape, **options)
