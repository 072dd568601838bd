"""The problems a user can cause: their kinds (warning subtypes), the one error type, and
the hint that says how to fix each in the tool in use."""

from __future__ import annotations

import enum
import sys


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


# Hints ------------------------------------------------------------------------------------
# What to do about a problem, in the words of the tool in use. The core's messages say what
# is wrong in terms every front-end shares; each front-end adds the fix for its own tool:
# conf.py for Sphinx, _config.yml for Jupyter Book 1, myst.yml for mystmd (Jupyter Book 2),
# the current folder for the command line.

TOOLS = ("sphinx", "jupyter-book", "mystmd", "cli")

# Which messages get a hint: their subtype, and how the core's message starts.
_KINDS = {
    "path": (Problem.IMPORT, "cannot import module"),
    "fill": (Problem.UNCACHED, "no cached summary"),
    "refresh": (Problem.STALE, "the cached summary"),
}

_SPHINX_COMPUTE = "sphinx-build -E -b dummy -D modelsummary_mode=compute SOURCEDIR OUTDIR"
_BOOK_COMPUTE = "set 'modelsummary_mode: compute' under 'sphinx: config:' in _config.yml and run jupyter-book build --all ."
_MYST_COMPUTE = "MODELSUMMARY_MODE=compute myst build"

HINTS = {
    "sphinx": {
        "path": "in conf.py: sys.path.insert(0, os.path.abspath('FOLDER'))",
        "fill": f"fill the cache with: {_SPHINX_COMPUTE}",
        "refresh": f"refresh it with: {_SPHINX_COMPUTE}",
    },
    "jupyter-book": {
        "path": "in _config.yml, 'sphinx: local_extensions: {sphinx_modelsummary: FOLDER}' puts FOLDER "
                "(relative to _config.yml) on sys.path",
        "fill": f"to fill the cache, {_BOOK_COMPUTE}",
        "refresh": f"to refresh it, {_BOOK_COMPUTE}",
    },
    "mystmd": {
        "path": "the folder of myst.yml is importable: put the module there, or add its folder to PYTHONPATH "
                "where you run myst",
        "fill": f"fill the cache with: {_MYST_COMPUTE}",
        "refresh": f"refresh it with: {_MYST_COMPUTE}",
    },
    "cli": {
        "path": "the current folder is importable: run the command in the module's folder, or add that "
                "folder to PYTHONPATH",
    },
}


def hint(tool: str, subtype: str, message: str) -> str:
    """The hint for one of the core's messages in ``tool``, or ``""``."""
    for kind, (problem, start) in _KINDS.items():
        if subtype == problem.value and message.startswith(start):
            return HINTS[tool].get(kind, "")
    return ""


def with_hint(tool: str, subtype: str, message: str) -> str:
    extra = hint(tool, subtype, message)
    return f"{message}; {extra}" if extra else message


def config_file(tool: str) -> str:
    """Where a Sphinx-based tool's ``modelsummary_*`` values are set."""
    return "_config.yml (sphinx: config:)" if tool == "jupyter-book" else "conf.py"


def sphinx_tool() -> str:
    """``jupyter-book`` inside ``jupyter-book build`` (Jupyter Book 1 runs Sphinx in its
    own process, with a ``_config.yml`` and no ``conf.py``), else ``sphinx``."""
    return "jupyter-book" if "jupyter_book" in sys.modules else "sphinx"
