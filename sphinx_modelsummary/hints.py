"""What to do about a problem, in the words of the tool in use.

The core's messages say what is wrong in terms every front-end shares; each front-end
adds the fix for its own tool: ``conf.py`` for Sphinx, ``_config.yml`` for Jupyter
Book 1, ``myst.yml`` for mystmd (Jupyter Book 2), the current folder for the command line.
"""

from __future__ import annotations

import sys

from .errors import Problem

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
