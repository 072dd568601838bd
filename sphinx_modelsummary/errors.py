"""The one error type users meet, and the warning subtypes of the Sphinx front-end."""

from __future__ import annotations

import enum


class Problem(str, enum.Enum):
    """Warning subtypes: ``suppress_warnings = ["modelsummary.<value>"]``."""

    SYNTAX = "syntax"  # a malformed spec, argument list or input shape
    IMPORT = "import"  # the module cannot be imported
    ATTRIBUTE = "attribute"  # the module has no such attribute
    NOT_A_MODEL = "not_a_model"  # the attribute (or what the factory returns) is no Keras model
    FACTORY = "factory"  # the factory raised
    MOCKED = "mocked"  # the object is an autodoc mock
    INPUT_SHAPE = "input_shape"  # the model needs an input shape, or the one given does not fit
    FILE = "file"  # a .keras file is missing, corrupt or unsafe to load
    FRAMEWORK = "framework"  # Keras or its backend cannot be imported
    OPTION = "option"  # a bad directive option (an unknown column, say)
    MISMATCH = "mismatch"  # a formula disagrees with Keras
    EXPECT = "expect"  # :expect-params: differs from the model's total
    STALE = "stale"  # cache-only mode: the cached record is older than the model's sources
    UNCACHED = "uncached"  # cache-only mode: no usable cache entry for the spec
    INTERNAL = "internal"  # an unexpected error: a bug in sphinx-modelsummary
    UNKNOWN_SUMMARY = "unknown_summary"  # an ms role or a quiz names no summary with that :name:
    UNKNOWN_LAYER = "unknown_layer"  # an ms role names a layer the summary does not have
    UNKNOWN_QUANTITY = "unknown_quantity"  # an ms role the domain lacks, or a number the layer lacks
    QUIZ = "quiz"  # the quiz asked for cannot be made from the model


class ModelSpecError(Exception):
    """Anything wrong with a spec or the model it names; ``problem`` says which kind."""

    def __init__(self, problem: Problem, message: str):
        super().__init__(message)
        self.problem = problem
        self.sources: list[str] = []  # the user's files involved, when known
