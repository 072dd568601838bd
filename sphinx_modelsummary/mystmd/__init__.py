"""The ``model-summary`` and ``model-quiz`` directives and the ``ms`` roles for mystmd
(Jupyter Book 2), as an executable plugin.

mystmd runs the plugin's entry file with no arguments to read the spec of its
directives and roles, then once per directive or role, a new process each time, with
``--directive model-summary`` (or ``model-quiz``) or ``--role ms:params``, the directive
or role as JSON on stdin, and a JSON list of MyST AST nodes expected on stdout. A plugin
that exits non-zero loses the whole page, so this one always exits 0: a problem is an
admonition in the page (a role's target as code in the prose) and a line on stderr.

Because every directive is a new process, the persistent cache (in the folder of
``myst.yml``) is what keeps builds fast: a cache hit imports no framework, and the first
miss of a build fills the cache for every summary of the site in one process, so a cold
build imports the framework once, not once per page. See ``docs/jupyter-book-2.rst``.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from typing import Any

from ..present.references import QUANTITIES
from ..problems import Problem
from ..settings import CACHE_DIR, DIAGRAM_SETTINGS, OPTIONS, QUIZ_SETTINGS
from .diagram import NAME as DIAGRAM, run_diagram
from .directive import _problem, run_directive
from .quiz import NAME as QUIZ, run_quiz
from .roles import ROLES, run_role
from .site import make_site

NAME = "model-summary"
_SPEC_DOC = "package.module:attribute, package.module:factory(args) or path/to/model.keras"


def _options(settings) -> dict[str, dict]:
    """Every option read as a string, so a flag such as ``:explain:`` and ``:explain: no``
    both reach the parsers; ``:label:`` (MyST's usual word for a target) is ``:name:``."""
    options: dict[str, dict] = {setting.option: {"type": "string"} for setting in settings}
    options["name"]["alias"] = ["label"]
    return options


def plugin_spec() -> dict:
    """What mystmd reads at start-up: the directives, their argument and options, the roles."""
    return {
        "name": "sphinx-modelsummary",
        "directives": [{
            "name": NAME,
            "doc": "A table of a Keras model's layers with the arithmetic behind every shape and parameter count.",
            "arg": {"type": "string", "required": True, "doc": _SPEC_DOC},
            "options": _options(OPTIONS),
        }, {
            "name": QUIZ,
            "doc": "Numbered statements about a model's layers, some wrong as students are wrong, and the answer.",
            "arg": {"type": "string", "doc": _SPEC_DOC + " (or :summary: instead)"},
            "options": _options(QUIZ_SETTINGS),
            "body": {"type": "myst", "doc": "the question, in place of the default one"},
        }, {
            "name": DIAGRAM,
            "doc": "A figure of a Keras model drawn from its summary: feature maps or a graph of its layers.",
            "arg": {"type": "string", "required": True, "doc": _SPEC_DOC},
            "options": _options(DIAGRAM_SETTINGS),
        }],
        "roles": [{"name": role, "doc": f"{QUANTITIES[role.partition(':')[2]]}: summary-name/layer-name",
                   "body": {"type": "string", "required": True}} for role in ROLES],
    }


def main(argv: list[str] | None = None, *, cache_dir: str = CACHE_DIR, mode: str = "auto", **defaults: Any) -> int:
    """The plugin: ``cache_dir`` (relative to the folder of ``myst.yml``; ``""`` for none),
    ``mode`` (``auto``, ``compute``, ``cache``) and defaults for every directive's options
    (``explain=True``, ``columns="layer, params"``). Always returns 0."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv:
        json.dump(plugin_spec(), sys.stdout)
        return 0
    request: dict = {}
    with _nodes_output() as output:
        try:
            run = _RUNS.get(tuple(argv)) if len(argv) == 2 else None
            if run is None:
                raise ValueError(f"unknown request {' '.join(argv)!r}")
            request = json.load(sys.stdin)
            site = make_site(cache_dir, mode, defaults)
            if str(site.root) not in sys.path:
                sys.path.insert(0, str(site.root))  # so pages can name the project's own modules
            nodes = run(request, site)
        except Exception as error:  # a bug: still exit 0, or mystmd drops the page
            message = f"the plugin failed ({type(error).__name__}: {error}); please report this to sphinx-modelsummary"
            where = (request.get("node") or {}).get("position") if isinstance(request, dict) else None
            nodes = [_problem("", where, Problem.INTERNAL, message, error=True)]
        except KeyboardInterrupt:  # the page keeps its place, saying why it has no table
            nodes = [_problem("", None, Problem.FACTORY, "interrupted (KeyboardInterrupt) while the model was built",
                              error=True)]
        json.dump(nodes, output)
    return 0


_RUNS = {("--directive", NAME): run_directive, ("--directive", QUIZ): run_quiz, ("--directive", DIAGRAM): run_diagram,
         **{("--role", role): run_role for role in ROLES}}


@contextlib.contextmanager
def _nodes_output():
    """Standard output for the nodes alone: whatever else is written there while a model
    is built (a ``print`` in the user's module, a C++ log line) goes to stderr instead,
    where it cannot spoil the JSON that mystmd reads."""
    try:
        sys.stdout.flush()
        saved = os.dup(1)
        os.dup2(2, 1)
    except (OSError, ValueError):
        yield sys.stdout
        return
    with os.fdopen(saved, "w", encoding="utf-8") as output:
        yield output
