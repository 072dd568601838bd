"""The Sphinx front-end: the ``model-summary`` directive (:mod:`.directive`), the
``modelsummary_*`` values (:mod:`.config`, from the one table of settings), the writer's
transforms (:mod:`.transforms`), the teaching roles and quizzes (:mod:`.roles`, :mod:`.quiz`) and the
stylesheet and script. Registering it imports neither Keras nor TensorFlow; the directive
and the configuration are documented in ``docs/directive.rst`` and ``docs/caching.rst``."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from sphinx.util import logging
from sphinx.util.parallel import parallel_available

from .._version import __version__
from ..lookup import prefetch
from .diagram import DrawDiagrams, ModelDiagram, pending_diagram
from .directive import ModelSummary, find_summaries, lookup_call
from .config import SETTINGS, check_config
from .nodes import ANSWER_VISITORS, pending_quiz, pending_summary, quiz_answer, quiz_box, quiz_title
from .quiz import AnswersForTheBuilder, MakeQuizzes, ModelQuiz
from .roles import ModelSummaryDomain, outdated_references
from .transforms import RenderSummaries, TypesetFormulas

logger = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).parent.parent
STATIC_DIR = PACKAGE_DIR / "static"
CSS_FILE = "modelsummary.css"
JS_FILE = "modelsummary.js"


def _config_inited(app, config) -> None:
    """A bad ``modelsummary_*`` value is a warning naming it; its default stands in."""
    config.numfig_format = {"quiz": "Quiz %s", **(config.numfig_format or {})}
    check_config(config)
    static = str(STATIC_DIR)
    if static not in [str(p) for p in config.html_static_path]:
        # first, so a project's own static modelsummary.css wins
        config.html_static_path = [static, *config.html_static_path]


def _summarise_ahead(app, env, docnames: list[str]) -> None:
    """Before any page is read, find the summaries the pages to read show, in their order:
    here in a serial build; in a parallel one, once, in one forked process, so that the
    readers Sphinx forks next inherit them and no model is built twice (nor the framework
    imported in each). Every model is so built in the same order and state either way."""
    calls = []
    for docname in docnames:
        try:
            text = Path(env.doc2path(docname)).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for spec, options in find_summaries(text):
            shape = {"input-shape": options["input-shape"]} if options.get("input-shape") else {}
            try:  # the spec and the input shape say what to look up (a diagram's options are not a table's)
                calls.append(lookup_call(app.config, env, docname, spec, shape)[1])
            except ValueError:  # a bad input shape: the directive reports it, and looks nothing up
                continue
    prefetch(calls, forked=parallel_available and app.parallel > 1)


def code_version() -> int:
    """A number that changes with the package's code and static files (what a built page
    depends on): their names, sizes and modification times, so start-up reads no file."""
    digest = hashlib.sha256()
    for folder, subfolders, files in os.walk(PACKAGE_DIR):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".css", ".js")):
                stat = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    return int(digest.hexdigest()[:8], 16)


def setup(app) -> dict[str, Any]:
    for setting in SETTINGS:
        if setting.config is not None:
            app.add_config_value(setting.config, setting.default, "env", types=setting.types)
    app.add_directive("model-summary", ModelSummary)
    app.add_directive("model-quiz", ModelQuiz)
    app.add_directive("model-diagram", ModelDiagram)
    app.add_node(pending_diagram)
    app.add_post_transform(DrawDiagrams)
    app.add_latex_package("pict2e")  # the diagrams' LaTeX pictures (texlive-pictures)
    app.add_domain(ModelSummaryDomain)  # the ms roles
    app.add_node(pending_summary)
    app.add_node(pending_quiz)
    app.add_node(quiz_answer, **ANSWER_VISITORS)
    app.add_enumerable_node(quiz_box, "quiz", quiz_title)
    app.add_post_transform(RenderSummaries)
    app.add_post_transform(TypesetFormulas)
    app.add_post_transform(MakeQuizzes)
    app.add_post_transform(AnswersForTheBuilder)
    app.connect("env-get-outdated", outdated_references)
    app.connect("env-before-read-docs", _summarise_ahead)
    app.add_css_file(CSS_FILE)
    app.add_js_file(JS_FILE, loading_method="defer")
    app.connect("config-inited", _config_inited)
    return {
        "version": __version__,
        # the doctrees hold summary records, the pages their rendering: new code, new pages
        "env_version": code_version(),
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
