"""Every warning of the Sphinx front-end: located, ``type="modelsummary"``, a
:class:`~sphinx_modelsummary.problems.Problem` subtype for ``suppress_warnings``, and the
words of :func:`~sphinx_modelsummary.problems.describe` for Sphinx or Jupyter Book 1."""

from __future__ import annotations

from sphinx.util import logging

from ..model.clean import one_line
from ..problems import Hint, Problem, describe, sphinx_tool

logger = logging.getLogger("sphinx_modelsummary")


def warn(location, problem: Problem | str, message: str, hint: Hint | None = None) -> None:
    """``location``: a node, ``(docname, line)`` or ``None`` (a configuration value)."""
    text = one_line(describe(sphinx_tool(), problem, message, hint))  # names and messages from outside
    logger.warning(text, location=location, type="modelsummary", subtype=Problem(problem).value)
