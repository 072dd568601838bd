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
    FRAMEWORK = "framework"  # Keras or its backend (or torch, for a PyTorch model) cannot be imported
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
    DUPLICATE = "duplicate"  # two summaries have the same :name: (the first read is the one named)


class Hint(str, enum.Enum):
    """What a problem's fix is about; each tool words it its own way (:data:`HINTS`)."""

    PATH = "path"  # the model's module is not on the import path
    FILL = "fill"  # the cache has no entry and may not compute one
    REFRESH = "refresh"  # the cache entry is older than the model's sources


class ModelSpecError(Exception):
    """Anything wrong with a spec or the model it names; ``problem`` says which kind,
    ``hint`` what a fix is about (if the tool in use can say how)."""

    def __init__(self, problem: Problem, message: str, hint: Hint | None = None):
        super().__init__(message)
        self.problem = problem
        self.hint = hint
        self.sources: list[str] = []  # the user's files involved, when known


class Report(tuple):
    """A problem found on the way to a record: it unpacks as ``(problem, message)``, and
    carries the :class:`Hint` for its fix."""

    def __new__(cls, problem: Problem | str, message: str, hint: Hint | None = None):
        report = super().__new__(cls, (Problem(problem), message))
        report.hint = hint
        return report

    def __reduce__(self):  # for the process that looks summaries up ahead of a parallel build
        return (Report, (self[0], self[1], self.hint))

    @property
    def problem(self) -> Problem:
        return self[0]

    @property
    def message(self) -> str:
        return self[1]


# Hints ------------------------------------------------------------------------------------
# What to do about a problem, in the words of the tool in use. The core's messages say what
# is wrong in terms every front-end shares; each front-end adds the fix for its own tool:
# conf.py for Sphinx, _config.yml for Jupyter Book 1, myst.yml for mystmd (Jupyter Book 2),
# the current folder for the command line.

_SPHINX_COMPUTE = "sphinx-build -E -b dummy -D modelsummary_mode=compute SOURCEDIR OUTDIR"
_BOOK_COMPUTE = "set 'modelsummary_mode: compute' under 'sphinx: config:' in _config.yml and run jupyter-book build --all ."
_MYST_COMPUTE = "MODELSUMMARY_MODE=compute myst build"

HINTS = {
    "sphinx": {
        Hint.PATH: "in conf.py: sys.path.insert(0, os.path.abspath('FOLDER'))",
        Hint.FILL: f"fill the cache with: {_SPHINX_COMPUTE}",
        Hint.REFRESH: f"refresh it with: {_SPHINX_COMPUTE}",
    },
    "jupyter-book": {
        Hint.PATH: "in _config.yml, 'sphinx: local_extensions: {sphinx_modelsummary: FOLDER}' puts FOLDER "
                   "(relative to _config.yml) on sys.path",
        Hint.FILL: f"to fill the cache, {_BOOK_COMPUTE}",
        Hint.REFRESH: f"to refresh it, {_BOOK_COMPUTE}",
    },
    "mystmd": {
        Hint.PATH: "the folder of myst.yml is importable: put the module there, or add its folder to PYTHONPATH "
                   "where you run myst",
        Hint.FILL: f"fill the cache with: {_MYST_COMPUTE}",
        Hint.REFRESH: f"refresh it with: {_MYST_COMPUTE}",
    },
    "cli": {
        Hint.PATH: "the current folder is importable: run the command in the module's folder, or add that "
                   "folder to PYTHONPATH",
    },
}


def describe(tool: str, problem: Problem | str, message: str, hint: Hint | None = None, spec: str = "") -> str:
    """A problem in the words of ``tool`` (a key of :data:`HINTS`): the message, after
    ``spec`` when it does not name it, and the tool's fix for ``hint``, if it has one.
    ``problem`` must be a :class:`Problem` (or its value): the subtype every tool names."""
    Problem(problem)
    if spec and spec not in message:
        message = f"{spec}: {message}"
    fix = HINTS[tool].get(hint, "") if hint else ""
    return f"{message}; {fix}" if fix else message


def config_file(tool: str) -> str:
    """Where a Sphinx-based tool's ``modelsummary_*`` values are set."""
    return "_config.yml (sphinx: config:)" if tool == "jupyter-book" else "conf.py"


def sphinx_tool() -> str:
    """``jupyter-book`` inside ``jupyter-book build`` (Jupyter Book 1 runs Sphinx in its
    own process, with a ``_config.yml`` and no ``conf.py``), else ``sphinx``."""
    return "jupyter-book" if "jupyter_book" in sys.modules else "sphinx"
