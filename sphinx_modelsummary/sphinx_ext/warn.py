"""Every warning of the Sphinx front-end: located, ``type="modelsummary"``, and a
:class:`~sphinx_modelsummary.problems.Problem` subtype for ``suppress_warnings``."""

from __future__ import annotations

from sphinx.util import logging

from ..problems import Problem

logger = logging.getLogger("sphinx_modelsummary")


def warn(location, subtype: Problem | str, message: str) -> None:
    """``location``: a node, ``(docname, line)`` or ``None`` (a configuration value)."""
    subtype = subtype.value if isinstance(subtype, Problem) else subtype
    logger.warning(message, location=location, type="modelsummary", subtype=subtype)
